from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = (
        "Load everything a first look at Concordance needs: the published CSE policy, the "
        "scenario bank, demo accounts for every role, teams, quizzes and some months of "
        "answers and calibration rounds. Safe to run again: it changes nothing the second time."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write("1/3 Policy: loading and publishing the CSE policy (2020-10)…")
        call_command("load_policy", publish=True, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write("2/3 Accounts: creating demo users and teams…")
        demo_accounts_create()
        self.stdout.write(f"3/3 Done. Demo logins (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<8} {account.role}")
