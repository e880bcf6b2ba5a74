from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .models import Role, Team, TeamMembership, User


@transaction.atomic
def team_add_member(*, team: Team, user: User, kind: str = TeamMembership.Kind.MEMBER) -> TeamMembership:
    """Add a user to a team (idempotent). Only team leads and admins can lead a team."""
    if kind == TeamMembership.Kind.LEAD and user.role not in (Role.TEAM_LEAD, Role.ADMIN):
        raise ValueError(f"{user} is not a team lead and cannot lead {team}.")
    membership, created = TeamMembership.objects.get_or_create(team=team, user=user, defaults={"kind": kind})
    if not created and membership.kind != kind:
        membership.kind = kind
        membership.save(update_fields=["kind"])
    return membership


# What each role may do in the Django admin. Everything else happens in the product's own pages.
ADMIN_PERMISSIONS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.POLICY_TEAM: (
        "training.view_policyversion",
        "training.add_policyversion",
        "training.change_policyversion",
        "training.view_historicalpolicyversion",
        "training.view_scenario",
        "training.view_historicalscenario",
    ),
}


def _group_for_role(role: str) -> Group | None:
    codenames = ADMIN_PERMISSIONS_BY_ROLE.get(role)
    if not codenames:
        return None
    group, _ = Group.objects.get_or_create(name=f"Role: {Role(role).label}")
    wanted = [codename.split(".") for codename in codenames]
    permissions = Permission.objects.filter(
        Q(*[Q(content_type__app_label=app, codename=codename) for app, codename in wanted], _connector=Q.OR)
    )
    group.permissions.set(permissions)
    return group


@transaction.atomic
def user_role_assign(*, user: User, role: str) -> User:
    """Give a user one role, with the admin access that goes with it (policy team: policy versions)."""
    if role not in Role.values:
        raise ValueError(f'Unknown role "{role}"; use one of {", ".join(Role.values)}.')
    user.role = role
    user.is_staff = role in (Role.POLICY_TEAM, Role.ADMIN)
    user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    role_groups = Group.objects.filter(name__startswith="Role: ")
    user.groups.remove(*role_groups)
    group = _group_for_role(role)
    if group is not None:
        user.groups.add(group)
    return user
