"""Races on calibration rounds, on PostgreSQL where requests really run at once: a reviewer's first
answers arriving together share one attempt, and a close at the moment of an answer either counts the
answer or refuses it, never leaving it uncounted in a closed round."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from analytics.models import AgreementSnapshot
from calibration.services import RoundError, round_answer_submit, round_close, round_create
from quiz.models import Answer, Attempt
from tests.quiz.test_attempts_concurrency import run_at_once
from tests.training.factories import ScenarioFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

V4 = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True}


def _open_round(team, lead, cohort, size):
    now = timezone.now()
    return round_create(
        team=team,
        title="Race",
        created_by=lead,
        cohort=cohort,
        scenarios=[ScenarioFactory() for _ in range(size)],
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )


def test_twelve_first_answers_at_once_through_the_api_share_one_attempt(
    published_policy, team, team_lead, trainee, second_trainee
):
    calibration_round = _open_round(team, team_lead, [trainee, second_trainee], 12)
    scenario_ids = list(calibration_round.items.values_list("scenario_id", flat=True))

    def answer(scenario_id):
        client = Client()
        client.force_login(trainee)
        return client.post(
            f"/api/rounds/{calibration_round.pk}/answers/",
            {"scenario": scenario_id, **V4},
            content_type="application/json",
        ).status_code

    statuses = run_at_once(*[lambda sid=sid: answer(sid) for sid in scenario_ids])

    assert statuses == [201] * 12
    assert Attempt.objects.filter(calibration_round=calibration_round, user=trainee).count() == 1
    assert Answer.objects.filter(attempt__calibration_round=calibration_round).count() == 12


def test_the_same_first_answer_twice_at_once_records_one_and_refuses_the_other(
    published_policy, team, team_lead, trainee, second_trainee
):
    calibration_round = _open_round(team, team_lead, [trainee, second_trainee], 2)
    scenario = calibration_round.items.first().scenario

    results = run_at_once(
        *[
            lambda: round_answer_submit(calibration_round=calibration_round, user=trainee, scenario=scenario, **V4)
            for _ in range(2)
        ]
    )

    assert sorted(type(result).__name__ for result in results) == ["Answer", "RoundError"]
    assert Answer.objects.count() == 1


@pytest.mark.parametrize("run", range(4))
def test_a_close_at_the_moment_of_a_first_answer_counts_it_or_refuses_it(
    run, published_policy, team, team_lead, trainee, second_trainee
):
    calibration_round = _open_round(team, team_lead, [trainee, second_trainee], 2)
    scenario = calibration_round.items.first().scenario
    round_answer_submit(calibration_round=calibration_round, user=trainee, scenario=scenario, **V4)

    closed, answered = run_at_once(
        lambda: round_close(calibration_round=calibration_round, closed_by=team_lead),
        lambda: round_answer_submit(calibration_round=calibration_round, user=second_trainee, scenario=scenario, **V4),
    )

    assert not isinstance(closed, Exception)
    assert not Attempt.objects.filter(calibration_round=calibration_round, status=Attempt.Status.IN_PROGRESS).exists()
    stored = Answer.objects.filter(attempt__calibration_round=calibration_round).count()
    measured = AgreementSnapshot.objects.get(calibration_round=calibration_round).n_answers
    if isinstance(answered, RoundError):
        assert str(answered) == "This round is closed: answers can no longer be given."
        # One reviewer's answer shares the scenario with nobody: nothing to measure.
        assert (stored, measured) == (1, 0)
    else:
        assert (stored, measured) == (2, 2)
