"""Security review: the Django admin, for every role.

Every admin override of ``has_*_permission`` narrows Django's permission check and never replaces
it: whatever an override allows, the user's Django permissions allow too. The URL matrix walks every
model the admin registers (ours and third-party ones alike, so a model registered later is covered
the day it is registered) and every admin URL of it (changelist, add, change, delete, history), for
every role, over objects in the states that matter (an open and a closed round, an attempt in
progress and a submitted one, the published policy version and a draft):

- anonymous visitors, trainees and team leads (not staff) are sent to the admin's login page;
- staff never get a server error, and get a page only where their Django permissions allow it
  (the view or change permission for the changelist, the change form and the history, the add
  permission for the add form, the delete permission for the delete page); elsewhere 403.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth import get_permission_codename
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_role_assign
from analytics.models import DriftAlert
from calibration.models import CalibrationRound
from quiz.models import Attempt
from tests.quiz.factories import (
    AnswerFactory,
    AssignmentFactory,
    AttemptFactory,
    CalibrationRoundFactory,
    QuizFactory,
    RoundItemFactory,
)
from tests.training.factories import PolicyVersionFactory, ScenarioFactory
from training.models import PolicyVersion

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def admin_world(published_policy, team, trainee, second_trainee, team_lead) -> SimpleNamespace:
    """Made with factories, first the object a narrowing admin allows, then the one it refuses: an open
    round then a closed one, an attempt in progress (no answers) then a submitted one, the published
    version then a draft."""
    now = timezone.now()
    scenario = ScenarioFactory(key="ADM-001")
    quiz = QuizFactory(title="Admin practice", created_by=team_lead)
    AssignmentFactory(quiz=quiz, team=team)
    rounds = [
        CalibrationRoundFactory(team=team, title="Open round"),
        CalibrationRoundFactory(team=team, title="Closed round", closed_at=now),
    ]
    for calibration_round in rounds:
        calibration_round.cohort.set([trainee, second_trainee])
        RoundItemFactory(calibration_round=calibration_round, scenario=scenario, position=1)
    attempts = [
        AttemptFactory(user=trainee, quiz=quiz),
        AttemptFactory(user=second_trainee, quiz=quiz, status=Attempt.Status.SUBMITTED, submitted_at=now),
    ]
    AnswerFactory(attempt=attempts[1], scenario=scenario)
    DriftAlert.objects.create(
        team=team, metric=DriftAlert.Metric.TEAM_ALPHA, threshold=0.667, period_start=now.date(), raised_at=now
    )
    return SimpleNamespace(
        published=published_policy,
        draft=PolicyVersionFactory(version="2030-01-draft"),
        open_round=rounds[0],
        closed_round=rounds[1],
        open_attempt=attempts[0],
    )


@pytest.fixture
def policy_staff(policy_member):
    """A policy-team member as the product makes one: staff, with the role's admin permissions only."""
    return user_role_assign(user=policy_member, role="policy_team")


# persona -> fixture name; None is an anonymous visitor.
PERSONAS = {
    "anonymous": None,
    "trainee": "trainee",
    "team_lead": "team_lead",
    "policy_team": "policy_staff",
    "admin": "admin_user",
}


def _user(request, persona: str):
    fixture = PERSONAS[persona]
    return request.getfixturevalue(fixture) if fixture else None


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _samples(model) -> list[Any]:
    """The first and the last object of a model: the world makes them differ where it matters (an open
    and a closed round, an attempt in progress and a submitted one, the published version and a draft)."""
    if not model._meta.managed:
        return []  # no table of its own (a dashboard registered as a model)
    objects = list(model._default_manager.order_by("pk"))
    return objects[:1] + objects[-1:] if len(objects) > 1 else objects


def _django_allows(user, model, action: str) -> bool:
    """Django's own permission check, before any admin narrows it."""
    opts = model._meta
    if action == "view_or_change":
        return any(user.has_perm(f"{opts.app_label}.{get_permission_codename(a, opts)}") for a in ("view", "change"))
    return user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


def _admin_urls(model) -> list[tuple[str, str]]:
    """(url, the Django permission that page needs) for every admin page of a model."""
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [(reverse(f"{name}_changelist"), "view_or_change"), (reverse(f"{name}_add"), "add")]
    for obj in _samples(model):
        urls += [
            (reverse(f"{name}_change", args=[obj.pk]), "view_or_change"),
            (reverse(f"{name}_delete", args=[obj.pk]), "delete"),
            (reverse(f"{name}_history", args=[obj.pk]), "view_or_change"),
        ]
    return urls


# --- Overrides narrow Django's check ---------------------------------------------------------------


def _admins_and_inlines() -> list[tuple[Any, type]]:
    """Every registered model admin and inline, with the Django class whose check it may only narrow."""
    found = []
    for model, model_admin in admin.site._registry.items():
        found.append((model_admin, admin.ModelAdmin))
        for inline_class in model_admin.inlines:
            found.append((inline_class(model, admin.site), InlineModelAdmin))
    return found


@pytest.mark.parametrize("persona", ["trainee", "team_lead", "policy_team", "admin"])
def test_every_admin_permission_override_narrows_djangos_check(admin_world, persona, request):
    user = _user(request, persona)
    http_request = RequestFactory().get("/admin/")
    http_request.user = user
    offenders = []
    for model_admin, base in _admins_and_inlines():
        parent = model_admin.parent_model if isinstance(model_admin, InlineModelAdmin) else model_admin.model
        for obj in [None, *_samples(parent)]:
            for action in ("view", "add", "change", "delete"):
                method = f"has_{action}_permission"
                arguments = (http_request,) if (action == "add" and base is admin.ModelAdmin) else (http_request, obj)
                allowed = getattr(model_admin, method)(*arguments)
                django_allows = getattr(base, method)(model_admin, *arguments)
                if allowed and not django_allows:
                    offenders.append(f"{type(model_admin).__name__}.{method}({obj!r}) allows what Django refuses")
    assert offenders == [], f"Admin overrides that widen permissions for {persona}:\n" + "\n".join(offenders)


# --- The URL matrix ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "trainee", "team_lead"])
def test_the_admin_sends_everyone_who_is_not_staff_to_its_login(admin_world, persona, request):
    client = _client(_user(request, persona))
    offenders = []
    for model in admin.site._registry:
        for url, _ in _admin_urls(model):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                location = response.headers.get("Location", "")
                if response.status_code != 302 or not location.startswith(ADMIN_LOGIN):
                    offenders.append(f"{method.upper()} {url}: {response.status_code} {location}".strip())
    assert offenders == [], f"Admin pages not refused to {persona}:\n" + "\n".join(offenders)


@pytest.mark.parametrize("persona", ["policy_team", "admin"])
def test_staff_get_an_admin_page_only_where_their_permissions_allow_it(admin_world, persona, request):
    user = _user(request, persona)
    client = _client(user)
    offenders = []
    for model in admin.site._registry:
        for url, needed in _admin_urls(model):
            status = client.get(url).status_code
            allowed = _django_allows(user, model, needed)
            if status >= 500 or status not in (200, 403) or (status == 200 and not allowed):
                offenders.append(f"GET {url}: {status} (Django permission {needed}: {allowed})")
            if not allowed and persona == "policy_team":
                # A refused page refuses its form too.
                post_status = client.post(url, {}).status_code
                if post_status != 403:
                    offenders.append(f"POST {url}: {post_status}, expected 403")
    assert offenders == [], f"Admin answers for {persona}:\n" + "\n".join(offenders)


def test_the_policy_team_reaches_exactly_the_admin_pages_of_its_role(admin_world, policy_staff):
    client = _client(policy_staff)
    draft = admin_world.draft

    statuses = {
        "versions": client.get(reverse("admin:training_policyversion_changelist")).status_code,
        "add a version": client.get(reverse("admin:training_policyversion_add")).status_code,
        "edit a draft": client.get(reverse("admin:training_policyversion_change", args=[draft.pk])).status_code,
        "delete a draft": client.get(reverse("admin:training_policyversion_delete", args=[draft.pk])).status_code,
        "scenarios": client.get(reverse("admin:training_scenario_changelist")).status_code,
        "rounds": client.get(reverse("admin:calibration_calibrationround_changelist")).status_code,
        "attempts": client.get(reverse("admin:quiz_attempt_changelist")).status_code,
        "users": client.get(reverse("admin:accounts_user_changelist")).status_code,
    }

    assert statuses == {
        "versions": 200,
        "add a version": 200,
        "edit a draft": 200,
        "delete a draft": 403,
        "scenarios": 200,
        "rounds": 403,
        "attempts": 403,
        "users": 403,
    }


# --- The findings, one by one ----------------------------------------------------------------------


def _round_state(calibration_round: CalibrationRound) -> tuple:
    calibration_round.refresh_from_db()
    return (
        calibration_round.title,
        calibration_round.team_id,
        calibration_round.opens_at,
        calibration_round.closes_at,
        calibration_round.closed_at,
        calibration_round.policy_version_id,
        sorted(calibration_round.cohort.values_list("pk", flat=True)),
    )


def test_the_policy_team_can_neither_open_nor_save_an_open_rounds_admin_form(
    admin_world, policy_staff, other_team, outside_trainee
):
    open_round = admin_world.open_round
    before = _round_state(open_round)
    url = reverse("admin:calibration_calibrationround_change", args=[open_round.pk])
    client = _client(policy_staff)

    page = client.get(url)
    saved = client.post(
        url,
        {
            "team": other_team.pk,
            "title": "Taken over",
            "policy_version": admin_world.draft.pk,
            "cohort": [outside_trainee.pk],
            "opens_at_0": "2020-01-01",
            "opens_at_1": "00:00:00",
            "closes_at_0": "2020-01-02",
            "closes_at_1": "00:00:00",
            "closed_at_0": "2020-01-02",
            "closed_at_1": "00:00:00",
        },
    )

    assert (page.status_code, saved.status_code, _round_state(open_round)) == (403, 403, before)


def test_an_admin_still_edits_an_open_round_but_only_reads_a_closed_one(admin_world, admin_user):
    open_round, closed_round = admin_world.open_round, admin_world.closed_round
    client = _client(admin_user)

    open_page = client.get(reverse("admin:calibration_calibrationround_change", args=[open_round.pk]))
    closed_page = client.get(reverse("admin:calibration_calibrationround_change", args=[closed_round.pk]))

    assert (open_page.status_code, closed_page.status_code) == (200, 200)
    assert (open_page.context["has_change_permission"], closed_page.context["has_change_permission"]) == (True, False)


def test_the_policy_team_cannot_delete_an_attempt_in_progress(admin_world, policy_staff):
    attempt = admin_world.open_attempt
    assert (attempt.status, attempt.answers.count()) == (Attempt.Status.IN_PROGRESS, 0)
    url = reverse("admin:quiz_attempt_delete", args=[attempt.pk])
    client = _client(policy_staff)

    responses = (client.get(url).status_code, client.post(url, {"post": "yes"}).status_code)

    assert (responses, Attempt.objects.filter(pk=attempt.pk).exists()) == ((403, 403), True)


def test_the_policy_team_cannot_delete_a_draft_policy_version(admin_world, policy_staff):
    draft = admin_world.draft
    url = reverse("admin:training_policyversion_delete", args=[draft.pk])
    client = _client(policy_staff)

    responses = (client.get(url).status_code, client.post(url, {"post": "yes"}).status_code)

    assert (responses, PolicyVersion.objects.filter(pk=draft.pk).exists()) == ((403, 403), True)


def test_an_admin_still_deletes_a_draft_but_never_a_published_version(admin_world, admin_user):
    client = _client(admin_user)
    published_url = reverse("admin:training_policyversion_delete", args=[admin_world.published.pk])
    draft_url = reverse("admin:training_policyversion_delete", args=[admin_world.draft.pk])

    published = client.post(published_url, {"post": "yes"}).status_code
    draft = client.post(draft_url, {"post": "yes"}).status_code

    assert (published, draft) == (403, 302)
    assert list(PolicyVersion.objects.values_list("version", flat=True)) == [admin_world.published.version]
