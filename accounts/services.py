from django.db import transaction

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
