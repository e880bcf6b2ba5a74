"""Personas shared by every test: two trainees in one team, their lead, a lead of another
team, two policy-team members, an admin, and anonymous clients."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Role, TeamMembership
from tests.accounts.factories import TeamFactory, TeamMembershipFactory, UserFactory
from tests.training.factories import published_policy_version


@pytest.fixture
def team(db):
    return TeamFactory(name="Team North")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Team South")


@pytest.fixture
def trainee(team):
    user = UserFactory(username="tara", role=Role.TRAINEE)
    TeamMembershipFactory(team=team, user=user)
    return user


@pytest.fixture
def second_trainee(team):
    user = UserFactory(username="theo", role=Role.TRAINEE)
    TeamMembershipFactory(team=team, user=user)
    return user


@pytest.fixture
def outside_trainee(other_team):
    user = UserFactory(username="otto", role=Role.TRAINEE)
    TeamMembershipFactory(team=other_team, user=user)
    return user


@pytest.fixture
def team_lead(team):
    user = UserFactory(username="lena", role=Role.TEAM_LEAD)
    TeamMembershipFactory(team=team, user=user, kind=TeamMembership.Kind.LEAD)
    return user


@pytest.fixture
def other_lead(other_team):
    user = UserFactory(username="luis", role=Role.TEAM_LEAD)
    TeamMembershipFactory(team=other_team, user=user, kind=TeamMembership.Kind.LEAD)
    return user


@pytest.fixture
def policy_member(db):
    return UserFactory(username="priya", role=Role.POLICY_TEAM)


@pytest.fixture
def second_policy_member(db):
    return UserFactory(username="pavel", role=Role.POLICY_TEAM)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", role=Role.ADMIN, is_staff=True, is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anonymous_client() -> Client:
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
    return published_policy_version()
