"""A closed round's results say how the team's agreement moved since its previous round, with an
interval, so a lead can tell a real change from noise."""

import datetime as dt

import pytest
from django.utils import timezone

from analytics.agreement import krippendorff_alpha
from calibration.selectors import round_results
from calibration.services import round_answer_submit, round_cancel, round_close, round_create
from tests.quiz.factories import V3, V4

pytestmark = pytest.mark.django_db

B5 = {"verdict": "violating", "clause_id": "B5", "action": "permanent_suspension", "report_to_ncmec": False}


def _round(team, lead, cohort, scenarios, answers, *, close=True):
    now = timezone.now()
    calibration_round = round_create(
        team=team,
        title=f"Round on {', '.join(s.key for s in scenarios)}",
        created_by=lead,
        cohort=cohort,
        scenarios=scenarios,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    for user, given in zip(cohort, answers, strict=True):
        per_scenario = given if isinstance(given, list) else [given] * len(scenarios)
        for scenario, answer in zip(scenarios, per_scenario, strict=True):
            round_answer_submit(calibration_round=calibration_round, user=user, scenario=scenario, **answer)
    if close:
        round_close(calibration_round=calibration_round, closed_by=lead)
    return calibration_round


@pytest.fixture
def two_rounds(team, team_lead, trainee, second_trainee, bank, answered_round):
    """The first round split the pair on both scenarios (V4 against V3); the second only on one of three."""
    round_close(calibration_round=answered_round, closed_by=team_lead)
    cohort = [trainee, second_trainee]
    scenarios = [bank["Q-B5"], bank["Q-P3"], bank["Q-BENIGN"]]
    later = _round(team, team_lead, cohort, scenarios, [[B5, V4, V3], [B5, V3, V3]])
    return answered_round, later


def test_the_change_is_the_later_alpha_minus_the_earlier(two_rounds):
    earlier, later = two_rounds

    change = round_results(later).change

    expected = krippendorff_alpha([["B5", "V4", "V3"], ["B5", "V3", "V3"]]) - krippendorff_alpha(
        [["V4", "V4"], ["V3", "V3"]]
    )
    assert change.previous == earlier
    assert change.change.estimate == pytest.approx(expected)


def test_the_results_page_shows_the_change_against_the_previous_round(lead_client, two_rounds):
    earlier, later = two_rounds

    page = lead_client.get(f"/quiz/rounds/{later.pk}/").content.decode()

    assert f'Against the team\'s previous round, <a href="/quiz/rounds/{earlier.pk}/">' in page


def test_a_teams_first_round_has_nothing_to_compare_with(team_lead, answered_round):
    round_close(calibration_round=answered_round, closed_by=team_lead)

    assert round_results(answered_round).change is None


def test_a_cancelled_round_is_never_the_previous_one(team, team_lead, trainee, second_trainee, bank, answered_round):
    round_cancel(calibration_round=answered_round, cancelled_by=team_lead)
    later = _round(team, team_lead, [trainee, second_trainee], [bank["Q-B5"], bank["Q-P3"]], [B5, B5])

    assert round_results(later).change is None


def test_another_teams_round_is_never_compared(other_team, other_lead, team_lead, bank, answered_round):
    round_close(calibration_round=answered_round, closed_by=team_lead)
    from tests.accounts.factories import TeamMembershipFactory, UserFactory

    others = [UserFactory(role="trainee") for _ in range(2)]
    for user in others:
        TeamMembershipFactory(team=other_team, user=user)
    theirs = _round(other_team, other_lead, others, [bank["Q-B5"]], [B5, V4])

    assert round_results(theirs).change is None


def test_the_change_is_not_shown_before_the_round_closes(
    lead_client, team, team_lead, trainee, second_trainee, bank, answered_round
):
    round_close(calibration_round=answered_round, closed_by=team_lead)
    still_open = _round(team, team_lead, [trainee, second_trainee], [bank["Q-B5"]], [B5, V3], close=False)

    page = lead_client.get(f"/quiz/rounds/{still_open.pk}/").content.decode()

    assert "previous round" not in page


def test_the_round_form_plans_the_number_of_scenarios(lead_client):
    response = lead_client.get("/quiz/rounds/new/?reviewers=8&expected_alpha=0.6&width=0.3")

    assert response.context["plan"].recommended is not None
    assert "fewest within target" in response.content.decode()


def test_the_planner_refuses_impossible_input_with_a_form_error(lead_client):
    response = lead_client.get("/quiz/rounds/new/?reviewers=1&expected_alpha=2&width=0.3")

    assert response.status_code == 400
    assert set(response.context["plan_form"].errors) == {"reviewers", "expected_alpha"}


def test_the_planner_starts_from_the_size_of_the_leads_team(lead_client, trainee, second_trainee):
    response = lead_client.get("/quiz/rounds/new/")

    assert response.context["plan_form"].initial["reviewers"] == 2


def test_closed_round_results_show_policy_aware_agreement_beside_the_nominal(
    lead_client, team, team_lead, trainee, second_trainee, bank
):
    v1 = {**V4, "clause_id": "V1"}
    p3 = {"verdict": "not_violating", "clause_id": "P3", "action": "no_action", "report_to_ncmec": False}
    scenarios = [bank["Q-V4"], bank["Q-V1"], bank["Q-B5"], bank["Q-P3"]]
    # One near miss (V4 against V3, both violating content); everything else agreed.
    answers = [[V4, v1, B5, p3], [V3, v1, B5, p3]]
    calibration_round = _round(team, team_lead, [trainee, second_trainee], scenarios, answers)

    figures = round_results(calibration_round).policy_aware

    nominal = krippendorff_alpha([["V4", "V1", "B5", "P3"], ["V3", "V1", "B5", "P3"]])
    assert figures.alpha > nominal
    assert dict(figures.parts)["Verdict"] == 1.0
    page = lead_client.get(f"/quiz/rounds/{calibration_round.pk}/").content.decode()
    assert "Agreement that knows the policy" in page


def test_the_new_round_form_starts_with_the_leads_team_and_a_week_from_now(lead_client, team):
    form = lead_client.get("/quiz/rounds/new/").context["form"]

    assert form.initial["team"] == team.pk
    assert form.initial["closes_at"] - form.initial["opens_at"] == dt.timedelta(days=7)


def test_a_lead_without_a_team_is_told_what_to_do(db):
    from django.test import Client

    from tests.accounts.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(role="team_lead"))

    page = client.get("/quiz/rounds/new/").content.decode()

    assert "You do not lead a team yet." in page
