"""The quiz API: start, answer, submit, results, assignments; role rules and no gold before it is due."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from quiz.models import Answer, Assignment, Attempt, AttemptItem, Quiz
from quiz.services.attempts import attempt_start, attempt_submit
from tests.quiz.factories import AssignmentFactory, QuizFactory, SharedQuizFactory, quiz_bank

pytestmark = pytest.mark.django_db

# A due date a year ahead, inside the window the API accepts (from 2000 to five years ahead).
DUE = f"{timezone.now().year + 1}-01-01T09:00:00Z"
RIGHT_V4 = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True}


@pytest.fixture
def bank(published_policy):
    return quiz_bank()


@pytest.fixture
def practice(bank, team):
    quiz = QuizFactory(title="Practice set", mode=Quiz.Mode.PRACTICE, question_count=5)
    AssignmentFactory(quiz=quiz, team=team)
    return quiz


@pytest.fixture
def assessment(bank, trainee):
    quiz = QuizFactory(title="Assessment", mode=Quiz.Mode.ASSESSMENT, question_count=5)
    AssignmentFactory(quiz=quiz, trainee=trainee)
    return quiz


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_anonymous_users_are_refused(anonymous_client):
    assert anonymous_client.get("/api/quizzes/").status_code == 403


def test_leads_cannot_take_quizzes(lead_client, practice):
    assert post(lead_client, "/api/attempts/", {"quiz": practice.pk}).status_code == 403


def test_trainees_cannot_assign(trainee_client, practice, team):
    response = post(trainee_client, "/api/assignments/", {"quiz": practice.pk, "team": team.pk, "due_at": DUE})

    assert (response.status_code, Assignment.objects.count()) == (403, 1)


def test_the_quiz_list_shows_assigned_and_open_quizzes_only(trainee_client, practice, bank):
    QuizFactory(title="Not for you")
    QuizFactory(title="Open practice", open_to_all_trainees=True)

    response = trainee_client.get("/api/quizzes/")

    assert [(q["title"], q["assigned"]) for q in response.json()] == [("Open practice", False), ("Practice set", True)]


def test_starting_a_quiz_not_open_to_the_trainee_is_404(trainee_client, bank):
    quiz = QuizFactory()

    response = post(trainee_client, "/api/attempts/", {"quiz": quiz.pk})

    assert (response.status_code, Attempt.objects.count()) == (404, 0)


def test_starting_returns_items_without_any_gold(trainee_client, practice):
    response = post(trainee_client, "/api/attempts/", {"quiz": practice.pk})

    body = response.json()
    assert (response.status_code, body["total"], body["answered"], body["status"]) == (201, 5, 0, "in_progress")
    assert all(set(item) == {"position", "scenario", "answer", "feedback"} for item in body["items"])
    assert all(set(item["scenario"]) == {"id", "title", "text", "kind", "difficulty"} for item in body["items"])
    assert all(item["feedback"] is None for item in body["items"])
    assert "R-V4" not in response.content.decode() and "expected" not in response.content.decode()


def test_a_practice_answer_returns_feedback_at_once(trainee_client, trainee, practice, bank):
    attempt = attempt_start(user=trainee, quiz=practice)

    response = post(
        trainee_client,
        f"/api/attempts/{attempt.pk}/answers/",
        {"scenario": bank["Q-V4"].pk, **RIGHT_V4, "confidence": 4},
    )

    feedback = response.json()["feedback"]
    assert (response.status_code, feedback["points"], feedback["is_correct"], feedback["expected"]["rule_id"]) == (
        201,
        6.0,
        True,
        "R-V4-link-to-material",
    )


def test_an_assessment_answer_returns_no_feedback_until_submission(trainee_client, trainee, assessment, bank):
    attempt = attempt_start(user=trainee, quiz=assessment)

    answered = post(trainee_client, f"/api/attempts/{attempt.pk}/answers/", {"scenario": bank["Q-V4"].pk, **RIGHT_V4})
    detail = trainee_client.get(f"/api/attempts/{attempt.pk}/")
    submitted = post(trainee_client, f"/api/attempts/{attempt.pk}/submit/")

    assert answered.json()["feedback"] is None
    assert "expected" not in detail.content.decode() and "R-V4" not in detail.content.decode()
    assert submitted.json()["status"] == "submitted"
    assert any(
        item["feedback"] and item["feedback"]["expected"]["clause_id"] == "V4" for item in submitted.json()["items"]
    )


def test_bad_answers_get_400_with_field_messages(trainee_client, trainee, practice, bank):
    attempt = attempt_start(user=trainee, quiz=practice)

    response = post(
        trainee_client, f"/api/attempts/{attempt.pk}/answers/", {"scenario": bank["Q-V4"].pk, "verdict": "maybe"}
    )

    assert (response.status_code, response.json(), Answer.objects.count()) == (
        400,
        {
            "verdict": "Choose a verdict: violating or not violating.",
            "action": "Choose an enforcement action: no_action, permanent_suspension, remove_and_temporary_lock.",
            "report_to_ncmec": "Say whether a report to NCMEC is due.",
        },
        0,
    )


def test_a_second_practice_answer_to_the_same_item_is_a_conflict(trainee_client, trainee, practice, bank):
    attempt = attempt_start(user=trainee, quiz=practice)
    url = f"/api/attempts/{attempt.pk}/answers/"
    post(trainee_client, url, {"scenario": bank["Q-V4"].pk, **RIGHT_V4})

    response = post(
        trainee_client,
        url,
        {"scenario": bank["Q-V4"].pk, "verdict": "not_violating", "action": "no_action", "report_to_ncmec": False},
    )

    assert (response.status_code, response.json(), Answer.objects.count()) == (
        409,
        {"detail": "You have already answered this question; in practice an answer is final once given."},
        1,
    )


def test_an_answer_after_the_time_limit_is_a_conflict_with_a_clear_message(trainee_client, trainee, bank):
    quiz = QuizFactory(mode=Quiz.Mode.ASSESSMENT, time_limit_minutes=10, open_to_all_trainees=True)
    attempt = attempt_start(user=trainee, quiz=quiz, now=timezone.now() - dt.timedelta(minutes=11))

    response = post(trainee_client, f"/api/attempts/{attempt.pk}/answers/", {"scenario": bank["Q-V4"].pk, **RIGHT_V4})

    assert response.status_code == 409
    assert response.json()["detail"].startswith("The time limit for this attempt passed at ")
    assert Answer.objects.count() == 0


def test_submitting_twice_records_once(trainee_client, trainee, assessment):
    attempt = attempt_start(user=trainee, quiz=assessment)

    first = post(trainee_client, f"/api/attempts/{attempt.pk}/submit/").json()
    second = post(trainee_client, f"/api/attempts/{attempt.pk}/submit/").json()

    assert first["submitted_at"] == second["submitted_at"]


@pytest.mark.parametrize("suffix", ["", "answers/", "submit/", "results/"])
def test_another_trainees_attempt_is_404(second_trainee_client, trainee, practice, suffix):
    attempt = attempt_submit(attempt=attempt_start(user=trainee, quiz=practice), user=trainee)
    url = f"/api/attempts/{attempt.pk}/{suffix}"

    response = (
        second_trainee_client.get(url)
        if suffix in ("", "results/")
        else post(second_trainee_client, url, {"scenario": 1})
    )

    assert response.status_code == 404


def test_results_include_a_per_clause_breakdown_and_leads_of_the_team_may_read_them(
    lead_client, other_lead_client, trainee, practice, bank
):
    attempt = attempt_start(user=trainee, quiz=practice)
    from quiz.services.attempts import answer_record

    answer_record(attempt=attempt, scenario=bank["Q-V4"], user=trainee, **RIGHT_V4)
    attempt_submit(attempt=attempt, user=trainee)

    response = lead_client.get(f"/api/attempts/{attempt.pk}/results/")

    assert response.json()["by_clause"] == [
        {"clause": "V4", "items": 1, "correct": 1, "points": 6.0, "max_points": 6.0}
    ]
    assert other_lead_client.get(f"/api/attempts/{attempt.pk}/results/").status_code == 404


def test_results_of_an_attempt_in_progress_are_a_conflict(trainee_client, trainee, practice):
    attempt = attempt_start(user=trainee, quiz=practice)

    response = trainee_client.get(f"/api/attempts/{attempt.pk}/results/")

    assert (response.status_code, response.json()) == (409, {"detail": "This attempt has not been submitted yet."})


def test_a_lead_assigns_to_their_team(lead_client, team, bank):
    quiz = SharedQuizFactory()

    response = post(lead_client, "/api/assignments/", {"quiz": quiz.pk, "team": team.pk, "due_at": DUE})

    assignment = Assignment.objects.get()
    assert (response.status_code, response.json()) == (
        201,
        {"id": assignment.pk, "quiz": quiz.pk, "trainee": None, "team": team.pk, "due_at": DUE},
    )


def test_a_lead_cannot_assign_to_another_teams_trainee(lead_client, outside_trainee, bank):
    quiz = SharedQuizFactory()

    response = post(
        lead_client,
        "/api/assignments/",
        {"quiz": quiz.pk, "trainee": outside_trainee.pk, "due_at": DUE},
    )

    assert (response.status_code, response.json(), Assignment.objects.count()) == (
        400,
        {"trainee": "No such trainee in a team you lead."},
        0,
    )


def test_an_assignment_due_in_the_past_is_refused(lead_client, team, bank):
    quiz = SharedQuizFactory()

    response = post(
        lead_client, "/api/assignments/", {"quiz": quiz.pk, "team": team.pk, "due_at": "2001-01-01T09:00:00Z"}
    )

    assert (response.status_code, response.json()) == (400, {"due_at": "The due date must be in the future."})


def test_the_attempt_detail_runs_a_fixed_number_of_queries(
    trainee_client, trainee, practice, django_assert_num_queries
):
    attempt = attempt_start(user=trainee, quiz=practice)

    # session, user, attempt (+quiz, version), items with scenarios, answers
    with django_assert_num_queries(5):
        response = trainee_client.get(f"/api/attempts/{attempt.pk}/")

    assert response.status_code == 200
    assert AttemptItem.objects.filter(attempt=attempt).count() == 5


def test_answering_runs_a_fixed_number_of_queries(trainee_client, trainee, practice, bank, django_assert_num_queries):
    attempt = attempt_start(user=trainee, quiz=practice)
    item = AttemptItem.objects.get(attempt=attempt, scenario=bank["Q-V4"])
    body = {"scenario": item.scenario_id, **RIGHT_V4}

    # session, user, attempt (+quiz, version); in one transaction: the attempt locked, the item with
    # its scenario and any answer so far, the answer, the exposure record (practice feedback)
    with django_assert_num_queries(9):
        response = post(trainee_client, f"/api/attempts/{attempt.pk}/answers/", body)

    assert (response.status_code, response.json()["position"]) == (201, item.position)


def test_changing_an_assessment_answer_rewrites_it_in_place(trainee_client, trainee, assessment, bank):
    attempt = attempt_start(user=trainee, quiz=assessment)
    url = f"/api/attempts/{attempt.pk}/answers/"
    post(trainee_client, url, {"scenario": bank["Q-V4"].pk, **RIGHT_V4, "clause_id": "V3"})

    changed = post(trainee_client, url, {"scenario": bank["Q-V4"].pk, **RIGHT_V4})

    answer = Answer.objects.get(attempt=attempt, scenario=bank["Q-V4"])
    assert (changed.status_code, answer.clause_id, answer.is_correct) == (201, "V4", True)
    assert changed.json()["answer"]["clause_id"] == "V4"
