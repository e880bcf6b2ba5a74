"""How current stored figures are: when they were measured, and how many answers given since then
they do not count yet (the background worker is still on them, or the daily sweep will be)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from accounts.models import TeamMembership
from quiz.models import Answer


@dataclass(frozen=True)
class Freshness:
    measured_at: dt.datetime | None
    newer_answers: int

    @property
    def is_current(self) -> bool:
        return self.measured_at is not None and self.newer_answers == 0


def answers_not_yet_counted(
    *, since: dt.datetime, user_ids: Collection[int] | None = None, team_id: int | None = None
) -> int:
    """Answers that count for agreement and arrived after ``since``: quiz answers given since, and the
    answers of rounds closed since (a round's answers count only once it is closed). ``user_ids`` or
    ``team_id`` (its reviewers) narrow it; neither means everyone. Two queries."""
    answers = Answer.objects.exclude(verdict="")
    if user_ids is not None:
        answers = answers.filter(attempt__user_id__in=list(user_ids))
    if team_id is not None:
        reviewers = TeamMembership.objects.filter(team_id=team_id, kind=TeamMembership.Kind.MEMBER)
        answers = answers.filter(attempt__user_id__in=reviewers.values("user_id"))
    # Two counts, not one OR across answers and rounds: the OR makes PostgreSQL read every answer.
    return (
        answers.filter(attempt__calibration_round__isnull=True, answered_at__gt=since).count()
        + answers.filter(attempt__calibration_round__closed_at__gt=since).count()
    )


def figures_freshness(
    *, measured_at: dt.datetime | None, user_ids: Collection[int] | None = None, team_id: int | None = None
) -> Freshness:
    """When figures were measured and how many newer answers they leave out (one query; none when
    nothing is measured yet)."""
    if measured_at is None:
        return Freshness(None, 0)
    return Freshness(measured_at, answers_not_yet_counted(since=measured_at, user_ids=user_ids, team_id=team_id))
