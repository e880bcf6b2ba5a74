"""Writes to the exposure record: every time a reviewer is shown, or can now open, a scenario's gold
answer. Each write path that reveals gold calls one of these in the same transaction, so the record
can never lag behind what a reviewer has seen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from calibration.models import CalibrationRound, RoundItem
from quiz.models import Attempt, AttemptItem, GoldExposure

BATCH_SIZE = 2000


def _write(exposures: Iterable[GoldExposure]) -> None:
    # A second showing of the same gold on the same occasion is already recorded: keep the first.
    GoldExposure.objects.bulk_create(exposures, ignore_conflicts=True, batch_size=BATCH_SIZE)


def practice_feedback_exposure_record(*, attempt: Attempt, scenario_id: int, shown_at: dt.datetime) -> None:
    """A practice or adaptive answer: its feedback, with the gold answer, is shown at once."""
    _write(
        [
            GoldExposure(
                user_id=attempt.user_id,
                scenario_id=scenario_id,
                attempt=attempt,
                source=GoldExposure.Source.PRACTICE_FEEDBACK,
                shown_at=shown_at,
            )
        ]
    )


def attempt_results_exposures_record(*, attempt: Attempt, shown_at: dt.datetime) -> None:
    """A finished quiz attempt: its results page shows the gold answer of every item, answered or not."""
    _write(
        GoldExposure(
            user_id=attempt.user_id,
            scenario_id=scenario_id,
            attempt=attempt,
            source=GoldExposure.Source.ATTEMPT_RESULTS,
            shown_at=shown_at,
        )
        for scenario_id in AttemptItem.objects.filter(attempt=attempt).values_list("scenario_id", flat=True)
    )


def round_results_exposures_record(*, calibration_round: CalibrationRound, shown_at: dt.datetime) -> None:
    """A closed round: every cohort member may open its results, with the gold of every scenario."""
    scenario_ids = list(
        RoundItem.objects.filter(calibration_round=calibration_round).values_list("scenario_id", flat=True)
    )
    _write(
        GoldExposure(
            user_id=user_id,
            scenario_id=scenario_id,
            calibration_round=calibration_round,
            source=GoldExposure.Source.ROUND_RESULTS,
            shown_at=shown_at,
        )
        for user_id in calibration_round.cohort.values_list("pk", flat=True)
        for scenario_id in scenario_ids
    )


def worked_example_exposures_record(*, user_id: int, scenario_ids: Iterable[int], shown_at: dt.datetime) -> None:
    """A lesson shows its worked examples with their answers."""
    _write(
        GoldExposure(
            user_id=user_id, scenario_id=scenario_id, source=GoldExposure.Source.WORKED_EXAMPLE, shown_at=shown_at
        )
        for scenario_id in scenario_ids
    )
