"""Trainee and lead pages: role rules, the quiz flow, feedback only when allowed, fixed query counts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz.models import Answer, Assignment, Attempt, AttemptItem, Quiz
from quiz.services.attempts import answer_record, attempt_start, attempt_submit
from tests.quiz.factories import AssignmentFactory, QuizFactory, SharedQuizFactory, quiz_bank

pytestmark = pytest.mark.django_db

RIGHT_V4 = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": "yes"}


@pytest.fixture
def bank(published_policy):
    return quiz_bank()


@pytest.fixture
def practice(bank, team):
    quiz = QuizFactory(title="Practice set", mode=Quiz.Mode.PRACTICE, question_count=5)
    AssignmentFactory(quiz=quiz, team=team)
    return quiz


@pytest.fixture
def assessment(bank, team):
    quiz = QuizFactory(title="Certification", mode=Quiz.Mode.ASSESSMENT, question_count=5, time_limit_minutes=30)
    AssignmentFactory(quiz=quiz, team=team)
    return quiz


def item_for(attempt, key):
    return AttemptItem.objects.get(attempt=attempt, scenario__key=key)


# --- role rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["quiz:trainee-home", "quiz:history", "quiz:lead-assignments", "quiz:quiz-create"])
def test_anonymous_users_are_sent_to_log_in(anonymous_client, name):
    response = anonymous_client.get(reverse(name))

    assert (response.status_code, response.url) == (302, f"/login/?next={reverse(name)}")


@pytest.mark.parametrize(
    ("client_name", "name"),
    [
        ("lead_client", "quiz:trainee-home"),
        ("policy_client", "quiz:history"),
        ("trainee_client", "quiz:lead-assignments"),
        ("trainee_client", "quiz:quiz-create"),
    ],
)
def test_the_wrong_role_is_refused(request, client_name, name):
    assert request.getfixturevalue(client_name).get(reverse(name)).status_code == 403


def test_a_trainee_cannot_start_a_quiz_not_open_to_them(trainee_client, bank):
    quiz = QuizFactory()

    response = trainee_client.post(reverse("quiz:quiz-start", args=[quiz.pk]))

    assert (response.status_code, Attempt.objects.count()) == (404, 0)


def test_another_trainees_attempt_is_404_to_take_and_to_read(second_trainee_client, trainee, practice):
    attempt = attempt_submit(attempt=attempt_start(user=trainee, quiz=practice), user=trainee)

    take = second_trainee_client.get(reverse("quiz:attempt-take", args=[attempt.pk]))
    results = second_trainee_client.get(reverse("quiz:attempt-results", args=[attempt.pk]))

    assert (take.status_code, results.status_code) == (404, 404)


def test_a_lead_reads_results_of_their_own_team_only(lead_client, other_lead_client, trainee, practice):
    attempt = attempt_submit(attempt=attempt_start(user=trainee, quiz=practice), user=trainee)
    url = reverse("quiz:attempt-results", args=[attempt.pk])

    assert (lead_client.get(url).status_code, other_lead_client.get(url).status_code) == (200, 404)


# --- trainee home ------------------------------------------------------------------------------


def test_home_lists_assignments_quizzes_and_mastery(trainee_client, trainee, practice, bank, django_assert_num_queries):
    attempt = attempt_start(user=trainee, quiz=practice)
    answer_record(
        attempt=attempt,
        scenario=bank["Q-V4"],
        user=trainee,
        verdict="violating",
        clause_id="V4",
        action="permanent_suspension",
        report_to_ncmec=True,
    )

    # session, user, attempts (annotated), assignments, mastery answers, available quizzes,
    # cooldown check is skipped for practice, open calibration rounds, certifications
    with django_assert_num_queries(8):
        response = trainee_client.get(reverse("quiz:trainee-home"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Practice set" in content and "Continue Practice set" in content
    assert 'id="mastery-data"' in content and '"values": [100]' in content


# --- practice flow ------------------------------------------------------------------------------


def test_a_practice_answer_shows_the_correct_answer_rule_and_lesson_link(trainee_client, trainee, practice):
    attempt = attempt_start(user=trainee, quiz=practice)
    item = item_for(attempt, "Q-V4")
    url = reverse("quiz:attempt-take", args=[attempt.pk])

    response = trainee_client.post(url, {"position": item.position, **RIGHT_V4}, follow=True)

    content = response.content.decode()
    assert "Correct" in content
    assert "Rule R-V4-link-to-material decided" in content
    assert reverse("training:lesson-detail", args=["V4"]) in content
    assert Answer.objects.get().is_correct


def test_a_practice_answer_cannot_be_changed(trainee_client, trainee, practice):
    attempt = attempt_start(user=trainee, quiz=practice)
    item = item_for(attempt, "Q-V4")
    url = reverse("quiz:attempt-take", args=[attempt.pk])
    trainee_client.post(url, {"position": item.position, **RIGHT_V4})

    response = trainee_client.post(
        url,
        {"position": item.position, "verdict": "not_violating", "action": "no_action", "report_to_ncmec": "no"},
        follow=True,
    )

    assert "in practice an answer is final once given" in response.content.decode()
    assert list(Answer.objects.values_list("verdict", flat=True)) == ["violating"]


def test_an_invalid_answer_shows_field_errors_and_saves_nothing(trainee_client, trainee, practice):
    attempt = attempt_start(user=trainee, quiz=practice)
    item = item_for(attempt, "Q-V4")

    response = trainee_client.post(
        reverse("quiz:attempt-take", args=[attempt.pk]),
        {"position": item.position, "verdict": "violating", "clause_id": "P3"},
    )

    content = response.content.decode()
    assert "P3 is a permitted clause; choose a violating clause for a violating verdict." in content
    assert "Say whether a report to NCMEC is due." in content
    assert Answer.objects.count() == 0


def test_a_missing_action_is_asked_for_in_words_not_policy_ids(trainee_client, trainee, practice):
    attempt = attempt_start(user=trainee, quiz=practice)
    item = item_for(attempt, "Q-V4")

    response = trainee_client.post(
        reverse("quiz:attempt-take", args=[attempt.pk]),
        {"position": item.position, "verdict": "violating", "clause_id": "V4", "report_to_ncmec": "yes"},
    )

    content = response.content.decode()
    assert "Choose an enforcement action.</li>" in content
    assert "permanent_suspension, remove_and_temporary_lock" not in content
    assert Answer.objects.count() == 0


# --- gold never leaks before answering ----------------------------------------------------------


def test_no_page_of_an_attempt_carries_the_gold_of_an_unanswered_item(
    trainee_client, trainee, assessment, bank, published_policy
):
    from training.selectors import gold_outcome

    attempt = attempt_start(user=trainee, quiz=assessment)
    items = list(AttemptItem.objects.filter(attempt=attempt).select_related("scenario"))
    # Answer one item (an assessment shows no feedback before submission either).
    first = items[0]
    trainee_client.post(reverse("quiz:attempt-take", args=[attempt.pk]), {"position": first.position, **RIGHT_V4})
    pages = [trainee_client.get(reverse("quiz:trainee-home")).content.decode()]
    pages += [
        trainee_client.get(reverse("quiz:attempt-take", args=[attempt.pk]), {"item": i.position}).content.decode()
        for i in items
    ]
    pages += [trainee_client.get(reverse("api-attempt-detail", args=[attempt.pk])).content.decode()]

    for item in items:
        outcome = gold_outcome(published_policy, item.scenario.facts)
        for page in pages:
            assert outcome.rule_id not in page
            assert outcome.explanation.split(":")[1][:40] not in page
            assert not re.search(r"expected|intended_clause|data-(answer|gold|correct)", page)
            assert item.scenario.intended_clause == "" or f'"clause_id": "{item.scenario.intended_clause}"' not in page


# --- assessment flow ----------------------------------------------------------------------------


def test_an_assessment_answer_can_change_and_feedback_waits_for_submission(trainee_client, trainee, assessment):
    attempt = attempt_start(user=trainee, quiz=assessment)
    item = item_for(attempt, "Q-V4")
    url = reverse("quiz:attempt-take", args=[attempt.pk])
    trainee_client.post(
        url, {"position": item.position, "verdict": "not_violating", "action": "no_action", "report_to_ncmec": "no"}
    )

    response = trainee_client.post(url, {"position": item.position, **RIGHT_V4}, follow=True)

    assert "Rule R-V4" not in response.content.decode()
    assert list(Answer.objects.values_list("verdict", flat=True)) == ["violating"]


def test_submitting_shows_results_with_a_per_clause_breakdown(trainee_client, trainee, assessment):
    attempt = attempt_start(user=trainee, quiz=assessment)
    item = item_for(attempt, "Q-V4")
    trainee_client.post(reverse("quiz:attempt-take", args=[attempt.pk]), {"position": item.position, **RIGHT_V4})

    response = trainee_client.post(reverse("quiz:attempt-submit", args=[attempt.pk]), follow=True)

    content = response.content.decode()
    assert (
        "Results: Certification" in content
        and "By clause" in content
        and "4 questions left unanswered scored 0." in content
    )
    assert Attempt.objects.get().status == "submitted"


def test_an_answer_after_the_time_limit_is_refused_with_a_message(trainee_client, trainee, assessment):
    attempt = attempt_start(user=trainee, quiz=assessment, now=timezone.now() - dt.timedelta(hours=1))
    item = item_for(attempt, "Q-V4")

    response = trainee_client.post(
        reverse("quiz:attempt-take", args=[attempt.pk]), {"position": item.position, **RIGHT_V4}, follow=True
    )

    assert (
        "The time limit passed; your attempt was submitted with the answers given in time." in response.content.decode()
    )
    assert (Answer.objects.count(), Attempt.objects.get().status) == (0, "expired")


def test_results_page_runs_a_fixed_number_of_queries(trainee_client, trainee, assessment, django_assert_num_queries):
    attempt = attempt_submit(attempt=attempt_start(user=trainee, quiz=assessment), user=trainee)

    # session, user, attempt (+quiz, version, owner), items with scenarios, answers
    with django_assert_num_queries(5):
        response = trainee_client.get(reverse("quiz:attempt-results", args=[attempt.pk]))

    assert response.status_code == 200


# --- lead pages ---------------------------------------------------------------------------------


def test_a_lead_assigns_a_quiz_to_their_team(lead_client, team, bank):
    quiz = SharedQuizFactory(title="New set")
    due = (timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    response = lead_client.post(reverse("quiz:lead-assignments"), {"quiz": quiz.pk, "team": team.pk, "due_at": due})

    assert (response.status_code, list(Assignment.objects.values_list("quiz__title", "team__name"))) == (
        302,
        [("New set", "Team North")],
    )


def test_a_lead_cannot_assign_to_another_team(lead_client, other_team, bank):
    quiz = SharedQuizFactory()
    due = (timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    response = lead_client.post(
        reverse("quiz:lead-assignments"), {"quiz": quiz.pk, "team": other_team.pk, "due_at": due}
    )

    assert "Select a valid choice" in response.content.decode()
    assert Assignment.objects.count() == 0


def test_a_lead_sees_completion_and_scores_of_their_own_teams_only(
    lead_client, other_lead_client, trainee, second_trainee, assessment, django_assert_num_queries
):
    attempt_submit(attempt=attempt_start(user=trainee, quiz=assessment), user=trainee)

    # session, user, led teams (lead rows), assignments, memberships, attempts, assignable quizzes (table),
    # archived quizzes, then the form's choices: quizzes, teams, trainees
    with django_assert_num_queries(11):
        response = lead_client.get(reverse("quiz:lead-assignments"))
    other = other_lead_client.get(reverse("quiz:lead-assignments"))

    content = response.content.decode()
    assert "1 of 2 completed" in content and "tara" in content.lower()
    assert "No assignments for your teams yet." in other.content.decode()


def test_a_lead_creates_a_quiz_with_fixed_scenarios(lead_client, team_lead, bank):
    response = lead_client.post(
        reverse("quiz:quiz-create"),
        {
            "title": "Links",
            "mode": "assessment",
            "question_count": 5,
            "pass_mark_percent": 80,
            "cooldown_hours": 24,
            "time_limit_minutes": 15,
            "scenarios": [bank["Q-V4"].pk, bank["Q-P3"].pk],
        },
    )

    quiz = Quiz.objects.get(title="Links")
    assert (
        response.status_code,
        quiz.created_by,
        quiz.question_count,
        list(quiz.items.values_list("scenario__key", flat=True)),
    ) == (
        302,
        team_lead,
        2,
        ["Q-P3", "Q-V4"],
    )


# --- Archiving a quiz ---------------------------------------------------------------------------


def test_a_lead_archives_their_own_quiz_and_it_can_no_longer_be_started(lead_client, team_lead, trainee, bank):
    from quiz.services.attempts import QuizUnavailable, attempt_start

    quiz = QuizFactory(title="Lead's own", created_by=team_lead)

    response = lead_client.post(f"/quiz/lead/quizzes/{quiz.pk}/archive/", {"archive": "1"})

    quiz.refresh_from_db()
    assert (response.status_code, quiz.is_active) == (302, False)
    with pytest.raises(QuizUnavailable):
        attempt_start(user=trainee, quiz=quiz)


def test_an_archived_quiz_is_listed_for_restoring_and_restores(lead_client, team_lead):
    quiz = QuizFactory(title="Old quiz", created_by=team_lead, is_active=False)

    listed = quiz in lead_client.get("/quiz/lead/assignments/").context["archived"]
    lead_client.post(f"/quiz/lead/quizzes/{quiz.pk}/archive/", {"archive": "0"})

    quiz.refresh_from_db()
    assert (listed, quiz.is_active) == (True, True)


def test_a_lead_cannot_archive_another_leads_or_a_shared_quiz(lead_client, other_lead, policy_member):
    theirs = QuizFactory(created_by=other_lead)
    shared = QuizFactory(created_by=policy_member, is_shared=True)

    statuses = [lead_client.post(f"/quiz/lead/quizzes/{q.pk}/archive/").status_code for q in (theirs, shared)]

    assert (statuses, Quiz.objects.filter(is_active=False).count()) == ([404, 404], 0)


def test_the_policy_team_archives_any_quiz(policy_client, team_lead):
    quiz = QuizFactory(created_by=team_lead)

    policy_client.post(f"/quiz/lead/quizzes/{quiz.pk}/archive/")

    quiz.refresh_from_db()
    assert quiz.is_active is False


def test_archiving_needs_a_post(lead_client, team_lead):
    quiz = QuizFactory(created_by=team_lead)

    assert lead_client.get(f"/quiz/lead/quizzes/{quiz.pk}/archive/").status_code == 405
