"""Calibration rounds now belong to the calibration app and agreement figures to the analytics app.
The tables stay where they are: the quiz app forgets the models (state only), attempts and gold
exposures point to calibration.CalibrationRound, and content types follow the models so that
permissions and admin history stay attached."""

import django.db.models.deletion
from django.db import migrations, models


CALIBRATION_MODELS = ("calibrationround", "rounditem", "discussionnote")
ANALYTICS_MODELS = ("agreementsnapshot", "reviewersnapshot", "driftalert", "scenariofigures", "reviewerstanding")


def _relabel(apps, old_label, new_labels):
    content_type = apps.get_model("contenttypes", "ContentType")
    for new_label, models_ in new_labels:
        content_type.objects.filter(app_label=old_label, model__in=models_).update(app_label=new_label)


def content_types_follow_the_models(apps, schema_editor):
    _relabel(apps, "quiz", [("calibration", CALIBRATION_MODELS), ("analytics", ANALYTICS_MODELS)])


def content_types_return_to_quiz(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="calibration", model__in=CALIBRATION_MODELS).update(app_label="quiz")
    content_type.objects.filter(app_label="analytics", model__in=ANALYTICS_MODELS).update(app_label="quiz")


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_initial"),
        ("calibration", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("quiz", "0007_scenario_figures"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="calibrationround",
                    name="cancelled_by",
                ),
                migrations.RemoveField(
                    model_name="calibrationround",
                    name="cohort",
                ),
                migrations.RemoveField(
                    model_name="calibrationround",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="calibrationround",
                    name="policy_version",
                ),
                migrations.RemoveField(
                    model_name="calibrationround",
                    name="scenarios",
                ),
                migrations.RemoveField(
                    model_name="calibrationround",
                    name="team",
                ),
                migrations.AlterField(
                    model_name="attempt",
                    name="calibration_round",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attempts",
                        to="calibration.calibrationround",
                    ),
                ),
                migrations.RemoveField(
                    model_name="discussionnote",
                    name="calibration_round",
                ),
                migrations.AlterField(
                    model_name="goldexposure",
                    name="calibration_round",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="gold_exposures",
                        to="calibration.calibrationround",
                    ),
                ),
                migrations.RemoveField(
                    model_name="rounditem",
                    name="calibration_round",
                ),
                migrations.RemoveField(
                    model_name="discussionnote",
                    name="author",
                ),
                migrations.RemoveField(
                    model_name="discussionnote",
                    name="scenario",
                ),
                migrations.RemoveField(
                    model_name="driftalert",
                    name="acknowledged_by",
                ),
                migrations.RemoveField(
                    model_name="driftalert",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="driftalert",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="reviewersnapshot",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="reviewersnapshot",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="reviewerstanding",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="rounditem",
                    name="scenario",
                ),
                migrations.RemoveField(
                    model_name="scenariofigures",
                    name="policy_version",
                ),
                migrations.RemoveField(
                    model_name="scenariofigures",
                    name="scenario",
                ),
                migrations.DeleteModel(
                    name="AgreementSnapshot",
                ),
                migrations.DeleteModel(
                    name="CalibrationRound",
                ),
                migrations.DeleteModel(
                    name="DiscussionNote",
                ),
                migrations.DeleteModel(
                    name="DriftAlert",
                ),
                migrations.DeleteModel(
                    name="ReviewerSnapshot",
                ),
                migrations.DeleteModel(
                    name="ReviewerStanding",
                ),
                migrations.DeleteModel(
                    name="RoundItem",
                ),
                migrations.DeleteModel(
                    name="ScenarioFigures",
                ),
            ],
        ),
        migrations.RunPython(content_types_follow_the_models, content_types_return_to_quiz),
    ]
