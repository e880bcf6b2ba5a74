"""Rescoring: what a new policy version or rubric would change in stored scores, and applying it
with a record of every change (ScoreChange)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from training.models import PolicyVersion

from ..models.quizzes import Answer, Attempt, AttemptItem, Certification, Quiz, ScoreChange
from ..scoring import Rubric, ScoreResult, attempt_score, passes, rubric_from_dict
from .attempts import InputInvalid, answer_score


@dataclass
class RescoreLine:
    answer: Answer
    expected_after: dict[str, Any]
    result: ScoreResult
    version_after: PolicyVersion
    rubric_after: Rubric

    @property
    def points_before(self) -> float:
        return self.answer.points

    @property
    def changed(self) -> bool:
        before = {k: v for k, v in self.answer.expected.items() if k != "explanation"}
        after = {k: v for k, v in self.expected_after.items() if k != "explanation"}
        return (
            before != after
            or self.answer.points != self.result.points
            or self.answer.max_points != self.result.max_points
            or self.answer.is_critical_miss != self.result.is_critical_miss
            or self.answer.is_correct != self.result.is_correct
        )


@dataclass
class AttemptRescore:
    """An attempt's totals before and after a rescore, and whether it holds a certification."""

    attempt: Attempt
    score_before: float
    score_after: float
    critical_before: int
    critical_after: int
    passed_before: bool | None
    passed_after: bool | None
    certified: bool

    @property
    def certified_would_fail(self) -> bool:
        """A certified attempt that would not pass under the new scoring: a lead must review it."""
        return self.certified and self.passed_after is False

    def warning(self) -> str:
        attempt = self.attempt
        return (
            f"Certified attempt {attempt.pk} ({attempt.user.username} on “{attempt.quiz}”) would now fail: "
            f"score {self.score_before:.0%} -> {self.score_after:.0%}, "
            f"critical misses {self.critical_before} -> {self.critical_after}, "
            f"pass mark {attempt.quiz.pass_mark_percent}%. The certification is kept; a lead should review it."
        )


@dataclass
class RescorePlan:
    lines: list[RescoreLine]
    answers_checked: int
    attempts: dict[int, AttemptRescore] = field(default_factory=dict)

    @property
    def attempt_ids(self) -> list[int]:
        return sorted({line.answer.attempt_id for line in self.lines})

    @property
    def certified_would_fail(self) -> list[AttemptRescore]:
        return [self.attempts[pk] for pk in sorted(self.attempts) if self.attempts[pk].certified_would_fail]


def rescore_plan(
    *, attempts: QuerySet[Attempt], policy_version: PolicyVersion | None = None, rubric: Rubric | None = None
) -> RescorePlan:
    """What would change if the submitted attempts' answers were scored under another version or rubric.

    Without `policy_version` each answer keeps the version it was scored with; without `rubric`, its rubric.
    For every attempt with a changed answer the plan also holds its new totals and whether a certified
    attempt would now fail. Writes nothing.
    """
    answers = (
        Answer.objects.filter(
            attempt__in=attempts.filter(status__in=[Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED])
        )
        .select_related("scenario", "scored_policy_version", "attempt__quiz", "attempt__user")
        .order_by("attempt_id", "pk")
    )
    lines = []
    checked = 0
    # Every answer's score after the rescore, changed or not, to retotal the attempts it belongs to.
    after_by_attempt: dict[int, list[tuple[int, ScoreResult]]] = defaultdict(list)
    attempt_by_id: dict[int, Attempt] = {}
    for answer in answers:
        checked += 1
        version = policy_version or answer.scored_policy_version or answer.attempt.policy_version
        new_rubric = rubric or rubric_from_dict(answer.scored_rubric or {})
        given = {
            "verdict": answer.verdict,
            "clause_id": answer.clause_id,
            "action": answer.action,
            "report_to_ncmec": answer.report_to_ncmec,
            "report_route": answer.report_route,
        }
        expected, result = answer_score(version=version, rubric=new_rubric, scenario=answer.scenario, given=given)
        after_by_attempt[answer.attempt_id].append((answer.scenario_id, result))
        attempt_by_id[answer.attempt_id] = answer.attempt
        line = RescoreLine(
            answer=answer, expected_after=expected, result=result, version_after=version, rubric_after=new_rubric
        )
        if (
            line.changed
            or version.pk != answer.scored_policy_version_id
            or new_rubric.as_dict() != answer.scored_rubric
        ):
            lines.append(line)
    plan = RescorePlan(lines=lines, answers_checked=checked)
    touched = plan.attempt_ids
    if not touched:
        return plan
    items_by_attempt: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for attempt_id, scenario_id, kind in AttemptItem.objects.filter(attempt_id__in=touched).values_list(
        "attempt_id", "scenario_id", "scenario__kind"
    ):
        items_by_attempt[attempt_id].append((scenario_id, kind))
    certified = set(Certification.objects.filter(attempt_id__in=touched).values_list("attempt_id", flat=True))
    for attempt_id in touched:
        attempt = attempt_by_id[attempt_id]
        results = dict(after_by_attempt[attempt_id])
        unanswered_rubric = rubric or rubric_from_dict(attempt.rubric or {})
        points = [result.points for result in results.values()]
        maxima = [result.max_points for result in results.values()]
        for scenario_id, kind in items_by_attempt[attempt_id]:
            if scenario_id not in results:
                points.append(0.0)
                maxima.append(unanswered_rubric.max_points(kind))
        score_after = attempt_score(points, maxima)
        critical_after = sum(1 for result in results.values() if result.is_critical_miss)
        is_assessment = attempt.quiz is not None and attempt.mode == Quiz.Mode.ASSESSMENT
        plan.attempts[attempt_id] = AttemptRescore(
            attempt=attempt,
            score_before=attempt.score or 0.0,
            score_after=score_after,
            critical_before=attempt.critical_misses,
            critical_after=critical_after,
            passed_before=attempt.passed,
            passed_after=passes(score_after, critical_after, attempt.quiz.pass_mark_percent)
            if is_assessment
            else attempt.passed,
            certified=attempt_id in certified,
        )
    return plan


@transaction.atomic
def rescore_apply(*, plan: RescorePlan, changed_by: User | None, reason: str, now: dt.datetime | None = None) -> int:
    """Write a plan: update each answer, record a ScoreChange for it, and rescore its attempt's totals.

    Certifications already granted are kept: they record what was true when they were granted. When a
    certified attempt would now fail, its ScoreChange rows say so in their reason, for a lead to act on.
    Returns the number of answers changed.
    """
    if not reason.strip():
        raise InputInvalid({"reason": "Give a reason for changing stored scores."})
    now = now or timezone.now()
    for line in plan.lines:
        answer = line.answer
        projection = plan.attempts.get(answer.attempt_id)
        note = f" {projection.warning()}" if projection and projection.certified_would_fail else ""
        ScoreChange.objects.create(
            answer=answer,
            points_before=answer.points,
            points_after=line.result.points,
            max_points_before=answer.max_points,
            max_points_after=line.result.max_points,
            expected_before=answer.expected,
            expected_after=line.expected_after,
            critical_before=answer.is_critical_miss,
            critical_after=line.result.is_critical_miss,
            policy_version_before=answer.scored_policy_version,
            policy_version_after=line.version_after,
            rubric_before=answer.scored_rubric,
            rubric_after=line.rubric_after.as_dict(),
            changed_by=changed_by,
            changed_at=now,
            reason=reason.strip() + note,
        )
        answer.expected = line.expected_after
        answer.scored_policy_version = line.version_after
        answer.scored_rubric = line.rubric_after.as_dict()
        answer.points = line.result.points
        answer.max_points = line.result.max_points
        answer.part_results = line.result.parts_as_dict()
        answer.is_correct = line.result.is_correct
        answer.is_critical_miss = line.result.is_critical_miss
        answer.save(
            update_fields=[
                "expected",
                "scored_policy_version",
                "scored_rubric",
                "points",
                "max_points",
                "part_results",
                "is_correct",
                "is_critical_miss",
            ]
        )
    for attempt in Attempt.objects.select_for_update(of=("self",)).filter(pk__in=plan.attempt_ids):
        projection = plan.attempts[attempt.pk]
        attempt.score = projection.score_after
        attempt.critical_misses = projection.critical_after
        attempt.passed = projection.passed_after
        attempt.save(update_fields=["score", "critical_misses", "passed"])
    return len(plan.lines)
