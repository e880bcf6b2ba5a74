"""Demo accounts for every role, and two teams. Idempotent: running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import Role, Team, TeamMembership, User
from .services import team_add_member, user_role_assign

DEMO_PASSWORD = "concordance-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str
    team: str | None = None
    leads: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("admin", "Ada", "Admin", Role.ADMIN),
    DemoAccount("policy", "Priya", "Policy", Role.POLICY_TEAM),
    DemoAccount("policy2", "Pavel", "Policy", Role.POLICY_TEAM),
    DemoAccount("lead", "Lena", "Lead", Role.TEAM_LEAD, team="Trust & Safety North", leads=True),
    DemoAccount("lead2", "Luis", "Lead", Role.TEAM_LEAD, team="Trust & Safety South", leads=True),
    DemoAccount("trainee", "Tomás", "Trainee", Role.TRAINEE, team="Trust & Safety North"),
    DemoAccount("amira", "Amira", "Reviewer", Role.TRAINEE, team="Trust & Safety North"),
    DemoAccount("ben", "Ben", "Reviewer", Role.TRAINEE, team="Trust & Safety North"),
    DemoAccount("chen", "Chen", "Reviewer", Role.TRAINEE, team="Trust & Safety North"),
    DemoAccount("dara", "Dara", "Reviewer", Role.TRAINEE, team="Trust & Safety North"),
    DemoAccount("eli", "Eli", "Reviewer", Role.TRAINEE, team="Trust & Safety South"),
    DemoAccount("fatima", "Fatima", "Reviewer", Role.TRAINEE, team="Trust & Safety South"),
    DemoAccount("gus", "Gus", "Reviewer", Role.TRAINEE, team="Trust & Safety South"),
    DemoAccount("hana", "Hana", "Reviewer", Role.TRAINEE, team="Trust & Safety South"),
)


@transaction.atomic
def demo_accounts_create() -> dict[str, User]:
    users = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user_role_assign(user=user, role=account.role)
        users[account.username] = user
        if account.team:
            team, _ = Team.objects.get_or_create(name=account.team)
            kind = TeamMembership.Kind.LEAD if account.leads else TeamMembership.Kind.MEMBER
            team_add_member(team=team, user=user, kind=kind)
    return users
