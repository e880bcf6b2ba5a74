"""Calibration round pages: leads create, follow, close and annotate rounds; reviewers answer blind."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import LEAD_ROLES, role_required
from accounts.models import Role, Team
from analytics.planning import RoundPlan, round_plan
from analytics.views import export_response
from calibration.forms import NoteForm, RoundAnswerForm, RoundCreateForm, RoundExtendForm, RoundPlanForm
from calibration.selectors import (
    cohort_candidates,
    reviewer_round_answers,
    round_for_user_get,
    round_is_managed_by,
    round_items,
    round_progress,
    round_results,
    rounds_for_user,
    team_members,
    teams_led_by,
)
from calibration.services import (
    RoundError,
    answerable_scenarios,
    round_answer_submit,
    round_cancel,
    round_close,
    round_create,
    round_extend,
    round_note_add,
    round_state,
)
from quiz.selectors.exposure import seen_graded_counts
from quiz.views.quizzes import CHOICE_MESSAGES
from training.selectors import engine_policy

ROUND_ROLES = (Role.TRAINEE, Role.TEAM_LEAD, Role.POLICY_TEAM, Role.ADMIN)


def _form_error(form, error: RoundError) -> None:
    if not error.errors:
        form.add_error(None, str(error))
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, CHOICE_MESSAGES.get(field, message))


@role_required(*ROUND_ROLES)
def round_list(request: HttpRequest) -> HttpResponse:
    """Rounds the user may see: a lead's teams' rounds, a reviewer's own rounds, or all for staff."""
    rounds = list(rounds_for_user(request.user).order_by("-opens_at"))
    now = timezone.now()
    rows = [(r, round_state(r, now=now)) for r in rounds]
    exported = export_response(
        request,
        "calibration-rounds",
        ["id", "title", "team", "state", "opens_at", "closes_at", "closed_at", "scenarios", "cohort"],
        [
            [
                r.pk,
                r.title,
                r.team.name,
                state,
                r.opens_at.isoformat(),
                r.closes_at.isoformat(),
                r.closed_at.isoformat() if r.closed_at else None,
                r.n_scenarios,
                r.n_cohort,
            ]
            for r, state in rows
        ],
    )
    can_create = request.user.role in LEAD_ROLES or request.user.is_superuser
    overdue = [r for r, state in rows if state == "overdue"] if can_create else []
    return exported or render(
        request,
        "calibration/round_list.html",
        {"rows": rows, "can_create": can_create, "overdue": overdue},
    )


@role_required(*LEAD_ROLES)
def round_create_view(request: HttpRequest) -> HttpResponse:
    teams = teams_led_by(request.user)
    form = RoundCreateForm(
        request.POST or None,
        teams=teams,
        candidates=cohort_candidates(teams),
        scenarios=answerable_scenarios().order_by("key"),
        seen_counts=seen_graded_counts(cohort_candidates(teams).values_list("pk", flat=True)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            calibration_round = round_create(
                team=data["team"],
                title=data["title"],
                created_by=request.user,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                cohort=list(data["cohort"]),
                scenarios=list(data["scenarios"]),
                auto_count=data["auto_count"],
                allow_fewer=data["allow_fewer"],
            )
        except RoundError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"Round “{calibration_round.title}” created.")
            return redirect("calibration:round-detail", pk=calibration_round.pk)
    # Reached on a POST only when the form or the service refused the input.
    status = 400 if request.method == "POST" else 200
    plan_form, plan = _round_plan(request, teams)
    if request.method == "GET" and plan_form.is_bound and not plan_form.is_valid():
        status = 400
    return render(
        request, "calibration/round_form.html", {"form": form, "plan_form": plan_form, "plan": plan}, status=status
    )


def _round_plan(request: HttpRequest, teams: QuerySet[Team]) -> tuple[RoundPlanForm, RoundPlan | None]:
    """The size planner beside the round form: asked for with ?reviewers=…, else prefilled with the
    size of the lead's first team."""
    if request.method == "GET" and "reviewers" in request.GET:
        plan_form = RoundPlanForm(request.GET)
        if plan_form.is_valid():
            data = plan_form.cleaned_data
            return plan_form, round_plan(data["reviewers"], data["expected_alpha"], data["width"])
        return plan_form, None
    first_team = teams.first()
    size = len(team_members(first_team)) if first_team is not None else 8
    return RoundPlanForm(initial={"reviewers": max(size, 2)}), None


@role_required(*ROUND_ROLES)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Before close: reviewers answer (no feedback), the lead sees who has answered how many.
    After close: everyone who may see the round sees the distribution, gold, figures and notes."""
    calibration_round = round_for_user_get(request.user, pk)
    state = round_state(calibration_round)
    manages = round_is_managed_by(calibration_round, request.user)
    in_cohort = calibration_round.cohort.filter(pk=request.user.pk).exists()
    context = {"round": calibration_round, "state": state, "manages": manages, "in_cohort": in_cohort}
    items = round_items(calibration_round)
    if in_cohort:
        context["my_answers"] = reviewer_round_answers(calibration_round, request.user)
    if state == "closed":
        results = round_results(calibration_round)
        exported = export_response(
            request,
            f"round-{calibration_round.pk}",
            ["position", "scenario", "title", "gold", "answers", "agreement", "facility", "distribution", "split"],
            [
                [
                    r.item.position,
                    r.item.scenario.key,
                    r.item.scenario.title,
                    r.gold_label,
                    r.n_answers,
                    r.agreement,
                    r.facility,
                    "; ".join(f"{lbl}: {n}" for lbl, n in r.distribution),
                    r.split,
                ]
                for r in results.scenarios
            ],
        )
        if exported:
            return exported
        context["results"] = results
        if manages:
            context["note_form"] = NoteForm(scenarios=calibration_round.scenarios.all())
        return render(request, "calibration/round_results.html", context)
    if request.GET.get("format"):
        raise Http404("Results are shown once the round is closed.")
    context["items"] = items
    if in_cohort:
        context["left"] = len(items) - len(context["my_answers"])
    if manages:
        context["progress"] = round_progress(calibration_round)
        if state in ("scheduled", "open", "overdue"):
            suggested = RoundExtendForm.suggested_closing(calibration_round.closes_at, now=timezone.now())
            context["extend_form"] = RoundExtendForm(initial={"closes_at": timezone.localtime(suggested)})
    if in_cohort and state == "open":
        answered = context["my_answers"]
        next_item = next((item for item in items if item.scenario_id not in answered), None)
        context["next_item"] = next_item
        if next_item is not None:
            context["form"] = RoundAnswerForm(policy=engine_policy(calibration_round.policy_version))
    return render(request, "calibration/round_detail.html", context)


@require_POST
@role_required(*ROUND_ROLES)
def round_answer(request: HttpRequest, pk: int, scenario_pk: int) -> HttpResponse:
    calibration_round = round_for_user_get(request.user, pk)
    if not calibration_round.cohort.filter(pk=request.user.pk).exists():
        raise PermissionDenied("Only reviewers in the round's cohort answer it.")
    item = next((i for i in round_items(calibration_round) if i.scenario_id == scenario_pk), None)
    if item is None:
        raise Http404("That scenario is not in this round.")
    form = RoundAnswerForm(request.POST, policy=engine_policy(calibration_round.policy_version))
    if form.is_valid():
        try:
            round_answer_submit(
                calibration_round=calibration_round, user=request.user, scenario=item.scenario, **form.cleaned_data
            )
        except RoundError as error:
            _form_error(form, error)
        else:
            messages.success(
                # By position, not key: keys are named after the intended clause.
                request,
                f"Answer to scenario {item.position} recorded. Results are shown when the round closes.",
            )
            return redirect("calibration:round-detail", pk=calibration_round.pk)
    answered = reviewer_round_answers(calibration_round, request.user)
    items = round_items(calibration_round)
    context = {
        "round": calibration_round,
        "state": round_state(calibration_round),
        "manages": False,
        "in_cohort": True,
        "items": items,
        "my_answers": answered,
        "left": len(items) - len(answered),
        "next_item": item,
        "form": form,
    }
    return render(request, "calibration/round_detail.html", context, status=400)


def _managed_round(request: HttpRequest, pk: int):
    calibration_round = round_for_user_get(request.user, pk)
    if not round_is_managed_by(calibration_round, request.user):
        raise PermissionDenied("Only the team's leads manage this round.")
    return calibration_round


@require_POST
@role_required(*LEAD_ROLES)
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    calibration_round = _managed_round(request, pk)
    try:
        round_close(calibration_round=calibration_round, closed_by=request.user)
    except RoundError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Round closed. The answers and the figures are now visible.")
    return redirect("calibration:round-detail", pk=calibration_round.pk)


@require_POST
@role_required(*LEAD_ROLES)
def round_note_view(request: HttpRequest, pk: int) -> HttpResponse:
    calibration_round = _managed_round(request, pk)
    form = NoteForm(request.POST, scenarios=calibration_round.scenarios.all())
    if form.is_valid():
        try:
            round_note_add(
                calibration_round=calibration_round,
                author=request.user,
                text=form.cleaned_data["text"],
                scenario=form.cleaned_data["scenario"],
            )
        except RoundError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Note saved.")
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect("calibration:round-detail", pk=calibration_round.pk)


@require_POST
@role_required(*LEAD_ROLES)
def round_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    calibration_round = _managed_round(request, pk)
    try:
        round_cancel(calibration_round=calibration_round, cancelled_by=request.user)
    except RoundError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Round cancelled. Its answers stay blind and do not count towards agreement.")
    return redirect("calibration:round-detail", pk=calibration_round.pk)


@require_POST
@role_required(*LEAD_ROLES)
def round_extend_view(request: HttpRequest, pk: int) -> HttpResponse:
    calibration_round = _managed_round(request, pk)
    form = RoundExtendForm(request.POST)
    if form.is_valid():
        try:
            round_extend(
                calibration_round=calibration_round, closes_at=form.cleaned_data["closes_at"], extended_by=request.user
            )
        except RoundError as error:
            form.add_error("closes_at", str(error))
        else:
            closes = timezone.localtime(calibration_round.closes_at)
            messages.success(request, f"The round now closes at {closes:%Y-%m-%d %H:%M}.")
            return redirect("calibration:round-detail", pk=calibration_round.pk)
    messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect("calibration:round-detail", pk=calibration_round.pk)
