from django.conf import settings
from django.db import models


class CalibrationRound(models.Model):
    """A lead asks a cohort to answer the same scenarios blind, then compares their answers."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="calibration_rounds")
    title = models.CharField(max_length=200)
    policy_version = models.ForeignKey("training.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    cohort = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="calibration_rounds")
    scenarios = models.ManyToManyField("training.Scenario", through="RoundItem")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Set when the lead closes the round.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_it_opens")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class RoundItem(models.Model):
    calibration_round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="items")
    scenario = models.ForeignKey("training.Scenario", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["calibration_round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["calibration_round", "scenario"], name="scenario_once_per_round")
        ]


class DiscussionNote(models.Model):
    """What the lead recorded when the round was discussed, for the round or one scenario in it."""

    calibration_round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="notes")
    scenario = models.ForeignKey("training.Scenario", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note on {self.calibration_round}"
