"""Score one answer against the engine's outcome, part by part. Pure: no Django import.

The default rubric (DEFAULT_RUBRIC), for a case item:

    verdict 2 points, clause 2, enforcement action 1, NCMEC report 1   -> 6 points available
    reporting-route item: route 2                                      -> 2 points available

A *critical miss* is a missed violation: answering "not violating" when the case violates (for a
reporting-route item: answering "no report" when a report is due). It costs the parts it gets wrong
like any other mistake and, on top, `critical_miss_penalty` points (default 3), so an item's points
may go below zero. Over-enforcement (answering "violating" for a case that does not violate) only
loses the parts it gets wrong. The penalty therefore makes a missed violation cost strictly more than
the mirror-image over-enforcement, which is the point: leaving exploitation up is the worse error.

An attempt's score is max(0, sum of points) / sum of max_points (see `attempt_score`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

VIOLATING = "violating"
NOT_VIOLATING = "not_violating"
NO_ROUTE = "none"
NO_CLAUSE = ""

Kind = Literal["case", "reporting"]
CASE_PARTS = ("verdict", "clause", "action", "ncmec")
REPORTING_PARTS = ("route",)


class RubricInvalid(ValueError):
    """A rubric that cannot be used; the message names every problem.

    `problems` maps each part at fault to what is wrong with it ("__all__" for the rubric as a
    whole), so a form can put each message next to its field.
    """

    def __init__(self, message: str, problems: Mapping[str, str] | None = None):
        super().__init__(message)
        self.problems: dict[str, str] = dict(problems or {})


@dataclass(frozen=True)
class Rubric:
    """Points for each part of an answer, and the extra cost of a critical miss."""

    verdict: float = 2.0
    clause: float = 2.0
    action: float = 1.0
    ncmec: float = 1.0
    route: float = 2.0
    critical_miss_penalty: float = 3.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def max_points(self, kind: Kind) -> float:
        parts = REPORTING_PARTS if kind == "reporting" else CASE_PARTS
        return float(sum(getattr(self, part) for part in parts))


DEFAULT_RUBRIC = Rubric()

_RUBRIC_FIELDS = tuple(DEFAULT_RUBRIC.as_dict())


def rubric_from_dict(data: Mapping[str, Any] | None) -> Rubric:
    """Build a rubric from stored JSON; missing keys take the default. Raises RubricInvalid.

    Every value must be a finite number from 0 to 100, unknown keys are refused (a typo must
    not silently fall back to a default), and a case item must be worth at least one point.
    """
    if data is None:
        return DEFAULT_RUBRIC
    if not isinstance(data, Mapping):
        raise RubricInvalid("The rubric must be a mapping of part names to points.")
    problems: dict[str, str] = {}
    values: dict[str, float] = {}
    for key, value in data.items():
        if key not in _RUBRIC_FIELDS:
            problems[str(key)] = f"unknown part {key!r} (known parts: {', '.join(_RUBRIC_FIELDS)})"
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            problems[key] = f"{key} must be a number, not {value!r}"
            continue
        if not 0 <= value <= 100:
            problems[key] = f"{key} must be from 0 to 100, not {value:g}"
            continue
        values[key] = float(value)
    if problems:
        raise RubricInvalid("Invalid rubric: " + "; ".join(problems.values()) + ".", problems)
    rubric = Rubric(**{**DEFAULT_RUBRIC.as_dict(), **values})
    for kind, name in (("case", "a case item"), ("reporting", "a reporting-route item")):
        if rubric.max_points(kind) <= 0:
            message = f"{name} must be worth more than 0 points"
            raise RubricInvalid(f"Invalid rubric: {message}.", {"__all__": message})
    return rubric


@dataclass(frozen=True)
class AnswerKey:
    """What was answered, or what the engine expects: the same shape for both.

    `clause_id` is "" when no clause applies; `report_route` is only asked on reporting items.
    """

    verdict: str = ""
    clause_id: str = NO_CLAUSE
    action: str = ""
    report_to_ncmec: bool | None = None
    report_route: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PartResult:
    given: Any
    expected: Any
    correct: bool
    points: float
    max_points: float


@dataclass(frozen=True)
class ScoreResult:
    points: float
    max_points: float
    parts: dict[str, PartResult] = field(default_factory=dict)
    is_correct: bool = False
    is_critical_miss: bool = False

    def parts_as_dict(self) -> dict[str, dict[str, Any]]:
        return {name: asdict(part) for name, part in self.parts.items()}


def _part(given: Any, expected: Any, weight: float) -> PartResult:
    correct = given == expected
    return PartResult(
        given=given, expected=expected, correct=correct, points=weight if correct else 0.0, max_points=weight
    )


def score_answer(
    given: AnswerKey, expected: AnswerKey, rubric: Rubric = DEFAULT_RUBRIC, kind: Kind = "case"
) -> ScoreResult:
    """Score `given` against `expected` (the engine's outcome) under `rubric`.

    Case items score verdict, clause, action and NCMEC report; reporting-route items score the route.
    """
    if kind == "reporting":
        parts = {"route": _part(given.report_route, expected.report_route, rubric.route)}
        critical = expected.report_route not in ("", NO_ROUTE) and given.report_route == NO_ROUTE
    else:
        parts = {
            "verdict": _part(given.verdict, expected.verdict, rubric.verdict),
            "clause": _part(given.clause_id or NO_CLAUSE, expected.clause_id or NO_CLAUSE, rubric.clause),
            "action": _part(given.action, expected.action, rubric.action),
            "ncmec": _part(bool(given.report_to_ncmec), bool(expected.report_to_ncmec), rubric.ncmec),
        }
        critical = expected.verdict == VIOLATING and given.verdict == NOT_VIOLATING
    earned = sum(part.points for part in parts.values())
    points = earned - (rubric.critical_miss_penalty if critical else 0.0)
    return ScoreResult(
        points=points,
        max_points=rubric.max_points(kind),
        parts=parts,
        is_correct=all(part.correct for part in parts.values()),
        is_critical_miss=critical,
    )


def attempt_score(points: Iterable[float], max_points: Iterable[float]) -> float:
    """An attempt's share of the available points, from 0 to 1; unanswered items count as 0 of their max."""
    total_max = sum(max_points)
    if total_max <= 0:
        return 0.0
    return max(0.0, sum(points)) / total_max


def passes(score: float, critical_misses: int, pass_mark_percent: float) -> bool:
    """An assessment passes at or above the pass mark and with no critical miss."""
    return critical_misses == 0 and score * 100 >= pass_mark_percent - 1e-9
