"""A reviewer's profile for their lead and the policy team: how they stand against the gold answers over
time, per clause, in rounds, and whether they are certified. Reads only; no request needed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from accounts.models import TeamMembership, User
from analytics.models import Granularity, ReviewerSnapshot
from calibration.models import CalibrationRound
from quiz.memory import ClauseMemory, clauses_by_urgency
from quiz.models import Certification
from quiz.selectors.quizzes import is_staff, led_team_ids, practice_history_for


@dataclass(frozen=True)
class ReviewerProfile:
    reviewer: User
    trend: list[ReviewerSnapshot]  # by period, oldest first
    mastery: dict[str, float]
    memory: list[ClauseMemory]  # most urgent first
    rounds: list[CalibrationRound]  # with .answered and .items annotated
    certifications: list[Certification]
    measured_at: dt.datetime | None


def reviewer_for_viewer(viewer: User, pk: int) -> User | None:
    """The reviewer, if ``viewer`` may read their profile: staff, or a lead of a team the reviewer
    belongs to. None otherwise (the view answers 404)."""
    reviewer = User.objects.filter(pk=pk).first()
    if reviewer is None:
        return None
    if is_staff(viewer):
        return reviewer
    shared = TeamMembership.objects.filter(
        user=reviewer, team_id__in=led_team_ids(viewer), kind=TeamMembership.Kind.MEMBER
    )
    return reviewer if shared.exists() else None


def reviewer_profile(reviewer: User, granularity: str = Granularity.WEEK) -> ReviewerProfile:
    """Five queries: reviewer snapshots, answers with gold shown, rounds with counts, certifications."""
    now = dt.datetime.now(dt.UTC)
    trend = list(
        ReviewerSnapshot.objects.filter(user=reviewer, granularity=granularity)
        .select_related("team")
        .order_by("period_start", "team__name")
    )
    history = practice_history_for(reviewer, now)
    rounds = list(
        CalibrationRound.objects.filter(cohort=reviewer)
        .select_related("team")
        .annotate(
            items_count=Count("items", distinct=True),
            answered=Count("attempts__answers", filter=Q(attempts__user=reviewer), distinct=True),
        )
        .order_by("-opens_at")
    )
    return ReviewerProfile(
        reviewer=reviewer,
        trend=trend,
        mastery=history.mastery,
        memory=[history.memory[c] for c in clauses_by_urgency(history.memory, sorted(history.memory), now)],
        rounds=rounds,
        certifications=list(
            Certification.objects.filter(user=reviewer).select_related("policy_version", "attempt__quiz")
        ),
        measured_at=max((s.computed_at for s in trend), default=None),
    )
