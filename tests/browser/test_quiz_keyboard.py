"""A trainee answers a question with the keyboard alone: focus starts on the question's first control,
radio groups sit in fieldsets with legends, the clause list narrows as the verdict changes, and the
progress bar says in words how far along the attempt is."""

import pytest
from playwright.sync_api import Page, expect

from quiz.models import Answer, Quiz
from quiz.services.attempts import attempt_start
from tests.quiz.factories import AssignmentFactory, QuizFactory, QuizItemFactory, quiz_bank
from tests.training.factories import published_policy_version


@pytest.fixture
def attempt(team, trainee, team_lead):
    published_policy_version()
    bank = quiz_bank()
    quiz = QuizFactory(title="Keyboard practice", mode=Quiz.Mode.PRACTICE)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-V4"], position=1)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-P3"], position=2)
    AssignmentFactory(quiz=quiz, team=team, assigned_by=team_lead)
    return attempt_start(user=trainee, quiz=quiz)


def test_a_trainee_answers_one_question_with_the_keyboard_only(page: Page, live_server, log_in, attempt):
    log_in(page, "tara")
    page.goto(f"{live_server.url}/quiz/attempts/{attempt.pk}/")

    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuetext", "0 of 2 questions answered")
    expect(page.get_by_role("group", name="Verdict")).to_be_visible()
    violating = page.get_by_role("radio", name="Violating", exact=True)
    expect(violating).to_be_focused()

    page.keyboard.press("Space")
    expect(violating).to_be_checked()
    expect(page.locator("#clause-status")).to_have_text(
        "Clause list narrowed to 12 choices that fit a violating verdict."
    )

    page.keyboard.press("Tab")
    clause = page.get_by_label("Clause")
    expect(clause).to_be_focused()
    expect(clause).to_have_value("V1")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(clause).to_have_value("V4")

    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="No action")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Permanent suspension")).to_be_checked()

    page.keyboard.press("Tab")
    expect(page.get_by_role("radio", name="Yes, a report to NCMEC is due")).to_be_focused()
    page.keyboard.press("Space")

    page.keyboard.press("Tab")
    expect(page.get_by_label("Confidence (1 unsure – 5 certain)")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Rationale (optional)")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Answer and see feedback")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Correct", exact=True)).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuetext", "1 of 2 questions answered")
    answer = Answer.objects.get()
    assert (answer.verdict, answer.clause_id, answer.action, answer.report_to_ncmec, answer.is_correct) == (
        "violating",
        "V4",
        "permanent_suspension",
        True,
        True,
    )


def test_an_incomplete_answer_puts_focus_on_the_first_part_to_fix(page: Page, live_server, log_in, attempt):
    log_in(page, "tara")
    page.goto(f"{live_server.url}/quiz/attempts/{attempt.pk}/")

    page.keyboard.press("Space")  # Violating
    page.keyboard.press("Tab")  # the clause: V1 now that the verdict is violating
    page.keyboard.press("Tab")  # the action group, left unanswered
    page.keyboard.press("Tab")  # the NCMEC group, left unanswered
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("This answer was not saved: 2 parts need attention.")
    expect(page.get_by_role("radio", name="No action")).to_be_focused()
    assert Answer.objects.count() == 0
