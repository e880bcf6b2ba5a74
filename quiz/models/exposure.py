from django.conf import settings
from django.db import models
from django.db.models import Q


class GoldExposure(models.Model):
    """A reviewer was shown (or can now open) a scenario's gold answer. Calibration rounds are blind
    only if no cohort member has one of these for the round's scenarios, so every path that shows
    gold writes one here: practice feedback, a finished attempt's results, a closed round's results,
    a lesson's worked example. One row per reviewer, scenario and occasion (attempt, round or lesson)."""

    class Source(models.TextChoices):
        PRACTICE_FEEDBACK = "practice_feedback", "Practice feedback"
        ATTEMPT_RESULTS = "attempt_results", "Results of a finished attempt"
        ROUND_RESULTS = "round_results", "Results of a closed round"
        WORKED_EXAMPLE = "worked_example", "Worked example in a lesson"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gold_exposures")
    scenario = models.ForeignKey("training.Scenario", on_delete=models.CASCADE, related_name="gold_exposures")
    source = models.CharField(max_length=20, choices=Source.choices)
    attempt = models.ForeignKey(
        "quiz.Attempt", null=True, blank=True, on_delete=models.CASCADE, related_name="gold_exposures"
    )
    calibration_round = models.ForeignKey(
        "calibration.CalibrationRound", null=True, blank=True, on_delete=models.CASCADE, related_name="gold_exposures"
    )
    shown_at = models.DateTimeField()

    class Meta:
        ordering = ["user", "shown_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scenario", "attempt"],
                condition=Q(attempt__isnull=False),
                name="one_exposure_per_attempt_and_scenario",
            ),
            models.UniqueConstraint(
                fields=["user", "scenario", "calibration_round"],
                condition=Q(calibration_round__isnull=False),
                name="one_exposure_per_round_and_scenario",
            ),
            models.UniqueConstraint(
                fields=["user", "scenario", "source"],
                condition=Q(attempt__isnull=True, calibration_round__isnull=True),
                name="one_exposure_per_lesson_and_scenario",
            ),
            models.CheckConstraint(
                condition=Q(source="round_results", calibration_round__isnull=False, attempt__isnull=True)
                | Q(source__in=["practice_feedback", "attempt_results"], attempt__isnull=False)
                | Q(source="worked_example", attempt__isnull=True, calibration_round__isnull=True),
                name="exposure_names_its_occasion",
            ),
        ]
        indexes = [models.Index(fields=["scenario", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} saw the gold of {self.scenario_id} ({self.get_source_display()})"
