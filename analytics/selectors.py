"""Reads for dashboards (from stored snapshots) and for the policy team's item analysis (from stored
per-scenario figures)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Team, User
from analytics.freshness import Freshness
from analytics.item_analysis import ItemStatistics
from analytics.models import AgreementSnapshot, DriftAlert, Granularity, ReviewerSnapshot, ScenarioFigures
from quiz.models import Answer
from training.models import PolicyVersion, Scenario
from training.policy import FactsInvalid, Policy, evaluate
from training.selectors import DEFAULT_POLICY, engine_policy, gold_outcome

TREND_PERIODS = {Granularity.WEEK: 16, Granularity.MONTH: 6}


def _heat_class(value: float | None) -> str:
    if value is None:
        return "heat-none"
    if value >= 0.8:
        return "heat-high"
    if value >= 0.667:
        return "heat-mid"
    if value >= 0.4:
        return "heat-low"
    return "heat-bad"


@dataclass
class TeamDashboard:
    team: Team
    granularity: str
    trend: list[AgreementSnapshot]
    heatmap_periods: list[Any]
    heatmap_rows: list[dict[str, Any]]
    alerts: list[DriftAlert]
    reviewers: list[dict[str, Any]]
    pairwise_users: list[User]
    pairwise_rows: list[dict[str, Any]]

    @property
    def latest_measured(self) -> AgreementSnapshot | None:
        """The newest period with shared answers (the current period is often still empty)."""
        return next((s for s in reversed(self.trend) if s.n_units), None)


def team_dashboard(team: Team, granularity: str = Granularity.WEEK) -> TeamDashboard:
    """Everything on a lead's dashboard for one team, from snapshots: four queries
    (team snapshots, clause snapshots, reviewer snapshots with users, open alerts with users)."""
    limit = TREND_PERIODS[granularity]
    trend = list(
        AgreementSnapshot.objects.filter(
            scope=AgreementSnapshot.Scope.TEAM_PERIOD, team=team, granularity=granularity
        ).order_by("-period_start")[:limit]
    )[::-1]
    periods = [snapshot.period_start for snapshot in trend]
    first = periods[0] if periods else None
    clause_snapshots = (
        list(
            AgreementSnapshot.objects.filter(
                scope=AgreementSnapshot.Scope.CLAUSE_PERIOD, team=team, granularity=granularity, period_start__gte=first
            ).values_list("clause_id", "period_start", "alpha", "percent_agreement", "n_units")
        )
        if first
        else []
    )
    cells: dict[str, dict[Any, tuple[float | None, float | None, int]]] = {}
    for clause_id, start, alpha, percent, n_units in clause_snapshots:
        cells.setdefault(clause_id, {})[start] = (alpha, percent, n_units)
    heatmap_rows = []
    for clause_id in sorted(cells):
        row_cells = []
        for start in periods:
            alpha, percent, n_units = cells[clause_id].get(start, (None, None, 0))
            # Within one clause most answers share one label, so alpha is often undefined:
            # the heatmap shows raw agreement, the share of agreeing pairs, which always exists.
            row_cells.append({"value": percent, "alpha": alpha, "n_units": n_units, "css": _heat_class(percent)})
        heatmap_rows.append({"clause_id": clause_id, "cells": row_cells})
    reviewer_snapshots = list(
        ReviewerSnapshot.objects.filter(team=team, granularity=granularity, period_start__gte=first)
        .select_related("user")
        .order_by("user__username", "period_start")
        if first
        else []
    )
    by_user: dict[int, list[ReviewerSnapshot]] = {}
    for snapshot in reviewer_snapshots:
        by_user.setdefault(snapshot.user_id, []).append(snapshot)
    reviewers = []
    for snapshots in by_user.values():
        latest = snapshots[-1]
        previous = snapshots[-2] if len(snapshots) > 1 else None
        total = sum(s.n_answers for s in snapshots)
        accuracy = (
            sum((s.accuracy or 0) * s.n_answers for s in snapshots) / total if total else None
        )  # weighted over the shown periods
        reviewers.append(
            {
                "user": latest.user,
                "latest": latest,
                "previous": previous,
                "accuracy_all": accuracy,
                "n_answers_all": total,
                "kappa_trend": [s.kappa_vs_gold for s in snapshots],
            }
        )
    alerts = list(
        DriftAlert.objects.filter(team=team, acknowledged_at__isnull=True).select_related("user").order_by("-raised_at")
    )
    pairwise_source = next((s for s in reversed(trend) if s.pairwise), None)
    users_by_id = {r["user"].pk: r["user"] for r in reviewers}
    pairwise_users: list[User] = []
    pairwise_rows: list[dict[str, Any]] = []
    if pairwise_source is not None:
        ids = pairwise_source.pairwise["users"]
        pairwise_users = [users_by_id.get(i) for i in ids]
        for user_id, row in zip(ids, pairwise_source.pairwise["matrix"], strict=True):
            pairwise_rows.append(
                {
                    "user": users_by_id.get(user_id),
                    "cells": [{"value": value, "css": _heat_class(value)} for value in row],
                }
            )
    return TeamDashboard(
        team=team,
        granularity=granularity,
        trend=trend,
        heatmap_periods=periods,
        heatmap_rows=heatmap_rows,
        alerts=alerts,
        reviewers=reviewers,
        pairwise_users=pairwise_users,
        pairwise_rows=pairwise_rows,
    )


# --------------------------------------------------------------------------------------
# Agreement across every team (policy team)
# --------------------------------------------------------------------------------------

OVERVIEW_PERIODS = {Granularity.WEEK: 16, Granularity.MONTH: 12}
UNCLEAR_CLAUSES_SHOWN = 5


@dataclass
class AgreementOverview:
    granularity: str
    trend: list[AgreementSnapshot]
    periods: list[Any]
    heatmap_rows: list[dict[str, Any]]
    team_series: list[dict[str, Any]]
    unclear: list[dict[str, Any]]
    clause_titles: dict[str, str]

    @property
    def latest_measured(self) -> AgreementSnapshot | None:
        """The newest period with shared answers (the current period is often still empty)."""
        return next((s for s in reversed(self.trend) if s.n_units), None)


def agreement_overview(granularity: str = Granularity.MONTH) -> AgreementOverview:
    """Agreement over every team together, overall and by clause and period, with each team's alpha
    beside it: where guidance is unclear whichever team answers. From stored snapshots, in four
    queries (all-teams snapshots, all-teams clause snapshots, team snapshots with their team, the
    published version for clause titles; plus the engine's parse of it on first use)."""
    limit = OVERVIEW_PERIODS[granularity]
    trend = list(
        AgreementSnapshot.objects.filter(scope=AgreementSnapshot.Scope.ALL_PERIOD, granularity=granularity).order_by(
            "-period_start"
        )[:limit]
    )[::-1]
    periods = [snapshot.period_start for snapshot in trend]
    first = periods[0] if periods else None
    clause_cells: dict[str, dict[Any, tuple[float | None, float | None, int, int]]] = {}
    team_values: dict[str, dict[Any, float | None]] = {}
    if first is not None:
        for clause_id, start, alpha, percent, n_units, n_answers in AgreementSnapshot.objects.filter(
            scope=AgreementSnapshot.Scope.ALL_CLAUSE_PERIOD, granularity=granularity, period_start__gte=first
        ).values_list("clause_id", "period_start", "alpha", "percent_agreement", "n_units", "n_answers"):
            clause_cells.setdefault(clause_id, {})[start] = (alpha, percent, n_units, n_answers)
        for team_name, start, alpha in (
            AgreementSnapshot.objects.filter(
                scope=AgreementSnapshot.Scope.TEAM_PERIOD, granularity=granularity, period_start__gte=first
            )
            .order_by("team__name", "period_start")
            .values_list("team__name", "period_start", "alpha")
        ):
            team_values.setdefault(team_name, {})[start] = alpha
    current = PolicyVersion.objects.filter(policy=DEFAULT_POLICY, status=PolicyVersion.Status.PUBLISHED).first()
    titles = {cid: clause.title for cid, clause in engine_policy(current).clauses.items()} if current else {}
    order = {cid: i for i, cid in enumerate(titles)}
    heatmap_rows = []
    unclear = []
    for clause_id in sorted(clause_cells, key=lambda cid: (order.get(cid, len(order)), cid)):
        cells = []
        weighted = weight = 0.0
        for start in periods:
            alpha, percent, n_units, n_answers = clause_cells[clause_id].get(start, (None, None, 0, 0))
            cells.append(
                {
                    "value": percent,
                    "alpha": alpha,
                    "n_units": n_units,
                    "n_answers": n_answers,
                    "css": _heat_class(percent),
                }
            )
            if percent is not None and n_units:
                weighted += percent * n_units
                weight += n_units
        pooled = weighted / weight if weight else None
        row = {"clause_id": clause_id, "title": titles.get(clause_id, ""), "cells": cells, "pooled": pooled}
        row["pooled_css"] = _heat_class(pooled)
        heatmap_rows.append(row)
        if pooled is not None:
            unclear.append(row)
    unclear.sort(key=lambda row: row["pooled"])
    return AgreementOverview(
        granularity=granularity,
        trend=trend,
        periods=periods,
        heatmap_rows=heatmap_rows,
        team_series=[
            {"team": name, "alpha": [values.get(start) for start in periods]} for name, values in team_values.items()
        ],
        unclear=unclear[:UNCLEAR_CLAUSES_SHOWN],
        clause_titles=titles,
    )


# --------------------------------------------------------------------------------------
# Item analysis and contested scenarios (policy team)
# --------------------------------------------------------------------------------------

CONTESTED_AGREEMENT_BELOW = 0.6
CONTESTED_FACILITY_BELOW = 0.5
MIN_ANSWERS = 5

# Every part of a gold answer, in the order a reviewer gives them, with how to name it.
OUTCOME_PARTS: tuple[tuple[str, str], ...] = (
    ("verdict", "Verdict"),
    ("clause_id", "Clause"),
    ("action", "Action"),
    ("report_to_ncmec", "NCMEC"),
    ("report_route", "Route"),
    ("rule_id", "Deciding rule"),
)


@dataclass(frozen=True)
class PartChange:
    """One part of the gold answer that a draft would change, in words a reader knows."""

    part: str
    label: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"


def outcome_part_text(policy: Policy | None, part: str, value: Any) -> str:
    """A part of an outcome as a person reads it: titles rather than ids."""
    if part == "verdict":
        return "Violating" if str(value) == "violating" else "Not violating"
    if part == "report_to_ncmec":
        return "due" if value else "not due"
    if not value:
        return "none"
    if policy is None:
        return str(value)
    if part == "clause_id" and value in policy.clauses:
        return f"{value} · {policy.clauses[value].title}"
    if part == "action" and value in policy.actions:
        return policy.actions[value].title
    if part == "report_route" and value in policy.reporting_routes:
        return policy.reporting_routes[value].title
    return str(value)


def outcome_changes(before: Any, after: Any, before_policy: Policy, after_policy: Policy) -> list[PartChange]:
    """Every part of the gold answer that differs between two outcomes, named with each version's titles."""
    return [
        PartChange(
            part,
            label,
            outcome_part_text(before_policy, part, getattr(before, part)),
            outcome_part_text(after_policy, part, getattr(after, part)),
        )
        for part, label in OUTCOME_PARTS
        if getattr(before, part) != getattr(after, part)
    ]


@dataclass
class ScenarioItem:
    scenario: Scenario
    stats: ItemStatistics
    gold_label: str
    gold: Any
    draft_gold: Any | None
    reasons: list[str]
    gold_parts: list[tuple[str, str]] = field(default_factory=list)
    draft_changes: list[PartChange] = field(default_factory=list)

    @property
    def gold_text(self) -> str:
        return "; ".join(f"{label}: {text}" for label, text in self.gold_parts)


@dataclass
class ItemAnalysis:
    items: list[ScenarioItem]
    current: PolicyVersion | None
    draft: PolicyVersion | None
    clause_titles: dict[str, str]
    # When the oldest of the stored figures shown was measured (None: nothing measured yet).
    measured_at: dt.datetime | None = None


def _current_and_draft() -> tuple[PolicyVersion | None, PolicyVersion | None]:
    """The published version and the newest draft, in one query."""
    current = draft = None
    for version in PolicyVersion.objects.filter(
        policy=DEFAULT_POLICY, status__in=[PolicyVersion.Status.PUBLISHED, PolicyVersion.Status.DRAFT]
    ).order_by("-created_at", "-pk"):
        if version.status == PolicyVersion.Status.PUBLISHED and current is None:
            current = version
        elif version.status == PolicyVersion.Status.DRAFT and draft is None:
            draft = version
    return current, draft


def _stats(figures: ScenarioFigures) -> ItemStatistics:
    distribution = tuple((label, count) for label, count in figures.distribution)
    nan = math.nan
    return ItemStatistics(
        n_answers=figures.n_answers,
        facility=nan if figures.facility is None else figures.facility,
        discrimination=nan if figures.discrimination is None else figures.discrimination,
        agreement=nan if figures.agreement is None else figures.agreement,
        distribution=distribution,
        modal_label=distribution[0][0] if distribution else None,
        modal_share=distribution[0][1] / figures.n_answers if distribution and figures.n_answers else nan,
    )


def item_analysis(*, with_draft: bool = False) -> ItemAnalysis:
    """Every answered scenario's facility, discrimination, agreement and distribution, over all
    counted answers (quizzes and closed rounds, each reviewer's latest answer per scenario), as
    stored by ``analytics.snapshots.scenario_figures_refresh``. Contested scenarios get their
    reasons and, with ``with_draft``, what the newest draft would change in their gold answer.

    Two queries whatever the number of answers (the figures with their scenarios, the published and
    draft versions) and the engine's parse of each version on its first use in the process."""
    figures = list(
        ScenarioFigures.objects.select_related("scenario")
        .defer("scenario__text")
        .order_by("scenario__key", "scenario__revision")
    )
    current, draft = _current_and_draft()
    policy = engine_policy(current) if current else None
    draft_policy = engine_policy(draft) if (with_draft and draft) else None
    out = []
    for figure in figures:
        scenario = figure.scenario
        stat = _stats(figure)
        gold = None
        if current is not None:
            try:
                gold = gold_outcome(current, scenario.facts)
            except FactsInvalid:
                gold = None
        reasons = []
        if stat.n_answers >= MIN_ANSWERS:
            if not math.isnan(stat.agreement) and stat.agreement < CONTESTED_AGREEMENT_BELOW:
                reasons.append("splits reviewers")
            if not math.isnan(stat.facility) and stat.facility < CONTESTED_FACILITY_BELOW:
                reasons.append("most reviewers disagree with the gold answer")
        item = ScenarioItem(
            scenario=scenario, stats=stat, gold_label=figure.gold_label, gold=gold, draft_gold=None, reasons=reasons
        )
        if gold is not None and policy is not None:
            item.gold_parts = [
                (label, outcome_part_text(policy, part, getattr(gold, part))) for part, label in OUTCOME_PARTS
            ]
        if draft_policy is not None and reasons and gold is not None and policy is not None:
            try:
                item.draft_gold = evaluate(draft_policy, scenario.facts)
            except FactsInvalid as error:
                item.draft_changes = [PartChange("facts", "Facts", "fit", f"do not fit the draft ({error})")]
            else:
                item.draft_changes = outcome_changes(gold, item.draft_gold, policy, draft_policy)
        out.append(item)
    titles = {cid: clause.title for cid, clause in policy.clauses.items()} if policy else {}
    measured_at = min((figure.computed_at for figure in figures), default=None)
    return ItemAnalysis(items=out, current=current, draft=draft, clause_titles=titles, measured_at=measured_at)


def scenario_figures_freshness(measured_at: dt.datetime | None) -> Freshness:
    """How current the stored per-scenario figures are: when they were measured, and how many counted
    answers arrived since (quiz answers given since, answers of rounds closed since). The same count
    as analytics.freshness.answers_not_yet_counted, as two queries that each use an index (one
    query with an OR across the answer and round tables reads every answer)."""
    if measured_at is None:
        return Freshness(None, 0)
    counted = Answer.objects.exclude(verdict="")
    quiz_answers = counted.filter(attempt__calibration_round__isnull=True, answered_at__gt=measured_at).count()
    round_answers = counted.filter(attempt__calibration_round__closed_at__gt=measured_at).count()
    return Freshness(measured_at, quiz_answers + round_answers)


def contested_scenarios() -> ItemAnalysis:
    """Scenarios that split reviewers or that reviewers mostly answer against gold, worst first,
    each with what the newest draft policy version (if any) would change in its gold answer."""
    analysis = item_analysis(with_draft=True)
    items = [item for item in analysis.items if item.reasons]
    items.sort(
        key=lambda item: (item.stats.agreement if not math.isnan(item.stats.agreement) else 1.0, item.stats.facility)
    )
    analysis.items = items
    return analysis
