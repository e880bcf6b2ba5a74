"""A policy-team member writes a scenario, meets the content guard, fixes the text and submits it;
a second member approves it, and it becomes available to quizzes."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.training.factories import published_policy_version
from training.models import Scenario
from training.selectors import quiz_scenarios

SAFE_TEXT = "@user_4821 reposts a video of a 15-year-old that presents her in a sexually suggestive way."


def test_a_scenario_is_written_reviewed_and_published(page: Page, live_server, log_in, transactional_db):
    published_policy_version()
    UserFactory(username="priya", role=Role.POLICY_TEAM)
    UserFactory(username="pavel", role=Role.POLICY_TEAM)

    log_in(page, "priya")
    page.goto(f"{live_server.url}/training/scenarios/new/")
    page.get_by_label(re.compile(r"^Title:?$")).fill("Suggestive repost of a teenager")
    page.get_by_label(re.compile(r"^Text:?$")).fill(
        "@user_4821 reposts a video found at https://real-site.com/v/1 of a 15-year-old."
    )
    page.get_by_label("Intended clause").select_option("V1")
    page.get_by_label("Subject age").fill("15")
    page.get_by_label("Content form").select_option("photo_or_video")
    page.get_by_label("Sexual context").select_option("suggestive")
    page.get_by_label("Conduct").select_option("shares_content")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("alert").first).to_contain_text('Link to "https://real-site.com/v/1" is not allowed')
    assert Scenario.objects.count() == 0

    page.get_by_label(re.compile(r"^Text:?$")).fill(SAFE_TEXT)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#engine-preview")).to_contain_text("R-V1-real-depiction")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#scenario-status")).to_have_text("In review")
    expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)
    scenario_url = page.url

    page.get_by_role("button", name="Log out").click()
    log_in(page, "pavel")
    page.goto(scenario_url)
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator("#scenario-status")).to_have_text("Published")

    scenario = Scenario.objects.get()
    assert scenario in quiz_scenarios()
    page.goto(f"{live_server.url}/api/policy-team/scenarios/?format=json")
    expect(page.locator("body")).to_contain_text(re.compile(r'"key":\s*"V1-001"'))
