"""The policy team's scenario pages: browse and filter the bank, write, review, revise and retire
scenarios, and export the bank. Every page is for the policy team and admins only.

Import is a management command, not a page: a pasted bank would publish without the four-eyes
review these pages enforce, while bank files are reviewed as code."""

from __future__ import annotations

import json

import yaml
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import STAFF_ROLES, role_required

from ..filters import ScenarioFilter
from ..forms import ScenarioForm, ScenarioReviewNoteForm
from ..models import PolicyVersion, Scenario
from ..policy import Policy
from ..selectors import (
    attach_gold,
    engine_policy,
    published_policy_version,
    scenario_get_for_user,
    scenario_gold,
    scenario_history,
    scenario_revisions,
    scenarios_for_policy_team,
)
from ..services import (
    ScenarioError,
    ScenarioInvalid,
    scenario_approve,
    scenario_bank_export,
    scenario_create,
    scenario_reject,
    scenario_retire,
    scenario_revise,
    scenario_submit_for_review,
    scenario_update_draft,
)

PAGE_SIZE = 25


def _published_policy() -> tuple[PolicyVersion, Policy]:
    version = published_policy_version()
    if version is None:
        raise Http404("No policy version is published yet; scenarios are checked against the published policy.")
    return version, engine_policy(version)


@role_required(*STAFF_ROLES)
def scenario_list(request: HttpRequest) -> HttpResponse:
    version, policy = _published_policy()
    filterset = ScenarioFilter(request.GET or None, queryset=scenarios_for_policy_team(), policy=policy)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/scenarios/list.html",
        {
            "filter": filterset,
            "page": page,
            "scenarios": attach_gold(page.object_list, version),
            "query": query.urlencode(),
            "version": version,
        },
    )


@role_required(*STAFF_ROLES)
def scenario_create_view(request: HttpRequest) -> HttpResponse:
    _, policy = _published_policy()
    form = ScenarioForm(request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = scenario_create(author=request.user, key=form.cleaned_data["key"], **form.service_arguments())
        except ScenarioInvalid as error:
            form.add_service_errors(error.errors)
        else:
            messages.success(
                request, f"Draft {scenario.key} saved. Check what the engine decides, then submit it for review."
            )
            return redirect("training:scenario-detail", pk=scenario.pk)
    # Reached on a POST only when the form or the service refused the input.
    status = 400 if request.method == "POST" else 200
    return render(request, "training/scenarios/form.html", {"form": form, "scenario": None}, status=status)


@role_required(*STAFF_ROLES)
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = scenario_get_for_user(user=request.user, pk=pk)
    if scenario.status != Scenario.Status.DRAFT:
        messages.error(
            request,
            f"{scenario.key} r{scenario.revision} is {scenario.get_status_display().lower()}; "
            "only drafts can be edited." + (" Start a revision to change it." if scenario.is_published else ""),
        )
        return redirect("training:scenario-detail", pk=scenario.pk)
    _, policy = _published_policy()
    form = ScenarioForm(request.POST or None, policy=policy, scenario=scenario)
    if request.method == "POST" and form.is_valid():
        try:
            scenario_update_draft(scenario=scenario, editor=request.user, **form.service_arguments())
        except ScenarioInvalid as error:
            form.add_service_errors(error.errors)
        except ScenarioError as error:
            messages.error(request, str(error))
            return redirect("training:scenario-detail", pk=scenario.pk)
        else:
            messages.success(request, f"Draft {scenario.key} saved.")
            return redirect("training:scenario-detail", pk=scenario.pk)
    # Reached on a POST only when the form or the service refused the input.
    status = 400 if request.method == "POST" else 200
    return render(request, "training/scenarios/form.html", {"form": form, "scenario": scenario}, status=status)


@role_required(*STAFF_ROLES)
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = scenario_get_for_user(user=request.user, pk=pk)
    version, policy = _published_policy()
    gold = scenario_gold(version, scenario.facts)
    facts = [
        (spec, scenario.facts.get(name, spec.default), name in scenario.facts)
        for name, spec in policy.input_facts.items()
    ]
    return render(
        request,
        "training/scenarios/detail.html",
        {
            "scenario": scenario,
            "version": version,
            "policy": policy,
            "gold": gold,
            "intended_matches": gold.outcome is not None and (scenario.intended_clause or None) == gold.clause_id,
            "facts": facts,
            "revisions": scenario_revisions(key=scenario.key),
            "history": scenario_history(scenario=scenario),
            "note_form": ScenarioReviewNoteForm(),
            "is_author": scenario.author_id == request.user.pk,
        },
    )


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    scenario = scenario_get_for_user(user=request.user, pk=pk)
    target = scenario
    try:
        if action == "submit":
            scenario_submit_for_review(scenario=scenario, actor=request.user)
            messages.success(
                request,
                f"{scenario.key} r{scenario.revision} is in review. Another member of the policy team approves it.",
            )
        elif action == "approve":
            scenario_approve(scenario=scenario, reviewer=request.user)
            messages.success(request, f"{scenario.key} r{scenario.revision} is published and available to quizzes.")
        elif action == "revise":
            target = scenario_revise(scenario=scenario, author=request.user)
            messages.success(
                request,
                f"Revision r{target.revision} of {scenario.key} started as a draft. "
                "The published revision stays in use until it is approved.",
            )
        elif action == "retire":
            scenario_retire(scenario=scenario, actor=request.user)
            messages.success(request, f"{scenario.key} r{scenario.revision} is retired.")
    except ScenarioInvalid as error:
        messages.error(request, f"{scenario.key} cannot move on: {error}")
    except ScenarioError as error:
        messages.error(request, str(error))
    return redirect("training:scenario-detail", pk=target.pk)


@require_POST
@role_required(*STAFF_ROLES)
def scenario_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "submit")


@require_POST
@role_required(*STAFF_ROLES)
def scenario_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "approve")


@require_POST
@role_required(*STAFF_ROLES)
def scenario_revise_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "revise")


@require_POST
@role_required(*STAFF_ROLES)
def scenario_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "retire")


@require_POST
@role_required(*STAFF_ROLES)
def scenario_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = scenario_get_for_user(user=request.user, pk=pk)
    form = ScenarioReviewNoteForm(request.POST)
    if form.is_valid():
        try:
            scenario_reject(scenario=scenario, reviewer=request.user, note=form.cleaned_data["note"])
        except ScenarioInvalid as error:
            for messages_ in error.errors.values():
                for message in messages_:
                    form.add_error("note", message)
        except ScenarioError as error:
            messages.error(request, str(error))
            return redirect("training:scenario-detail", pk=scenario.pk)
        else:
            messages.success(
                request, f"{scenario.key} r{scenario.revision} went back to its author as a draft, with your note."
            )
            return redirect("training:scenario-detail", pk=scenario.pk)
    for error in form.errors.get("note", []):
        messages.error(request, f"Not sent back: {error}")
    return redirect("training:scenario-detail", pk=scenario.pk)


@role_required(*STAFF_ROLES)
def scenario_export(request: HttpRequest) -> HttpResponse:
    """Download the published bank as YAML (default) or JSON, in the bank-file format."""
    fmt = request.GET.get("format", "yaml")
    if fmt not in ("yaml", "json"):
        return HttpResponse('Unknown format: use "yaml" or "json".', status=400, content_type="text/plain")
    entries = scenario_bank_export()
    if fmt == "json":
        body = json.dumps(entries, indent=2, ensure_ascii=False)
        content_type = "application/json"
    else:
        body = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
        content_type = "application/yaml"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenario-bank.{fmt}"'
    return response
