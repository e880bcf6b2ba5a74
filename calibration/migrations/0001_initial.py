"""Calibration rounds move here from the quiz app. Their tables keep their names
(quiz_calibrationround, ...), so this migration changes Django's model state only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('quiz', '0007_scenario_figures'),
        ('training', '0003_policy_document_keeps_key_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='CalibrationRound',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=200)),
                    ('opens_at', models.DateTimeField()),
                    ('closes_at', models.DateTimeField()),
                    ('closed_at', models.DateTimeField(blank=True, help_text='Set when the lead closes the round.', null=True)),
                    ('cancelled_at', models.DateTimeField(blank=True, help_text='Set when a lead cancels the round before closing it: its answers stay blind and are never counted.', null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('cancelled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('cohort', models.ManyToManyField(related_name='calibration_rounds', to=settings.AUTH_USER_MODEL)),
                    ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('policy_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.policyversion')),
                    ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='calibration_rounds', to='accounts.team')),
                ],
                options={
                    'db_table': 'quiz_calibrationround',
                    'ordering': ['-opens_at'],
                },
            ),
            migrations.CreateModel(
                name='DiscussionNote',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('text', models.TextField()),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('calibration_round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='calibration.calibrationround')),
                    ('scenario', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.scenario')),
                ],
                options={
                    'db_table': 'quiz_discussionnote',
                    'ordering': ['created_at'],
                },
            ),
            migrations.CreateModel(
                name='RoundItem',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveIntegerField()),
                    ('calibration_round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='calibration.calibrationround')),
                    ('scenario', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='training.scenario')),
                ],
                options={
                    'db_table': 'quiz_rounditem',
                    'ordering': ['calibration_round', 'position'],
                },
            ),
            migrations.AddField(
                model_name='calibrationround',
                name='scenarios',
                field=models.ManyToManyField(through='calibration.RoundItem', to='training.scenario'),
            ),
            migrations.AddConstraint(
                model_name='rounditem',
                constraint=models.UniqueConstraint(fields=('calibration_round', 'scenario'), name='scenario_once_per_round'),
            ),
            migrations.AddConstraint(
                model_name='calibrationround',
                constraint=models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='round_closes_after_it_opens'),
            ),
            migrations.AddConstraint(
                model_name='calibrationround',
                constraint=models.CheckConstraint(condition=models.Q(('closed_at__isnull', True), ('cancelled_at__isnull', True), _connector='OR'), name='round_is_not_both_closed_and_cancelled'),
            ),
            ],
        ),
    ]
