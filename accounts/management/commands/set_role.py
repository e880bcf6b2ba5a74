from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Role, User
from accounts.services import user_role_assign


class Command(BaseCommand):
    help = (
        "Give a user one role (trainee, team_lead, policy_team, admin). The policy team and admins "
        "get admin access; the policy team may manage policy versions there. Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: object, username: str, role: str, **options: object) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'No user called "{username}".')
        user_role_assign(user=user, role=role)
        self.stdout.write(f"{username} is now {Role(role).label.lower()}.")
