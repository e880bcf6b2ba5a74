from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.models import PolicyVersion
from training.scenario_bank import COMPARED
from training.selectors import policy_impact, policy_version_by_label_or_pk, published_policy_version

HEADERS = {
    "verdict": "verdict",
    "clause_id": "clause",
    "action": "action",
    "report_to_ncmec": "ncmec",
    "report_route": "route",
    "rule_id": "rule",
}


def _show(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class Command(BaseCommand):
    help = (
        "Show which published scenarios would get a different gold answer if a draft policy version "
        "(given by its version label or id) replaced the published one: verdict, clause, action, NCMEC "
        "report, reporting route and deciding rule, before -> after, one scenario a line, then a count. "
        "Reads only; writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draft", help="The draft's version label (e.g. 2026-12-draft) or id.")

    def handle(self, *args: object, draft: str, **options: object) -> None:
        version = policy_version_by_label_or_pk(draft)
        if version is None:
            raise CommandError(f'No policy version "{draft}".')
        if version.status != PolicyVersion.Status.DRAFT:
            raise CommandError(f"{version} is not a draft: impact compares a draft with the published version.")
        published = published_policy_version(version.policy)
        if published is None:
            raise CommandError("No version is published to compare the draft with.")
        changes = policy_impact(draft=version, published=published)
        self.stdout.write(
            f"Impact of {version.policy} {version.version} (draft) against {published.version} (published):"
        )
        rows = [["scenario", *[HEADERS[name] for name in COMPARED]]]
        for change in changes:
            cells = [change.key]
            for name in COMPARED:
                before, after = getattr(change.before, name, None), getattr(change.after, name, None)
                cells.append(
                    f"{_show(before)} -> {_show(after)}"
                    if name in change.changed or change.after is None
                    else _show(before)
                )
            rows.append(cells)
        if changes:
            widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
            for row in rows:
                self.stdout.write(
                    "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                )
            for change in changes:
                if change.problem:
                    self.stdout.write(f"{change.key}: {change.problem}")
        self.stdout.write(f"{len(changes)} scenario(s) would get a different gold answer.")
