"""Shared quizzes: the policy team's quizzes are templates every lead may assign; a lead's own stay private."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from quiz.models import Assignment
from quiz.selectors.quizzes import quizzes_assignable_by
from quiz.services.attempts import InputInvalid, assignment_create, quiz_create
from tests.quiz.factories import QuizFactory, SharedQuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quizzes(team_lead, other_lead):
    return {
        "shared": SharedQuizFactory(title="Shared certification"),
        "mine": QuizFactory(title="My own drill", created_by=team_lead),
        "theirs": QuizFactory(title="Their private drill", created_by=other_lead),
        "retired": SharedQuizFactory(title="Retired set", is_active=False),
    }


def _due() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=3)


def test_a_quiz_the_policy_team_writes_is_shared_and_a_leads_quiz_is_not(policy_member, team_lead):
    staff_quiz = quiz_create(created_by=policy_member, title="Template", mode="practice", question_count=5)
    lead_quiz = quiz_create(created_by=team_lead, title="Drill", mode="practice", question_count=5)

    assert (staff_quiz.is_shared, lead_quiz.is_shared) == (True, False)


def test_a_lead_may_assign_their_own_and_shared_quizzes_only(team_lead, quizzes):
    assert list(quizzes_assignable_by(team_lead).values_list("title", flat=True)) == [
        "Shared certification",
        "My own drill",
    ]


def test_the_policy_team_may_assign_every_active_quiz(policy_member, quizzes):
    assert list(quizzes_assignable_by(policy_member).values_list("title", flat=True)) == [
        "Shared certification",
        "My own drill",
        "Their private drill",
    ]


def test_a_trainee_may_assign_nothing(trainee, quizzes):
    assert list(quizzes_assignable_by(trainee)) == []


def test_the_service_refuses_another_leads_private_quiz_and_writes_nothing(team_lead, team, quizzes):
    with pytest.raises(InputInvalid) as error:
        assignment_create(assigned_by=team_lead, quiz=quizzes["theirs"], due_at=_due(), team=team)

    assert error.value.errors == {"quiz": "You can assign your own quizzes and the shared ones, not another lead's."}
    assert Assignment.objects.count() == 0


def test_a_lead_assigns_their_own_quiz_from_the_page(lead_client, team, quizzes):
    due = _due().strftime("%Y-%m-%dT%H:%M")

    response = lead_client.post(
        reverse("quiz:lead-assignments"), {"quiz": quizzes["mine"].pk, "team": team.pk, "due_at": due}
    )

    assert (response.status_code, list(Assignment.objects.values_list("quiz__title", flat=True))) == (
        302,
        ["My own drill"],
    )


def test_the_page_refuses_another_leads_private_quiz(lead_client, team, quizzes):
    due = _due().strftime("%Y-%m-%dT%H:%M")

    response = lead_client.post(
        reverse("quiz:lead-assignments"), {"quiz": quizzes["theirs"].pk, "team": team.pk, "due_at": due}
    )

    assert "Select a valid choice. That choice is not one of the available choices." in response.content.decode()
    assert Assignment.objects.count() == 0


def test_the_api_refuses_another_leads_private_quiz(lead_client, team, quizzes):
    response = lead_client.post(
        "/api/assignments/",
        {"quiz": quizzes["theirs"].pk, "team": team.pk, "due_at": f"{timezone.now().year + 1}-01-01T09:00:00Z"},
        content_type="application/json",
    )

    assert (response.status_code, response.json(), Assignment.objects.count()) == (
        400,
        {"quiz": "No such quiz that you may assign."},
        0,
    )


def test_the_assignments_page_lists_shared_and_own_quizzes_marked_as_such(lead_client, quizzes):
    content = lead_client.get(reverse("quiz:lead-assignments")).content.decode()

    assert '<span class="badge good">Shared</span> policy team' in content
    assert '<span class="badge">Yours</span>' in content
    assert "Their private drill" not in content and "Retired set" not in content
