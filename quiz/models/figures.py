from django.conf import settings
from django.db import models


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

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_group_display()}"
