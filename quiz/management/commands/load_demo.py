import copy
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts_create
from calibration.demo import demo_history_create
from quiz.demo.quizzes import demo_quizzes_create
from training.demo import demo_scenarios_load
from training.models import PolicyVersion
from training.selectors import published_policy_version
from training.services import policy_version_create_draft, policy_version_update_draft

DEMO_DRAFT_LABEL = "2026-12-draft"
DEMO_DRAFT_NOTE = (
    "Proposal: extend reports to NCMEC to the contact behaviours (B4 sending sexual media to a child, "
    "B5 sexual conversation with a child, B6 coercion), not only to the four content clauses (interpretation I3)."
)


def demo_policy_draft_create(author) -> PolicyVersion:
    """A draft that changes guidance, so the impact and contested pages have something to show."""
    existing = PolicyVersion.objects.filter(policy="cse", version=DEMO_DRAFT_LABEL).first()
    if existing is not None:
        return existing
    draft = policy_version_create_draft(
        policy="cse", version=DEMO_DRAFT_LABEL, created_by=author, change_note=DEMO_DRAFT_NOTE
    )
    document = copy.deepcopy(draft.document)
    for clause in document["clauses"]:
        if clause["id"] in {"B4", "B5", "B6"}:
            clause["report_to_ncmec"] = True
    for interpretation in document["interpretations"]:
        if interpretation["id"] == "I3":
            interpretation["reading"] = (
                "A report to NCMEC is due for the four violating-content clauses (V1 to V4) and for the contact "
                "behaviours against a child (B4 to B6), whatever the intent."
            )
    return policy_version_update_draft(version=draft, document=document)


class Command(BaseCommand):
    help = (
        "Load everything a first look at Concordance needs: the published CSE policy, a draft that "
        "changes guidance, the scenario bank, demo accounts for every role, teams, quizzes, and some "
        "months of answers and calibration rounds with their agreement snapshots. Safe to run again: "
        "it changes nothing the second time."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        self.stdout.write("1/6 Policy: loading and publishing the CSE policy (2020-10)…")
        call_command("load_policy", publish=True, stdout=self.stdout, stderr=self.stderr)
        self.stdout.write("2/6 Accounts: demo users for every role, and two teams…")
        users = demo_accounts_create()
        self.stdout.write("3/6 Scenarios: importing the scenario bank…")
        count = demo_scenarios_load()
        self.stdout.write(f"    {count} published scenarios.")
        self.stdout.write(f"4/6 Policy draft: {DEMO_DRAFT_LABEL} (extends NCMEC reports to B4 to B6)…")
        demo_policy_draft_create(users["policy"])
        self.stdout.write("5/6 Quizzes and assignments…")
        demo_quizzes_create(users)
        self.stdout.write("6/6 History: months of answers, calibration rounds and agreement snapshots…")
        demo_history_create(users)
        version = published_policy_version()
        self.stdout.write(
            f"Done in {time.monotonic() - started:.0f} s. Published policy: {version.version}. "
            f"Demo logins (password for all: {DEMO_PASSWORD}):"
        )
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<8} {account.role}")
