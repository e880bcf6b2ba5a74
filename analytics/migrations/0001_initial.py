"""Agreement snapshots, drift alerts and stored figures move here from the quiz app. Their tables
keep their names (quiz_agreementsnapshot, ...), so this migration changes Django's model state only."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('quiz', '0007_scenario_figures'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='AgreementSnapshot',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('scope', models.CharField(choices=[('round', 'Calibration round'), ('team_period', 'Team over a period'), ('clause_period', 'Team and clause over a period'), ('all_period', 'All teams over a period'), ('all_clause_period', 'All teams and clause over a period')], max_length=20)),
                    ('clause_id', models.CharField(blank=True, help_text='The gold clause, for clause snapshots.', max_length=10)),
                    ('granularity', models.CharField(blank=True, choices=[('week', 'Week'), ('month', 'Month')], max_length=8)),
                    ('period_start', models.DateField(blank=True, null=True)),
                    ('period_end', models.DateField(blank=True, help_text='Last day of the period, inclusive.', null=True)),
                    ('n_raters', models.PositiveIntegerField(default=0)),
                    ('n_units', models.PositiveIntegerField(default=0)),
                    ('n_answers', models.PositiveIntegerField(default=0)),
                    ('percent_agreement', models.FloatField(blank=True, null=True)),
                    ('fleiss_kappa', models.FloatField(blank=True, null=True)),
                    ('alpha', models.FloatField(blank=True, help_text="Krippendorff's alpha (nominal).", null=True)),
                    ('alpha_low', models.FloatField(blank=True, null=True)),
                    ('alpha_high', models.FloatField(blank=True, null=True)),
                    ('ac1', models.FloatField(blank=True, help_text="Gwet's AC1.", null=True)),
                    ('warnings', models.JSONField(blank=True, default=list)),
                    ('pairwise', models.JSONField(blank=True, default=dict, help_text="Cohen's kappa for each pair of reviewers: {'users': [...], 'matrix': [...]}.")),
                    ('computed_at', models.DateTimeField()),
                ],
                options={
                    'db_table': 'quiz_agreementsnapshot',
                    'ordering': ['team', 'scope', 'granularity', 'period_start', 'clause_id'],
                },
            ),
            migrations.CreateModel(
                name='DriftAlert',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('metric', models.CharField(choices=[('team_alpha', "Team agreement (Krippendorff's alpha)"), ('reviewer_kappa', 'Reviewer kappa against gold')], max_length=16)),
                    ('threshold', models.FloatField()),
                    ('granularity', models.CharField(choices=[('week', 'Week'), ('month', 'Month')], default='week', max_length=8)),
                    ('period_start', models.DateField(help_text='Start of the last window under the threshold.')),
                    ('windows', models.JSONField(default=list, help_text="[{'period_start': ..., 'value': ...}] for the windows under it.")),
                    ('raised_at', models.DateTimeField()),
                    ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ],
                options={
                    'db_table': 'quiz_driftalert',
                    'ordering': ['-raised_at'],
                },
            ),
            migrations.CreateModel(
                name='ReviewerSnapshot',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('granularity', models.CharField(choices=[('week', 'Week'), ('month', 'Month')], max_length=8)),
                    ('period_start', models.DateField()),
                    ('period_end', models.DateField()),
                    ('n_answers', models.PositiveIntegerField(default=0)),
                    ('accuracy', models.FloatField(blank=True, help_text='Share of answers whose clause decision matches gold.', null=True)),
                    ('kappa_vs_gold', models.FloatField(blank=True, null=True)),
                    ('sensitivity', models.FloatField(blank=True, help_text='Share of violating cases answered violating.', null=True)),
                    ('specificity', models.FloatField(blank=True, help_text='Share of permitted cases answered not violating.', null=True)),
                    ('confusion', models.JSONField(blank=True, default=dict, help_text='{gold clause: {answered clause: count}}.')),
                    ('computed_at', models.DateTimeField()),
                ],
                options={
                    'db_table': 'quiz_reviewersnapshot',
                    'ordering': ['team', 'user', 'granularity', 'period_start'],
                },
            ),
            migrations.CreateModel(
                name='ReviewerStanding',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('n_answers', models.PositiveIntegerField()),
                    ('accuracy', models.FloatField(blank=True, null=True)),
                    ('group', models.CharField(choices=[('upper', 'Top 27%'), ('middle', 'Middle'), ('lower', 'Bottom 27%')], max_length=6)),
                    ('computed_at', models.DateTimeField()),
                ],
                options={
                    'db_table': 'quiz_reviewerstanding',
                },
            ),
            migrations.CreateModel(
                name='ScenarioFigures',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('gold_label', models.CharField(blank=True, help_text="The gold clause, 'none' or empty.", max_length=20)),
                    ('n_answers', models.PositiveIntegerField()),
                    ('facility', models.FloatField(blank=True, help_text='Share of reviewers answering as gold.', null=True)),
                    ('discrimination', models.FloatField(blank=True, help_text='Facility among the top 27% of reviewers minus the bottom 27%.', null=True)),
                    ('agreement', models.FloatField(blank=True, help_text='Share of reviewer pairs giving the same answer.', null=True)),
                    ('distribution', models.JSONField(default=list, help_text='[[label, count], ...], most frequent first.')),
                    ('computed_at', models.DateTimeField()),
                ],
                options={
                    'verbose_name_plural': 'scenario figures',
                    'db_table': 'quiz_scenariofigures',
                },
            ),
            ],
        ),
    ]
