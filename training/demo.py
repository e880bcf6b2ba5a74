"""Demo data for the training app: the shipped scenario bank, published."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User

from .scenario_bank import BankInvalid, read_bank
from .services import scenario_bank_import

DEMO_AUTHOR = "policy"
DEMO_REVIEWER = "policy2"


def demo_scenarios_load() -> int:
    """Import the shipped bank as published scenarios, written by the demo policy user and approved
    by the second one when those accounts exist. Returns how many scenarios were created or revised
    (0 the second time: the import is idempotent). Raises BankInvalid when the bank does not load."""
    entries, problems = read_bank([settings.CONCORDANCE["SCENARIO_BANK_DIR"]])
    if problems:
        raise BankInvalid(problems)
    users = {user.username: user for user in User.objects.filter(username__in=[DEMO_AUTHOR, DEMO_REVIEWER])}
    report = scenario_bank_import(entries=entries, actor=users.get(DEMO_AUTHOR), reviewer=users.get(DEMO_REVIEWER))
    return len(report.created) + len(report.revised)
