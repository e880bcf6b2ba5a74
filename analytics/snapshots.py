"""Agreement snapshots: figures per round, per team and period, per team, clause and period, and
per reviewer against gold, stored as they were measured; per-scenario item-analysis figures; and
drift alerts raised from them.

Closed periods are measured once and then kept (history stays as it was measured); the current
period is measured again on every run, so running twice changes nothing new.

Every target (a team's periods, the all-teams periods, a round, the scenario figures) is measured
and replaced under a lock of its own, in one transaction: its rows are deleted and written again
together, so readers never see half a snapshot, a failure leaves the previous rows in place, and two
writers of the same target queue up (on PostgreSQL an advisory lock; SQLite allows one writer
anyway) instead of failing on a unique constraint. The answers are read after taking the lock, so
the writer that goes second measures what the first one committed.

Answers are read as columns (one query per target, only the periods measured) and measured with
numpy (``analytics.agreement_batch``), thousands of matrices at a time.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, models, transaction
from django.db.models import Case, F, Max, Q, QuerySet, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils import timezone

from accounts.models import Team, TeamMembership
from analytics.agreement_batch import (
    AgreementSummary,
    Cells,
    ReviewerFigures,
    pairwise_kappas,
    reviewer_figures_many,
    summarise_many,
)
from analytics.agreement_batch import shared_units_only as _shared_units_only
from analytics.item_analysis import NO_CLAUSE, ReviewerGroups, decision_label, item_statistics_with_groups
from analytics.models import (
    AgreementSnapshot,
    DriftAlert,
    Granularity,
    ReviewerSnapshot,
    ReviewerStanding,
    ScenarioFigures,
)
from calibration.models import CalibrationRound
from quiz.models import Answer
from training.models import PolicyVersion, Scenario
from training.policy import FactsInvalid
from training.selectors import gold_outcome, published_policy_version

DEFAULT_DRIFT_THRESHOLDS: dict[str, float] = {
    # Krippendorff (2004): alpha under 0.667 does not support even tentative conclusions.
    "team_alpha": 0.667,
    # Landis and Koch (1977): kappa above 0.6 is "substantial" agreement.
    "reviewer_kappa": 0.6,
    # How many windows in a row must stay under the threshold before an alert is raised.
    "windows": 2,
}
BOOTSTRAP_RESAMPLES = 1000
VIOLATING = "violating"
NO_SHARED_SCENARIO = "No scenario was answered by two or more reviewers, so agreement cannot be measured."
# Advisory-lock namespaces (pg_advisory_xact_lock(namespace, key)): one writer per target at a time.
LOCK_TEAM_PERIODS = 48_201
LOCK_ALL_TEAMS = 48_202
LOCK_ROUND = 48_203
LOCK_SCENARIO_FIGURES = 48_204


def drift_thresholds() -> dict[str, float]:
    """Thresholds from settings.CONCORDANCE["DRIFT_THRESHOLDS"], read now, over the defaults."""
    configured = getattr(settings, "CONCORDANCE", {}).get("DRIFT_THRESHOLDS") or {}
    return {**DEFAULT_DRIFT_THRESHOLDS, **configured}


def period_bounds(day: dt.date, granularity: str) -> tuple[dt.date, dt.date]:
    """The week (Monday to Sunday) or calendar month holding ``day``."""
    if granularity == Granularity.WEEK:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if granularity == Granularity.MONTH:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    raise ValueError(f"granularity must be week or month; got {granularity!r}")


def _finite(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _periods(first: dt.date, last: dt.date, granularity: str) -> list[tuple[dt.date, dt.date]]:
    """Every period from the one holding ``first`` to the one holding ``last``."""
    out = []
    start, end = period_bounds(first, granularity)
    while start <= last:
        out.append((start, end))
        start, end = period_bounds(end + dt.timedelta(days=1), granularity)
    return out


def _lock(namespace: int, key: int) -> None:
    """Hold the target's lock until the transaction ends (PostgreSQL; SQLite has one writer anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key % 2_147_483_647])


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def _within(periods: Iterable[tuple[dt.date, dt.date]]) -> Q:
    """Answers given on a (local) day inside any of ``periods``; adjacent periods are merged."""
    merged: list[list[dt.date]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    condition = Q(pk__in=[])
    for start, end in merged:
        condition |= Q(answered_at__gte=_local_midnight(start), answered_at__lt=_local_midnight(end + dt.timedelta(1)))
    return condition


# --------------------------------------------------------------------------------------
# Reading answers as columns
# --------------------------------------------------------------------------------------

# Answers that count for agreement: quiz answers, and answers in calibration rounds that are closed
# (an open round stays blind, even in aggregate; a cancelled round never counts). Reporting-route
# items have no verdict and are not part of agreement.
COUNTED = (Q(attempt__calibration_round__isnull=True) | Q(attempt__calibration_round__closed_at__isnull=False)) & ~Q(
    verdict=""
)


def counted_answers() -> QuerySet[Answer]:
    return Answer.objects.filter(COUNTED)


class _Labels:
    """Label text <-> small integer codes, shared by every array of one run."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._codes: dict[str, int] = {}

    def code(self, name: str) -> int:
        found = self._codes.get(name)
        if found is None:
            found = self._codes[name] = len(self.names)
            self.names.append(name)
        return found

    def code_or_none(self, name: str | None) -> int | None:
        return None if name is None else self.code(name)


class _GoldCache:
    """Gold labels per (policy version, scenario), from the engine, computed once each: for answers
    stored without the gold they were scored with."""

    def __init__(self) -> None:
        self._versions: dict[int, PolicyVersion] = {}
        self._facts: dict[int, dict[str, Any]] = {}
        self._gold: dict[tuple[int, int], tuple[str, bool]] = {}

    def prime(self, version_ids: Iterable[int], scenario_ids: Iterable[int]) -> None:
        wanted_versions = set(version_ids) - set(self._versions)
        if wanted_versions:
            self._versions.update(PolicyVersion.objects.defer("document").in_bulk(wanted_versions))
        wanted_scenarios = set(scenario_ids) - set(self._facts)
        if wanted_scenarios:
            self._facts.update(Scenario.objects.filter(pk__in=wanted_scenarios).values_list("pk", "facts"))

    def gold(self, version_id: int, scenario_id: int) -> tuple[str, bool]:
        key = (version_id, scenario_id)
        if key not in self._gold:
            outcome = gold_outcome(self._versions[version_id], self._facts[scenario_id])
            self._gold[key] = (
                decision_label(str(outcome.verdict), outcome.clause_id),
                str(outcome.verdict) == VIOLATING,
            )
        return self._gold[key]


IntArray = npt.NDArray[np.int64]


@dataclass
class _Answers:
    """Counted answers as columns, in the order they were given (answered_at, then pk)."""

    user: IntArray
    scenario: IntArray
    day: IntArray  # local date as a proleptic ordinal (date.toordinal)
    label: IntArray  # decision label code
    violating: npt.NDArray[np.bool_]  # the verdict given is violating
    gold: IntArray  # gold decision label code
    gold_violating: npt.NDArray[np.bool_]
    round: IntArray  # the calibration round's id, -1 for a quiz answer

    def __len__(self) -> int:
        return len(self.user)

    def take(self, keep: Any) -> _Answers:
        return _Answers(*(getattr(self, name)[keep] for name in self.__dataclass_fields__))


def _label_sql(verdict: Any, clause_id: Any) -> Any:
    """decision_label in SQL: the clause, else 'violating' for a violating verdict, else 'none'."""
    return Coalesce(
        NullIf(clause_id, Value("")),
        Case(When(**{verdict: VIOLATING}, then=Value(VIOLATING)), default=Value(NO_CLAUSE)),
        output_field=models.CharField(),
    )


def _answer_columns() -> tuple[Any, ...]:
    """The columns of _answers, labels and flags worked out by the database: two short strings a row
    instead of four, and no JSON to decode. An answer stored without the gold it was scored with
    gets NULL there and its attempt's version, for the engine to decide."""
    return (
        "attempt__user_id",
        "scenario_id",
        TruncDate("answered_at", tzinfo=timezone.get_current_timezone()),
        _label_sql("verdict", F("clause_id")),
        Case(When(verdict=VIOLATING, then=Value(True)), default=Value(False), output_field=models.BooleanField()),
        Coalesce(
            NullIf(KT("expected__clause_id"), Value("")),
            Case(
                When(expected__verdict=VIOLATING, then=Value(VIOLATING)),
                When(expected__has_key="verdict", then=Value(NO_CLAUSE)),
                default=Value(None),
            ),
            output_field=models.CharField(),
        ),
        Case(
            When(expected__verdict=VIOLATING, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
        Case(When(expected__has_key="verdict", then=Value(None)), default=F("attempt__policy_version_id")),
        "attempt__calibration_round_id",
    )


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset in one fetch, without the ORM's per-row work (its columns
    are plain values; SQLite's dates come as text and its booleans as 0/1, which is handled)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ordinal(day: dt.date | str) -> int:
    return (day if isinstance(day, dt.date) else dt.date.fromisoformat(day)).toordinal()


def _answers(answer_filter: Q, labels: _Labels, gold: _GoldCache) -> _Answers:
    """One query: the counted answers matching ``answer_filter``, in the order they were given,
    reduced to codes. The gold is the one each answer was scored with, else the engine's under its
    attempt's policy version."""
    rows = _fetch(
        Answer.objects.filter(COUNTED)
        .filter(answer_filter)
        .order_by("answered_at", "pk")
        .values_list(*_answer_columns())
    )
    n = len(rows)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return _Answers(empty, empty, empty, empty, empty.astype(bool), empty, empty.astype(bool), empty)
    users, scenarios, days, given, violating, expected, expected_violating, versions, rounds = zip(*rows, strict=True)
    gold_codes = list(map(labels.code_or_none, expected))
    gold_flags = list(expected_violating)
    unscored = [i for i, code in enumerate(gold_codes) if code is None]
    if unscored:
        gold.prime({versions[i] for i in unscored}, {scenarios[i] for i in unscored})
        for i in unscored:
            label, is_violating = gold.gold(versions[i], scenarios[i])
            gold_codes[i], gold_flags[i] = labels.code(label), is_violating
    return _Answers(
        user=np.fromiter(users, np.int64, n),
        scenario=np.fromiter(scenarios, np.int64, n),
        day=np.fromiter(map(_ordinal, days), np.int64, n),
        label=np.fromiter(map(labels.code, given), np.int64, n),
        violating=np.fromiter(violating, bool, n),
        gold=np.fromiter(gold_codes, np.int64, n),
        gold_violating=np.fromiter(gold_flags, bool, n),
        round=np.fromiter((-1 if r is None else r for r in rounds), np.int64, n),
    )


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _period_starts(days: IntArray, granularity: str) -> IntArray:
    """The ordinal of the first day of the week (Monday) or month holding each day."""
    if granularity == Granularity.WEEK:
        return days - (days - 1) % 7  # ordinal 1 (1 January of year 1) is a Monday
    if granularity == Granularity.MONTH:
        months = (days - _EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[M]")
        return months.astype("datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL
    raise ValueError(f"granularity must be week or month; got {granularity!r}")


def _latest(answers: _Answers, group: IntArray) -> IntArray:
    """Positions of each reviewer's latest answer per scenario within each group (a period, a
    round), in the order given: a reviewer who met a scenario twice counts once."""
    if not len(answers):
        return np.zeros(0, dtype=np.int64)
    _, users = np.unique(answers.user, return_inverse=True)
    _, scenarios = np.unique(answers.scenario, return_inverse=True)
    key = (group * (users.max() + 1) + users) * (scenarios.max() + 1) + scenarios
    _, first_from_end = np.unique(key[::-1], return_index=True)
    return np.sort(len(key) - 1 - first_from_end)


# --------------------------------------------------------------------------------------
# Measuring many matrices at once
# --------------------------------------------------------------------------------------


def _figures(summary: AgreementSummary | None, n_answers: int) -> dict[str, Any]:
    """The AgreementSnapshot fields for one summary (all empty when nothing was shared)."""
    if summary is None:
        return {
            "n_raters": 0,
            "n_units": 0,
            "n_answers": 0,
            "percent_agreement": None,
            "fleiss_kappa": None,
            "alpha": None,
            "alpha_low": None,
            "alpha_high": None,
            "ac1": None,
            "warnings": [NO_SHARED_SCENARIO],
        }
    return {
        "n_raters": summary.n_raters,
        "n_units": summary.n_units,
        "n_answers": n_answers,
        "percent_agreement": _finite(summary.percent_agreement),
        "fleiss_kappa": _finite(summary.fleiss_kappa),
        "alpha": _finite(summary.krippendorff_alpha.estimate),
        "alpha_low": _finite(summary.krippendorff_alpha.low),
        "alpha_high": _finite(summary.krippendorff_alpha.high),
        "ac1": _finite(summary.gwet_ac1),
        "warnings": list(summary.warnings),
    }


def _agreement_many(cells: Cells, n_matrices: int, labels: _Labels, seeds: Sequence[int]) -> list[dict[str, Any]]:
    """AgreementSnapshot figures of each matrix, over the units two or more reviewers answered."""
    shared = _shared_units_only(cells)
    summaries = summarise_many(shared, n_matrices, labels.names, seeds=seeds, n_resamples=BOOTSTRAP_RESAMPLES)
    n_answers = np.bincount(shared.matrix, minlength=n_matrices)
    return [_figures(summary, int(n_answers[j])) for j, summary in enumerate(summaries)]


def _pairwise_many(
    cells: Cells, n_matrices: int, *, wanted: npt.NDArray[np.bool_] | None = None
) -> list[dict[str, Any]]:
    """Cohen's kappa for every pair of reviewers in each (wanted) matrix, over its shared units."""
    shared = _shared_units_only(cells)
    out: list[dict[str, Any]] = [{} for _ in range(n_matrices)]
    order = np.argsort(shared.matrix, kind="stable")
    bounds = np.searchsorted(shared.matrix[order], np.arange(n_matrices + 1))
    for j in range(n_matrices):
        if wanted is not None and not wanted[j]:
            continue
        rows = order[bounds[j] : bounds[j + 1]]
        user_ids, raters = np.unique(shared.rater[rows], return_inverse=True)
        if len(user_ids) < 2:
            continue
        _, units = np.unique(shared.unit[rows], return_inverse=True)
        codes = np.full((len(user_ids), int(units.max()) + 1), -1, dtype=np.int64)
        codes[raters, units] = shared.label[rows]
        kappas = pairwise_kappas(codes)
        cells = kappas.astype(object)
        cells[np.isnan(kappas)] = None  # undefined for the pair: stored as null
        out[j] = {"users": user_ids.tolist(), "matrix": cells.tolist()}
    return out


def _compact(first: IntArray, second: IntArray) -> tuple[IntArray, list[tuple[int, int]]]:
    """A dense id per distinct (first, second) pair, in sorted order, and the pairs themselves."""
    if not len(first):
        return np.zeros(0, dtype=np.int64), []
    low = int(second.min())
    width = int(second.max()) - low + 1
    keys, ids = np.unique(first * width + (second - low), return_inverse=True)
    pairs = list(zip((keys // width).tolist(), (keys % width + low).tolist(), strict=True))
    return ids.reshape(-1).astype(np.int64), pairs


@dataclass
class _PeriodFigures:
    """What one scope measures over its periods of one granularity: rows ready to store."""

    periods: list[tuple[dt.date, dt.date, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    clauses: list[tuple[dt.date, dt.date, str, dict[str, Any]]] = field(default_factory=list)
    reviewers: list[tuple[dt.date, dt.date, int, ReviewerFigures]] = field(default_factory=list)


@dataclass
class _Scope:
    """One target of measurement: a team (its members' answers), or every team together (``team_id``
    None: the answers of every team member, each counted once), over some periods."""

    team_id: int | None
    members: frozenset[int]
    periods: dict[str, list[tuple[dt.date, dt.date]]]

    def who(self) -> Q:
        return _all_members() if self.team_id is None else Q(attempt__user_id__in=sorted(self.members))

    @property
    def n_periods(self) -> int:
        return sum(len(periods) for periods in self.periods.values())


def _measure(answers: _Answers, scopes: Sequence[_Scope], labels: _Labels) -> list[dict[str, _PeriodFigures]]:
    """For every scope and granularity: agreement over each of its periods (each reviewer's latest
    answer per scenario in it), per gold clause, and, for a team, the pairwise kappas and each
    reviewer against gold. Every scope's matrices are measured together, in one batch."""
    out: list[dict[str, _PeriodFigures]] = [defaultdict(_PeriodFigures) for _ in scopes]
    rows_of = [np.flatnonzero(np.isin(answers.user, np.fromiter(scope.members, np.int64))) for scope in scopes]
    granularities = sorted({g for scope in scopes for g, periods in scope.periods.items() if periods})
    for granularity in granularities:
        row_starts = _period_starts(answers.day, granularity)
        targets: list[tuple[int, dt.date, dt.date]] = []  # (scope, start, end)
        picked, picked_target = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for index, scope in enumerate(scopes):
            periods = sorted(set(scope.periods.get(granularity, [])))
            if not periods:
                continue
            base = len(targets)
            targets += [(index, start, end) for start, end in periods]
            starts = np.array([start.toordinal() for start, _ in periods], dtype=np.int64)
            rows = rows_of[index]
            position = np.minimum(np.searchsorted(starts, row_starts[rows]), len(starts) - 1)
            hit = starts[position] == row_starts[rows]
            picked.append(rows[hit])
            picked_target.append(base + position[hit])
        # Within one target the rows keep the order the answers were given in (scopes are apart).
        chosen = answers.take(np.concatenate(picked))
        target = np.concatenate(picked_target)
        keep = _latest(chosen, target)
        latest, latest_target = chosen.take(keep), target[keep]
        seeds = [int(start.strftime("%Y%m%d")) for _, start, _ in targets]
        is_team = np.array([scopes[index].team_id is not None for index, _, _ in targets], dtype=bool)
        cells = Cells(latest_target, latest.scenario, latest.user, latest.label)
        figures = _agreement_many(cells, len(targets), labels, seeds)
        pairwise = _pairwise_many(cells, len(targets), wanted=is_team)
        for (index, start, end), target_figures, target_pairwise in zip(targets, figures, pairwise, strict=True):
            out[index][granularity].periods.append((start, end, target_figures, target_pairwise))
        clause_ids, clause_keys = _compact(latest_target, latest.gold)
        clause_figures = _agreement_many(
            Cells(clause_ids, latest.scenario, latest.user, latest.label),
            len(clause_keys),
            labels,
            [seeds[t] for t, _ in clause_keys],
        )
        for (t, gold_code), clause_figure in zip(clause_keys, clause_figures, strict=True):
            index, start, end = targets[t]
            out[index][granularity].clauses.append((start, end, labels.names[gold_code], clause_figure))
        teams_only = is_team[latest_target] if len(latest_target) else np.zeros(0, dtype=bool)
        for_reviewers = latest.take(teams_only)
        reviewer_ids, reviewer_keys = _compact(latest_target[teams_only], for_reviewers.user)
        reviewer_figures = reviewer_figures_many(
            reviewer_ids,
            for_reviewers.gold,
            for_reviewers.label,
            for_reviewers.gold_violating,
            for_reviewers.violating,
            len(reviewer_keys),
            labels.names,
        )
        for (t, user_id), reviewer in zip(reviewer_keys, reviewer_figures, strict=True):
            if reviewer is not None:
                index, start, end = targets[t]
                out[index][granularity].reviewers.append((start, end, user_id, reviewer))
    return out


# --------------------------------------------------------------------------------------
# Writing: each target's rows replaced together
# --------------------------------------------------------------------------------------

SNAPSHOT_FIELDS = (
    "scope",
    "team_id",
    "calibration_round_id",
    "clause_id",
    "granularity",
    "period_start",
    "period_end",
    "n_raters",
    "n_units",
    "n_answers",
    "percent_agreement",
    "fleiss_kappa",
    "alpha",
    "alpha_low",
    "alpha_high",
    "ac1",
    "warnings",
    "pairwise",
    "computed_at",
)
REVIEWER_FIELDS = (
    "user_id",
    "team_id",
    "granularity",
    "period_start",
    "period_end",
    "n_answers",
    "accuracy",
    "kappa_vs_gold",
    "sensitivity",
    "specificity",
    "confusion",
    "computed_at",
)


def _insert(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows: PostgreSQL's COPY (tens of thousands of rows a second), else bulk_create."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=500)
        return
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    fields = [by_attname[name] for name in names]
    json_positions = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # Most warnings lists repeat from row to row: each is encoded once.
    encoded: dict[tuple[str, ...], str] = {}

    def as_json(value: Any) -> str:
        if not value:
            return "[]" if isinstance(value, list) else "{}"
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            key = tuple(value)
            found = encoded.get(key)
            if found is None:
                found = encoded[key] = json.dumps(value)
            return found
        return json.dumps(value)

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {opts.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            if json_positions:
                row = list(row)
                for i in json_positions:
                    row[i] = as_json(row[i])
            copy.write_row(row)


def _snapshot_row(
    scope: str,
    team_id: int | None,
    granularity: str,
    start: dt.date,
    end: dt.date,
    figures: dict[str, Any],
    *,
    clause_id: str = "",
    pairwise: dict[str, Any] | None = None,
    computed_at: dt.datetime,
) -> tuple[Any, ...]:
    """One AgreementSnapshot row in SNAPSHOT_FIELDS order."""
    return (
        scope,
        team_id,
        None,
        clause_id,
        granularity,
        start,
        end,
        figures["n_raters"],
        figures["n_units"],
        figures["n_answers"],
        figures["percent_agreement"],
        figures["fleiss_kappa"],
        figures["alpha"],
        figures["alpha_low"],
        figures["alpha_high"],
        figures["ac1"],
        figures["warnings"],
        pairwise or {},
        computed_at,
    )


def _period_rows(
    *, team_id: int | None, granularity: str, measured: _PeriodFigures, now: dt.datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows that replace the measured periods of one team (or of all teams when ``team_id`` is
    None): the period snapshots and their clause snapshots, and (for a team) the reviewer snapshots."""
    if team_id is None:
        period_scope, clause_scope = AgreementSnapshot.Scope.ALL_PERIOD, AgreementSnapshot.Scope.ALL_CLAUSE_PERIOD
    else:
        period_scope, clause_scope = AgreementSnapshot.Scope.TEAM_PERIOD, AgreementSnapshot.Scope.CLAUSE_PERIOD
    snapshots = [
        _snapshot_row(period_scope, team_id, granularity, start, end, figures, pairwise=pairwise, computed_at=now)
        for start, end, figures, pairwise in measured.periods
    ]
    snapshots += [
        _snapshot_row(clause_scope, team_id, granularity, start, end, figures, clause_id=clause, computed_at=now)
        for start, end, clause, figures in measured.clauses
    ]
    reviewers = [
        (
            user_id,
            team_id,
            granularity,
            start,
            end,
            figures.n_answers,
            figures.accuracy,
            _finite(figures.kappa_vs_gold),
            _finite(figures.sensitivity),
            _finite(figures.specificity),
            figures.confusion,
            now,
        )
        for start, end, user_id, figures in measured.reviewers
    ]
    return snapshots, reviewers


def _replace_periods(measured: Sequence[tuple[_Scope, dict[str, _PeriodFigures]]], now: dt.datetime) -> None:
    """Delete the measured periods' rows of every scope and insert the new ones (one COPY a table).
    Runs inside the caller's transaction, under the scopes' locks."""
    snapshot_rows: list[tuple[Any, ...]] = []
    reviewer_rows: list[tuple[Any, ...]] = []
    stale_snapshots = Q(pk__in=[])
    stale_reviewers = Q(pk__in=[])
    for scope, by_granularity in measured:
        team_scopes = (
            [AgreementSnapshot.Scope.ALL_PERIOD, AgreementSnapshot.Scope.ALL_CLAUSE_PERIOD]
            if scope.team_id is None
            else [AgreementSnapshot.Scope.TEAM_PERIOD, AgreementSnapshot.Scope.CLAUSE_PERIOD]
        )
        for granularity, figures in by_granularity.items():
            starts = [start for start, _, _, _ in figures.periods]
            if not starts:
                continue
            where = Q(team_id=scope.team_id, granularity=granularity, period_start__in=starts)
            stale_snapshots |= Q(scope__in=team_scopes) & where
            if scope.team_id is not None:
                stale_reviewers |= where
            snapshots, reviewers = _period_rows(
                team_id=scope.team_id, granularity=granularity, measured=figures, now=now
            )
            snapshot_rows += snapshots
            reviewer_rows += reviewers
    AgreementSnapshot.objects.filter(stale_snapshots).delete()
    ReviewerSnapshot.objects.filter(stale_reviewers).delete()
    _insert(AgreementSnapshot, SNAPSHOT_FIELDS, snapshot_rows)
    _insert(ReviewerSnapshot, REVIEWER_FIELDS, reviewer_rows)


# --------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------


def _rounds_measure(round_ids: Collection[int]) -> int:
    """Measure closed rounds (a round's answers never change after it closes) in one transaction,
    each round's snapshot replaced under its own lock. Returns how many were measured."""
    ids = sorted(set(round_ids))
    if not ids:
        return 0
    with transaction.atomic():
        for round_id in ids:
            _lock(LOCK_ROUND, round_id)
        rounds = {
            pk: team_id
            for pk, team_id in CalibrationRound.objects.filter(pk__in=ids, closed_at__isnull=False).values_list(
                "pk", "team_id"
            )
        }
        if not rounds:
            return 0
        order = sorted(rounds)
        labels = _Labels()
        answers = _answers(Q(attempt__calibration_round_id__in=order), labels, _GoldCache())
        position = np.searchsorted(np.array(order, dtype=np.int64), answers.round)
        keep = _latest(answers, position)
        latest = answers.take(keep)
        cells = Cells(position[keep], latest.scenario, latest.user, latest.label)
        figures = _agreement_many(cells, len(order), labels, order)
        pairwise = _pairwise_many(cells, len(order))
        now = timezone.now()
        AgreementSnapshot.objects.filter(scope=AgreementSnapshot.Scope.ROUND, calibration_round_id__in=order).delete()
        _insert(
            AgreementSnapshot,
            SNAPSHOT_FIELDS,
            [
                tuple(
                    {
                        "scope": AgreementSnapshot.Scope.ROUND,
                        "team_id": rounds[round_id],
                        "calibration_round_id": round_id,
                        "clause_id": "",
                        "granularity": "",
                        "period_start": None,
                        "period_end": None,
                        **round_figures,
                        "pairwise": round_pairwise,
                        "computed_at": now,
                    }[name]
                    for name in SNAPSHOT_FIELDS
                )
                for round_id, round_figures, round_pairwise in zip(order, figures, pairwise, strict=True)
            ],
        )
    return len(order)


def round_snapshot_compute(*, calibration_round: CalibrationRound) -> AgreementSnapshot:
    """Measure a closed round once; a round's answers never change after it closes."""
    if calibration_round.closed_at is None:
        raise ValueError("A round is measured only once it is closed; its answers stay blind until then.")
    _rounds_measure([calibration_round.pk])
    return AgreementSnapshot.objects.get(scope=AgreementSnapshot.Scope.ROUND, calibration_round=calibration_round)


# --------------------------------------------------------------------------------------
# Teams over time, and all teams together
# --------------------------------------------------------------------------------------


@dataclass
class SnapshotReport:
    teams: int = 0
    periods_computed: int = 0
    periods_kept: int = 0
    rounds_computed: int = 0
    alerts_raised: int = 0
    scenarios_measured: int = 0
    notes: list[str] = field(default_factory=list)


def _members_by_team() -> dict[int, frozenset[int]]:
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in TeamMembership.objects.filter(kind=TeamMembership.Kind.MEMBER).values_list(
        "team_id", "user_id"
    ):
        members[team_id].add(user_id)
    return {team_id: frozenset(users) for team_id, users in members.items()}


def _all_members() -> Q:
    return Q(attempt__user_id__in=TeamMembership.objects.filter(kind=TeamMembership.Kind.MEMBER).values("user_id"))


def _first_answer_day(who: Q) -> dt.date | None:
    # Ordered and limited rather than MIN(): the answered_at index is walked from the start until
    # the first match, instead of every matching answer being read.
    first = Answer.objects.filter(COUNTED, who).order_by("answered_at").values_list("answered_at", flat=True).first()
    return timezone.localdate(first) if first is not None else None


def _lock_scope(scope: _Scope) -> None:
    if scope.team_id is None:
        _lock(LOCK_ALL_TEAMS, 0)
    else:
        _lock(LOCK_TEAM_PERIODS, scope.team_id)


def _changed_since(who: Q, since: dt.datetime) -> bool:
    """Whether answers that count for ``who`` arrived after ``since``: answers given (or changed)
    since, or answers of rounds closed since. Two index lookups."""
    answers = Answer.objects.filter(COUNTED).filter(who)
    return (
        answers.filter(answered_at__gte=since).exists()
        or answers.filter(attempt__calibration_round__closed_at__gte=since).exists()
    )


def _measure_and_write(scopes: Sequence[_Scope], *, say: Callable[[str], None] = lambda message: None) -> int:
    """Measure the scopes' periods and replace their rows: the answers are read once for all of
    them and measured in one batch; then every scope's rows are replaced in one transaction, under
    the scopes' locks. A scope whose answers changed after the read (an answer given, a round closed)
    is read and measured again under its lock first, so a slower writer never stores older figures
    over newer ones. Returns how many periods were measured."""
    scopes = [scope for scope in scopes if scope.n_periods and scope.members]
    if not scopes:
        return 0
    started = timezone.now()
    labels = _Labels()
    periods = [period for scope in scopes for ps in scope.periods.values() for period in ps]
    everyone = frozenset().union(*(scope.members for scope in scopes))
    who = _all_members() if any(s.team_id is None for s in scopes) else Q(attempt__user_id__in=sorted(everyone))
    answers = _answers(who & _within(periods), labels, _GoldCache())
    say(f"Read {len(answers)} answers over {len(set(periods))} period(s).")
    measured = _measure(answers, scopes, labels)
    say(f"Measured {sum(scope.n_periods for scope in scopes)} period(s) of {len(scopes)} scope(s).")
    changed = Answer.objects.filter(answered_at__gte=started).exists() or (
        CalibrationRound.objects.filter(closed_at__gte=started).exists()
    )
    with transaction.atomic():
        # Every writer takes its locks in the same order (teams by id, then all teams): no deadlock.
        for scope in sorted(scopes, key=lambda scope: (scope.team_id is None, scope.team_id or 0)):
            _lock_scope(scope)
        written = []
        for scope, figures in zip(scopes, measured, strict=True):
            if changed and _changed_since(scope.who(), started):
                fresh = _Labels()
                scope_periods = _within(period for ps in scope.periods.values() for period in ps)
                figures = _measure(_answers(scope.who() & scope_periods, fresh, _GoldCache()), [scope], fresh)[0]
            written.append((scope, figures))
        _replace_periods(written, timezone.now())
        say(f"Stored the figures of {len(scopes)} scope(s).")
    return sum(scope.n_periods for scope in scopes)


def _periods_to_measure(
    *,
    scope: str,
    team_id: int | None,
    granularity: str,
    first: dt.date | None,
    today: dt.date,
    recompute: bool,
    report: SnapshotReport,
) -> list[tuple[dt.date, dt.date]]:
    """Every period from the first answer to today, less the ended ones already measured."""
    if first is None:
        return []
    kept: set[dt.date] = set()
    if not recompute:
        kept = set(
            AgreementSnapshot.objects.filter(
                scope=scope, team_id=team_id, granularity=granularity, period_end__lt=today
            ).values_list("period_start", flat=True)
        )
    out = []
    for start, end in _periods(first, today, granularity):
        if start in kept:
            report.periods_kept += 1
        else:
            out.append((start, end))
    return out


# --------------------------------------------------------------------------------------
# Drift
# --------------------------------------------------------------------------------------


def _runs_under(
    values: list[tuple[dt.date, float | None]], threshold: float, windows: int
) -> list[tuple[dt.date, float]] | None:
    """The last ``windows`` measured values if every one is under ``threshold``, else None."""
    measured = [(start, value) for start, value in values if value is not None]
    tail = measured[-windows:]
    if len(tail) < windows or any(value >= threshold for _, value in tail):
        return None
    return [(start, float(value)) for start, value in tail]


def drift_alerts_raise(*, team: Team, granularity: str, today: dt.date) -> list[DriftAlert]:
    """Raise an alert when the team's alpha, or a reviewer's kappa against gold, stayed under its
    threshold for the last N complete windows (N and thresholds from drift_thresholds()). One alert
    per team or reviewer, metric and last window: running again raises nothing new."""
    return _drift_alerts_raise([team.pk], granularity, today)[team.pk]


def _drift_alerts_raise(team_ids: Sequence[int], granularity: str, today: dt.date) -> dict[int, list[DriftAlert]]:
    """drift_alerts_raise for several teams at once: three queries and one insert whatever the
    number of teams and reviewers. The new alerts, per team."""
    thresholds = drift_thresholds()
    windows = int(thresholds["windows"])
    out: dict[int, list[DriftAlert]] = {team_id: [] for team_id in team_ids}
    if not team_ids:
        return out
    candidates: list[tuple[int, int | None, str, float, list[tuple[dt.date, float]]]] = []
    team_values: dict[int, list[tuple[dt.date, float | None]]] = defaultdict(list)
    for team_id, start, alpha in (
        AgreementSnapshot.objects.filter(
            scope=AgreementSnapshot.Scope.TEAM_PERIOD,
            team_id__in=team_ids,
            granularity=granularity,
            period_end__lt=today,
        )
        .order_by("team_id", "period_start")
        .values_list("team_id", "period_start", "alpha")
    ):
        team_values[team_id].append((start, alpha))
    for team_id, values in team_values.items():
        run = _runs_under(values, thresholds["team_alpha"], windows)
        if run:
            candidates.append((team_id, None, DriftAlert.Metric.TEAM_ALPHA, thresholds["team_alpha"], run))
    reviewer_values: dict[tuple[int, int], list[tuple[dt.date, float | None]]] = defaultdict(list)
    for team_id, user_id, start, kappa in (
        ReviewerSnapshot.objects.filter(team_id__in=team_ids, granularity=granularity, period_end__lt=today)
        .order_by("team_id", "user_id", "period_start")
        .values_list("team_id", "user_id", "period_start", "kappa_vs_gold")
    ):
        reviewer_values[(team_id, user_id)].append((start, kappa))
    for (team_id, user_id), values in reviewer_values.items():
        run = _runs_under(values, thresholds["reviewer_kappa"], windows)
        if run:
            candidates.append((team_id, user_id, DriftAlert.Metric.REVIEWER_KAPPA, thresholds["reviewer_kappa"], run))
    if not candidates:
        return out
    existing = set(
        DriftAlert.objects.filter(team_id__in=team_ids, granularity=granularity).values_list(
            "team_id", "user_id", "metric", "period_start"
        )
    )
    now = timezone.now()
    for team_id, user_id, metric, threshold, run in candidates:
        if (team_id, user_id, metric, run[-1][0]) in existing:
            continue
        out[team_id].append(
            DriftAlert(
                team_id=team_id,
                user_id=user_id,
                metric=metric,
                granularity=granularity,
                period_start=run[-1][0],
                threshold=threshold,
                windows=[{"period_start": start.isoformat(), "value": round(value, 4)} for start, value in run],
                raised_at=now,
            )
        )
    # Another run may raise the same alert at the same moment: the unique constraints keep one.
    DriftAlert.objects.bulk_create([alert for alerts in out.values() for alert in alerts], ignore_conflicts=True)
    return out


@transaction.atomic
def drift_alert_acknowledge(*, alert: DriftAlert, user: Any) -> DriftAlert:
    """Mark an alert as seen by one of its team's leads (or an admin)."""
    from calibration.selectors import teams_led_by

    if not teams_led_by(user).filter(pk=alert.team_id).exists():
        raise PermissionDenied("Only the team's leads acknowledge its alerts.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert


# --------------------------------------------------------------------------------------
# Per-scenario figures (item analysis and the contested queue)
# --------------------------------------------------------------------------------------


def _latest_labels(answer_filter: Q) -> tuple[IntArray, IntArray, list[str]]:
    """(user, scenario, label) of each reviewer's latest counted answer per scenario."""
    rows = _fetch(
        Answer.objects.filter(COUNTED, answer_filter)
        .order_by("answered_at", "pk")
        .values_list("attempt__user_id", "scenario_id", _label_sql("verdict", F("clause_id")))
    )
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    users_column, scenarios_column, labels_column = zip(*rows, strict=True)
    users = np.fromiter(users_column, np.int64, len(rows))
    scenarios = np.fromiter(scenarios_column, np.int64, len(rows))
    # The rows are in the order the answers were given: the last one of each reviewer and scenario wins.
    _, first_from_end = np.unique((users * (int(scenarios.max()) + 1) + scenarios)[::-1], return_index=True)
    keep = np.sort(len(rows) - 1 - first_from_end)
    return users[keep], scenarios[keep], [labels_column[k] for k in keep.tolist()]


def _gold_labels(version: PolicyVersion | None, scenario_ids: Sequence[int]) -> list[str]:
    """Each scenario's gold label under ``version`` ('' without a version, or when its facts do not fit)."""
    if version is None:
        return ["" for _ in scenario_ids]
    facts = dict(Scenario.objects.filter(pk__in=scenario_ids).values_list("pk", "facts"))
    out = []
    for scenario_id in scenario_ids:
        try:
            outcome = gold_outcome(version, facts[scenario_id])
        except FactsInvalid:
            out.append("")
        else:
            out.append(decision_label(str(outcome.verdict), outcome.clause_id))
    return out


def _figures_row(
    scenario_id: int, version: PolicyVersion | None, gold_label: str, stats: Any, now: dt.datetime
) -> ScenarioFigures:
    return ScenarioFigures(
        scenario_id=scenario_id,
        policy_version=version,
        gold_label=gold_label,
        n_answers=stats.n_answers,
        facility=_finite(stats.facility),
        discrimination=_finite(stats.discrimination),
        agreement=_finite(stats.agreement),
        distribution=[[str(label), count] for label, count in stats.distribution],
        computed_at=now,
    )


def scenario_figures_refresh(*, scenario_ids: Collection[int] | None = None) -> int:
    """Measure the item-analysis figures of these scenarios (None: every answered scenario) over every
    counted answer, against the gold of the version published now, and store them. Returns how many
    scenarios have figures after it (a scenario left with no counted answer loses its row).

    Discrimination compares Kelley's top and bottom 27% of reviewers by overall accuracy; ranking
    them reads every answer, so only a full run ranks them (and stores the ranking as
    ReviewerStanding); a run for some scenarios uses the stored ranking, and turns into a full run
    when there is none yet."""
    with transaction.atomic():
        _lock(LOCK_SCENARIO_FIGURES, 0)
        version = published_policy_version()
        now = timezone.now()
        if scenario_ids is None or not ReviewerStanding.objects.exists():
            return _figures_full(version, now)
        wanted = sorted(set(scenario_ids))
        if not wanted:
            return 0
        users, scenarios, labels = _latest_labels(Q(scenario_id__in=wanted))
        answered = sorted(set(scenarios.tolist()))
        standings = dict(
            ReviewerStanding.objects.filter(user_id__in=set(users.tolist())).values_list("user_id", "group")
        )
        user_ids, user_positions = np.unique(users, return_inverse=True)
        position = {s: i for i, s in enumerate(answered)}
        groups = ReviewerGroups(
            upper=tuple(i for i, u in enumerate(user_ids.tolist()) if standings.get(u) == ReviewerStanding.Group.UPPER),
            lower=tuple(i for i, u in enumerate(user_ids.tolist()) if standings.get(u) == ReviewerStanding.Group.LOWER),
            accuracy=(),
        )
        gold = _gold_labels(version, answered)
        stats, _ = item_statistics_with_groups(
            user_positions, [position[s] for s in scenarios.tolist()], labels, gold, groups=groups
        )
        ScenarioFigures.objects.filter(scenario_id__in=wanted).delete()
        ScenarioFigures.objects.bulk_create(
            _figures_row(s, version, g, stat, now) for s, g, stat in zip(answered, gold, stats, strict=True)
        )
        return len(answered)


def _figures_full(version: PolicyVersion | None, now: dt.datetime) -> int:
    users, scenarios, labels = _latest_labels(Q())
    user_ids, user_positions = np.unique(users, return_inverse=True)
    answered, scenario_positions = np.unique(scenarios, return_inverse=True)
    gold = _gold_labels(version, answered.tolist())
    stats, groups = item_statistics_with_groups(user_positions, scenario_positions, labels, gold)
    ScenarioFigures.objects.all().delete()
    ScenarioFigures.objects.bulk_create(
        (_figures_row(s, version, g, stat, now) for s, g, stat in zip(answered.tolist(), gold, stats, strict=True)),
        batch_size=500,
    )
    upper, lower = set(groups.upper), set(groups.lower)
    answers_per_user = np.bincount(user_positions, minlength=len(user_ids))
    ReviewerStanding.objects.all().delete()
    ReviewerStanding.objects.bulk_create(
        (
            ReviewerStanding(
                user_id=user_id,
                n_answers=int(answers_per_user[i]),
                accuracy=_finite(groups.accuracy[i]) if groups.accuracy else None,
                group=ReviewerStanding.Group.UPPER
                if i in upper
                else ReviewerStanding.Group.LOWER
                if i in lower
                else ReviewerStanding.Group.MIDDLE,
                computed_at=now,
            )
            for i, user_id in enumerate(user_ids.tolist())
        ),
        batch_size=1000,
    )
    return len(answered)


def _figures_stale() -> bool:
    """Whether anything changed since the last full item analysis: answers given or rounds closed
    or cancelled since, or another version published since."""
    last = ReviewerStanding.objects.aggregate(last=Max("computed_at"))["last"]
    if last is None:
        return counted_answers().exists()
    version = published_policy_version()
    if ScenarioFigures.objects.exclude(policy_version=version).exists():
        return True
    if Answer.objects.filter(answered_at__gte=last).exists():
        return True
    return CalibrationRound.objects.filter(Q(closed_at__gte=last) | Q(cancelled_at__gte=last)).exists()


# --------------------------------------------------------------------------------------
# Entry points: the command, the tasks, the daily sweep
# --------------------------------------------------------------------------------------


def snapshots_compute(
    *,
    granularities: Iterable[str] = (Granularity.WEEK, Granularity.MONTH),
    today: dt.date | None = None,
    recompute: bool = False,
    teams: Iterable[Team] | None = None,
    progress: Callable[[str], None] | None = None,
) -> SnapshotReport:
    """Measure closed rounds not yet measured, every team's periods from its first answer up to
    ``today``, then drift; and, unless ``teams`` narrows the run, every period over all teams
    together and every scenario's figures (when anything changed since they were measured). Ended
    periods measured before are kept as they were (with ``recompute`` they, the rounds and the
    scenario figures are measured again); the current period is measured again."""
    today = today or timezone.localdate()
    granularities = list(granularities)
    say = progress or (lambda message: None)
    report = SnapshotReport()
    rounds = CalibrationRound.objects.filter(closed_at__isnull=False)
    if not recompute:
        rounds = rounds.exclude(snapshots__scope=AgreementSnapshot.Scope.ROUND)
    report.rounds_computed = _rounds_measure(list(rounds.values_list("pk", flat=True)))
    say(f"Rounds: {report.rounds_computed} measured.")
    team_list = list(teams if teams is not None else Team.objects.order_by("name"))
    members = _members_by_team()
    scopes = []
    for team in team_list:
        team_members = members.get(team.pk, frozenset())
        first = _first_answer_day(Q(attempt__user_id__in=sorted(team_members))) if team_members else None
        periods = {
            granularity: _periods_to_measure(
                scope=AgreementSnapshot.Scope.TEAM_PERIOD,
                team_id=team.pk,
                granularity=granularity,
                first=first,
                today=today,
                recompute=recompute,
                report=report,
            )
            for granularity in granularities
        }
        scopes.append(_Scope(team.pk, team_members, periods))
    if teams is None:
        everyone = frozenset().union(*members.values())
        first = _first_answer_day(_all_members()) if everyone else None
        periods = {
            granularity: _periods_to_measure(
                scope=AgreementSnapshot.Scope.ALL_PERIOD,
                team_id=None,
                granularity=granularity,
                first=first,
                today=today,
                recompute=recompute,
                report=report,
            )
            for granularity in granularities
        }
        scopes.append(_Scope(None, everyone, periods))
    _measure_and_write(scopes, say=say)
    alerts = {
        granularity: _drift_alerts_raise([team.pk for team in team_list], granularity, today)
        for granularity in granularities
    }
    for index, (team, scope) in enumerate(zip(team_list, scopes, strict=False), start=1):
        for granularity in granularities:
            measured = len(scope.periods[granularity]) if scope.members else 0
            raised = alerts[granularity][team.pk]
            report.alerts_raised += len(raised)
            report.periods_computed += measured
            say(
                f"[{index}/{len(team_list)}] {team.name}, by {granularity}: "
                f"{measured} period(s) measured, {len(raised)} alert(s) raised."
            )
        report.teams += 1
    if teams is None:
        scope = scopes[-1]
        for granularity in granularities:
            measured = len(scope.periods[granularity]) if scope.members else 0
            report.periods_computed += measured
            say(f"All teams, by {granularity}: {measured} period(s) measured.")
        if recompute or _figures_stale():
            report.scenarios_measured = scenario_figures_refresh()
            say(f"Scenario figures: {report.scenarios_measured} scenario(s) measured.")
        else:
            say("Scenario figures: nothing new since they were last measured.")
    return report


def snapshots_refresh(
    *, user_ids: Collection[int], days: Collection[dt.date], scenario_ids: Collection[int] = ()
) -> SnapshotReport:
    """Measure again exactly what answers by these reviewers on these (local) days touch: for every
    team they are members of, the weeks and months holding those days (the team's period, clause and
    reviewer snapshots); the same periods over all teams; and the figures of ``scenario_ids``.
    Idempotent: running it again stores the same figures."""
    report = SnapshotReport()
    days, users = set(days), set(user_ids)
    if days and users:
        periods = {
            granularity: sorted({period_bounds(day, granularity) for day in days}) for granularity in Granularity.values
        }
        members = _members_by_team()
        team_ids = sorted(team_id for team_id, team_members in members.items() if team_members & users)
        if team_ids:
            scopes = [_Scope(team_id, members[team_id], periods) for team_id in team_ids]
            scopes.append(_Scope(None, frozenset().union(*members.values()), periods))
            report.periods_computed = _measure_and_write(scopes)
            report.teams = len(team_ids)
            today = timezone.localdate()
            if any(end < today for ps in periods.values() for _, end in ps):
                for granularity in Granularity.values:
                    raised = _drift_alerts_raise(team_ids, granularity, today)
                    report.alerts_raised += sum(len(alerts) for alerts in raised.values())
    if scenario_ids:
        report.scenarios_measured = scenario_figures_refresh(scenario_ids=scenario_ids)
    return report


def _sweep_periods(
    stored: dict[dt.date, dt.datetime], first: dt.date | None, granularity: str, today: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """Periods never measured, and ended periods last measured before they ended."""
    if first is None:
        return []
    zone = timezone.get_current_timezone()
    out = []
    for start, end in _periods(first, today, granularity):
        computed_at = stored.get(start)
        if computed_at is None or (end < today and computed_at.astimezone(zone).date() <= end):
            out.append((start, end))
    return out


def _sweep_scope(
    stored: dict[tuple[int | None, str], dict[dt.date, dt.datetime]],
    team_id: int | None,
    members: frozenset[int],
    today: dt.date,
) -> _Scope:
    scope = _Scope(team_id, members, {})
    first_answer: list[dt.date | None] = []
    for granularity in Granularity.values:
        measured = stored.get((team_id, granularity), {})
        if measured:
            first = min(measured)
        else:
            if not first_answer:
                first_answer.append(_first_answer_day(scope.who()) if members else None)
            first = first_answer[0]
        scope.periods[granularity] = _sweep_periods(measured, first, granularity, today)
    return scope


def snapshots_sweep(*, today: dt.date | None = None) -> SnapshotReport:
    """The daily job: measure closed rounds not yet measured; every period (of each team, and of all
    teams together) that was never measured, or was last measured before it ended; raise drift alerts
    for every team; and measure every scenario's figures again if anything changed since their last
    full measurement. Reads only the snapshot tables when there is nothing new."""
    today = today or timezone.localdate()
    report = SnapshotReport()
    unmeasured = CalibrationRound.objects.filter(closed_at__isnull=False).exclude(
        snapshots__scope=AgreementSnapshot.Scope.ROUND
    )
    report.rounds_computed = _rounds_measure(list(unmeasured.values_list("pk", flat=True)))
    stored: dict[tuple[int | None, str], dict[dt.date, dt.datetime]] = defaultdict(dict)
    for team_id, granularity, start, computed_at in AgreementSnapshot.objects.filter(
        scope__in=[AgreementSnapshot.Scope.TEAM_PERIOD, AgreementSnapshot.Scope.ALL_PERIOD]
    ).values_list("team_id", "granularity", "period_start", "computed_at"):
        stored[(team_id, granularity)][start] = computed_at
    members = _members_by_team()
    teams = list(Team.objects.filter(pk__in=list(members)).order_by("name"))
    scopes = [_sweep_scope(stored, team.pk, members[team.pk], today) for team in teams]
    if members:
        scopes.append(_sweep_scope(stored, None, frozenset().union(*members.values()), today))
    report.periods_computed = _measure_and_write(scopes)
    for granularity in Granularity.values:
        raised = _drift_alerts_raise([team.pk for team in teams], granularity, today)
        report.alerts_raised += sum(len(alerts) for alerts in raised.values())
    report.teams = len(teams)
    if _figures_stale():
        report.scenarios_measured = scenario_figures_refresh()
    return report


__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "COUNTED",
    "DEFAULT_DRIFT_THRESHOLDS",
    "SnapshotReport",
    "counted_answers",
    "drift_alert_acknowledge",
    "drift_alerts_raise",
    "drift_thresholds",
    "period_bounds",
    "round_snapshot_compute",
    "scenario_figures_refresh",
    "snapshots_compute",
    "snapshots_refresh",
    "snapshots_sweep",
]
