"""Personas shared by every test: two trainees in one team, their lead, a lead of another
team, two policy-team members, an admin, and anonymous clients."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from django.test import Client

# Django imports wait until a fixture runs, so the pure tests (engine, statistics, guard) can run
# without Django: `pytest tests/analytics/test_agreement.py -p no:django`.


@pytest.fixture
def team(db):
    from tests.accounts.factories import TeamFactory

    return TeamFactory(name="Team North")


@pytest.fixture
def other_team(db):
    from tests.accounts.factories import TeamFactory

    return TeamFactory(name="Team South")


def _persona(username: str, role: str, team=None, leads: bool = False, **extra):
    from accounts.models import TeamMembership
    from tests.accounts.factories import TeamMembershipFactory, UserFactory

    user = UserFactory(username=username, role=role, **extra)
    if team is not None:
        kind = TeamMembership.Kind.LEAD if leads else TeamMembership.Kind.MEMBER
        TeamMembershipFactory(team=team, user=user, kind=kind)
    return user


@pytest.fixture
def trainee(team):
    return _persona("tara", "trainee", team)


@pytest.fixture
def second_trainee(team):
    return _persona("theo", "trainee", team)


@pytest.fixture
def outside_trainee(other_team):
    return _persona("otto", "trainee", other_team)


@pytest.fixture
def team_lead(team):
    return _persona("lena", "team_lead", team, leads=True)


@pytest.fixture
def other_lead(other_team):
    return _persona("luis", "team_lead", other_team, leads=True)


@pytest.fixture
def policy_member(db):
    return _persona("priya", "policy_team")


@pytest.fixture
def second_policy_member(db):
    return _persona("pavel", "policy_team")


@pytest.fixture
def admin_user(db):
    return _persona("ada", "admin", is_staff=True, is_superuser=True)


def _client_for(user) -> Client:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anonymous_client() -> Client:
    from django.test import Client

    return Client()


@pytest.fixture
def trainee_client(trainee) -> Client:
    return _client_for(trainee)


@pytest.fixture
def second_trainee_client(second_trainee) -> Client:
    return _client_for(second_trainee)


@pytest.fixture
def lead_client(team_lead) -> Client:
    return _client_for(team_lead)


@pytest.fixture
def other_lead_client(other_lead) -> Client:
    return _client_for(other_lead)


@pytest.fixture
def policy_client(policy_member) -> Client:
    return _client_for(policy_member)


@pytest.fixture
def second_policy_client(second_policy_member) -> Client:
    return _client_for(second_policy_member)


@pytest.fixture
def admin_client_(admin_user) -> Client:
    return _client_for(admin_user)


@pytest.fixture
def published_policy(db):
    """The shipped CSE policy, stored and published."""
    from tests.training.factories import published_policy_version

    return published_policy_version()


@pytest.fixture
def bank(published_policy):
    """One published scenario per outcome family (V4, V1, B5, P3, no clause), by key."""
    from tests.quiz.factories import quiz_bank

    return quiz_bank()


@pytest.fixture
def answered_round(team, team_lead, trainee, second_trainee, bank):
    """An open round of two scenarios (Q-V4, Q-V1) that both reviewers have answered: the first with
    V4 on both, the second with V3 on both."""
    from django.utils import timezone

    from calibration.services import round_answer_submit, round_create
    from tests.quiz.factories import V3, V4

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
