"""The calibration API: role rules and blindness."""

import datetime as dt

import pytest
from django.utils import timezone

from quiz.models import Answer
from quiz.services.calibration import round_answer_submit, round_create
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


def test_a_reviewer_submits_their_own_answer_and_reads_only_their_own(
    trainee_client, second_trainee, open_round, scenarios
):
    round_answer_submit(
        calibration_round=open_round,
        user=second_trainee,
        scenario=scenarios[1],
        **V4 | {"verdict": "not_violating", "clause_id": "", "action": "no_action", "report_to_ncmec": False},
    )
    response = trainee_client.post(
        f"/api/rounds/{open_round.pk}/answers/", {"scenario": scenarios[0].pk, **V4}, content_type="application/json"
    )
    assert response.status_code == 201
    mine = trainee_client.get(f"/api/rounds/{open_round.pk}/answers/").json()
    assert mine == [
        {
            "scenario": scenarios[0].pk,
            "verdict": "violating",
            "clause_id": "V4",
            "action": "permanent_suspension",
            "report_to_ncmec": True,
            "report_route": "",
            "confidence": None,
            "rationale": "",
        }
    ]


def test_the_lead_cannot_read_the_distribution_of_an_open_round(lead_client, open_round):
    response = lead_client.get(f"/api/rounds/{open_round.pk}/answers/")
    assert (response.status_code, response.json()) == (403, {"detail": "Answers stay blind until the round is closed."})


def test_the_lead_closes_and_then_reads_the_distribution_and_figures(
    lead_client, trainee, second_trainee, open_round, scenarios
):
    for user in (trainee, second_trainee):
        round_answer_submit(calibration_round=open_round, user=user, scenario=scenarios[0], **V4)
    assert lead_client.post(f"/api/rounds/{open_round.pk}/close/").status_code == 200
    distribution = lead_client.get(f"/api/rounds/{open_round.pk}/answers/").json()
    assert distribution == [
        {"scenario": "API-001", "distribution": {"V4": 2}},
        {"scenario": "API-002", "distribution": {}},
    ]
    figures = lead_client.get(f"/api/rounds/{open_round.pk}/figures/").json()
    assert (figures["n_raters"], figures["n_units"], figures["percent_agreement"]) == (2, 1, 1.0)


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
