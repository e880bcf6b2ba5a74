"""The OpenAPI schema: generated without warnings, served only to signed-in users, and true to
the API. Schemathesis drives every GET operation of the schema through the Django WSGI app, as a
policy-team member, a team lead and a trainee, against real objects made by factories; then every
operation, writes included, a few examples each, checking that each answers only the status codes
its schema documents.

Path ids are drawn from the generated integers and from the ids of the objects created for the
test (REAL_IDS), so the fuzzing reaches the code behind a found object, not only the 404 path.
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework import fields as drf_fields
from rest_framework import relations as drf_relations
from rest_framework import serializers as drf_serializers
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from analytics.snapshots import scenario_figures_refresh
from calibration.services import round_answer_submit, round_close, round_create
from quiz.services.attempts import answer_record, attempt_start, attempt_submit
from tests.accounts.factories import UserFactory
from tests.quiz.factories import (
    AnswerFactory,
    AttemptFactory,
    QuizFactory,
    QuizItemFactory,
    SharedQuizFactory,
    quiz_bank,
)
from tests.training.factories import PolicyVersionFactory
from training.policy import policy_from_file

# --- Generation and serving ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_is_generated_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns every drf-spectacular warning (an unguessable type, a view it cannot
    # introspect) into a non-zero exit; --validate checks the result against the OpenAPI spec.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3.")


@pytest.mark.django_db
def test_anonymous_visitors_cannot_read_the_schema(anonymous_client):
    response = anonymous_client.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.django_db
def test_anonymous_visitors_cannot_open_the_api_docs(anonymous_client):
    response = anonymous_client.get("/api/docs/")

    assert response.status_code == 403
    assert b"swagger-ui" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["trainee_client", "lead_client", "policy_client", "admin_client_"])
def test_every_signed_in_role_reads_the_schema(persona, request):
    response = request.getfixturevalue(persona).get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Concordance API"


# --- Fuzzing the GET operations ------------------------------------------------------------------

RAW_SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(RAW_SCHEMA).include(method="GET")
schema.app = WSGIHandler()

# Collection (first path segment after /api/) -> ids of real objects, filled by the fixture.
REAL_IDS: dict[str, list[int]] = {}


@schema.hook("flatmap_path_parameters")
def _real_ids_too(context, path_parameters):
    collection = context.operation.path.strip("/").split("/")[1]
    real = REAL_IDS.get(collection, [])
    if not path_parameters or "id" not in path_parameters or not real:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters["id"], *real]).map(lambda pk: {**path_parameters, "id": pk})


@pytest.fixture
def api_world(published_policy, team, trainee, second_trainee, team_lead, policy_member):
    """A draft version, a bank, a practice attempt with one answer, an open and a closed round."""
    now = timezone.now()
    draft = PolicyVersionFactory(version="2030-01-draft")
    bank = list(quiz_bank().values())
    # Rounds stay blind: the practice quiz asks only scenarios no round uses, and no two open rounds
    # share a scenario.
    quiz = QuizFactory(title="Open practice", mode="practice", question_count=2, open_to_all_trainees=True)
    for position, scenario in enumerate(bank[3:], start=1):
        QuizItemFactory(quiz=quiz, scenario=scenario, position=position)
    attempt = attempt_start(user=trainee, quiz=quiz, seed=7)
    answer_record(
        attempt=attempt,
        scenario=attempt.items.order_by("position").first().scenario,
        user=trainee,
        verdict="not_violating",
        action="no_action",
        report_to_ncmec=False,
    )
    rounds = [
        round_create(
            team=team,
            title=f"Round {n}",
            created_by=team_lead,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=3),
            cohort=[trainee, second_trainee],
            scenarios=scenarios,
        )
        for n, scenarios in ((1, bank[:2]), (2, bank[2:3]))
    ]
    for reviewer in (trainee, second_trainee):
        round_answer_submit(
            calibration_round=rounds[1],
            user=reviewer,
            scenario=bank[2],
            verdict="violating",
            clause_id="V4",
            action="permanent_suspension",
            report_to_ncmec=True,
        )
    round_close(calibration_round=rounds[1], closed_by=team_lead)
    world = SimpleNamespace(
        published=published_policy,
        draft=draft,
        bank=bank,
        attempt=attempt,
        open_round=rounds[0],
        closed_round=rounds[1],
    )
    REAL_IDS.clear()
    REAL_IDS.update(
        {
            "policy": [published_policy.pk, draft.pk],
            "scenarios": [s.pk for s in bank],
            "policy-team": [s.pk for s in bank],
            "attempts": [attempt.pk],
            "rounds": [r.pk for r in rounds],
            "teams": [team.pk],
        }
    )
    yield world
    REAL_IDS.clear()


@pytest.fixture
def wsgi_connections_kept():
    """Django's WSGI handler closes the database connection after each request; inside a test
    transaction that would lose the test's data, so do what Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _session_cookie(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


FUZZ_SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.django_db
@pytest.mark.usefixtures("api_world", "wsgi_connections_kept")
@pytest.mark.parametrize("persona", ["policy_member", "team_lead", "trainee"])
@schema.parametrize()
@FUZZ_SETTINGS
def test_no_get_operation_answers_with_a_server_error(case, persona, request):
    response = case.call(cookies=_session_cookie(request.getfixturevalue(persona)))

    case.validate_response(response, checks=[not_a_server_error])


@pytest.mark.django_db
@pytest.mark.usefixtures("api_world", "wsgi_connections_kept")
@pytest.mark.parametrize("persona", ["policy_member", "team_lead", "trainee"])
@schema.parametrize()
@FUZZ_SETTINGS
def test_every_get_response_matches_its_schema(case, persona, request):
    response = case.call(cookies=_session_cookie(request.getfixturevalue(persona)))

    case.validate_response(response, checks=[response_schema_conformance])


def _conforms(path: str, user, **path_parameters) -> Any:
    """GET the operation as `user`, check the response against the schema, return its body."""
    case = schema[path]["GET"].Case(path_parameters=path_parameters or None)
    response = case.call(cookies=_session_cookie(user))
    assert response.status_code == 200, response.text
    case.validate_response(response, checks=[response_schema_conformance])
    return response.json()


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_the_contested_list_matches_its_schema(api_world, policy_member):
    _conforms("/api/contested/", policy_member)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_the_published_policy_matches_its_schema(api_world, trainee):
    _conforms("/api/policy/", trainee)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_a_policy_team_scenario_matches_its_schema(api_world, policy_member):
    _conforms("/api/policy-team/scenarios/{id}/", policy_member, id=api_world.bank[0].pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_an_open_round_matches_its_schema(api_world, trainee):
    _conforms("/api/rounds/{id}/", trainee, id=api_world.open_round.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_a_closed_rounds_answers_match_their_schema_for_a_lead(api_world, team_lead):
    _conforms("/api/rounds/{id}/answers/", team_lead, id=api_world.closed_round.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_a_reviewers_own_round_answers_match_their_schema(api_world, trainee):
    _conforms("/api/rounds/{id}/answers/", trainee, id=api_world.closed_round.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_a_contested_scenario_matches_its_schema(api_world, policy_member):
    # Six reviewers split three to three on one scenario: it is contested.
    quiz = QuizFactory(title="Split practice")
    for index in range(6):
        AnswerFactory(
            attempt=AttemptFactory(user=UserFactory(), quiz=quiz, status="submitted"),
            scenario=api_world.bank[1],
            verdict="violating",
            clause_id="V4" if index % 2 else "V3",
        )
    scenario_figures_refresh()  # what the background task does once the answers are in
    contested = _conforms("/api/contested/", policy_member)

    assert [item["scenario"] for item in contested] == [api_world.bank[1].key]


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_a_closed_rounds_figures_match_their_schema(api_world, team_lead):
    _conforms("/api/rounds/{id}/figures/", team_lead, id=api_world.closed_round.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_a_teams_trend_matches_its_schema(api_world, team_lead, team):
    _conforms("/api/teams/{id}/trend/", team_lead, id=team.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_an_attempt_in_progress_matches_its_schema(api_world, trainee):
    _conforms("/api/attempts/{id}/", trainee, id=api_world.attempt.pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_connections_kept")
def test_a_submitted_attempts_results_match_their_schema(api_world, trainee):
    attempt_submit(attempt=api_world.attempt, user=trainee)
    _conforms("/api/attempts/{id}/results/", trainee, id=api_world.attempt.pk)


def test_the_schema_lists_the_policys_vocabulary_as_enums():
    policy = policy_from_file(django_settings.CONCORDANCE["POLICY_FILE"])
    answer = RAW_SCHEMA["components"]["schemas"]["AnswerInput"]["properties"]
    facts = RAW_SCHEMA["components"]["schemas"]["EvaluateFacts"]["properties"]["facts"]

    assert [answer[name]["enum"] for name in ("verdict", "clause_id", "action", "report_route")] == [
        ["", "violating", "not_violating"],
        ["", *policy.clauses],
        ["", *policy.actions],
        ["", *policy.reporting_routes],
    ]
    assert (sorted(facts["properties"]), facts["additionalProperties"]) == (sorted(policy.input_facts), False)
    assert facts["properties"]["subject_age"] == {
        "oneOf": [{"type": "integer", "minimum": 0, "maximum": 130}, {"type": "string", "enum": ["unknown"]}]
    }
    assert facts["properties"]["subject"] == {
        "type": "string",
        "enum": ["specific_person", "children_generally", "nobody"],
    }


def _statuses(path: str, method: str) -> list[str]:
    return list(RAW_SCHEMA["paths"][path][method]["responses"])


def test_the_schema_documents_every_status_an_operation_answers():
    assert {
        "POST /api/rounds/": _statuses("/api/rounds/", "post"),
        "GET /api/rounds/{id}/": _statuses("/api/rounds/{id}/", "get"),
        "POST /api/rounds/{id}/close/": _statuses("/api/rounds/{id}/close/", "post"),
        "POST /api/attempts/": _statuses("/api/attempts/", "post"),
        "POST /api/attempts/{id}/answers/": _statuses("/api/attempts/{id}/answers/", "post"),
        "GET /api/attempts/{id}/results/": _statuses("/api/attempts/{id}/results/", "get"),
        "GET /api/scenarios/": _statuses("/api/scenarios/", "get"),
        "GET /api/policy/": _statuses("/api/policy/", "get"),
        "POST /api/policy/evaluate/": _statuses("/api/policy/evaluate/", "post"),
        "GET /api/quizzes/": _statuses("/api/quizzes/", "get"),
    } == {
        "POST /api/rounds/": ["201", "400", "403"],
        "GET /api/rounds/{id}/": ["200", "403", "404"],
        "POST /api/rounds/{id}/close/": ["200", "400", "403", "404"],
        "POST /api/attempts/": ["201", "400", "403", "404"],
        "POST /api/attempts/{id}/answers/": ["201", "400", "403", "404", "409"],
        "GET /api/attempts/{id}/results/": ["200", "403", "404", "409"],
        "GET /api/scenarios/": ["200", "400", "403", "404"],
        "GET /api/policy/": ["200", "403", "404"],
        "POST /api/policy/evaluate/": ["200", "400", "403", "404"],
        "GET /api/quizzes/": ["200", "403"],
    }


def test_the_api_docs_load_swagger_ui_from_our_own_static_files(policy_client):
    page = policy_client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page


# --- Fuzzing every operation, writes included ----------------------------------------------------

# Positive data only (requests the schema allows), a few examples per operation, deterministic.
WRITE_CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 1,
        "generation": {"mode": "positive", "max-examples": 5, "deterministic": True},
        "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
    }
)
every_operation = schemathesis.openapi.from_dict(RAW_SCHEMA, config=WRITE_CONFIG)
every_operation.app = WSGIHandler()
every_operation.hook("flatmap_path_parameters")(_real_ids_too)

# Body field -> values that lead somewhere, filled by the fixture: ids of real objects and times in the
# coming days, so that writes reach the code behind a found quiz, team, reviewer or scenario and a
# plausible date, not only the "no such" and "out of range" answers.
BODY_REAL_VALUES: dict[str, list[int]] = {}


@every_operation.hook("flatmap_body")
def _real_ids_in_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    choices = {}
    for key, value in body.items():
        real = BODY_REAL_VALUES.get(key)
        if not real:
            continue
        if isinstance(value, list):
            choices[key] = st.sampled_from([value, real[:2], real])
        elif isinstance(value, int | str) and not isinstance(value, bool):
            choices[key] = st.sampled_from([value, *real])
    if not choices:
        return st.just(body)
    return st.fixed_dictionaries(choices).map(lambda chosen: {**body, **chosen})


def _iso_in(**delta: float) -> str:
    return (timezone.now() + dt.timedelta(**delta)).isoformat()


@pytest.fixture
def write_world(api_world, team, trainee, second_trainee):
    shared = SharedQuizFactory(title="Shared practice", mode="practice", question_count=2)
    BODY_REAL_VALUES.clear()
    BODY_REAL_VALUES.update(
        {
            "quiz": [api_world.attempt.quiz_id, shared.pk],
            "team": [team.pk],
            "trainee": [trainee.pk, second_trainee.pk],
            "cohort": [trainee.pk, second_trainee.pk],
            "scenario": [s.pk for s in api_world.bank],
            "scenarios": [s.pk for s in api_world.bank[3:]],
            "version": [api_world.published.pk, api_world.draft.pk],
            "opens_at": [_iso_in(hours=-1)],
            "closes_at": [_iso_in(hours=48)],
            "due_at": [_iso_in(hours=72)],
        }
    )
    yield api_world
    BODY_REAL_VALUES.clear()


def _drf_shape_messages() -> list[re.Pattern[str]]:
    """DRF's own messages for input that does not fit a field (wrong type, too long, not a choice...):
    a schema-valid request answered with one of them means the schema left out a constraint. A missing
    object ("does not exist") is not about shape."""
    field_classes = {
        value
        for module in (drf_fields, drf_relations, drf_serializers)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, drf_fields.Field)
    }
    patterns = []
    for field_class in field_classes:
        for code, message in getattr(field_class, "default_error_messages", {}).items():
            if code != "does_not_exist":
                patterns.append(re.compile(re.sub(r"\\\{.*?\\\}", ".*", re.escape(str(message)))))
    return patterns


SHAPE_MESSAGES = _drf_shape_messages()


def _messages(body: Any) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, dict):
        return [message for value in body.values() for message in _messages(value)]
    if isinstance(body, list):
        return [message for value in body for message in _messages(value)]
    return []


def refused_only_for_what_the_schema_cannot_say(ctx, response, case):
    """schemathesis' positive_data_acceptance, for an API with rules no schema can state: a request the
    schema allows may be refused (400) for a business rule (a round must close after it opens, the
    answer must fit the verdict, the quiz must be one you may assign), never for its shape."""
    if response.status_code != 400:
        return None
    shape = [m for m in _messages(response.json()) if any(p.fullmatch(m) for p in SHAPE_MESSAGES)]
    if shape or "JSON parse error" in response.text:
        raise AssertionError(f"A schema-valid request was refused for its shape: {shape or response.text}")
    return None


# A CSRF secret of Django's shape (32 letters and digits), sent as cookie and header, as a browser does.
CSRF = "apiFuzzingCsrfSecret0123456789ab"
WRITE_SETTINGS = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.usefixtures("write_world", "wsgi_connections_kept")
@pytest.mark.parametrize("persona", ["policy_member", "team_lead", "trainee"])
@every_operation.parametrize()
@WRITE_SETTINGS
def test_every_operation_answers_only_what_its_schema_documents(case, persona, request):
    """Every operation, reads and writes, as each role: no server error, only documented status codes
    and content types, responses that match their schema, and no schema-valid request refused for
    its shape."""
    cookies = {**_session_cookie(request.getfixturevalue(persona)), "csrftoken": CSRF}

    response = case.call(cookies=cookies, headers={"X-CSRFToken": CSRF})

    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            refused_only_for_what_the_schema_cannot_say,
        ],
    )
