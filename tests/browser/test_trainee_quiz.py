"""A trainee practises with feedback, passes an assessment and is certified; their lead sees the result."""

import re

import pytest
from playwright.sync_api import Page, expect

from quiz.models import Certification, Quiz
from tests.quiz.factories import AssignmentFactory, QuizFactory, QuizItemFactory, quiz_bank
from tests.training.factories import published_policy_version


@pytest.fixture
def quizzes(team, trainee, team_lead):
    published_policy_version()
    bank = quiz_bank()
    practice = QuizFactory(title="Practice round", mode=Quiz.Mode.PRACTICE)
    assessment = QuizFactory(
        title="Certification test", mode=Quiz.Mode.ASSESSMENT, time_limit_minutes=20, pass_mark_percent=80
    )
    for quiz, keys in ((practice, ["Q-V4", "Q-P3"]), (assessment, ["Q-V4", "Q-BENIGN"])):
        for position, key in enumerate(keys, start=1):
            QuizItemFactory(quiz=quiz, scenario=bank[key], position=position)
        AssignmentFactory(quiz=quiz, team=team, assigned_by=team_lead)
    return practice, assessment


def answer(page: Page, *, verdict: str, clause: str, action: str, ncmec: bool, button: str) -> None:
    page.get_by_label(verdict, exact=True).check()
    page.get_by_label("Clause").select_option(clause)
    page.get_by_label(action, exact=True).check()
    page.get_by_label("Yes, a report to NCMEC is due" if ncmec else "No report to NCMEC is due").check()
    page.get_by_label("Confidence (1 unsure – 5 certain)").select_option("4")
    page.get_by_role("button", name=button).click()


def test_a_trainee_practises_gets_certified_and_the_lead_sees_it(page: Page, browser, live_server, log_in, quizzes):
    log_in(page, "tara")
    expect(page.get_by_role("heading", name="My training")).to_be_visible()

    # Practice: feedback right after each answer.
    page.get_by_role("button", name="Start Practice round").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    answer(
        page,
        verdict="Violating",
        clause="V4",
        action="Permanent suspension",
        ncmec=True,
        button="Answer and see feedback",
    )
    expect(page.get_by_text("Rule R-V4-link-to-material decided")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Lesson on V4"))).to_be_visible()
    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    # A missed nuance: the permitted clause left out.
    answer(page, verdict="Not violating", clause="", action="No action", ncmec=False, button="Answer and see feedback")
    expect(page.get_by_text("Partly correct")).to_be_visible()
    page.get_by_role("button", name="Finish and see results").click()
    expect(page.get_by_role("heading", name="Results: Practice round")).to_be_visible()

    # Assessment: no feedback until submission, then a certificate.
    page.goto(f"{live_server.url}/quiz/me/")
    page.get_by_role("button", name="Start Certification test").click()
    expect(page.get_by_text("Time limit: submit by")).to_be_visible()
    answer(page, verdict="Violating", clause="V4", action="Permanent suspension", ncmec=True, button="Save answer")
    expect(page.get_by_text("Answer to question 1 saved")).to_be_visible()
    expect(page.get_by_text("Rule R-V4")).to_have_count(0)
    answer(page, verdict="Not violating", clause="", action="No action", ncmec=False, button="Save answer")
    page.get_by_role("button", name="Submit assessment").click()
    expect(page.get_by_text("Passed")).to_be_visible()
    expect(page.get_by_text(re.compile("Certified on"))).to_be_visible()
    assert Certification.objects.filter(user__username="tara").count() == 1

    # The lead sees the result on their assignments page.
    lead_page = browser.new_context().new_page()
    log_in(lead_page, "lena")
    lead_page.goto(f"{live_server.url}/quiz/lead/assignments/")
    certification = lead_page.locator("section", has_text="Certification test")
    expect(certification.get_by_text("1 of 1 completed")).to_be_visible()
    expect(certification.get_by_role("row", name=re.compile("tara|First"))).to_contain_text("100%")
    expect(certification.get_by_text("Passed")).to_be_visible()
