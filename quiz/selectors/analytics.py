"""Reads for dashboards (from stored snapshots) and for the policy team's item analysis."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from accounts.models import Team, User
from quiz.item_analysis import ItemStatistics, decision_label, item_statistics
from quiz.models import AgreementSnapshot, DriftAlert, Granularity, ReviewerSnapshot
from quiz.services.snapshots import answer_rows, latest_per_reviewer_and_scenario
from training.models import PolicyVersion, Scenario
from training.selectors import engine_policy, gold_outcome, published_policy_version

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
# Item analysis and contested scenarios (policy team)
# --------------------------------------------------------------------------------------

CONTESTED_AGREEMENT_BELOW = 0.6
CONTESTED_FACILITY_BELOW = 0.5
MIN_ANSWERS = 5


@dataclass
class ScenarioItem:
    scenario: Scenario
    stats: ItemStatistics
    gold_label: str
    gold: Any
    draft_gold: Any | None
    reasons: list[str]

    @property
    def draft_changes(self) -> bool:
        return self.draft_gold is not None and (
            self.draft_gold.verdict != self.gold.verdict or self.draft_gold.clause_id != self.gold.clause_id
        )


def _latest_draft() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(status=PolicyVersion.Status.DRAFT).order_by("-created_at").first()


def item_analysis(*, team: Team | None = None) -> list[ScenarioItem]:
    """Every published-or-answered scenario's facility, discrimination, agreement and distribution,
    over all counted answers (quizzes and closed rounds); each reviewer's latest answer per scenario.
    Queries: answers, published version, latest draft, scenarios (plus gold lookups for unscored answers)."""
    answer_filter = Q(attempt__user__memberships__team=team) if team is not None else Q()
    latest = latest_per_reviewer_and_scenario(answer_rows(answer_filter))
    users = sorted({user_id for user_id, _ in latest})
    scenario_ids = sorted({scenario_id for _, scenario_id in latest})
    u_pos = {u: i for i, u in enumerate(users)}
    s_pos = {s: i for i, s in enumerate(scenario_ids)}
    labels: list[list[str | None]] = [[None] * len(scenario_ids) for _ in users]
    for (user_id, scenario_id), row in latest.items():
        labels[u_pos[user_id]][s_pos[scenario_id]] = row.label
    current = published_policy_version()
    draft = _latest_draft()
    scenarios = Scenario.objects.in_bulk(scenario_ids)
    golds = [gold_outcome(current, scenarios[s].facts) if current else None for s in scenario_ids]
    gold_labels = [decision_label(str(g.verdict), g.clause_id) if g else "" for g in golds]
    stats = item_statistics(labels, gold_labels)
    out = []
    for scenario_id, gold, gold_label, stat in zip(scenario_ids, golds, gold_labels, stats, strict=True):
        reasons = []
        if stat.n_answers >= MIN_ANSWERS:
            if not math.isnan(stat.agreement) and stat.agreement < CONTESTED_AGREEMENT_BELOW:
                reasons.append("splits reviewers")
            if not math.isnan(stat.facility) and stat.facility < CONTESTED_FACILITY_BELOW:
                reasons.append("most reviewers disagree with the gold answer")
        out.append(
            ScenarioItem(
                scenario=scenarios[scenario_id],
                stats=stat,
                gold_label=gold_label,
                gold=gold,
                draft_gold=gold_outcome(draft, scenarios[scenario_id].facts) if draft and reasons else None,
                reasons=reasons,
            )
        )
    out.sort(key=lambda item: (item.scenario.key, item.scenario.revision))
    return out


def contested_scenarios() -> tuple[list[ScenarioItem], PolicyVersion | None, dict[str, str]]:
    """Scenarios that split reviewers or that reviewers mostly answer against gold, worst first,
    with the latest draft policy version (if any) and clause titles for display."""
    items = [item for item in item_analysis() if item.reasons]
    items.sort(
        key=lambda item: (item.stats.agreement if not math.isnan(item.stats.agreement) else 1.0, item.stats.facility)
    )
    current = published_policy_version()
    titles = {cid: clause.title for cid, clause in engine_policy(current).clauses.items()} if current else {}
    return items, _latest_draft(), titles
