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
    cancelled_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a lead cancels the round before closing it: its answers stay blind and are never counted.",
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "quiz_calibrationround"
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_it_opens"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="round_is_not_both_closed_and_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class RoundItem(models.Model):
    calibration_round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="items")
    scenario = models.ForeignKey("training.Scenario", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        db_table = "quiz_rounditem"
        ordering = ["calibration_round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["calibration_round", "scenario"], name="scenario_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.calibration_round_id} #{self.position}: scenario {self.scenario_id}"


class DiscussionNote(models.Model):
    """What the lead recorded when the round was discussed, for the round or one scenario in it."""

    calibration_round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="notes")
    scenario = models.ForeignKey("training.Scenario", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "quiz_discussionnote"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note on {self.calibration_round}"
