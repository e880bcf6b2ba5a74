from django.db import migrations, models

STAFF_ROLES = ("policy_team", "admin")


def share_staff_quizzes(apps, schema_editor):
    """Before this field, a lead could assign any quiz not written by another lead: keep that for the
    policy team's and admins' quizzes, and for quizzes with no recorded author (written in the admin)."""
    Quiz = apps.get_model("quiz", "Quiz")
    Quiz.objects.filter(models.Q(created_by__role__in=STAFF_ROLES) | models.Q(created_by__isnull=True)).update(
        is_shared=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quiz", "0004_round_cancel_and_all_teams_snapshots"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="quiz",
            name="is_shared",
            field=models.BooleanField(
                default=False,
                help_text="A shared template every lead may assign. Quizzes the policy team or an admin writes are "
                "shared; a lead's own quizzes are theirs alone.",
            ),
        ),
        migrations.RunPython(share_staff_quizzes, migrations.RunPython.noop),
    ]
