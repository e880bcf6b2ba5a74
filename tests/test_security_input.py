"""Security review: odd input is refused at the boundary with a 400 and a readable message, and
nothing is written. A JSON body nested thousands deep, text with a lone surrogate, dates far
outside the years the product schedules in, on the API, the product's forms and the admin."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calibration.models import CalibrationRound
from quiz.models import Answer, Assignment, Attempt, Quiz
from tests.quiz.factories import CalibrationRoundFactory, QuizFactory, RoundItemFactory
from tests.training.factories import ScenarioFactory, shipped_policy_document
from training.models import PolicyVersion

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000
TOO_DEEP = {"detail": "JSON parse error - nested more than 32 levels deep."}
FAR_FUTURE = "9999-12-31T23:59:00Z"


def _in(days: float) -> str:
    return (timezone.now() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _window_message() -> str:
    now = timezone.now()
    return f"Choose a date and time between 2000-01-01 and {now.year + 5}-{now:%m-%d} (five years from now)."


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Attempt, Answer, CalibrationRound, Assignment, Quiz))


@pytest.fixture
def scenarios(published_policy):
    return [ScenarioFactory(key="IN-001"), ScenarioFactory(key="IN-002")]


@pytest.fixture
def open_round(team, trainee, second_trainee, scenarios):
    calibration_round = CalibrationRoundFactory(team=team, title="Open round")
    calibration_round.cohort.set([trainee, second_trainee])
    for position, scenario in enumerate(scenarios, start=1):
        RoundItemFactory(calibration_round=calibration_round, scenario=scenario, position=position)
    return calibration_round


# --- JSON nested too deeply ------------------------------------------------------------------------

# Every API operation that reads a body, as the role that may call it.
WRITES = [
    ("trainee_client", "/api/attempts/"),
    ("trainee_client", "/api/attempts/{attempt}/answers/"),
    ("trainee_client", "/api/rounds/{round}/answers/"),
    ("lead_client", "/api/rounds/"),
    ("lead_client", "/api/assignments/"),
    ("policy_client", "/api/policy/evaluate/"),
]


@pytest.mark.parametrize(("persona", "path"), WRITES)
def test_a_json_body_nested_thousands_deep_is_a_400_and_writes_nothing(
    persona, path, request, trainee, open_round, published_policy
):
    attempt = Attempt.objects.create(
        user=trainee,
        quiz=QuizFactory(),
        mode="practice",
        policy_version=published_policy,
        seed=1,
        started_at=timezone.now(),
    )
    before = _counts()
    client = request.getfixturevalue(persona)

    response = client.post(path.format(attempt=attempt.pk, round=open_round.pk), DEEP, content_type="application/json")

    assert (response.status_code, response.json(), _counts()) == (400, TOO_DEEP, before)


def test_a_json_body_just_too_deep_for_python_to_notice_is_refused_too(policy_client, published_policy):
    body = {"facts": {"subject": "children_generally"}}
    for _ in range(40):
        body = {"facts": body}

    response = policy_client.post("/api/policy/evaluate/", body, content_type="application/json")

    assert (response.status_code, response.json()) == (400, TOO_DEEP)


def test_an_ordinary_json_body_still_parses(policy_client, published_policy):
    response = policy_client.post(
        "/api/policy/evaluate/", {"facts": {"subject": "children_generally"}}, content_type="application/json"
    )

    assert response.status_code == 200


# --- Text that is not valid Unicode -----------------------------------------------------------------


def test_a_lone_surrogate_in_a_fact_name_is_a_400_not_a_server_error(policy_client, published_policy):
    client = Client(raise_request_exception=False)
    client.cookies = policy_client.cookies

    response = client.post("/api/policy/evaluate/", '{"facts": {"a\\ud800b": "x"}}', content_type="application/json")

    assert (response.status_code, response.json()) == (
        400,
        {"detail": "JSON parse error - text must be valid Unicode: a lone surrogate (such as \\ud800) is not."},
    )


def test_a_lone_surrogate_in_an_answers_rationale_is_refused_and_nothing_is_written(
    trainee_client, open_round, scenarios
):
    before = _counts()
    answer = {"scenario": scenarios[0].pk, "verdict": "violating", "clause_id": "V4", "action": "permanent_suspension"}
    body = json.dumps({**answer, "report_to_ncmec": True})[:-1] + ', "rationale": "because \\udfff"}'

    response = trainee_client.post(f"/api/rounds/{open_round.pk}/answers/", body, content_type="application/json")

    assert (response.status_code, response.json(), _counts()) == (
        400,
        {"detail": "JSON parse error - text must be valid Unicode: a lone surrogate (such as \\ud800) is not."},
        before,
    )


# --- Dates outside the years the product schedules in ---------------------------------------------


def _round_body(team, trainee, second_trainee, scenarios, **dates) -> dict:
    return {
        "title": "Far away",
        "team": team.pk,
        "opens_at": _in(1),
        "closes_at": _in(3),
        "cohort": [trainee.pk, second_trainee.pk],
        "scenarios": [scenarios[0].pk],
        **dates,
    }


@pytest.mark.parametrize(("field", "value"), [("closes_at", FAR_FUTURE), ("opens_at", "1999-12-31T23:59:00Z")])
def test_the_api_refuses_a_round_outside_the_years_it_schedules_in(
    lead_client, team, trainee, second_trainee, scenarios, field, value
):
    response = lead_client.post(
        "/api/rounds/",
        _round_body(team, trainee, second_trainee, scenarios, **{field: value}),
        content_type="application/json",
    )

    assert (response.status_code, response.json(), CalibrationRound.objects.count()) == (
        400,
        {field: [_window_message()]},
        0,
    )


def test_the_api_refuses_a_due_date_thousands_of_years_ahead(lead_client, team):
    quiz = QuizFactory(created_by=None, is_shared=True)

    response = lead_client.post(
        "/api/assignments/", {"quiz": quiz.pk, "team": team.pk, "due_at": FAR_FUTURE}, content_type="application/json"
    )

    assert (response.status_code, response.json(), Assignment.objects.count()) == (
        400,
        {"due_at": [_window_message()]},
        0,
    )


def test_the_round_form_refuses_a_closing_time_thousands_of_years_ahead(
    lead_client, team, trainee, second_trainee, scenarios
):
    response = lead_client.post(
        reverse("calibration:round-create"),
        {
            "team": team.pk,
            "title": "Far away",
            "cohort": [trainee.pk, second_trainee.pk],
            "scenarios": [scenarios[0].pk],
            "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "closes_at": "9999-12-31T23:59",
        },
    )

    assert (
        response.status_code,
        response.context["form"].errors.get("closes_at"),
        CalibrationRound.objects.count(),
    ) == (
        400,
        [_window_message()],
        0,
    )


def test_the_assignment_form_refuses_a_due_date_thousands_of_years_ahead(lead_client, team):
    quiz = QuizFactory(is_shared=True)

    response = lead_client.post(
        reverse("quiz:lead-assignments"), {"quiz": quiz.pk, "team": team.pk, "due_at": "9999-12-31T23:59"}
    )

    assert (response.status_code, response.context["form"].errors.get("due_at"), Assignment.objects.count()) == (
        400,
        [_window_message()],
        0,
    )


def test_extending_a_round_thousands_of_years_ahead_is_refused(lead_client, team_lead, team, open_round):
    before = open_round.closes_at

    response = lead_client.post(
        reverse("calibration:round-extend", args=[open_round.pk]), {"closes_at": "9999-12-31T23:59"}, follow=True
    )

    open_round.refresh_from_db()
    assert _window_message() in response.content.decode()
    assert open_round.closes_at == before


def test_the_page_of_a_round_that_already_closes_in_the_year_9999_still_opens(
    lead_client, team_lead, team, trainee, second_trainee
):
    far = CalibrationRoundFactory(
        team=team, title="Far round", closes_at=dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)
    )
    far.cohort.set([trainee, second_trainee])
    client = Client(raise_request_exception=False)
    client.cookies = lead_client.cookies

    response = client.get(reverse("calibration:round-detail", args=[far.pk]))

    assert response.status_code == 200
    assert response.context["round"].closes_at.year == 9999


# --- The admin's JSON and datetime fields ----------------------------------------------------------


def test_the_admin_refuses_a_policy_document_nested_thousands_deep(admin_client_, published_policy):
    client = Client(raise_request_exception=False)
    client.cookies = admin_client_.cookies

    response = client.post(
        reverse("admin:training_policyversion_add"),
        {
            "policy": "cse",
            "version": "2031-01-draft",
            "title": "Deep",
            "effective_date": "2031-01-01",
            "document": DEEP,
            "change_note": "",
        },
    )

    assert response.status_code == 400
    assert response.context["adminform"].form.errors["document"] == ["The JSON is nested more than 32 levels deep."]
    assert PolicyVersion.objects.count() == 1


def test_the_admin_refuses_scenario_facts_with_a_lone_surrogate(admin_client_, published_policy):
    scenario = ScenarioFactory(key="ADM-DRAFT", status="draft", published_at=None)
    client = Client(raise_request_exception=False)
    client.cookies = admin_client_.cookies
    document = shipped_policy_document()
    assert document  # the published policy checks the facts

    response = client.post(
        reverse("admin:training_scenario_change", args=[scenario.pk]),
        {
            "title": scenario.title,
            "text": scenario.text,
            "kind": scenario.kind,
            "difficulty": scenario.difficulty,
            "tags": "[]",
            "facts": '{"subject\\ud800": "children_generally"}',
            "intended_clause": "V4",
            "intended_action": "",
            "intended_route": "",
            "author": "",
        },
    )

    assert response.status_code == 400
    assert response.context["adminform"].form.errors["facts"] == [
        "The JSON is not allowed: text must be valid Unicode: a lone surrogate (such as \\ud800) is not."
    ]
    scenario.refresh_from_db()
    assert "subject\ud800" not in scenario.facts


def test_the_admin_refuses_a_round_closing_thousands_of_years_ahead(admin_client_, open_round):
    before = open_round.closes_at
    client = Client(raise_request_exception=False)
    client.cookies = admin_client_.cookies

    response = client.post(
        reverse("admin:calibration_calibrationround_change", args=[open_round.pk]),
        {
            "team": open_round.team_id,
            "title": open_round.title,
            "policy_version": open_round.policy_version_id,
            "cohort": list(open_round.cohort.values_list("pk", flat=True)),
            "opens_at_0": timezone.localtime(open_round.opens_at).strftime("%Y-%m-%d"),
            "opens_at_1": timezone.localtime(open_round.opens_at).strftime("%H:%M:%S"),
            "closes_at_0": "9999-12-31",
            "closes_at_1": "23:59:00",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )

    open_round.refresh_from_db()
    assert response.status_code == 400
    assert response.context["adminform"].form.errors["closes_at"] == [_window_message()]
    assert open_round.closes_at == before


# --- Refused forms answer 400 ----------------------------------------------------------------------


def test_a_refused_answer_on_the_question_page_answers_400_and_records_nothing(
    trainee_client, trainee, team, published_policy
):
    from quiz.services.attempts import attempt_start
    from tests.quiz.factories import QuizItemFactory, quiz_bank

    bank = quiz_bank()
    quiz = QuizFactory(title="Form practice", mode="practice", question_count=1, open_to_all_trainees=True)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-V4"], position=1)
    attempt = attempt_start(user=trainee, quiz=quiz)

    response = trainee_client.post(
        reverse("quiz:attempt-take", args=[attempt.pk]), {"position": "1", "verdict": "maybe"}
    )

    assert (response.status_code, Answer.objects.count()) == (400, 0)
    assert response.context["form"].errors["verdict"] == [
        "Select a valid choice. maybe is not one of the available choices."
    ]


def test_a_refused_password_change_answers_400(trainee_client):
    response = trainee_client.post(
        reverse("password_change"),
        {"old_password": "not-the-password", "new_password1": "x", "new_password2": "y"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["old_password"] == [
        "Your old password was entered incorrectly. Please enter it again."
    ]
