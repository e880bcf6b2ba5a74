"""Security review: the gold answer never reaches a trainee before they answer, by side channels
too (mastery per clause, adaptive retries, a practice draw of a scenario they still owe a blind
answer for in a calibration round)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz.composition import Retry
from quiz.models import Attempt, AttemptItem, Quiz
from quiz.selectors.quizzes import mastery_for, retries_for
from quiz.services.attempts import answer_record, attempt_start, attempt_submit
from tests.quiz.factories import AssignmentFactory, QuizFactory, quiz_bank

pytestmark = pytest.mark.django_db

WRONG_FOR_V1 = {"verdict": "not_violating", "clause_id": "", "action": "no_action", "report_to_ncmec": False}


def _mastery_chart(response) -> dict:
    match = re.search(r'<script id="mastery-data" type="application/json">(.*?)</script>', response.content.decode())
    assert match is not None
    return json.loads(match.group(1))


@pytest.fixture
def bank(published_policy):
    return quiz_bank()


@pytest.fixture
def assessment_with_a_wrong_answer(bank, team, trainee):
    """An open assessment with its V1 item answered wrong (assessments show nothing before submission)."""
    quiz = QuizFactory(title="Certification", mode=Quiz.Mode.ASSESSMENT, question_count=5)
    AssignmentFactory(quiz=quiz, team=team)
    attempt = attempt_start(user=trainee, quiz=quiz)
    item = AttemptItem.objects.get(attempt=attempt, scenario__key="Q-V1")
    answer_record(attempt=attempt, scenario=item.scenario, user=trainee, **WRONG_FOR_V1)
    return attempt


def test_an_open_assessment_answer_does_not_show_in_the_trainees_mastery_chart(
    trainee_client, assessment_with_a_wrong_answer
):
    response = trainee_client.get(reverse("quiz:trainee-home"))

    assert (response.status_code, response.context["mastery"], "mastery-data" in response.content.decode()) == (
        200,
        {},
        False,
    )


def test_a_submitted_assessment_answer_counts_towards_mastery(trainee_client, trainee, assessment_with_a_wrong_answer):
    attempt_submit(attempt=assessment_with_a_wrong_answer, user=trainee)

    response = trainee_client.get(reverse("quiz:trainee-home"))

    assert _mastery_chart(response) == {"labels": ["V1"], "values": [0]}


def test_an_open_assessment_answer_counts_for_neither_mastery_nor_adaptive_retries(
    trainee, assessment_with_a_wrong_answer
):
    assert (mastery_for(trainee), retries_for(trainee)) == ({}, [])


def test_a_practice_mistake_is_offered_again_because_its_answer_was_shown(bank, team, trainee):
    quiz = QuizFactory(title="Practice", mode=Quiz.Mode.PRACTICE, question_count=5)
    AssignmentFactory(quiz=quiz, team=team)
    attempt = attempt_start(user=trainee, quiz=quiz)
    answer_record(attempt=attempt, scenario=bank["Q-V1"], user=trainee, **WRONG_FOR_V1)

    assert (attempt.status, retries_for(trainee)) == (
        Attempt.Status.IN_PROGRESS,
        [Retry(bank["Q-V1"].pk, "R-V1-real-depiction")],
    )


@pytest.fixture
def open_round_on_v1(bank, team, team_lead, trainee, second_trainee):
    from calibration.services import round_create

    now = timezone.now()
    return round_create(
        team=team,
        title="Round on V1",
        created_by=team_lead,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        cohort=[trainee, second_trainee],
        scenarios=[bank["Q-V1"]],
    )


def test_a_practice_draw_leaves_out_a_scenario_the_trainee_owes_an_open_round(bank, team, trainee, open_round_on_v1):
    quiz = QuizFactory(title="Practice", mode=Quiz.Mode.PRACTICE, question_count=5)
    AssignmentFactory(quiz=quiz, team=team)

    attempt = attempt_start(user=trainee, quiz=quiz, seed=7)

    drawn = sorted(AttemptItem.objects.filter(attempt=attempt).values_list("scenario__key", flat=True))
    assert drawn == ["Q-B5", "Q-BENIGN", "Q-P3", "Q-V4"]


def test_a_fixed_practice_quiz_skips_a_scenario_the_trainee_owes_an_open_round(bank, team, trainee, open_round_on_v1):
    from tests.quiz.factories import QuizItemFactory

    quiz = QuizFactory(title="Fixed practice", mode=Quiz.Mode.PRACTICE, question_count=2)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-V1"], position=1)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-V4"], position=2)
    AssignmentFactory(quiz=quiz, team=team)

    attempt = attempt_start(user=trainee, quiz=quiz)

    assert list(AttemptItem.objects.filter(attempt=attempt).values_list("scenario__key", flat=True)) == ["Q-V4"]


def test_once_the_round_is_closed_the_scenario_is_drawn_again(bank, team, trainee, team_lead, open_round_on_v1):
    from calibration.services import round_close

    round_close(calibration_round=open_round_on_v1, closed_by=team_lead)
    quiz = QuizFactory(title="Practice", mode=Quiz.Mode.PRACTICE, question_count=5)
    AssignmentFactory(quiz=quiz, team=team)

    attempt = attempt_start(user=trainee, quiz=quiz, seed=7)

    assert "Q-V1" in set(AttemptItem.objects.filter(attempt=attempt).values_list("scenario__key", flat=True))


# --- Scenario keys name the intended clause (V1-004), so a reviewer never sees one before answering --


@pytest.fixture
def keyed_bank(published_policy):
    from tests.training.factories import P3_FACTS, ScenarioFactory

    return {
        "v4": ScenarioFactory(key="V4-001", title="A reply with a folder link"),
        "p3": ScenarioFactory(key="P3-001", title="An advocacy thread", facts=P3_FACTS, intended_clause="P3"),
    }


def test_the_published_scenario_api_gives_no_key_or_tags_and_orders_by_title(trainee_client, keyed_bank):
    body = trainee_client.get("/api/scenarios/").json()

    assert [(sorted(item), item["title"]) for item in body["results"]] == [
        (["difficulty", "id", "kind", "revision", "text", "title"], "A reply with a folder link"),
        (["difficulty", "id", "kind", "revision", "text", "title"], "An advocacy thread"),
    ]


def test_searching_the_published_scenarios_by_a_clause_key_finds_nothing(trainee_client, keyed_bank):
    body = trainee_client.get("/api/scenarios/", {"q": "P3-"}).json()

    assert (body["count"], body["results"]) == (0, [])


def test_the_policy_team_still_searches_by_key(policy_client, keyed_bank):
    body = policy_client.get("/api/policy-team/scenarios/", {"q": "P3-"}).json()

    assert [item["key"] for item in body["results"]] == ["P3-001"]


def test_a_round_answer_is_confirmed_without_the_scenarios_key(trainee_client, open_round_on_v1, bank):
    response = trainee_client.post(
        reverse("calibration:round-answer", args=[open_round_on_v1.pk, bank["Q-V1"].pk]),
        {"verdict": "violating", "clause_id": "V1", "action": "permanent_suspension", "report_to_ncmec": "true"},
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert (messages, "Q-V1" in response.content.decode()) == (
        ["Answer to scenario 1 recorded. Results are shown when the round closes."],
        False,
    )
