"""The calibration API: role rules and blindness."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework import serializers

from calibration.services import round_answer_submit, round_close, round_create
from quiz.models import Answer
from tests.training.factories import BENIGN_FACTS, ScenarioFactory

V4 = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True}


@pytest.fixture
def scenarios(published_policy):
    return [ScenarioFactory(key="API-001"), ScenarioFactory(key="API-002", facts=BENIGN_FACTS, intended_clause="")]


@pytest.fixture
def open_round(team, team_lead, trainee, second_trainee, scenarios):
    now = timezone.now()
    return round_create(
        team=team,
        title="API round",
        created_by=team_lead,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
        cohort=[trainee, second_trainee],
        scenarios=scenarios,
    )


def test_anonymous_callers_are_refused(anonymous_client, open_round):
    assert anonymous_client.get("/api/rounds/").status_code == 403


def test_a_lead_of_another_team_gets_404(other_lead_client, open_round):
    assert other_lead_client.get(f"/api/rounds/{open_round.pk}/").status_code == 404


def test_a_trainee_cannot_create_a_round(trainee_client, team, trainee):
    response = trainee_client.post("/api/rounds/", {}, content_type="application/json")
    assert (response.status_code, response.json()) == (403, {"detail": "Only team leads create rounds."})


def test_a_lead_creates_a_round_for_their_team(lead_client, team, trainee, second_trainee, scenarios):
    response = lead_client.post(
        "/api/rounds/",
        {
            "title": "By API",
            "team": team.pk,
            "opens_at": "2030-01-01T09:00:00Z",
            "closes_at": "2030-01-03T09:00:00Z",
            "cohort": [trainee.pk, second_trainee.pk],
            "scenarios": [scenarios[0].pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["state"], response.json()["scenarios"]) == ("scheduled", [scenarios[0].pk])


def test_a_round_that_closes_before_it_opens_is_a_400_with_a_field_message(
    lead_client, team, trainee, second_trainee, scenarios
):
    response = lead_client.post(
        "/api/rounds/",
        {
            "title": "Backwards",
            "team": team.pk,
            "opens_at": "2030-01-03T09:00:00Z",
            "closes_at": "2030-01-01T09:00:00Z",
            "cohort": [trainee.pk, second_trainee.pk],
            "scenarios": [scenarios[0].pk],
        },
        content_type="application/json",
    )
    assert (response.status_code, response.json()) == (400, {"closes_at": ["The round must close after it opens."]})


NO_CLAUSE = {"verdict": "not_violating", "clause_id": "", "action": "no_action", "report_to_ncmec": False}


def _answered_at(user, scenario) -> str:
    """An answer's stored time as the API renders it."""
    answer = Answer.objects.get(attempt__user=user, scenario=scenario)
    return serializers.DateTimeField().to_representation(answer.answered_at)


def _row(user, scenario, decision, **extra):
    """One answer as the API lists it."""
    return {
        "reviewer": user.username,
        "scenario": scenario.pk,
        **decision,
        "report_route": "",
        "confidence": None,
        "rationale": "",
        "answered_at": _answered_at(user, scenario),
        **extra,
    }


@pytest.fixture
def answered_round(open_round, trainee, second_trainee, scenarios):
    """Both reviewers answer API-001 with V4; tara answers API-002 with no clause, theo leaves it."""
    round_answer_submit(calibration_round=open_round, user=second_trainee, scenario=scenarios[0], **V4)
    round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[1], **NO_CLAUSE)
    round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4, confidence=4)
    return open_round


def _close(calibration_round, lead):
    round_close(calibration_round=calibration_round, closed_by=lead)
    return calibration_round


def test_a_reviewer_submits_their_own_answer_and_gets_it_back(trainee_client, trainee, open_round, scenarios):
    response = trainee_client.post(
        f"/api/rounds/{open_round.pk}/answers/",
        {"scenario": scenarios[0].pk, **V4, "rationale": "The post links to material."},
        content_type="application/json",
    )

    assert (response.status_code, response.json()) == (
        201,
        _row(trainee, scenarios[0], V4, rationale="The post links to material."),
    )


def test_a_reviewer_reads_only_their_own_answers_while_the_round_is_open(
    trainee_client, trainee, answered_round, scenarios
):
    response = trainee_client.get(f"/api/rounds/{answered_round.pk}/answers/")

    assert (response.status_code, response.json()) == (
        200,
        [_row(trainee, scenarios[0], V4, confidence=4), _row(trainee, scenarios[1], NO_CLAUSE)],
    )


def test_a_reviewer_still_reads_only_their_own_answers_after_close(
    trainee_client, trainee, team_lead, answered_round, scenarios
):
    _close(answered_round, team_lead)

    response = trainee_client.get(f"/api/rounds/{answered_round.pk}/answers/")

    assert (response.status_code, response.json()) == (
        200,
        [_row(trainee, scenarios[0], V4, confidence=4), _row(trainee, scenarios[1], NO_CLAUSE)],
    )


@pytest.mark.parametrize("persona", ["lead_client", "policy_client", "admin_client_"])
def test_nobody_outside_the_cohort_reads_the_answers_of_an_open_round(persona, request, answered_round):
    response = request.getfixturevalue(persona).get(f"/api/rounds/{answered_round.pk}/answers/")

    assert (response.status_code, response.json()) == (403, {"detail": "Answers stay blind until the round is closed."})


def test_a_lead_of_another_team_cannot_find_the_answers(other_lead_client, team_lead, answered_round):
    _close(answered_round, team_lead)

    response = other_lead_client.get(f"/api/rounds/{answered_round.pk}/answers/")

    assert (response.status_code, response.json()) == (404, {"detail": "No such calibration round."})


def test_a_trainee_outside_the_cohort_cannot_find_the_answers(outside_trainee, team_lead, answered_round):
    _close(answered_round, team_lead)
    client = Client()
    client.force_login(outside_trainee)

    response = client.get(f"/api/rounds/{answered_round.pk}/answers/")

    assert (response.status_code, response.json()) == (404, {"detail": "No such calibration round."})


def test_anonymous_callers_cannot_read_the_answers(anonymous_client, answered_round):
    response = anonymous_client.get(f"/api/rounds/{answered_round.pk}/answers/")

    assert (response.status_code, response.json()) == (403, {"detail": "Authentication credentials were not provided."})


@pytest.mark.parametrize("persona", ["lead_client", "policy_client"])
def test_after_close_the_lead_and_the_policy_team_read_every_reviewers_answers(
    persona, request, trainee, second_trainee, team_lead, answered_round, scenarios
):
    _close(answered_round, team_lead)

    response = request.getfixturevalue(persona).get(f"/api/rounds/{answered_round.pk}/answers/")

    # By reviewer username (tara, theo), then in the round's order.
    assert (response.status_code, response.json()) == (
        200,
        [
            _row(trainee, scenarios[0], V4, confidence=4),
            _row(trainee, scenarios[1], NO_CLAUSE),
            _row(second_trainee, scenarios[0], V4),
        ],
    )


def test_the_answers_of_a_closed_round_take_a_fixed_number_of_queries(
    lead_client, team_lead, answered_round, django_assert_num_queries
):
    _close(answered_round, team_lead)
    url = f"/api/rounds/{answered_round.pk}/answers/"
    lead_client.get(url)  # warm the session

    # session, user, the round (with counts), is the lead in the cohort?, does the lead lead the
    # round's team?, the answers with their reviewers and positions.
    with django_assert_num_queries(6):
        response = lead_client.get(url)

    assert len(response.json()) == 3


def test_the_lead_cannot_read_the_figures_of_an_open_round(lead_client, answered_round):
    response = lead_client.get(f"/api/rounds/{answered_round.pk}/figures/")

    assert (response.status_code, response.json()) == (403, {"detail": "Figures are shown once the round is closed."})


def test_the_lead_closes_the_round_and_reads_the_figures_with_each_scenarios_distribution(
    lead_client, answered_round, scenarios
):
    assert lead_client.post(f"/api/rounds/{answered_round.pk}/close/").status_code == 200

    response = lead_client.get(f"/api/rounds/{answered_round.pk}/figures/")

    # Only API-001 has two answers, so it is the one unit agreement is measured on.
    assert (response.status_code, response.json()) == (
        200,
        {
            "n_raters": 2,
            "n_units": 1,
            "percent_agreement": 1.0,
            "fleiss_kappa": None,
            "alpha": None,
            "alpha_low": None,
            "alpha_high": None,
            "ac1": 1.0,
            "warnings": [
                "Only 1 unit has two or more ratings; with fewer than 10 the statistics are unstable, so read them "
                "as rough.",
                "Only 2 raters gave ratings; with fewer than 3 it is hard to tell one rater's habits from real "
                "disagreement.",
                "Every rating is 'V4': kappa and alpha are undefined because there is no variation to measure "
                "agreement against.",
            ],
            "scenarios": [
                {"scenario": scenarios[0].pk, "key": "API-001", "distribution": {"V4": 2}},
                {"scenario": scenarios[1].pk, "key": "API-002", "distribution": {"none": 1}},
            ],
        },
    )


def test_a_reviewer_reads_the_figures_once_the_round_is_closed(trainee_client, team_lead, answered_round):
    _close(answered_round, team_lead)

    response = trainee_client.get(f"/api/rounds/{answered_round.pk}/figures/")

    assert (response.status_code, response.json()["n_raters"]) == (200, 2)


def test_a_reviewer_cannot_close_a_round(trainee_client, open_round):
    assert trainee_client.post(f"/api/rounds/{open_round.pk}/close/").status_code == 403
    assert not Answer.objects.exists()


def test_the_team_trend_is_for_the_teams_lead(lead_client, other_lead_client, team):
    assert lead_client.get(f"/api/teams/{team.pk}/trend/").json() == {
        "team": "Team North",
        "granularity": "week",
        "periods": [],
    }
    assert other_lead_client.get(f"/api/teams/{team.pk}/trend/").status_code == 404


def test_the_contested_list_is_for_the_policy_team(policy_client, lead_client, published_policy):
    assert policy_client.get("/api/contested/").json() == []
    assert lead_client.get("/api/contested/").status_code == 403
