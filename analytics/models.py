from django.conf import settings
from django.db import models


class Granularity(models.TextChoices):
    WEEK = "week", "Week"
    MONTH = "month", "Month"


# The agreement figures an AgreementSnapshot stores, in reading order; exports and the API list them.
AGREEMENT_FIGURE_FIELDS = (
    "n_raters",
    "n_units",
    "percent_agreement",
    "fleiss_kappa",
    "alpha",
    "alpha_low",
    "alpha_high",
    "ac1",
    "warnings",
)


class AgreementSnapshot(models.Model):
    """Agreement figures as they were measured for one round, or one team (or one team and clause)
    over one week or month, or every team together (or every team and one clause: the policy team's
    view, ``team`` empty). Stored so that history keeps the value it had when it was computed."""

    class Scope(models.TextChoices):
        ROUND = "round", "Calibration round"
        TEAM_PERIOD = "team_period", "Team over a period"
        CLAUSE_PERIOD = "clause_period", "Team and clause over a period"
        ALL_PERIOD = "all_period", "All teams over a period"
        ALL_CLAUSE_PERIOD = "all_clause_period", "All teams and clause over a period"

    ALL_TEAMS_SCOPES = (Scope.ALL_PERIOD, Scope.ALL_CLAUSE_PERIOD)

    scope = models.CharField(max_length=20, choices=Scope.choices)
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agreement_snapshots",
        help_text="Empty for the all-teams scopes.",
    )
    calibration_round = models.ForeignKey(
        "calibration.CalibrationRound", null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    clause_id = models.CharField(max_length=10, blank=True, help_text="The gold clause, for clause snapshots.")
    granularity = models.CharField(max_length=8, choices=Granularity.choices, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True, help_text="Last day of the period, inclusive.")
    n_raters = models.PositiveIntegerField(default=0)
    n_units = models.PositiveIntegerField(default=0)
    n_answers = models.PositiveIntegerField(default=0)
    percent_agreement = models.FloatField(null=True, blank=True)
    fleiss_kappa = models.FloatField(null=True, blank=True)
    alpha = models.FloatField(null=True, blank=True, help_text="Krippendorff's alpha (nominal).")
    alpha_low = models.FloatField(null=True, blank=True)
    alpha_high = models.FloatField(null=True, blank=True)
    ac1 = models.FloatField(null=True, blank=True, help_text="Gwet's AC1.")
    warnings = models.JSONField(default=list, blank=True)
    pairwise = models.JSONField(
        default=dict,
        blank=True,
        help_text="Cohen's kappa for each pair of reviewers: {'users': [...], 'matrix': [...]}.",
    )
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "quiz_agreementsnapshot"
        ordering = ["team", "scope", "granularity", "period_start", "clause_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["calibration_round"], condition=models.Q(scope="round"), name="one_snapshot_per_round"
            ),
            models.UniqueConstraint(
                fields=["team", "granularity", "period_start"],
                condition=models.Q(scope="team_period"),
                name="one_team_snapshot_per_period",
            ),
            models.UniqueConstraint(
                fields=["team", "clause_id", "granularity", "period_start"],
                condition=models.Q(scope="clause_period"),
                name="one_clause_snapshot_per_period",
            ),
            models.UniqueConstraint(
                fields=["granularity", "period_start"],
                condition=models.Q(scope="all_period"),
                name="one_all_teams_snapshot_per_period",
            ),
            models.UniqueConstraint(
                fields=["clause_id", "granularity", "period_start"],
                condition=models.Q(scope="all_clause_period"),
                name="one_all_teams_clause_snapshot_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(scope="round", calibration_round__isnull=False)
                | (~models.Q(scope="round") & models.Q(period_start__isnull=False, period_end__isnull=False)),
                name="snapshot_has_a_round_or_a_period",
            ),
            models.CheckConstraint(
                condition=(models.Q(scope__in=["all_period", "all_clause_period"]) & models.Q(team__isnull=True))
                | (~models.Q(scope__in=["all_period", "all_clause_period"]) & models.Q(team__isnull=False)),
                name="snapshot_has_a_team_unless_it_covers_all_teams",
            ),
        ]

    def __str__(self) -> str:
        if self.scope == self.Scope.ROUND:
            return f"Agreement in {self.calibration_round}"
        clause = f" {self.clause_id}" if self.clause_id else ""
        who = self.team if self.team_id is not None else "all teams"
        return f"Agreement in {who}{clause}, {self.granularity} of {self.period_start}"


class ReviewerSnapshot(models.Model):
    """One reviewer against the gold answers over one week or month, as measured then."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_snapshots")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="reviewer_snapshots")
    granularity = models.CharField(max_length=8, choices=Granularity.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    n_answers = models.PositiveIntegerField(default=0)
    accuracy = models.FloatField(
        null=True, blank=True, help_text="Share of answers whose clause decision matches gold."
    )
    kappa_vs_gold = models.FloatField(null=True, blank=True)
    sensitivity = models.FloatField(null=True, blank=True, help_text="Share of violating cases answered violating.")
    specificity = models.FloatField(null=True, blank=True, help_text="Share of permitted cases answered not violating.")
    confusion = models.JSONField(default=dict, blank=True, help_text="{gold clause: {answered clause: count}}.")
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "quiz_reviewersnapshot"
        ordering = ["team", "user", "granularity", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team", "granularity", "period_start"], name="one_reviewer_snapshot_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}, {self.granularity} of {self.period_start}"


class DriftAlert(models.Model):
    """Raised when a team's alpha, or a reviewer's kappa against gold, stays under its threshold
    for consecutive windows. A lead acknowledges it once they have acted."""

    class Metric(models.TextChoices):
        TEAM_ALPHA = "team_alpha", "Team agreement (Krippendorff's alpha)"
        REVIEWER_KAPPA = "reviewer_kappa", "Reviewer kappa against gold"

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="drift_alerts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="drift_alerts"
    )
    metric = models.CharField(max_length=16, choices=Metric.choices)
    threshold = models.FloatField()
    granularity = models.CharField(max_length=8, choices=Granularity.choices, default=Granularity.WEEK)
    period_start = models.DateField(help_text="Start of the last window under the threshold.")
    windows = models.JSONField(
        default=list, help_text="[{'period_start': ..., 'value': ...}] for the windows under it."
    )
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "quiz_driftalert"
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "metric", "granularity", "period_start"],
                condition=models.Q(user__isnull=True),
                name="one_team_alert_per_window",
            ),
            models.UniqueConstraint(
                fields=["team", "user", "metric", "granularity", "period_start"],
                condition=models.Q(user__isnull=False),
                name="one_reviewer_alert_per_window",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.team
        return f"{self.get_metric_display()} drift for {who}"


class ScenarioFigures(models.Model):
    """Item-analysis figures of one scenario over every counted answer (quizzes and closed rounds,
    each reviewer's latest answer), compared with the gold answer of the version published when
    they were measured. Stored so that the item analysis and the contested queue read one row per
    scenario instead of every answer; ``computed_at`` says how fresh they are."""

    scenario = models.OneToOneField("training.Scenario", on_delete=models.CASCADE, related_name="figures")
    policy_version = models.ForeignKey(
        "training.PolicyVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The published version whose gold answers the answers were compared with.",
    )
    gold_label = models.CharField(max_length=20, blank=True, help_text="The gold clause, 'none' or empty.")
    n_answers = models.PositiveIntegerField()
    facility = models.FloatField(null=True, blank=True, help_text="Share of reviewers answering as gold.")
    discrimination = models.FloatField(
        null=True, blank=True, help_text="Facility among the top 27% of reviewers minus the bottom 27%."
    )
    agreement = models.FloatField(null=True, blank=True, help_text="Share of reviewer pairs giving the same answer.")
    distribution = models.JSONField(default=list, help_text="[[label, count], ...], most frequent first.")
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "quiz_scenariofigures"
        verbose_name_plural = "scenario figures"

    def __str__(self) -> str:
        return f"Figures of scenario {self.scenario_id}"


class ReviewerStanding(models.Model):
    """A reviewer's accuracy over every counted answer, and their place among Kelley's top or bottom
    27% of reviewers, as of the last full item analysis. Discrimination compares those groups, so a
    refresh of a few scenarios' figures keeps this ranking rather than reading every answer again."""

    class Group(models.TextChoices):
        UPPER = "upper", "Top 27%"
        MIDDLE = "middle", "Middle"
        LOWER = "lower", "Bottom 27%"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standing")
    n_answers = models.PositiveIntegerField()
    accuracy = models.FloatField(null=True, blank=True)
    group = models.CharField(max_length=6, choices=Group.choices)
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "quiz_reviewerstanding"

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_group_display()}"
