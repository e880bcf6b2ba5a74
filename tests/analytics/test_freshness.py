"""Every figure says when it was measured, and whether newer answers are still being counted."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.freshness import answers_not_yet_counted
from analytics.snapshots import snapshots_compute
from tests.quiz.factories import AnswerFactory, AttemptFactory, CalibrationRoundFactory, QuizFactory
from tests.training.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


def _answer(user, when, **attempt):
    attempt = AttemptFactory(user=user, started_at=when, status="submitted", **({"quiz": QuizFactory()} | attempt))
    return AnswerFactory(attempt=attempt, scenario=ScenarioFactory(), answered_at=when)


@pytest.fixture
def measured(published_policy, trainee, second_trainee):
    earlier = timezone.now() - dt.timedelta(hours=2)
    shared = ScenarioFactory()
    for user in (trainee, second_trainee):
        attempt = AttemptFactory(user=user, quiz=QuizFactory(), started_at=earlier, status="submitted")
        AnswerFactory(attempt=attempt, scenario=shared, answered_at=earlier)
    snapshots_compute()
    return timezone.now()


def test_the_dashboard_says_when_it_was_measured_and_that_every_answer_is_counted(lead_client, measured):
    page = lead_client.get(reverse("analytics:lead-dashboard")).content.decode()

    assert "Measured <time" in page
    assert "Every answer given so far is counted." in page


def test_the_dashboard_says_how_many_newer_answers_are_still_being_counted(lead_client, measured, trainee):
    _answer(trainee, timezone.now())

    page = lead_client.get(reverse("analytics:lead-dashboard")).content.decode()

    assert "1 newer answer is still being counted." in page


def test_the_all_teams_overview_says_when_it_was_measured(policy_client, measured, trainee, second_trainee):
    _answer(trainee, timezone.now())
    _answer(second_trainee, timezone.now())

    page = policy_client.get(reverse("analytics:agreement-overview")).content.decode()

    assert "2 newer answers are still being counted." in page


def test_another_teams_answers_do_not_make_a_teams_figures_stale(measured, team, outside_trainee):
    _answer(outside_trainee, timezone.now())

    assert answers_not_yet_counted(since=measured, team_id=team.pk) == 0
    assert answers_not_yet_counted(since=measured) == 1


def test_an_open_rounds_answers_are_not_counted_until_it_closes(measured, team, trainee):
    calibration_round = CalibrationRoundFactory(team=team)
    _answer(trainee, timezone.now(), quiz=None, calibration_round=calibration_round, mode="calibration")
    assert answers_not_yet_counted(since=measured, team_id=team.pk) == 0

    calibration_round.closed_at = timezone.now()
    calibration_round.save(update_fields=["closed_at"])

    assert answers_not_yet_counted(since=measured, team_id=team.pk) == 1
