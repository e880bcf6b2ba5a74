"""Personas shared by every test: two trainees in one team, their lead, a lead of another
team, two policy-team members, an admin, and anonymous clients."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from django.test import Client

# Django imports wait until a fixture runs, so the pure tests (engine, statistics, guard) can run
# without Django: `pytest tests/quiz/test_agreement.py -p no:django`.


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
