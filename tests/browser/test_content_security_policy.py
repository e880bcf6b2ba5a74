"""The pages work under the Content-Security-Policy, with no violation reported by the browser: the
trainee's question page narrows the clause list and the home page draws the mastery chart, the
lead's cancel button asks first, the quiz statistics and reviewer profile draw their charts, and the
API docs page (Swagger UI) lists the operations."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.services import user_role_assign
from calibration.models import CalibrationRound
from quiz.models import Quiz
from quiz.services.attempts import attempt_start
from tests.quiz.factories import AssignmentFactory, CalibrationRoundFactory, QuizFactory, QuizItemFactory, quiz_bank
from tests.training.factories import published_policy_version

pytestmark = pytest.mark.django_db(transaction=True)

# Collects every violation the browser reports, from before the page's own scripts run.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page: Page) -> Page:
    page.add_init_script(WATCH_VIOLATIONS)
    return page


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__violations")


def goto_under_the_policy(page: Page, url: str) -> None:
    """Open a page and check that it came with the policy: no inline script, never framed."""
    response = page.goto(url)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, policy


def test_the_trainee_pages_work_under_the_policy(watched: Page, live_server, log_in, team, trainee, team_lead):
    published_policy_version()
    bank = quiz_bank()
    quiz = QuizFactory(title="Policy practice", mode=Quiz.Mode.PRACTICE)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-V4"], position=1)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-P3"], position=2)
    AssignmentFactory(quiz=quiz, team=team, assigned_by=team_lead)
    attempt = attempt_start(user=trainee, quiz=quiz)
    page = watched

    log_in(page, "tara")
    goto_under_the_policy(page, f"{live_server.url}/quiz/attempts/{attempt.pk}/")
    page.get_by_role("radio", name="Not violating", exact=True).check()
    expect(page.locator("#clause-status")).to_contain_text("Clause list narrowed to")
    assert violations(page) == []

    page.get_by_role("radio", name="Violating", exact=True).check()
    page.get_by_label("Clause").select_option("V4")
    page.get_by_role("radio", name="Permanent suspension").check()
    page.get_by_label("Yes, a report to NCMEC is due").check()
    page.get_by_role("button", name="Answer and see feedback").click()
    expect(page.get_by_text("Correct", exact=True)).to_be_visible()
    assert violations(page) == []

    goto_under_the_policy(page, f"{live_server.url}/quiz/me/")
    expect(page.locator("#mastery-chart")).to_be_visible()
    assert page.evaluate("Chart.getChart(document.getElementById('mastery-chart')) !== undefined")
    assert violations(page) == []


def test_the_lead_is_asked_before_a_round_is_cancelled(
    watched: Page, live_server, log_in, team, team_lead, trainee, second_trainee
):
    published_policy_version()
    calibration_round = CalibrationRoundFactory(
        team=team, title="Round to cancel", closes_at=timezone.now() + dt.timedelta(days=2)
    )
    calibration_round.cohort.set([trainee, second_trainee])
    page = watched
    asked = []

    log_in(page, "lena")
    goto_under_the_policy(page, f"{live_server.url}/quiz/rounds/{calibration_round.pk}/")
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Cancel this round").click()
    assert asked == ["Cancel this round? Its answers will never be shown or counted."]
    assert CalibrationRound.objects.get().cancelled_at is None

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel this round").click()
    expect(page.locator("#cancelled")).to_be_visible()
    assert CalibrationRound.objects.get().cancelled_at is not None
    assert violations(page) == []


def test_the_api_docs_work_under_the_policy(watched: Page, live_server, log_in, policy_member):
    user_role_assign(user=policy_member, role="policy_team")
    page = watched

    log_in(page, "priya")
    goto_under_the_policy(page, f"{live_server.url}/api/docs/")

    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Concordance API").first).to_be_visible()
    assert violations(page) == []


def test_the_leads_statistics_and_profile_charts_draw_under_the_policy(
    watched: Page, live_server, log_in, team, trainee, second_trainee, team_lead
):
    from analytics.models import Granularity, ReviewerSnapshot
    from tests.quiz.factories import AnswerFactory, AttemptFactory, AttemptItemFactory, SharedQuizFactory

    published_policy_version()
    bank = quiz_bank()
    quiz = SharedQuizFactory(mode=Quiz.Mode.ASSESSMENT)
    for user, marks in ((trainee, (6, 0)), (second_trainee, (6, 6))):
        attempt = AttemptFactory(user=user, quiz=quiz, status="submitted", submitted_at=timezone.now())
        for position, (key, points) in enumerate(zip(("Q-V4", "Q-P3"), marks, strict=True), start=1):
            AttemptItemFactory(attempt=attempt, scenario=bank[key], position=position)
            AnswerFactory(attempt=attempt, scenario=bank[key], points=points, max_points=6)
    start = timezone.localdate() - dt.timedelta(days=7)
    ReviewerSnapshot.objects.create(
        user=trainee,
        team=team,
        granularity=Granularity.WEEK,
        period_start=start,
        period_end=start + dt.timedelta(days=6),
        n_answers=4,
        accuracy=0.75,
        kappa_vs_gold=0.6,
        computed_at=timezone.now(),
    )
    page = watched

    log_in(page, "lena")
    goto_under_the_policy(page, f"{live_server.url}/quiz/quizzes/{quiz.pk}/statistics/")
    assert page.evaluate("Chart.getChart(document.getElementById('items-chart')) !== undefined")
    assert violations(page) == []
    goto_under_the_policy(page, f"{live_server.url}/quiz/reviewers/{trainee.pk}/")
    assert page.evaluate("Chart.getChart(document.getElementById('reviewer-chart')) !== undefined")
    assert violations(page) == []
