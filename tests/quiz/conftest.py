"""Fixtures shared by the quiz tests: the five-scenario quiz bank and a round two reviewers have answered."""

import datetime as dt

import pytest
from django.utils import timezone

V4 = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True}
V3 = {**V4, "clause_id": "V3"}


@pytest.fixture
def bank(published_policy):
    """One published scenario per outcome family (V4, V1, B5, P3, no clause), by key."""
    from tests.quiz.factories import quiz_bank

    return quiz_bank()


@pytest.fixture
def answered_round(team, team_lead, trainee, second_trainee, bank):
    """An open round of two scenarios (Q-V4, Q-V1) that both reviewers have answered: the first with
    V4 on both, the second with V3 on both."""
    from quiz.services.calibration import round_answer_submit, round_create

    now = timezone.now()
    calibration_round = round_create(
        team=team,
        title="Weekly",
        created_by=team_lead,
        cohort=[trainee, second_trainee],
        scenarios=[bank["Q-V4"], bank["Q-V1"]],
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    for user, given in ((trainee, V4), (second_trainee, V3)):
        for scenario in (bank["Q-V4"], bank["Q-V1"]):
            round_answer_submit(calibration_round=calibration_round, user=user, scenario=scenario, **given)
    return calibration_round
