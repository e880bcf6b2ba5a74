"""The relations of the moved figure models: model state only, as in 0001."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('analytics', '0001_initial'),
        ('calibration', '0001_initial'),
        ('training', '0003_policy_document_keeps_key_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AddField(
                model_name='agreementsnapshot',
                name='calibration_round',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='calibration.calibrationround'),
            ),
            migrations.AddField(
                model_name='agreementsnapshot',
                name='team',
                field=models.ForeignKey(blank=True, help_text='Empty for the all-teams scopes.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='agreement_snapshots', to='accounts.team'),
            ),
            migrations.AddField(
                model_name='driftalert',
                name='acknowledged_by',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='driftalert',
                name='team',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='drift_alerts', to='accounts.team'),
            ),
            migrations.AddField(
                model_name='driftalert',
                name='user',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='drift_alerts', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='reviewersnapshot',
                name='team',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviewer_snapshots', to='accounts.team'),
            ),
            migrations.AddField(
                model_name='reviewersnapshot',
                name='user',
                field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviewer_snapshots', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='reviewerstanding',
                name='user',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='standing', to=settings.AUTH_USER_MODEL),
            ),
            migrations.AddField(
                model_name='scenariofigures',
                name='policy_version',
                field=models.ForeignKey(blank=True, help_text='The published version whose gold answers the answers were compared with.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='training.policyversion'),
            ),
            migrations.AddField(
                model_name='scenariofigures',
                name='scenario',
                field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='figures', to='training.scenario'),
            ),
            migrations.AddConstraint(
                model_name='agreementsnapshot',
                constraint=models.UniqueConstraint(condition=models.Q(('scope', 'round')), fields=('calibration_round',), name='one_snapshot_per_round'),
            ),
            migrations.AddConstraint(
                model_name='agreementsnapshot',
                constraint=models.UniqueConstraint(condition=models.Q(('scope', 'team_period')), fields=('team', 'granularity', 'period_start'), name='one_team_snapshot_per_period'),
            ),
            migrations.AddConstraint(
                model_name='agreementsnapshot',
                constraint=models.UniqueConstraint(condition=models.Q(('scope', 'clause_period')), fields=('team', 'clause_id', 'granularity', 'period_start'), name='one_clause_snapshot_per_period'),
            ),
            migrations.AddConstraint(
                model_name='agreementsnapshot',
                constraint=models.UniqueConstraint(condition=models.Q(('scope', 'all_period')), fields=('granularity', 'period_start'), name='one_all_teams_snapshot_per_period'),
            ),
            migrations.AddConstraint(
                model_name='agreementsnapshot',
                constraint=models.UniqueConstraint(condition=models.Q(('scope', 'all_clause_period')), fields=('clause_id', 'granularity', 'period_start'), name='one_all_teams_clause_snapshot_per_period'),
            ),
            migrations.AddConstraint(
                model_name='agreementsnapshot',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('calibration_round__isnull', False), ('scope', 'round')), models.Q(models.Q(('scope', 'round'), _negated=True), ('period_end__isnull', False), ('period_start__isnull', False)), _connector='OR'), name='snapshot_has_a_round_or_a_period'),
            ),
            migrations.AddConstraint(
                model_name='agreementsnapshot',
                constraint=models.CheckConstraint(condition=models.Q(models.Q(('scope__in', ['all_period', 'all_clause_period']), ('team__isnull', True)), models.Q(models.Q(('scope__in', ['all_period', 'all_clause_period']), _negated=True), ('team__isnull', False)), _connector='OR'), name='snapshot_has_a_team_unless_it_covers_all_teams'),
            ),
            migrations.AddConstraint(
                model_name='driftalert',
                constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', True)), fields=('team', 'metric', 'granularity', 'period_start'), name='one_team_alert_per_window'),
            ),
            migrations.AddConstraint(
                model_name='driftalert',
                constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('team', 'user', 'metric', 'granularity', 'period_start'), name='one_reviewer_alert_per_window'),
            ),
            migrations.AddConstraint(
                model_name='reviewersnapshot',
                constraint=models.UniqueConstraint(fields=('user', 'team', 'granularity', 'period_start'), name='one_reviewer_snapshot_per_period'),
            ),
            ],
        ),
    ]
