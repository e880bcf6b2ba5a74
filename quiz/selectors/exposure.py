"""Reads of the exposure record: which scenarios a reviewer has seen graded, and when; and which
scenarios a reviewer will see graded once something open finishes (an attempt in progress, a round
not yet closed). Calibration rounds and quiz draws are built from these answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Count, Min, Q

from calibration.models import RoundItem
from quiz.models import Attempt, AttemptItem, GoldExposure


def seen_graded_by(user_id: int) -> dict[int, dt.datetime]:
    """The scenarios this reviewer has been shown the gold answer of, each with the first time. One query."""
    return dict(
        GoldExposure.objects.filter(user_id=user_id)
        .values("scenario_id")
        .annotate(first=Min("shown_at"))
        .values_list("scenario_id", "first")
    )


def scenario_ids_seen_graded(user_ids: Collection[int]) -> set[int]:
    """Scenarios any of these reviewers has seen graded. One query."""
    return set(GoldExposure.objects.filter(user_id__in=list(user_ids)).values_list("scenario_id", flat=True).distinct())


def seen_graded_counts(user_ids: Collection[int]) -> dict[int, int]:
    """For each scenario, how many of these reviewers have seen it graded (scenarios nobody saw are absent)."""
    return dict(
        GoldExposure.objects.filter(user_id__in=list(user_ids))
        .values("scenario_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("scenario_id", "n")
    )


def scenario_ids_gold_pending(user_ids: Collection[int], *, except_attempt_id: int | None = None) -> set[int]:
    """Scenarios whose gold these reviewers will be shown once something still open ends: the items of
    their quiz attempts in progress (results follow submission) and of the calibration rounds they are
    in that are neither closed nor cancelled (results follow the close). Two queries."""
    users = list(user_ids)
    in_attempts = AttemptItem.objects.filter(
        attempt__user_id__in=users, attempt__status=Attempt.Status.IN_PROGRESS, attempt__quiz__isnull=False
    )
    if except_attempt_id is not None:
        in_attempts = in_attempts.exclude(attempt_id=except_attempt_id)
    in_rounds = RoundItem.objects.filter(
        Q(calibration_round__cohort__in=users),
        calibration_round__closed_at__isnull=True,
        calibration_round__cancelled_at__isnull=True,
    )
    return set(in_attempts.values_list("scenario_id", flat=True)) | set(in_rounds.values_list("scenario_id", flat=True))


def scenario_ids_not_blind_for(user_ids: Collection[int]) -> set[int]:
    """Scenarios a calibration round for these reviewers may not use: seen graded by any of them, or
    due to be shown graded to any of them by something still open."""
    return scenario_ids_seen_graded(user_ids) | scenario_ids_gold_pending(user_ids)
