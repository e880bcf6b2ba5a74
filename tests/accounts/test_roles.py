from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role
from accounts.services import user_role_assign
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_the_policy_team_may_manage_policy_versions_in_the_admin():
    user = user_role_assign(user=UserFactory(), role=Role.POLICY_TEAM)

    assert user.is_staff
    assert user.has_perm("training.change_policyversion")
    assert not user.has_perm("training.change_scenario")


@pytest.mark.django_db
def test_a_trainee_has_no_admin_access():
    user = user_role_assign(user=UserFactory(), role=Role.TRAINEE)

    assert (user.is_staff, user.has_perm("training.view_policyversion")) == (False, False)


@pytest.mark.django_db
def test_changing_role_removes_the_old_roles_access():
    user = user_role_assign(user=UserFactory(), role=Role.POLICY_TEAM)

    user = user_role_assign(user=user, role=Role.TEAM_LEAD)

    assert (user.is_staff, user.groups.count()) == (False, 0)


@pytest.mark.django_db
def test_an_unknown_role_is_refused():
    user = UserFactory(role=Role.TRAINEE)

    with pytest.raises(ValueError, match='Unknown role "boss"'):
        user_role_assign(user=user, role="boss")


@pytest.mark.django_db
def test_set_role_gives_a_user_a_role():
    UserFactory(username="nia")
    out = StringIO()

    call_command("set_role", "nia", "policy_team", stdout=out)

    assert out.getvalue() == "nia is now policy team.\n"


@pytest.mark.django_db
def test_set_role_names_an_unknown_user():
    with pytest.raises(CommandError, match='No user called "ghost"'):
        call_command("set_role", "ghost", "trainee")


def test_the_policy_team_opens_the_policy_version_admin(policy_client, policy_member, published_policy):
    user_role_assign(user=policy_member, role=Role.POLICY_TEAM)

    response = policy_client.get(f"/admin/training/policyversion/{published_policy.pk}/change/")

    assert response.status_code == 200


def test_a_trainee_cannot_open_the_admin(trainee_client):
    response = trainee_client.get("/admin/training/policyversion/")

    assert response.status_code == 302
