"""Agreement snapshots: figures per round, per team and period, per team, clause and period, and
per reviewer against gold, stored as they were measured; and drift alerts raised from them.

Closed periods are measured once and then kept (history stays as it was measured); the current
period is measured again on every run, so running the command twice changes nothing new.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Team, TeamMembership
from quiz import agreement
from quiz.item_analysis import decision_label
from quiz.models import AgreementSnapshot, Answer, CalibrationRound, DriftAlert, Granularity, ReviewerSnapshot
from training.models import PolicyVersion, Scenario
from training.selectors import gold_outcome

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


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One answer reduced to what the statistics need."""

    user_id: int
    scenario_id: int
    answered_at: dt.datetime
    label: str
    verdict: str
    gold_label: str
    gold_verdict: str


class _GoldCache:
    """Gold labels per (policy version, scenario), from the engine, computed once each."""

    def __init__(self) -> None:
        self._versions: dict[int, PolicyVersion] = {}
        self._facts: dict[int, dict[str, Any]] = {}
        self._gold: dict[tuple[int, int], tuple[str, str]] = {}

    def prime(self, version_ids: Iterable[int], scenario_ids: Iterable[int]) -> None:
        wanted_versions = set(version_ids) - set(self._versions)
        if wanted_versions:
            self._versions.update(PolicyVersion.objects.in_bulk(wanted_versions))
        wanted_scenarios = set(scenario_ids) - set(self._facts)
        if wanted_scenarios:
            self._facts.update(Scenario.objects.filter(pk__in=wanted_scenarios).values_list("pk", "facts"))

    def gold(self, version_id: int, scenario_id: int) -> tuple[str, str]:
        key = (version_id, scenario_id)
        if key not in self._gold:
            outcome = gold_outcome(self._versions[version_id], self._facts[scenario_id])
            self._gold[key] = (decision_label(str(outcome.verdict), outcome.clause_id), str(outcome.verdict))
        return self._gold[key]


def answer_rows(answer_filter: Q, *, gold: _GoldCache | None = None) -> list[AnswerRow]:
    """Answers matching ``answer_filter`` that count for agreement: quiz answers, and answers in
    calibration rounds that are closed (an open round stays blind, even in aggregate). The gold is
    the one the answer was scored with when it was stored, else the engine's under the attempt's
    policy version. One query, plus at most two to fetch versions and facts for unscored answers."""
    gold = gold or _GoldCache()
    raw = list(
        Answer.objects.filter(answer_filter)
        .filter(Q(attempt__calibration_round__isnull=True) | Q(attempt__calibration_round__closed_at__isnull=False))
        .exclude(verdict="")
        .order_by("answered_at", "pk")
        .values_list(
            "attempt__user_id",
            "scenario_id",
            "answered_at",
            "verdict",
            "clause_id",
            "expected",
            "attempt__policy_version_id",
        )
    )
    unscored = [(row[6], row[1]) for row in raw if "verdict" not in (row[5] or {})]
    if unscored:
        gold.prime({v for v, _ in unscored}, {s for _, s in unscored})
    rows = []
    for user_id, scenario_id, answered_at, verdict, clause_id, expected, version_id in raw:
        if expected and "verdict" in expected:
            gold_label = decision_label(expected["verdict"], expected.get("clause_id"))
            gold_verdict = expected["verdict"]
        else:
            gold_label, gold_verdict = gold.gold(version_id, scenario_id)
        rows.append(
            AnswerRow(
                user_id, scenario_id, answered_at, decision_label(verdict, clause_id), verdict, gold_label, gold_verdict
            )
        )
    return rows


def latest_per_reviewer_and_scenario(rows: Iterable[AnswerRow]) -> dict[tuple[int, int], AnswerRow]:
    """A reviewer who met a scenario twice in a window counts once: with their latest answer."""
    latest: dict[tuple[int, int], AnswerRow] = {}
    for row in rows:  # ordered by answered_at
        latest[(row.user_id, row.scenario_id)] = row
    return latest


@dataclass
class RatingsMatrix:
    """Reviewers x scenarios labels (None where a reviewer did not answer)."""

    user_ids: list[int]
    scenario_ids: list[int]
    labels: list[list[str | None]]
    n_answers: int


def ratings_matrix(latest: dict[tuple[int, int], AnswerRow], *, shared_only: bool = True) -> RatingsMatrix:
    raters_per_scenario: dict[int, int] = defaultdict(int)
    for _user_id, scenario_id in latest:
        raters_per_scenario[scenario_id] += 1
    scenario_ids = sorted(s for s, n in raters_per_scenario.items() if n >= 2 or not shared_only)
    kept = {s: i for i, s in enumerate(scenario_ids)}
    user_ids = sorted({u for (u, s) in latest if s in kept})
    position = {u: i for i, u in enumerate(user_ids)}
    labels: list[list[str | None]] = [[None] * len(scenario_ids) for _ in user_ids]
    n = 0
    for (user_id, scenario_id), row in latest.items():
        if scenario_id in kept:
            labels[position[user_id]][kept[scenario_id]] = row.label
            n += 1
    return RatingsMatrix(user_ids, scenario_ids, labels, n)


def agreement_figures(matrix: RatingsMatrix, *, seed: int = 0) -> dict[str, Any]:
    """The AgreementSnapshot fields for one ratings matrix (all None when there is nothing shared)."""
    if not matrix.scenario_ids:
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
            "warnings": ["No scenario was answered by two or more reviewers, so agreement cannot be measured."],
        }
    summary = agreement.summarise(matrix.labels, seed=seed, n_resamples=BOOTSTRAP_RESAMPLES)
    return {
        "n_raters": summary.n_raters,
        "n_units": summary.n_units,
        "n_answers": matrix.n_answers,
        "percent_agreement": _finite(summary.percent_agreement),
        "fleiss_kappa": _finite(summary.fleiss_kappa),
        "alpha": _finite(summary.krippendorff_alpha.estimate),
        "alpha_low": _finite(summary.krippendorff_alpha.low),
        "alpha_high": _finite(summary.krippendorff_alpha.high),
        "ac1": _finite(summary.gwet_ac1),
        "warnings": list(summary.warnings),
    }


def pairwise_figures(matrix: RatingsMatrix) -> dict[str, Any]:
    if len(matrix.user_ids) < 2:
        return {}
    kappas = agreement.pairwise_cohen_matrix(matrix.labels)
    return {"users": matrix.user_ids, "matrix": [[_finite(float(v)) for v in row] for row in kappas.tolist()]}


def reviewer_figures(rows: Iterable[AnswerRow]) -> dict[str, Any]:
    """One reviewer's answers (latest per scenario) against gold."""
    rows = list(rows)
    gold = [row.gold_label for row in rows]
    given = [row.label for row in rows]
    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for expected, answered in zip(gold, given, strict=True):
        confusion[expected][answered] += 1
    sensitivity, specificity = agreement.binary_rates(
        [row.gold_verdict for row in rows], [row.verdict for row in rows], VIOLATING
    )
    return {
        "n_answers": len(rows),
        "accuracy": sum(g == a for g, a in zip(gold, given, strict=True)) / len(rows) if rows else None,
        "kappa_vs_gold": _finite(agreement.cohen_kappa(gold, given)) if len(rows) >= 2 else None,
        "sensitivity": _finite(sensitivity),
        "specificity": _finite(specificity),
        "confusion": {g: dict(sorted(c.items())) for g, c in sorted(confusion.items())},
    }


# --------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------


def round_rows(calibration_round: CalibrationRound) -> list[AnswerRow]:
    return answer_rows(Q(attempt__calibration_round=calibration_round))


@transaction.atomic
def round_snapshot_compute(*, calibration_round: CalibrationRound) -> AgreementSnapshot:
    """Measure a closed round once; a round's answers never change after it closes."""
    if calibration_round.closed_at is None:
        raise ValueError("A round is measured only once it is closed; its answers stay blind until then.")
    latest = latest_per_reviewer_and_scenario(round_rows(calibration_round))
    matrix = ratings_matrix(latest)
    figures = agreement_figures(matrix, seed=calibration_round.pk)
    snapshot, _ = AgreementSnapshot.objects.update_or_create(
        scope=AgreementSnapshot.Scope.ROUND,
        calibration_round=calibration_round,
        defaults={
            **figures,
            "team_id": calibration_round.team_id,
            "pairwise": pairwise_figures(matrix),
            "computed_at": timezone.now(),
        },
    )
    return snapshot


# --------------------------------------------------------------------------------------
# Teams over time
# --------------------------------------------------------------------------------------


@dataclass
class SnapshotReport:
    teams: int = 0
    periods_computed: int = 0
    periods_kept: int = 0
    rounds_computed: int = 0
    alerts_raised: int = 0
    notes: list[str] = field(default_factory=list)


def _periods(first: dt.date, last: dt.date, granularity: str) -> list[tuple[dt.date, dt.date]]:
    out = []
    start, end = period_bounds(first, granularity)
    while start <= last:
        out.append((start, end))
        start, end = period_bounds(end + dt.timedelta(days=1), granularity)
    return out


def _answers_by_period(members: set[int], granularity: str, gold: _GoldCache | None) -> dict[dt.date, list[AnswerRow]]:
    """The members' answers grouped by the start of the (local) week or month they were given in."""
    tz = timezone.get_current_timezone()
    by_period: dict[dt.date, list[AnswerRow]] = defaultdict(list)
    for row in answer_rows(Q(attempt__user_id__in=members), gold=gold):
        by_period[period_bounds(row.answered_at.astimezone(tz).date(), granularity)[0]].append(row)
    return by_period


def _team_members(team: Team) -> set[int]:
    return set(
        TeamMembership.objects.filter(team=team, kind=TeamMembership.Kind.MEMBER).values_list("user_id", flat=True)
    )


def team_period_snapshots_compute(
    *,
    team: Team,
    granularity: str,
    today: dt.date,
    recompute: bool = False,
    gold: _GoldCache | None = None,
    report: SnapshotReport | None = None,
) -> None:
    """Measure every period of one team from its first answer to ``today``."""
    report = report or SnapshotReport()
    members = _team_members(team)
    if not members:
        return
    by_period = _answers_by_period(members, granularity, gold)
    if not by_period:
        return
    first = min(by_period)
    kept = set()
    if not recompute:
        kept = set(
            AgreementSnapshot.objects.filter(
                scope=AgreementSnapshot.Scope.TEAM_PERIOD, team=team, granularity=granularity, period_end__lt=today
            ).values_list("period_start", flat=True)
        )
    now = timezone.now()
    for start, end in _periods(first, today, granularity):
        if start in kept:
            report.periods_kept += 1
            continue
        latest = latest_per_reviewer_and_scenario(by_period.get(start, []))
        _team_period_write(team, granularity, start, end, latest, now)
        report.periods_computed += 1


@transaction.atomic
def _team_period_write(
    team: Team,
    granularity: str,
    start: dt.date,
    end: dt.date,
    latest: dict[tuple[int, int], AnswerRow],
    now: dt.datetime,
) -> None:
    seed = int(start.strftime("%Y%m%d"))
    matrix = ratings_matrix(latest)
    AgreementSnapshot.objects.update_or_create(
        scope=AgreementSnapshot.Scope.TEAM_PERIOD,
        team=team,
        granularity=granularity,
        period_start=start,
        defaults={
            **agreement_figures(matrix, seed=seed),
            "period_end": end,
            "pairwise": pairwise_figures(matrix),
            "computed_at": now,
        },
    )
    _clause_snapshots_write(
        AgreementSnapshot.Scope.CLAUSE_PERIOD, team, granularity, start, end, latest, now, seed=seed
    )
    by_user: dict[int, list[AnswerRow]] = defaultdict(list)
    for (user_id, _), row in latest.items():
        by_user[user_id].append(row)
    for user_id, user_rows in by_user.items():
        ReviewerSnapshot.objects.update_or_create(
            user_id=user_id,
            team=team,
            granularity=granularity,
            period_start=start,
            defaults={**reviewer_figures(user_rows), "period_end": end, "computed_at": now},
        )


# --------------------------------------------------------------------------------------
# All teams together (the policy team's view)
# --------------------------------------------------------------------------------------


def all_teams_period_snapshots_compute(
    *,
    granularity: str,
    today: dt.date,
    recompute: bool = False,
    gold: _GoldCache | None = None,
    report: SnapshotReport | None = None,
) -> None:
    """Measure every period over the reviewers of every team together, overall and per gold clause,
    so the policy team sees where guidance is unclear whichever team answers. A reviewer in two teams
    counts once. Ended periods measured before are kept unless ``recompute``."""
    report = report or SnapshotReport()
    members = set(TeamMembership.objects.filter(kind=TeamMembership.Kind.MEMBER).values_list("user_id", flat=True))
    if not members:
        return
    by_period = _answers_by_period(members, granularity, gold)
    if not by_period:
        return
    kept: set[dt.date] = set()
    if not recompute:
        kept = set(
            AgreementSnapshot.objects.filter(
                scope=AgreementSnapshot.Scope.ALL_PERIOD, granularity=granularity, period_end__lt=today
            ).values_list("period_start", flat=True)
        )
    now = timezone.now()
    for start, end in _periods(min(by_period), today, granularity):
        if start in kept:
            report.periods_kept += 1
            continue
        _all_teams_period_write(
            granularity, start, end, latest_per_reviewer_and_scenario(by_period.get(start, [])), now
        )
        report.periods_computed += 1


@transaction.atomic
def _all_teams_period_write(
    granularity: str, start: dt.date, end: dt.date, latest: dict[tuple[int, int], AnswerRow], now: dt.datetime
) -> None:
    seed = int(start.strftime("%Y%m%d"))
    AgreementSnapshot.objects.update_or_create(
        scope=AgreementSnapshot.Scope.ALL_PERIOD,
        team=None,
        granularity=granularity,
        period_start=start,
        defaults={**agreement_figures(ratings_matrix(latest), seed=seed), "period_end": end, "computed_at": now},
    )
    _clause_snapshots_write(
        AgreementSnapshot.Scope.ALL_CLAUSE_PERIOD, None, granularity, start, end, latest, now, seed=seed
    )


def _clause_snapshots_write(
    scope: str,
    team: Team | None,
    granularity: str,
    start: dt.date,
    end: dt.date,
    latest: dict[tuple[int, int], AnswerRow],
    now: dt.datetime,
    *,
    seed: int,
) -> None:
    """One snapshot per clause of the gold answers in the period; clauses no longer seen are dropped."""
    by_clause: dict[str, dict[tuple[int, int], AnswerRow]] = defaultdict(dict)
    for key, row in latest.items():
        by_clause[row.gold_label][key] = row
    stale = AgreementSnapshot.objects.filter(scope=scope, team=team, granularity=granularity, period_start=start)
    stale.exclude(clause_id__in=list(by_clause)).delete()
    for clause_id, clause_latest in sorted(by_clause.items()):
        AgreementSnapshot.objects.update_or_create(
            scope=scope,
            team=team,
            clause_id=clause_id,
            granularity=granularity,
            period_start=start,
            defaults={
                **agreement_figures(ratings_matrix(clause_latest), seed=seed),
                "period_end": end,
                "computed_at": now,
            },
        )


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


@transaction.atomic
def drift_alerts_raise(*, team: Team, granularity: str, today: dt.date) -> list[DriftAlert]:
    """Raise an alert when the team's alpha, or a reviewer's kappa against gold, stayed under its
    threshold for the last N complete windows (N and thresholds from drift_thresholds()). One alert
    per team or reviewer, metric and last window: running again raises nothing new."""
    thresholds = drift_thresholds()
    windows = int(thresholds["windows"])
    raised: list[DriftAlert] = []
    team_values = list(
        AgreementSnapshot.objects.filter(
            scope=AgreementSnapshot.Scope.TEAM_PERIOD, team=team, granularity=granularity, period_end__lt=today
        )
        .order_by("period_start")
        .values_list("period_start", "alpha")
    )
    run = _runs_under(team_values, thresholds["team_alpha"], windows)
    if run:
        raised += _alert_for(team, None, DriftAlert.Metric.TEAM_ALPHA, thresholds["team_alpha"], granularity, run)
    reviewer_values: dict[int, list[tuple[dt.date, float | None]]] = defaultdict(list)
    for user_id, start, kappa in (
        ReviewerSnapshot.objects.filter(team=team, granularity=granularity, period_end__lt=today)
        .order_by("user_id", "period_start")
        .values_list("user_id", "period_start", "kappa_vs_gold")
    ):
        reviewer_values[user_id].append((start, kappa))
    for user_id, values in reviewer_values.items():
        run = _runs_under(values, thresholds["reviewer_kappa"], windows)
        if run:
            raised += _alert_for(
                team, user_id, DriftAlert.Metric.REVIEWER_KAPPA, thresholds["reviewer_kappa"], granularity, run
            )
    return raised


def _alert_for(
    team: Team, user_id: int | None, metric: str, threshold: float, granularity: str, run: list[tuple[dt.date, float]]
) -> list[DriftAlert]:
    alert, created = DriftAlert.objects.get_or_create(
        team=team,
        user_id=user_id,
        metric=metric,
        granularity=granularity,
        period_start=run[-1][0],
        defaults={
            "threshold": threshold,
            "windows": [{"period_start": start.isoformat(), "value": round(value, 4)} for start, value in run],
            "raised_at": timezone.now(),
        },
    )
    return [alert] if created else []


@transaction.atomic
def drift_alert_acknowledge(*, alert: DriftAlert, user: Any) -> DriftAlert:
    """Mark an alert as seen by one of its team's leads (or an admin)."""
    from quiz.selectors.calibration import teams_led_by

    if not teams_led_by(user).filter(pk=alert.team_id).exists():
        raise PermissionDenied("Only the team's leads acknowledge its alerts.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return alert


# --------------------------------------------------------------------------------------
# Everything
# --------------------------------------------------------------------------------------


def snapshots_compute(
    *,
    granularities: Iterable[str] = (Granularity.WEEK, Granularity.MONTH),
    today: dt.date | None = None,
    recompute: bool = False,
    teams: Iterable[Team] | None = None,
    progress: Callable[[str], None] | None = None,
) -> SnapshotReport:
    """Measure closed rounds not yet measured, every team's periods up to ``today``, then drift; and,
    unless ``teams`` narrows the run, every period over all teams together."""
    today = today or timezone.localdate()
    say = progress or (lambda message: None)
    report = SnapshotReport()
    gold = _GoldCache()
    unmeasured = CalibrationRound.objects.filter(closed_at__isnull=False)
    if not recompute:
        unmeasured = unmeasured.exclude(snapshots__scope=AgreementSnapshot.Scope.ROUND)
    for calibration_round in unmeasured.order_by("closed_at"):
        round_snapshot_compute(calibration_round=calibration_round)
        report.rounds_computed += 1
    say(f"Rounds: {report.rounds_computed} measured.")
    team_list = list(teams if teams is not None else Team.objects.order_by("name"))
    for index, team in enumerate(team_list, start=1):
        for granularity in granularities:
            before = report.periods_computed
            team_period_snapshots_compute(
                team=team, granularity=granularity, today=today, recompute=recompute, gold=gold, report=report
            )
            alerts = drift_alerts_raise(team=team, granularity=granularity, today=today)
            report.alerts_raised += len(alerts)
            say(
                f"[{index}/{len(team_list)}] {team.name}, by {granularity}: "
                f"{report.periods_computed - before} period(s) measured, {len(alerts)} alert(s) raised."
            )
        report.teams += 1
    if teams is None:
        for granularity in granularities:
            before = report.periods_computed
            all_teams_period_snapshots_compute(
                granularity=granularity, today=today, recompute=recompute, gold=gold, report=report
            )
            say(f"All teams, by {granularity}: {report.periods_computed - before} period(s) measured.")
    return report
