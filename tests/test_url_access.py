"""Every URL of the project, for every role: the role rules hold everywhere, automatically.

The URL list is not written down here: the tests walk the resolver, so a URL added later is
covered the day it is added. What is written down is how to fill in a URL's arguments: the
object collection a ``<pk>`` belongs to is read from the path segment before it
(``rounds/<pk>/`` is a calibration round), and a few other argument names map to objects
directly (``KWARG_COLLECTIONS``). A URL whose arguments cannot be filled fails the tests with a
message saying what to add.

Rules checked (each test makes one assertion listing every offending URL):

- anonymous visitors are sent to the login page (pages) or refused with 401/403 (API), for GET
  and POST alike;
- no role gets a server error from a GET, whatever objects the URL names (open, closed, another
  team's, or missing);
- a user gets 404 for another team's or another user's object, by GET or POST, wherever their own
  team's object of the same kind is not refused to their role as a whole.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Role
from analytics.models import DriftAlert
from calibration.services import round_answer_submit, round_close, round_create
from quiz.services.attempts import answer_record, assignment_create, attempt_start, attempt_submit
from tests.accounts.factories import TeamMembershipFactory, UserFactory
from tests.quiz.factories import QuizFactory, QuizItemFactory, quiz_bank
from tests.training.factories import PolicyVersionFactory, ScenarioFactory

# Namespaces and URL names left out: Django's admin (its own URL shapes; its role matrix is
# tests/test_security_admin.py) and the views anonymous visitors must be able to use: log-in, log-out
# and the password reset by e-mail (tests/accounts/test_password_reset.py).
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}

# Arguments other than `pk` and the collection they name.
KWARG_COLLECTIONS = {
    "other_pk": "versions",
    "scenario_pk": "round_scenarios",
    "clause_id": "clauses",
}
# Collections whose objects belong to a team or a user: outsiders must get 404 for them.
SCOPED_COLLECTIONS = {"attempts", "rounds", "alerts", "teams", "quizzes", "reviewers"}
MISSING_PK = 987654

_PK_COLLECTION = re.compile(r"([\w-]+)/(?:<(?:\w+:)?pk>|\(\?P<pk>)")
_KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    kwargs: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    def collection(self, kwarg: str) -> str | None:
        if kwarg in KWARG_COLLECTIONS:
            return KWARG_COLLECTIONS[kwarg]
        if kwarg == "pk":
            match = _PK_COLLECTION.search(self.route)
            return match.group(1) if match else None
        return None


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Route]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            if (pattern.namespace or "") in SKIPPED_NAMESPACES:
                continue
            routes += _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            route = prefix + str(pattern.pattern)
            kwargs = tuple(a or b for a, b in _KWARG.findall(route))
            routes.append(Route(name=name, route=route, kwargs=kwargs))
    return routes


def project_routes() -> list[Route]:
    return [route for route in _walk(get_resolver().url_patterns) if route.name not in SKIPPED_NAMES]


ROUTES = project_routes()


def test_every_url_is_named_and_its_arguments_can_be_filled_in():
    problems = [f"{r.route}: no URL name" for r in ROUTES if not r.name]
    problems += [
        f"{r.route} ({r.name}): no collection for <{kwarg}>; add it to KWARG_COLLECTIONS or World"
        for r in ROUTES
        for kwarg in r.kwargs
        if r.collection(kwarg) not in World.COLLECTIONS
    ]
    assert problems == [], "\n".join(problems)


# --- The world the URLs point into ---------------------------------------------------------------


class World:
    """Two teams, each with a lead, two trainees, quizzes assigned to the team, an attempt in
    progress and a submitted one, an open and a closed calibration round, and a drift alert."""

    COLLECTIONS = {
        "versions",
        "scenarios",
        "round_scenarios",
        "clauses",
        "quizzes",
        "attempts",
        "rounds",
        "alerts",
        "teams",
        "reviewers",
    }

    def __init__(self, *, published, team, other_team, trainee, second_trainee, team_lead, other_lead, outside_trainee):
        now = timezone.now()
        self.published = published
        self.draft = PolicyVersionFactory(version="2030-01-draft")
        self.bank = quiz_bank()
        # Rounds are blind: quizzes ask fixed scenarios of the bank, and each round has its own.
        quiz_scenarios = [self.bank[key] for key in ("Q-V4", "Q-V1", "Q-B5")]
        round_scenarios = {
            state: [ScenarioFactory(key=f"T-ROUND-{state.upper()}-{n}", title=f"Round case {n}") for n in (1, 2)]
            for state in ("open", "closed")
        }
        self.draft_scenario = ScenarioFactory(key="T-DRAFT", status="draft", published_at=None)
        second_outside = UserFactory(username="olga", role=Role.TRAINEE)
        TeamMembershipFactory(team=other_team, user=second_outside)
        self.team = {
            "north": self._team(team, team_lead, [trainee, second_trainee], quiz_scenarios, round_scenarios, now),
            "south": self._team(
                other_team, other_lead, [outside_trainee, second_outside], quiz_scenarios, round_scenarios, now
            ),
        }
        self.round_scenario = round_scenarios["open"][0]

    @staticmethod
    def _team(team, lead, members, quiz_scenarios, round_scenarios, now) -> dict[str, list[Any]]:
        practice = QuizFactory(title=f"{team.name} practice", mode="practice", question_count=3, created_by=lead)
        assessment = QuizFactory(title=f"{team.name} assessment", mode="assessment", question_count=3, created_by=lead)
        for quiz in (practice, assessment):
            for position, scenario in enumerate(quiz_scenarios, start=1):
                QuizItemFactory(quiz=quiz, scenario=scenario, position=position)
            assignment_create(assigned_by=lead, quiz=quiz, team=team, due_at=now + dt.timedelta(days=3))
        reviewer = members[0]
        open_attempt = attempt_start(user=reviewer, quiz=practice, seed=1)
        done_attempt = attempt_start(user=reviewer, quiz=assessment, seed=2)
        first = done_attempt.items.order_by("position").first().scenario
        answer_record(
            attempt=done_attempt,
            scenario=first,
            user=reviewer,
            verdict="violating",
            clause_id="V4",
            action="permanent_suspension",
            report_to_ncmec=True,
        )
        done_attempt = attempt_submit(attempt=done_attempt, user=reviewer)
        opens = now - dt.timedelta(hours=1)
        rounds = []
        for title in ("open", "closed"):
            rounds.append(
                round_create(
                    team=team,
                    title=f"{team.name} {title} round",
                    created_by=lead,
                    opens_at=opens,
                    closes_at=now + dt.timedelta(days=7),
                    cohort=members,
                    scenarios=round_scenarios[title],
                )
            )
        for member in members:
            round_answer_submit(
                calibration_round=rounds[1],
                user=member,
                scenario=round_scenarios["closed"][0],
                verdict="violating",
                clause_id="V4",
                action="permanent_suspension",
                report_to_ncmec=True,
            )
        round_close(calibration_round=rounds[1], closed_by=lead)
        alert = DriftAlert.objects.create(
            team=team,
            metric=DriftAlert.Metric.TEAM_ALPHA,
            threshold=0.667,
            period_start=now.date() - dt.timedelta(days=7),
            raised_at=now,
        )
        return {
            "quizzes": [practice, assessment],
            "attempts": [open_attempt, done_attempt],
            "rounds": rounds,
            "alerts": [alert],
            "teams": [team],
            "reviewers": members,
        }

    def candidates(self, collection: str, *, side: str | None = None) -> list[Any]:
        """Values for a URL argument. `side` picks one team's scoped objects (north or south);
        without it, both teams' objects and a missing id."""
        if collection in SCOPED_COLLECTIONS:
            sides = [side] if side else ["north", "south"]
            values = [obj.pk for s in sides for obj in self.team[s][collection]]
            return values if side else [*values, MISSING_PK]
        return {
            "versions": [self.published.pk, self.draft.pk, MISSING_PK],
            "scenarios": [self.bank["Q-V4"].pk, self.draft_scenario.pk, MISSING_PK],
            "round_scenarios": [self.round_scenario.pk, MISSING_PK],
            "clauses": ["V4", "P3", "Z9"],
        }[collection]

    def urls(self, route: Route, *, side: str | None = None) -> list[str]:
        """Every URL for `route` over the candidate values of its arguments (one side's objects if given)."""
        if not route.kwargs:
            return [reverse(route.name)]
        choices = []
        for kwarg in route.kwargs:
            collection = route.collection(kwarg)
            if side and collection not in SCOPED_COLLECTIONS:
                # Unscoped arguments (a round's scenario) take their first, existing value.
                choices.append(self.candidates(collection)[:1])
            else:
                choices.append(self.candidates(collection, side=side))
        return [
            reverse(route.name, kwargs=dict(zip(route.kwargs, values, strict=True)))
            for values in itertools.product(*choices)
        ]


@pytest.fixture
def world(published_policy, team, other_team, trainee, second_trainee, team_lead, other_lead, outside_trainee) -> World:
    return World(
        published=published_policy,
        team=team,
        other_team=other_team,
        trainee=trainee,
        second_trainee=second_trainee,
        team_lead=team_lead,
        other_lead=other_lead,
        outside_trainee=outside_trainee,
    )


def _client(user=None) -> Client:
    # Server errors become 500 responses instead of exceptions, so one test can list them all.
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- Anonymous visitors --------------------------------------------------------------------------


def _anonymous_problem(route: Route, method: str, response) -> str | None:
    if route.is_api:
        return None if response.status_code in (401, 403) else f"{response.status_code}, expected 401 or 403"
    login = resolve_url(settings.LOGIN_URL)
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith(login):
        return None
    if method == "GET" and response.status_code == 405:
        # A POST-only page that refuses GET before asking who you are reveals nothing.
        return None
    return f"{response.status_code} {location}".strip() + f", expected a redirect to {login}"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_or_refused_everywhere(world):
    client = _client()
    offenders = []
    for route in ROUTES:
        for url in world.urls(route):
            for method in ("GET", "POST"):
                response = client.get(url) if method == "GET" else client.post(url, {})
                problem = _anonymous_problem(route, method, response)
                if problem:
                    offenders.append(f"{method} {url} ({route.name}): {problem}")
    assert offenders == [], "Anonymous access not refused:\n" + "\n".join(offenders)


# --- No server errors for any role ---------------------------------------------------------------

PERSONAS = ["trainee", "team_lead", "other_lead", "outside_trainee", "policy_member", "admin_user"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_role_gets_a_server_error_from_any_page_or_endpoint(world, persona, request):
    client = _client(request.getfixturevalue(persona))
    offenders = []
    for route in ROUTES:
        for url in world.urls(route):
            response = client.get(url)
            if response.status_code >= 500:
                error = response.exc_info[1] if getattr(response, "exc_info", None) else ""
                offenders.append(f"GET {url} ({route.name}): {response.status_code} {error!r}")
    assert offenders == [], f"Server errors for {persona}:\n" + "\n".join(offenders)


# --- Outsiders -----------------------------------------------------------------------------------

# (persona, their own side, the other side)
OUTSIDERS = [
    ("trainee", "north", "south"),
    ("team_lead", "north", "south"),
    ("outside_trainee", "south", "north"),
    ("other_lead", "south", "north"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "own", "other"), OUTSIDERS)
def test_outsiders_get_404_for_another_teams_or_users_objects(world, persona, own, other, request):
    """Wherever the user's own team's object answers anything but a role refusal, the other team's
    object of the same kind must be 404: no 200, no 403 that confirms it exists."""
    client = _client(request.getfixturevalue(persona))
    offenders = []
    for route in ROUTES:
        if not any(route.collection(kwarg) in SCOPED_COLLECTIONS for kwarg in route.kwargs):
            continue
        for own_url, other_url in zip(world.urls(route, side=own), world.urls(route, side=other), strict=True):
            for method in ("get", "post"):
                # The other team's object first: a POST to one's own object may change it.
                other_status = getattr(client, method)(other_url).status_code
                own_status = getattr(client, method)(own_url).status_code
                refused_by_role = own_status in (403, 405) and other_status == own_status
                if other_status != 404 and not refused_by_role:
                    offenders.append(
                        f"{method.upper()} {other_url} ({route.name}): {other_status}"
                        f" (own team's {own_url}: {own_status})"
                    )
    assert offenders == [], f"{persona} reaches other teams' objects:\n" + "\n".join(offenders)
