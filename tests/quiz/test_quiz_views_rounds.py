"""Trainee home lists the calibration rounds still waiting for the trainee's answers."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz.selectors.quizzes import open_rounds_for_reviewer
from tests.quiz.factories import AnswerFactory, AttemptFactory, CalibrationRoundFactory, RoundItemFactory
from tests.training.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


def _round(team, cohort, *, items=2, **values):
    calibration_round = CalibrationRoundFactory(team=team, **values)
    calibration_round.cohort.set(cohort)
    scenarios = [ScenarioFactory() for _ in range(items)]
    for position, scenario in enumerate(scenarios, 1):
        RoundItemFactory(calibration_round=calibration_round, scenario=scenario, position=position)
    return calibration_round, scenarios


def _answer(calibration_round, user, scenarios):
    attempt = AttemptFactory(user=user, quiz=None, calibration_round=calibration_round, mode="calibration")
    for scenario in scenarios:
        AnswerFactory(attempt=attempt, scenario=scenario)


def test_only_open_rounds_with_scenarios_left_are_listed(trainee, second_trainee, team, published_policy):
    now = timezone.now()
    waiting, scenarios = _round(team, [trainee, second_trainee], title="Week 12", closes_at=now + dt.timedelta(days=2))
    _answer(waiting, trainee, scenarios[:1])
    done, done_scenarios = _round(team, [trainee], title="Done already")
    _answer(done, trainee, done_scenarios)
    _round(team, [second_trainee], title="Not my cohort")
    _round(team, [trainee], title="Closed", closed_at=now)
    _round(team, [trainee], title="Cancelled", cancelled_at=now)
    _round(team, [trainee], title="Not open yet", opens_at=now + dt.timedelta(hours=1))
    _round(
        team,
        [trainee],
        title="Past closing",
        opens_at=now - dt.timedelta(days=3),
        closes_at=now - dt.timedelta(hours=1),
    )
    _round(team, [trainee], title="Week 13", closes_at=now + dt.timedelta(days=5), items=3)

    rounds = open_rounds_for_reviewer(trainee)

    assert [(r.title, r.n_answered, r.n_items) for r in rounds] == [("Week 12", 1, 2), ("Week 13", 0, 3)]


def test_home_links_each_open_round_in_a_fixed_number_of_queries(
    trainee_client, trainee, team, published_policy, django_assert_num_queries
):
    first, scenarios = _round(team, [trainee], title="Week 12")
    _answer(first, trainee, scenarios[:1])
    second, _ = _round(team, [trainee], title="Week 13", closes_at=timezone.now() + dt.timedelta(days=8))

    # session, user, attempts (annotated), assignments, mastery answers, available quizzes,
    # open calibration rounds (one query however many), certifications
    with django_assert_num_queries(8):
        response = trainee_client.get(reverse("quiz:trainee-home"))

    content = response.content.decode()
    assert f'<a href="{reverse("calibration:round-detail", args=[first.pk])}">Continue Week 12</a>' in content
    assert f'<a href="{reverse("calibration:round-detail", args=[second.pk])}">Answer Week 13</a>' in content
    assert "1 of 2 answered" in content and "0 of 2 answered" in content


def test_home_says_when_no_round_is_waiting(trainee_client, published_policy):
    content = trainee_client.get(reverse("quiz:trainee-home")).content.decode()

    assert "No open round is waiting for your answers." in content
