"""Is this quiz reliable enough to certify people with? Its trainees' first finished attempts as a
marks matrix, read by ``analytics.psychometrics`` (Moodle's quiz statistics and the consistency of
its pass/fail decisions), with a plain-language reading.

Which matrix:

* **First attempts.** Each trainee's first submitted (or timed-out) attempt, as Moodle's report
  defaults to: later attempts build on the feedback of earlier ones.
* **Columns.** When every first attempt drew the same scenarios, in whatever order (a fixed form),
  each column is a scenario. When attempts draw scenarios at random, each column is a position in
  the quiz, as Moodle reports a random question by its slot, and the page says how many different
  scenarios filled it. Attempts with a different number of items than most (the quiz was edited, or
  the bank ran short) are left out and counted.
* **Marks.** The points each answer earned, without the extra penalty of a critical miss (a missed
  violation): the statistics need marks from 0 to the item's maximum, and the penalty is a rule of
  the pass decision, not of the item. An unanswered item of a finished attempt scores 0. Where the
  scenarios drawn at one position are worth different points (a case and a reporting item), marks
  are scaled to the position's largest maximum, as Moodle scales a random question to its slot.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np

from accounts.models import TeamMembership
from analytics.psychometrics import (
    DecisionConsistency,
    QuizStatistics,
    decision_consistency,
    quiz_statistics,
)
from quiz.models import Answer, Attempt, AttemptItem, Quiz
from quiz.scoring import rubric_from_dict
from training.models import Scenario

FINISHED = (Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED)
# Moodle's reading of the coefficient of internal consistency.
CIC_SATISFACTORY = 75.0
CIC_UNSATISFACTORY = 64.0
# Below this many trainees every figure moves a lot from one trainee to the next.
FEW_TRAINEES = 30
# Items nearly everybody gets right (or wrong) cannot tell trainees apart.
FACILITY_EXTREME = 10.0
# Decision kappa under this: the pass/fail split owes little to the quiz (Landis and Koch's "slight").
WEAK_KAPPA = 0.2


@dataclass(frozen=True)
class QuizColumn:
    position: int
    scenario: Scenario | None  # the scenario, when every attempt had the same one here
    scenario_count: int  # how many different scenarios trainees met at this position
    max_mark: float


@dataclass(frozen=True)
class QuizMarks:
    """The marks matrix of one quiz: trainees x columns, and what each column is."""

    quiz: Quiz
    columns: tuple[QuizColumn, ...]
    marks: np.ndarray
    fixed_form: bool
    attempts_left_out: int
    latest_submitted_at: dt.datetime | None

    @property
    def n_trainees(self) -> int:
        return int(self.marks.shape[0])


@dataclass(frozen=True)
class QuizReport:
    marks: QuizMarks
    statistics: QuizStatistics | None
    consistency: DecisionConsistency | None
    readings: tuple[str, ...]


def quiz_marks(quiz: Quiz, *, user_ids: Collection[int] | None = None) -> QuizMarks:
    """Each trainee's first finished attempt at ``quiz`` (of ``user_ids`` only, when given), as
    marks. Three queries, however many attempts."""
    attempts = Attempt.objects.filter(quiz=quiz, status__in=FINISHED)
    if user_ids is not None:
        attempts = attempts.filter(user_id__in=user_ids)
    first: dict[int, tuple[int, dict, dt.datetime | None]] = {}
    for attempt_id, user_id, rubric, submitted_at in attempts.order_by("user_id", "started_at", "pk").values_list(
        "pk", "user_id", "rubric", "submitted_at"
    ):
        first.setdefault(user_id, (attempt_id, rubric, submitted_at))
    by_attempt = {attempt_id: (rubric, submitted_at) for attempt_id, rubric, submitted_at in first.values()}

    items: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for attempt_id, position, scenario_id, kind in (
        AttemptItem.objects.filter(attempt__in=attempts)
        .order_by("attempt_id", "position")
        .values_list("attempt_id", "position", "scenario_id", "scenario__kind")
    ):
        if attempt_id in by_attempt:
            items[attempt_id].append((position, scenario_id, kind))
    earned: dict[tuple[int, int], float] = {}
    for attempt_id, scenario_id, points, critical, scored_rubric in Answer.objects.filter(
        attempt__in=attempts
    ).values_list("attempt_id", "scenario_id", "points", "is_critical_miss", "scored_rubric"):
        if attempt_id in by_attempt:
            penalty = rubric_from_dict(scored_rubric).critical_miss_penalty if critical else 0.0
            earned[attempt_id, scenario_id] = points + penalty

    length = Counter(len(rows) for rows in items.values()).most_common(1)
    n_columns = length[0][0] if length else 0
    kept = [attempt_id for attempt_id in sorted(items) if len(items[attempt_id]) == n_columns]
    # A fixed form: every trainee met the same scenarios (in any order); each column is a scenario.
    # Otherwise each column is a position.
    fixed = bool(kept) and len({frozenset(s for _, s, _ in items[a]) for a in kept}) == 1
    order = [scenario_id for _, scenario_id, _ in items[kept[0]]] if fixed else []
    raw = np.zeros((len(kept), n_columns))
    maxima = np.zeros((len(kept), n_columns))
    scenario_sets: list[set[int]] = [set() for _ in range(n_columns)]
    for row, attempt_id in enumerate(kept):
        rubric = rubric_from_dict(by_attempt[attempt_id][0] or {})
        for position, (_, scenario_id, kind) in enumerate(items[attempt_id]):
            column = order.index(scenario_id) if fixed else position
            maxima[row, column] = rubric.max_points(kind)
            raw[row, column] = earned.get((attempt_id, scenario_id), 0.0)
            scenario_sets[column].add(scenario_id)
    column_max = maxima.max(axis=0) if kept else np.zeros(n_columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        marks = np.where(maxima > 0, np.clip(raw, 0.0, maxima) / maxima, 0.0) * column_max

    scenarios = Scenario.objects.in_bulk(order) if fixed else {}
    columns = tuple(
        QuizColumn(
            position=column + 1,
            scenario=scenarios.get(order[column]) if fixed else None,
            scenario_count=len(ids),
            max_mark=float(column_max[column]),
        )
        for column, ids in enumerate(scenario_sets)
    )
    submitted = [by_attempt[attempt_id][1] for attempt_id in kept if by_attempt[attempt_id][1]]
    return QuizMarks(
        quiz=quiz,
        columns=columns,
        marks=marks,
        fixed_form=fixed,
        attempts_left_out=len(items) - len(kept),
        latest_submitted_at=max(submitted, default=None),
    )


def members_of(team_ids: Collection[int]) -> list[int]:
    """The members (not leads) of the given teams."""
    return list(
        TeamMembership.objects.filter(team_id__in=team_ids, kind=TeamMembership.Kind.MEMBER)
        .values_list("user_id", flat=True)
        .distinct()
    )


def quiz_report(marks: QuizMarks) -> QuizReport:
    """The statistics of a marks matrix and what they say, in words. Pure: no database."""
    if marks.n_trainees == 0 or not marks.columns:
        return QuizReport(marks, None, None, ("No trainee has finished this quiz yet.",))
    maxima = [column.max_mark for column in marks.columns]
    if min(maxima) <= 0:  # a rubric may make reporting items worth nothing: nothing to measure there
        scored = [index for index, maximum in enumerate(maxima) if maximum > 0]
        marks = replace(marks, columns=tuple(marks.columns[i] for i in scored), marks=marks.marks[:, scored])
        return quiz_report(marks)
    statistics = quiz_statistics(marks.marks, maxima)
    consistency = None
    if marks.quiz.mode == Quiz.Mode.ASSESSMENT:
        consistency = decision_consistency(marks.marks, maxima, pass_mark_percent=marks.quiz.pass_mark_percent)
    return QuizReport(marks, statistics, consistency, tuple(_readings(marks, statistics, consistency)))


def _readings(marks: QuizMarks, statistics: QuizStatistics, consistency: DecisionConsistency | None) -> list[str]:
    readings = []
    if marks.n_trainees < FEW_TRAINEES:
        readings.append(
            f"Only {marks.n_trainees} trainee{'s' if marks.n_trainees != 1 else ''} so far: with fewer than "
            f"{FEW_TRAINEES}, every figure below can move a lot with the next few attempts."
        )
    cic = statistics.cic
    if math.isnan(cic):
        readings.append(
            "Internal consistency cannot be measured yet: it needs at least two trainees whose totals differ, "
            "and at least two items."
        )
    elif cic >= CIC_SATISFACTORY:
        readings.append(
            f"Internal consistency is {cic:.0f}%: satisfactory (above {CIC_SATISFACTORY:.0f}%). The items measure "
            "one skill together, and totals are consistent enough to rank trainees."
        )
    elif cic >= CIC_UNSATISFACTORY:
        readings.append(
            f"Internal consistency is {cic:.0f}%: borderline ({CIC_UNSATISFACTORY:.0f}% to {CIC_SATISFACTORY:.0f}%). "
            "Replace the dubious items below, or add items, before certifying on this quiz alone."
        )
    else:
        readings.append(
            f"Internal consistency is {cic:.0f}%: not satisfactory (below {CIC_UNSATISFACTORY:.0f}%). Totals carry "
            f"a lot of measurement error (error ratio {statistics.error_ratio:.0f}%): do not certify on this quiz "
            "alone."
        )
    dubious = [column.position for column, item in zip(marks.columns, statistics.items, strict=True) if item.dubious]
    if dubious:
        readings.append(
            "Dubious items (discriminative efficiency under 15%: trainees who do well overall do no better on "
            f"them): {', '.join(str(position) for position in dubious)}. Read their scenarios for ambiguity."
        )
    extreme = [
        column.position
        for column, item in zip(marks.columns, statistics.items, strict=True)
        if not math.isnan(item.facility) and not FACILITY_EXTREME <= item.facility <= 100 - FACILITY_EXTREME
    ]
    if extreme:
        readings.append(
            f"Items nearly everyone gets right or wrong (facility under {FACILITY_EXTREME:.0f}% or over "
            f"{100 - FACILITY_EXTREME:.0f}%): {', '.join(str(position) for position in extreme)}. They add "
            "little to telling trainees apart."
        )
    if consistency is not None and not math.isnan(consistency.decision_consistency):
        beyond_chance = (
            "no better than chance would give: the quiz does not yet sort these trainees"
            if math.isnan(consistency.kappa) or consistency.kappa < WEAK_KAPPA
            else "beyond what chance would give"
        )
        readings.append(
            f"At a pass mark of {consistency.pass_mark_percent:.0f}%, about "
            f"{consistency.decision_consistency * 100:.0f}% of these trainees would get the same pass or fail on "
            f"a parallel form of this quiz, {beyond_chance} (kappa {consistency.kappa:.2f}). Near the pass mark a "
            f"score is uncertain by about ±{consistency.standard_error_at_pass_mark:.0f} percentage points."
        )
    if not marks.fixed_form:
        readings.append(
            "Trainees drew different scenarios, so each item below is a position in the quiz, filled by the "
            "scenarios shown beside it, as Moodle reports a random question."
        )
    if marks.attempts_left_out:
        readings.append(
            f"{marks.attempts_left_out} first attempt{'s' if marks.attempts_left_out != 1 else ''} with a different "
            "number of items (the quiz changed, or the bank ran short) "
            f"{'are' if marks.attempts_left_out != 1 else 'is'} left out."
        )
    return readings
