"""Dashboards for leads (from snapshots) and the policy team's item analysis and contested queue.
Every table page answers ?format=csv and ?format=json with the same rows."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from accounts.access import LEAD_ROLES, STAFF_ROLES, role_required
from analytics.freshness import figures_freshness
from analytics.models import AGREEMENT_FIGURE_FIELDS, DriftAlert, Granularity
from analytics.quiz_statistics import QuizReport, members_of, quiz_marks, quiz_report
from analytics.reviewer_profile import reviewer_for_viewer, reviewer_profile
from analytics.selectors import (
    agreement_overview,
    contested_scenarios,
    item_analysis,
    scenario_figures_freshness,
    team_dashboard,
)
from analytics.snapshots import drift_alert_acknowledge, drift_thresholds
from calibration.selectors import overdue_rounds_for_lead, teams_led_by
from quiz.models import Quiz
from quiz.selectors.quizzes import is_staff
from quiz.selectors.quizzes import teams_led_by as teams_visible_to

EXPORT_FORMATS = ("csv", "json")
# A spreadsheet runs a cell starting with one of these as a formula; titles, team names and
# usernames are typed by people, so such cells are written with a leading apostrophe (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value


def export_response(
    request: HttpRequest, name: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse | None:
    """The table as CSV or JSON when ?format= asks for it; None for the HTML page."""
    fmt = request.GET.get("format")
    if fmt is None:
        return None
    if fmt not in EXPORT_FORMATS:
        return JsonResponse({"format": [f"Choose one of: {', '.join(EXPORT_FORMATS)}."]}, status=400)
    records = [[_clean(value) for value in row] for row in rows]
    if fmt == "json":
        return JsonResponse({"columns": list(columns), "rows": [dict(zip(columns, r, strict=True)) for r in records]})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # Team names are free text: the file name keeps only letters, digits and dashes.
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "export"}.csv"'
    writer = csv.writer(response)
    writer.writerow([_csv_cell(column) for column in columns])
    for record in records:
        writer.writerow([_csv_cell(value) for value in record])
    return response


def _granularity(request: HttpRequest) -> str:
    value = request.GET.get("granularity", Granularity.WEEK)
    return value if value in Granularity.values else Granularity.WEEK


@role_required(*LEAD_ROLES)
def lead_dashboard(request: HttpRequest) -> HttpResponse:
    """A lead's home: their teams, agreement over time, clauses by period, alerts, reviewers
    against gold and the pairwise kappa matrix; all read from stored snapshots."""
    teams = list(teams_led_by(request.user))
    team = teams[0] if teams else None
    if "team" in request.GET:
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
        if team is None:
            raise Http404("No such team.")
    granularity = _granularity(request)
    dashboard = team_dashboard(team, granularity) if team else None
    table = request.GET.get("table", "reviewers")
    if dashboard is not None and "format" in request.GET:
        exported = _dashboard_export(request, dashboard, table)
        if exported is not None:
            return exported
    chart = _trend_chart(dashboard.trend, drift_thresholds()["team_alpha"]) if dashboard is not None else None
    return render(
        request,
        "analytics/lead_dashboard.html",
        {
            "teams": teams,
            "team": team,
            "dashboard": dashboard,
            "chart": chart,
            "granularity": granularity,
            "overdue": overdue_rounds_for_lead(request.user) if teams else [],
            "freshness": figures_freshness(
                measured_at=max((s.computed_at for s in dashboard.trend), default=None), team_id=team.pk
            )
            if dashboard is not None
            else None,
        },
    )


TREND_COLUMNS = ("period_start", "period_end", *AGREEMENT_FIGURE_FIELDS)


def _trend_table(snapshots: Any) -> tuple[list[str], list[list[Any]]]:
    """Agreement snapshots over time as export columns and rows."""
    rows = [
        [
            s.period_start.isoformat(),
            s.period_end.isoformat(),
            *(" ".join(s.warnings) if name == "warnings" else getattr(s, name) for name in AGREEMENT_FIGURE_FIELDS),
        ]
        for s in snapshots
    ]
    return list(TREND_COLUMNS), rows


def _dashboard_export(request: HttpRequest, dashboard: Any, table: str) -> HttpResponse | None:
    name = f"{dashboard.team.name}-{table}-{dashboard.granularity}".replace(" ", "-").lower()
    if table == "trend":
        columns, rows = _trend_table(dashboard.trend)
    elif table == "heatmap":
        columns = ["clause_id"] + [p.isoformat() for p in dashboard.heatmap_periods]
        rows = [[row["clause_id"]] + [cell["value"] for cell in row["cells"]] for row in dashboard.heatmap_rows]
    elif table == "pairwise":
        columns = ["reviewer"] + [u.username if u else "" for u in dashboard.pairwise_users]
        rows = [
            [row["user"].username if row["user"] else ""] + [c["value"] for c in row["cells"]]
            for row in dashboard.pairwise_rows
        ]
    elif table == "reviewers":
        columns = ["reviewer", "period_start", "n_answers", "accuracy", "kappa_vs_gold", "sensitivity", "specificity"]
        rows = [
            [
                r["user"].username,
                r["latest"].period_start.isoformat(),
                r["latest"].n_answers,
                r["latest"].accuracy,
                r["latest"].kappa_vs_gold,
                r["latest"].sensitivity,
                r["latest"].specificity,
            ]
            for r in dashboard.reviewers
        ]
    elif table == "alerts":
        columns = ["metric", "reviewer", "threshold", "period_start", "windows", "raised_at"]
        rows = [
            [
                a.metric,
                a.user.username if a.user else "",
                a.threshold,
                a.period_start.isoformat(),
                json.dumps(a.windows),
                a.raised_at.isoformat(),
            ]
            for a in dashboard.alerts
        ]
    else:
        return JsonResponse({"table": ["Choose one of: trend, heatmap, pairwise, reviewers, alerts."]}, status=400)
    return export_response(request, name, columns, rows)


def _trend_chart(trend: Sequence[Any], threshold: float) -> dict[str, Any]:
    return {
        "labels": [s.period_start.isoformat() for s in trend],
        "alpha": [_clean(s.alpha) for s in trend],
        "alpha_low": [_clean(s.alpha_low) for s in trend],
        "alpha_high": [_clean(s.alpha_high) for s in trend],
        "ac1": [_clean(s.ac1) for s in trend],
        "percent": [_clean(s.percent_agreement) for s in trend],
        "threshold": threshold,
    }


@role_required(*STAFF_ROLES)
def agreement_overview_view(request: HttpRequest) -> HttpResponse:
    """Agreement over every team: the overall trend with each team beside it, and a clause by period
    heatmap, so the policy team sees where guidance is unclear regardless of team."""
    value = request.GET.get("granularity", Granularity.MONTH)
    granularity = value if value in Granularity.values else Granularity.MONTH
    overview = agreement_overview(granularity)
    if "format" in request.GET:
        table = request.GET.get("table", "heatmap")
        if table == "heatmap":
            columns = ["clause_id", "title", *[p.isoformat() for p in overview.periods], "pooled"]
            rows = [
                [row["clause_id"], row["title"], *[c["value"] for c in row["cells"]], row["pooled"]]
                for row in overview.heatmap_rows
            ]
        elif table == "trend":
            columns, rows = _trend_table(overview.trend)
        else:
            return JsonResponse({"table": ["Choose one of: heatmap, trend."]}, status=400)
        exported = export_response(request, f"all-teams-{table}-{granularity}", columns, rows)
        if exported is not None:
            return exported
    chart = _trend_chart(overview.trend, drift_thresholds()["team_alpha"])
    chart["teams"] = [
        {"label": series["team"], "data": [_clean(v) for v in series["alpha"]]} for series in overview.team_series
    ]
    return render(
        request,
        "analytics/agreement_overview.html",
        {
            "overview": overview,
            "chart": chart,
            "granularity": granularity,
            "today": timezone.localdate(),
            "freshness": figures_freshness(measured_at=max((s.computed_at for s in overview.trend), default=None)),
        },
    )


@require_POST
@role_required(*LEAD_ROLES)
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = DriftAlert.objects.filter(pk=pk, team__in=teams_led_by(request.user)).first()
    if alert is None:
        raise Http404("No such alert.")
    drift_alert_acknowledge(alert=alert, user=request.user)
    messages.success(request, "Alert acknowledged.")
    return redirect(f"{reverse('analytics:lead-dashboard')}?team={alert.team_id}")


def _item_rows(items: Sequence[Any]) -> list[list[Any]]:
    return [
        [
            item.scenario.key,
            item.scenario.title,
            item.gold_label,
            item.stats.n_answers,
            item.stats.facility,
            item.stats.discrimination,
            item.stats.agreement,
            "; ".join(f"{label}: {count}" for label, count in item.stats.distribution),
        ]
        for item in items
    ]


ITEM_COLUMNS = ["scenario", "title", "gold", "answers", "facility", "discrimination", "agreement", "distribution"]


ITEM_PAGE_SIZE = 50


@role_required(*STAFF_ROLES)
def item_analysis_list(request: HttpRequest) -> HttpResponse:
    """Facility, discrimination and answer distribution for every answered scenario."""
    analysis = item_analysis()
    exported = export_response(request, "item-analysis", ITEM_COLUMNS, _item_rows(analysis.items))
    if exported:
        return exported
    # The stored figures are read once; the page shows them ITEM_PAGE_SIZE rows at a time.
    page = Paginator(analysis.items, ITEM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/item_analysis.html",
        {
            "items": page.object_list,
            "page": page,
            "clause_titles": analysis.clause_titles,
            "freshness": scenario_figures_freshness(analysis.measured_at),
        },
    )


CONTESTED_COLUMNS = [*ITEM_COLUMNS, "reasons", "gold_answer", "rule", "draft", "draft_changes"]


@role_required(*STAFF_ROLES)
def contested_list(request: HttpRequest) -> HttpResponse:
    """Scenarios that split reviewers or that reviewers mostly answer against gold: where guidance
    is unclear. Each links to the rule and clause that decide it, with every part of the gold answer
    that the newest draft would change beside it."""
    analysis = contested_scenarios()
    draft_label = analysis.draft.version if analysis.draft else ""
    rows = [
        [
            *base,
            "; ".join(item.reasons),
            item.gold_text,
            item.gold.rule_id if item.gold else "",
            draft_label,
            "; ".join(str(change) for change in item.draft_changes),
        ]
        for base, item in zip(_item_rows(analysis.items), analysis.items, strict=True)
    ]
    exported = export_response(request, "contested-scenarios", CONTESTED_COLUMNS, rows)
    return exported or render(
        request,
        "analytics/contested_list.html",
        {
            "items": analysis.items,
            "draft": analysis.draft,
            "clause_titles": analysis.clause_titles,
            "freshness": scenario_figures_freshness(analysis.measured_at),
        },
    )


QUIZ_ITEM_COLUMNS = [
    "position",
    "scenario",
    "scenarios_drawn",
    "max_mark",
    "facility",
    "standard_deviation_percent",
    "discrimination_index",
    "discriminative_efficiency",
    "dubious",
]
QUIZ_TEST_COLUMNS = [
    "trainees",
    "items",
    "mean_percent",
    "median_percent",
    "standard_deviation_percent",
    "cic",
    "error_ratio",
    "standard_error_percent",
    "pass_mark_percent",
    "decision_consistency",
    "decision_kappa",
    "expected_pass_rate",
    "observed_pass_rate",
    "standard_error_at_pass_mark",
]


def _quiz_item_rows(report: QuizReport) -> list[list[Any]]:
    if report.statistics is None:
        return []
    return [
        [
            column.position,
            column.scenario.key if column.scenario else "",
            column.scenario_count,
            column.max_mark,
            item.facility,
            item.standard_deviation_percent,
            item.discrimination_index,
            item.discriminative_efficiency,
            item.dubious,
        ]
        for column, item in zip(report.marks.columns, report.statistics.items, strict=True)
    ]


def _quiz_test_rows(report: QuizReport) -> list[list[Any]]:
    statistics, consistency = report.statistics, report.consistency
    if statistics is None:
        return []
    decision = (
        [
            consistency.pass_mark_percent,
            consistency.decision_consistency,
            consistency.kappa,
            consistency.expected_pass_rate,
            consistency.observed_pass_rate,
            consistency.standard_error_at_pass_mark,
        ]
        if consistency is not None
        else [None] * 6
    )
    return [
        [
            statistics.n_trainees,
            statistics.n_items,
            statistics.mean_percent,
            statistics.median_percent,
            statistics.standard_deviation_percent,
            statistics.cic,
            statistics.error_ratio,
            statistics.standard_error_percent,
            *decision,
        ]
    ]


def _quiz_for_statistics(user: Any, pk: int) -> Quiz:
    """Staff read any quiz; a lead their own quizzes and the shared ones, as they may assign them."""
    quiz = Quiz.objects.filter(pk=pk).first()
    if quiz is None or not (is_staff(user) or quiz.is_shared or quiz.created_by_id == user.pk):
        raise Http404("No such quiz.")
    return quiz


@role_required(*LEAD_ROLES, *STAFF_ROLES)
def quiz_statistics_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Is this quiz reliable enough to certify with? Moodle's test and item statistics over each
    trainee's first finished attempt, how consistent its pass/fail decisions are, and a reading in
    words. Leads see their teams' trainees; the policy team every trainee, or one team."""
    quiz = _quiz_for_statistics(request.user, pk)
    teams = list(teams_visible_to(request.user).order_by("name"))
    team = None
    if request.GET.get("team"):
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
        if team is None:
            raise Http404("No such team.")
    if team is not None:
        user_ids = members_of([team.pk])
    elif is_staff(request.user):
        user_ids = None
    else:
        user_ids = members_of([t.pk for t in teams])
    report = quiz_report(quiz_marks(quiz, user_ids=user_ids))
    name = f"quiz-{quiz.pk}-statistics"
    if request.GET.get("table") == "test":
        exported = export_response(request, f"{name}-test", QUIZ_TEST_COLUMNS, _quiz_test_rows(report))
    else:
        exported = export_response(request, f"{name}-items", QUIZ_ITEM_COLUMNS, _quiz_item_rows(report))
    if exported:
        return exported
    items = list(zip(report.marks.columns, report.statistics.items, strict=True)) if report.statistics else []
    chart = {
        "labels": [str(column.position) for column, _ in items],
        "facility": [_clean(item.facility) for _, item in items],
        "efficiency": [_clean(item.discriminative_efficiency) for _, item in items],
    }
    return render(
        request,
        "analytics/quiz_statistics.html",
        {
            "quiz": quiz,
            "report": report,
            "items": items,
            "chart": chart,
            "teams": teams,
            "team": team,
            "computed_at": timezone.now(),
        },
    )


@role_required(*LEAD_ROLES, *STAFF_ROLES)
def reviewer_profile_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One reviewer for their lead or the policy team: against the gold answers over time, by clause,
    in rounds, and their certifications. Another team's reviewer is a 404."""
    reviewer = reviewer_for_viewer(request.user, pk)
    if reviewer is None:
        raise Http404("No such reviewer.")
    granularity = _granularity(request)
    profile = reviewer_profile(reviewer, granularity)
    chart = {
        "labels": [f"{s.period_start.isoformat()} ({s.team.name})" for s in profile.trend],
        "kappa": [_clean(s.kappa_vs_gold) for s in profile.trend],
        "accuracy": [_clean(s.accuracy) for s in profile.trend],
    }
    return render(
        request,
        "analytics/reviewer_profile.html",
        {"profile": profile, "granularity": granularity, "chart": chart, "now": timezone.now()},
    )
