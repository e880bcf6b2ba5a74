"""Security review: every write path that takes free text runs the content guard (quiz titles and
descriptions, round titles, policy change notes), and text rendered back is escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from calibration.models import CalibrationRound
from quiz.models import Quiz
from tests.quiz.factories import AssignmentFactory, QuizFactory
from tests.training.factories import ScenarioFactory
from training.models import PolicyVersion

pytestmark = pytest.mark.django_db

LINK = "https://real-site.com"
LINK_MESSAGE = (
    f'Link to "{LINK}" is not allowed: use a reserved domain such as example.com, example.org or '
    "*.example / *.invalid / *.test."
)
QUIZ_FORM = {"mode": "practice", "question_count": 5, "pass_mark_percent": 80, "cooldown_hours": 24}


def test_a_quiz_title_with_a_real_link_is_refused_with_a_field_message(lead_client, published_policy):
    response = lead_client.post(reverse("quiz:quiz-create"), {**QUIZ_FORM, "title": f"Read {LINK} first"})

    assert (response.status_code, response.context["form"].errors, Quiz.objects.count()) == (
        400,
        {"title": [f"This title cannot be saved: {LINK_MESSAGE}"]},
        0,
    )


def test_a_quiz_description_with_markup_is_refused_with_a_field_message(lead_client, published_policy):
    response = lead_client.post(
        reverse("quiz:quiz-create"), {**QUIZ_FORM, "title": "Links", "description": "Start <b>here</b>"}
    )

    assert (response.context["form"].errors, Quiz.objects.count()) == (
        {
            "description": [
                "This description cannot be saved: "
                'HTML tag "<b>" is not allowed: scenario text is plain text (write placeholders in [square brackets]). '
                'HTML tag "</b>" is not allowed: scenario text is plain text (write placeholders in [square brackets]).'
            ]
        },
        0,
    )


def test_a_round_title_with_a_real_link_is_a_400_with_a_field_message(
    lead_client, team, trainee, second_trainee, published_policy
):
    scenarios = [ScenarioFactory(key="S-1"), ScenarioFactory(key="S-2")]
    now = timezone.now()

    response = lead_client.post(
        "/api/rounds/",
        {
            "title": f"See {LINK}",
            "team": team.pk,
            "opens_at": now.isoformat(),
            "closes_at": (now + dt.timedelta(days=1)).isoformat(),
            "cohort": [trainee.pk, second_trainee.pk],
            "scenarios": [s.pk for s in scenarios],
        },
        content_type="application/json",
    )

    assert (response.status_code, response.json(), CalibrationRound.objects.count()) == (
        400,
        {"title": [f"This title cannot be saved: {LINK_MESSAGE}"]},
        0,
    )


def test_a_policy_change_note_with_a_real_link_is_refused_with_a_field_message(policy_client, published_policy):
    response = policy_client.post(
        reverse("training:policy-version-list"), {"policy": "cse", "version": "2031-01", "change_note": f"See {LINK}"}
    )

    assert (response.status_code, response.context["form"].errors, PolicyVersion.objects.count()) == (
        400,
        {"change_note": [f"This change note cannot be saved: {LINK_MESSAGE}"]},
        1,
    )


def test_a_clean_change_note_still_creates_the_draft(policy_client, published_policy):
    response = policy_client.post(
        reverse("training:policy-version-list"),
        {"policy": "cse", "version": "2031-01", "change_note": "Narrows B5 to direct contact."},
    )

    assert (response.status_code, PolicyVersion.objects.get(version="2031-01").change_note) == (
        302,
        "Narrows B5 to direct contact.",
    )


def test_text_stored_before_the_guard_is_escaped_when_shown_to_a_trainee(trainee_client, team, published_policy):
    quiz = QuizFactory(title="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    AssignmentFactory(quiz=quiz, team=team)

    content = trainee_client.get(reverse("quiz:trainee-home")).content.decode()

    assert ("<script>alert(1)" in content, "&lt;script&gt;alert(1)&lt;/script&gt;" in content) == (False, True)


# --- The admin runs the same guard ---------------------------------------------------------------


def test_the_admins_quiz_form_refuses_a_title_with_a_real_link(admin_client_, published_policy):
    response = admin_client_.post(
        "/admin/quiz/quiz/add/",
        {
            "title": f"Read {LINK}",
            "description": "",
            "mode": "practice",
            "question_count": 5,
            "pass_mark_percent": 80,
            "cooldown_hours": 24,
            "rubric": "{}",
            "is_active": "on",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
        },
    )

    assert (response.status_code, response.context["adminform"].form.errors.get("title"), Quiz.objects.count()) == (
        400,
        [LINK_MESSAGE],
        0,
    )


def test_the_admins_policy_version_form_refuses_a_change_note_with_a_real_link():
    from training.admin import PolicyVersionForm

    form = PolicyVersionForm(data={"change_note": f"See {LINK}"})

    assert (form.is_valid(), form.errors["change_note"]) == (False, [LINK_MESSAGE])


def test_the_admins_round_and_note_forms_refuse_a_real_link():
    from calibration.admin import CalibrationRoundForm, DiscussionNoteForm

    round_form = CalibrationRoundForm(data={"title": f"See {LINK}"})
    note_form = DiscussionNoteForm(data={"text": f"See {LINK}"})

    assert (round_form.is_valid(), round_form.errors["title"], note_form.is_valid(), note_form.errors["text"]) == (
        False,
        [LINK_MESSAGE],
        False,
        [LINK_MESSAGE],
    )
