"""Rescoring: what a new policy version or rubric would change in stored scores, and applying it
with a record of every change (ScoreChange).

Both stream: answers are read a batch of attempts at a time as plain values (never a model instance,
never a policy document per row); each version's policy is parsed once (training.selectors), each
(version, scenario)'s gold and each distinct answer's score computed once. A plan keeps counts, the
first lines to show and the attempts whose totals change, so its size does not grow with the number
of answers; applying it reads the answers again and writes in batches.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from quiz.models.quizzes import Answer, Attempt, AttemptItem, Certification, Quiz, ScoreChange
from quiz.scoring import Rubric, ScoreResult, attempt_score, passes, rubric_from_dict, score_answer
from quiz.services.attempts import InputInvalid, answer_key, expected_from_outcome
from training.models import PolicyVersion, Scenario
from training.selectors import gold_outcome

# The parts of a gold answer that scores depend on: all of it but the explanation.
EXPECTED_PARTS = ("verdict", "clause_id", "action", "report_to_ncmec", "report_route", "rule_id")
# Attempts read per batch (about ten answers each).
BATCH_ATTEMPTS = 2000
# Changed answers a plan keeps to show; the rest are counted.
LINES_KEPT = 200
SCORED_FIELDS = ["expected", "scored_policy_version", "scored_rubric", "points", "max_points", "part_results"]
SCORED_FIELDS += ["is_correct", "is_critical_miss"]


@dataclass(frozen=True, slots=True)
class RescoreLine:
    """One answer whose stored score (or the version or rubric recorded with it) would change."""

    answer_id: int
    attempt_id: int
    scenario_key: str
    points_before: float
    max_points_before: float
    expected_before: dict[str, Any]
    critical_before: bool
    version_before_id: int | None
    rubric_before: dict[str, Any]
    expected_after: dict[str, Any]
    version_after_id: int
    rubric_after: Rubric
    result: ScoreResult
    changed: bool  # the score itself changes, not only the version or rubric recorded with it

    @property
    def points_after(self) -> float:
        return self.result.points

    @property
    def max_points_after(self) -> float:
        return self.result.max_points

    @property
    def critical_after(self) -> bool:
        return self.result.is_critical_miss


@dataclass(frozen=True, slots=True)
class AttemptRescore:
    """An attempt's totals before and after a rescore, and whether it holds a certification."""

    attempt_id: int
    username: str
    quiz_title: str
    pass_mark_percent: int
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

    @property
    def totals_change(self) -> bool:
        return (self.score_before, self.critical_before, self.passed_before) != (
            self.score_after,
            self.critical_after,
            self.passed_after,
        )

    def warning(self) -> str:
        return (
            f"Certified attempt {self.attempt_id} ({self.username} on “{self.quiz_title}”) would now fail: "
            f"score {self.score_before:.0%} -> {self.score_after:.0%}, "
            f"critical misses {self.critical_before} -> {self.critical_after}, "
            f"pass mark {self.pass_mark_percent}%. The certification is kept; a lead should review it."
        )


@dataclass
class RescorePlan:
    """What a rescore would change: counts over every answer, the first lines, and the attempts
    whose totals change (or that are certified and would now fail). ``rescore_apply`` streams the
    same selection again to write it."""

    attempts_selected: QuerySet[Attempt]
    policy_version: PolicyVersion | None
    rubric: Rubric | None
    answers_checked: int = 0
    lines_total: int = 0  # answers to rewrite: the score changes, or the version or rubric recorded
    changed_total: int = 0  # answers whose score changes
    changed_attempt_ids: set[int] = field(default_factory=set)
    lines: list[RescoreLine] = field(default_factory=list)
    attempts: dict[int, AttemptRescore] = field(default_factory=dict)

    @property
    def lines_not_kept(self) -> int:
        return self.lines_total - len(self.lines)

    @property
    def certified_would_fail(self) -> list[AttemptRescore]:
        return [self.attempts[pk] for pk in sorted(self.attempts) if self.attempts[pk].certified_would_fail]


def _without_explanation(expected: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in expected.items() if k != "explanation"}


# The answer columns a rescore reads, in this order. The rubric comes as text, parsed once per
# distinct value; of the stored gold answer, only the parts a score depends on (its explanation is
# most of its text and never compared), read as text. The whole of it is read for the answers that
# change, when they are shown or written.
ANSWER_COLUMNS = (
    "pk",
    "attempt_id",
    "scenario_id",
    "verdict",
    "clause_id",
    "action",
    "report_to_ncmec",
    "report_route",
    "scored_policy_version_id",
    Cast("scored_rubric", TextField()),
    "points",
    "max_points",
    "is_critical_miss",
    "is_correct",
    *(KT(f"expected__{part}") for part in EXPECTED_PARTS),
)
# JSON booleans read as text ('true' on PostgreSQL, 1 on SQLite, where True == 1).
_STORED_BOOLEAN = {"true": True, "false": False, 1: True, 0: False, None: None}


def _stored_expected(parts: tuple[Any, ...]) -> tuple[Any, ...]:
    """A stored gold answer's parts as read, with the NCMEC flag as a Python boolean."""
    flag = EXPECTED_PARTS.index("report_to_ncmec")
    return (*parts[:flag], _STORED_BOOLEAN.get(parts[flag], parts[flag]), *parts[flag + 1 :])


@dataclass(frozen=True, slots=True)
class _Rescored:
    """An answer's new score, and whether it changes (``changed``) or only the version or rubric it
    records (``is_line`` either way)."""

    version_id: int
    rubric: Rubric
    result: ScoreResult
    changed: bool
    is_line: bool


class _Scorer:
    """Gold answers per (version, scenario) and scores per distinct answer, each computed once."""

    def __init__(self, policy_version: PolicyVersion | None, rubric: Rubric | None) -> None:
        self.policy_version = policy_version
        self.rubric = rubric
        self._versions: dict[int, PolicyVersion] = {}
        self._scenarios: dict[int, tuple[str, str, dict[str, Any]]] = {}
        self._expected: dict[tuple[int, int], dict[str, Any]] = {}
        self._scores: dict[tuple[Any, ...], ScoreResult] = {}
        self._json: dict[str, Any] = {}
        self._rubrics: dict[str, Rubric] = {}
        self._same_expected: dict[tuple[str, int, int], bool] = {}
        self._rescored: dict[tuple[Any, ...], _Rescored] = {}

    def load(self, answers: list[tuple[Any, ...]], attempt_versions: set[int]) -> None:
        version_ids = {row[8] for row in answers} | attempt_versions
        if self.policy_version is not None:
            version_ids = {self.policy_version.pk}
        self._load(version_ids - {None}, {row[2] for row in answers})

    def _load(self, version_ids: set[int], scenario_ids: set[int]) -> None:
        missing = version_ids - set(self._versions)
        if missing:
            # The document is fetched (and parsed) once per version, by training.selectors.
            self._versions.update(PolicyVersion.objects.defer("document").in_bulk(missing))
        missing = scenario_ids - set(self._scenarios)
        if missing:
            for pk, key, kind, facts in Scenario.objects.filter(pk__in=missing).values_list(
                "pk", "key", "kind", "facts"
            ):
                self._scenarios[pk] = (key, kind, facts)

    def version(self, version_id: int) -> PolicyVersion:
        return self._versions[version_id]

    def scenario_key(self, scenario_id: int) -> str:
        return self._scenarios[scenario_id][0]

    def scenario_kind(self, scenario_id: int) -> str:
        return self._scenarios[scenario_id][1]

    def load_scenarios(self, scenario_ids: set[int]) -> None:
        self._load(set(), scenario_ids)

    def parsed(self, text: str | None) -> Any:
        if text is None:
            return {}
        found = self._json.get(text)
        if found is None:
            found = self._json[text] = json.loads(text)
        return found

    def rubric_for(self, stored_text: str | None) -> Rubric:
        if self.rubric is not None:
            return self.rubric
        key = stored_text or "{}"
        found = self._rubrics.get(key)
        if found is None:
            found = self._rubrics[key] = rubric_from_dict(self.parsed(stored_text) or {})
        return found

    def expected(self, version_id: int, scenario_id: int) -> dict[str, Any]:
        key = (version_id, scenario_id)
        found = self._expected.get(key)
        if found is None:
            facts = self._scenarios[scenario_id][2]
            found = self._expected[key] = expected_from_outcome(gold_outcome(self._versions[version_id], facts))
        return found

    def same_expected(self, stored: tuple[Any, ...], version_id: int, scenario_id: int) -> bool:
        key = (stored, version_id, scenario_id)
        found = self._same_expected.get(key)
        if found is None:
            after = self.expected(version_id, scenario_id)
            found = self._same_expected[key] = _stored_expected(stored) == tuple(after.get(p) for p in EXPECTED_PARTS)
        return found

    def rescored(self, row: tuple[Any, ...], attempt_version_id: int) -> _Rescored:
        """An answer row (ANSWER_COLUMNS) rescored. Rows alike but for their pk and attempt (the same
        scenario, answer, stored score, version and rubric) come out alike, so the work is done once
        per distinct row."""
        key = (row[2:], attempt_version_id)
        found = self._rescored.get(key)
        if found is None:
            (scenario_id, verdict, clause_id, action, report, route, scored_version_id, rubric_text) = row[2:10]
            points, max_points, critical, correct = row[10:14]
            version_id = self.policy_version.pk if self.policy_version else (scored_version_id or attempt_version_id)
            rubric = self.rubric_for(rubric_text)
            result = self.score(version_id, rubric, scenario_id, (verdict, clause_id, action, report, route))
            changed = (
                not self.same_expected(row[14:], version_id, scenario_id)
                or points != result.points
                or max_points != result.max_points
                or critical != result.is_critical_miss
                or correct != result.is_correct
            )
            is_line = changed or version_id != scored_version_id or rubric.as_dict() != self.parsed(rubric_text)
            found = self._rescored[key] = _Rescored(version_id, rubric, result, changed, is_line)
        return found

    def line(self, row: tuple[Any, ...], rescored: _Rescored, expected_before: dict[str, Any]) -> RescoreLine:
        return RescoreLine(
            answer_id=row[0],
            attempt_id=row[1],
            scenario_key=self.scenario_key(row[2]),
            points_before=row[10],
            max_points_before=row[11],
            expected_before=expected_before,
            critical_before=row[12],
            version_before_id=row[8],
            rubric_before=self.parsed(row[9]),
            expected_after=self.expected(rescored.version_id, row[2]),
            version_after_id=rescored.version_id,
            rubric_after=rescored.rubric,
            result=rescored.result,
            changed=rescored.changed,
        )

    def score(self, version_id: int, rubric: Rubric, scenario_id: int, given: tuple[Any, ...]) -> ScoreResult:
        key = (version_id, rubric, scenario_id, given)
        found = self._scores.get(key)
        if found is None:
            expected = self.expected(version_id, scenario_id)
            names = ("verdict", "clause_id", "action", "report_to_ncmec", "report_route")
            found = self._scores[key] = score_answer(
                answer_key(dict(zip(names, given, strict=True))),
                answer_key(expected),
                rubric,
                self._scenarios[scenario_id][1],
            )
        return found


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset in one fetch, without the per-row work of the ORM's iterator
    (these querysets convert nothing: JSON columns come as text, to parse once per distinct value)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class _Batch:
    """One batch of attempts: how many answers were checked, the answers to rewrite (as rows, made
    into RescoreLine objects only when wanted), and the new totals of the attempts they belong to."""

    checked: int
    changed: int
    line_rows: list[tuple[tuple[Any, ...], _Rescored]]
    attempts: dict[int, AttemptRescore]
    scorer: _Scorer

    def lines(self, limit: int | None = None) -> list[RescoreLine]:
        """The answers to rewrite as RescoreLine objects, with their whole stored gold answer (one query)."""
        rows = self.line_rows if limit is None else self.line_rows[:limit]
        if not rows:
            return []
        stored = dict(Answer.objects.filter(pk__in=[row[0] for row, _ in rows]).values_list("pk", "expected"))
        return [self.scorer.line(row, rescored, stored[row[0]]) for row, rescored in rows]

    @property
    def changed_attempt_ids(self) -> set[int]:
        return {row[1] for row, rescored in self.line_rows if rescored.changed}


def _batches(
    *,
    attempts: QuerySet[Attempt],
    scorer: _Scorer,
    batch_attempts: int,
    progress: Callable[[int, int], None] | None,
) -> Iterator[_Batch]:
    """Stream the submitted or expired attempts in ``attempts`` a batch at a time."""
    selected = attempts.filter(status__in=[Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED]).order_by("pk")
    total = Answer.objects.filter(attempt__in=selected).count() if progress else 0
    checked = 0
    after = 0
    while True:
        rows = _fetch(
            selected.filter(pk__gt=after).values_list(
                "pk",
                "user__username",
                "quiz__title",
                "quiz__pass_mark_percent",
                "quiz_id",
                "mode",
                Cast("rubric", TextField()),
                "score",
                "critical_misses",
                "passed",
                "policy_version_id",
            )[:batch_attempts]
        )
        if not rows:
            return
        first, after = rows[0][0], rows[-1][0]
        info = {row[0]: row for row in rows}
        # The answers of the batch's id range (an index range scan, no join), less those of attempts
        # outside the selection (rounds, attempts in progress) that fall in the range.
        answers = [
            row
            for row in _fetch(
                Answer.objects.filter(attempt_id__gte=first, attempt_id__lte=after)
                .order_by()
                .values_list(*ANSWER_COLUMNS)
            )
            if row[1] in info
        ]
        scorer.load(answers, {row[10] for row in rows})
        line_rows = []
        results = []
        changed = 0
        for row in answers:
            rescored = scorer.rescored(row, info[row[1]][10])
            results.append((row[1], row[2], rescored.result))
            if rescored.is_line:
                line_rows.append((row, rescored))
                changed += rescored.changed
        touched = sorted({row[1] for row, _ in line_rows})
        totals: dict[int, AttemptRescore] = {}
        if touched:
            answered: dict[int, dict[int, ScoreResult]] = {attempt_id: {} for attempt_id in touched}
            for attempt_id, scenario_id, result in results:
                if attempt_id in answered:
                    answered[attempt_id][scenario_id] = result
            # Items left unanswered count zero out of their maximum. The batch's attempts are a range
            # of ids, so the lookups are ranges rather than long lists of ids.
            in_batch = Q(attempt_id__gte=first, attempt_id__lte=after)
            items = [
                (attempt_id, scenario_id)
                for attempt_id, scenario_id in _fetch(
                    AttemptItem.objects.filter(in_batch).order_by().values_list("attempt_id", "scenario_id")
                )
                if attempt_id in answered and scenario_id not in answered[attempt_id]
            ]
            scorer.load_scenarios({scenario_id for _, scenario_id in items})
            unanswered: dict[int, list[str]] = {}
            for attempt_id, scenario_id in items:
                unanswered.setdefault(attempt_id, []).append(scorer.scenario_kind(scenario_id))
            certified = set(Certification.objects.filter(in_batch).values_list("attempt_id", flat=True))
            for attempt_id in touched:
                username, quiz_title, pass_mark, quiz_id, mode, rubric_text, score, critical, passed = info[attempt_id][
                    1:10
                ]
                unanswered_rubric = scorer.rubric_for(rubric_text)
                given = answered[attempt_id]
                points = [result.points for result in given.values()]
                maxima = [result.max_points for result in given.values()]
                for kind in unanswered.get(attempt_id, []):
                    points.append(0.0)
                    maxima.append(unanswered_rubric.max_points(kind))
                score_after = attempt_score(points, maxima)
                critical_after = sum(1 for result in given.values() if result.is_critical_miss)
                is_assessment = quiz_id is not None and mode == Quiz.Mode.ASSESSMENT
                totals[attempt_id] = AttemptRescore(
                    attempt_id=attempt_id,
                    username=username,
                    quiz_title=quiz_title or "",
                    pass_mark_percent=pass_mark or 0,
                    score_before=score or 0.0,
                    score_after=score_after,
                    critical_before=critical,
                    critical_after=critical_after,
                    passed_before=passed,
                    passed_after=passes(score_after, critical_after, pass_mark) if is_assessment else passed,
                    certified=attempt_id in certified,
                )
        checked += len(answers)
        if progress:
            progress(checked, total)
        yield _Batch(checked=len(answers), changed=changed, line_rows=line_rows, attempts=totals, scorer=scorer)


def rescore_plan(
    *,
    attempts: QuerySet[Attempt],
    policy_version: PolicyVersion | None = None,
    rubric: Rubric | None = None,
    batch_attempts: int = BATCH_ATTEMPTS,
    lines_kept: int = LINES_KEPT,
    progress: Callable[[int, int], None] | None = None,
) -> RescorePlan:
    """What would change if the submitted attempts' answers were scored under another version or rubric.

    Without `policy_version` each answer keeps the version it was scored with; without `rubric`, its rubric.
    The plan counts every answer to rewrite, keeps the first ``lines_kept`` to show, and keeps the new
    totals of every attempt they change, with whether a certified attempt would now fail. Writes nothing;
    ``progress(checked, total)`` is called after each batch."""
    plan = RescorePlan(attempts_selected=attempts, policy_version=policy_version, rubric=rubric)
    scorer = _Scorer(policy_version, rubric)
    for batch in _batches(attempts=attempts, scorer=scorer, batch_attempts=batch_attempts, progress=progress):
        plan.answers_checked += batch.checked
        plan.lines_total += len(batch.line_rows)
        plan.changed_total += batch.changed
        plan.changed_attempt_ids |= batch.changed_attempt_ids
        room = lines_kept - len(plan.lines)
        if room > 0:
            plan.lines.extend(batch.lines(room))
        for attempt_id, projection in batch.attempts.items():
            if projection.totals_change or projection.certified_would_fail:
                plan.attempts[attempt_id] = projection
    return plan


def rescore_apply(
    *,
    plan: RescorePlan,
    changed_by: User | None,
    reason: str,
    now: dt.datetime | None = None,
    batch_attempts: int = BATCH_ATTEMPTS,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write a plan, in one transaction: update each answer to rewrite, record a ScoreChange for it,
    and rescore its attempt's totals; batch by batch, as the plan was made.

    Certifications already granted are kept: they record what was true when they were granted. When a
    certified attempt would now fail, its ScoreChange rows say so in their reason, for a lead to act on.
    Returns the number of answers changed.
    """
    if not reason.strip():
        raise InputInvalid({"reason": "Give a reason for changing stored scores."})
    now = now or timezone.now()
    scorer = _Scorer(plan.policy_version, plan.rubric)
    count = 0
    with transaction.atomic():
        for batch in _batches(
            attempts=plan.attempts_selected, scorer=scorer, batch_attempts=batch_attempts, progress=progress
        ):
            lines = batch.lines()
            if not lines:
                continue
            changes, updated = [], []
            for line in lines:
                projection = batch.attempts.get(line.attempt_id)
                note = f" {projection.warning()}" if projection and projection.certified_would_fail else ""
                rubric_after = line.rubric_after.as_dict()
                changes.append(
                    ScoreChange(
                        answer_id=line.answer_id,
                        points_before=line.points_before,
                        points_after=line.points_after,
                        max_points_before=line.max_points_before,
                        max_points_after=line.max_points_after,
                        expected_before=line.expected_before,
                        expected_after=line.expected_after,
                        critical_before=line.critical_before,
                        critical_after=line.critical_after,
                        policy_version_before_id=line.version_before_id,
                        policy_version_after_id=line.version_after_id,
                        rubric_before=line.rubric_before,
                        rubric_after=rubric_after,
                        changed_by=changed_by,
                        changed_at=now,
                        reason=reason.strip() + note,
                    )
                )
                answer = Answer(pk=line.answer_id)
                answer.expected = line.expected_after
                answer.scored_policy_version_id = line.version_after_id
                answer.scored_rubric = rubric_after
                answer.points = line.result.points
                answer.max_points = line.result.max_points
                answer.part_results = line.result.parts_as_dict()
                answer.is_correct = line.result.is_correct
                answer.is_critical_miss = line.result.is_critical_miss
                updated.append(answer)
            ScoreChange.objects.bulk_create(changes, batch_size=1000)
            Answer.objects.bulk_update(updated, SCORED_FIELDS, batch_size=500)
            touched = sorted({line.attempt_id for line in lines})
            retotalled = []
            for attempt in Attempt.objects.select_for_update(of=("self",)).filter(pk__in=touched).only("pk"):
                projection = batch.attempts[attempt.pk]
                attempt.score = projection.score_after
                attempt.critical_misses = projection.critical_after
                attempt.passed = projection.passed_after
                retotalled.append(attempt)
            Attempt.objects.bulk_update(retotalled, ["score", "critical_misses", "passed"], batch_size=1000)
            count += len(lines)
    return count
