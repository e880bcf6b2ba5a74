"""A lead opens a round, three reviewers answer blind, the lead closes it and sees alpha with its
interval and the scenario that split them."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import TeamMembership
from calibration.services import round_create
from tests.accounts.factories import TeamMembershipFactory, UserFactory
from tests.training.factories import BENIGN_FACTS, P3_FACTS, ScenarioFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_lead_runs_a_round_and_sees_where_reviewers_split(
    page, live_server, log_in, team, team_lead, published_policy
):
    reviewers = []
    for name in ("rev_a", "rev_b", "rev_c"):
        user = UserFactory(username=name)
        TeamMembershipFactory(team=team, user=user, kind=TeamMembership.Kind.MEMBER)
        reviewers.append(user)
    scenarios = [
        ScenarioFactory(key="BR-001", title="Folder link"),
        ScenarioFactory(key="BR-002", title="Everyday post", facts=BENIGN_FACTS, intended_clause=""),
        ScenarioFactory(key="BR-003", title="Advocacy post", facts=P3_FACTS, intended_clause="P3"),
    ]
    now = timezone.now()
    calibration_round = round_create(
        team=team,
        title="Browser round",
        created_by=team_lead,
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(days=1),
        cohort=reviewers,
        scenarios=scenarios,
    )
    url = f"{live_server.url}/quiz/rounds/{calibration_round.pk}/"
    last_answers = {"rev_a": ("not_violating", "P3"), "rev_b": ("not_violating", ""), "rev_c": ("violating", "V3")}
    for user in reviewers:
        page.context.clear_cookies()
        log_in(page, user.username)
        page.goto(url)
        answers = [("violating", "V4"), ("not_violating", ""), last_answers[user.username]]
        for verdict, clause in answers:
            page.locator(f"input[name=verdict][value={verdict}]").check()
            page.select_option("select[name=clause_id]", clause)
            page.select_option("select[name=action]", "permanent_suspension" if verdict == "violating" else "no_action")
            page.select_option("select[name=report_to_ncmec]", "true" if clause == "V4" else "false")
            page.get_by_role("button", name="Record answer").click()
            page.wait_for_load_state()
            assert "Results are shown when the round closes." in page.content()
        assert "You have answered every scenario in this round." in page.content()
    page.context.clear_cookies()
    log_in(page, team_lead.username)
    page.goto(url)
    assert "3 of 3" in page.content()
    page.get_by_role("button", name="Close round and show results").click()
    page.wait_for_load_state()
    assert "95% interval" in page.locator("section[aria-label='Agreement figures']").inner_text()
    assert page.locator("#alpha").inner_text() not in {"–", "nan", ""}
    assert "BR-003 · Advocacy post" in page.locator("#most-split").inner_text()
