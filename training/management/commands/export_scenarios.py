import json
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.services import scenario_bank_export


class Command(BaseCommand):
    help = (
        "Export the published scenario bank (one entry per key: its published revision) as YAML or JSON, "
        "in the bank-file format that import_scenarios reads: exporting and importing again gives the same "
        "bank. Gold answers are not exported: the engine decides them. Writes to stdout, or to --output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--output", help="File to write; it is replaced if it exists.")

    def handle(self, *args: object, **options: object) -> None:
        entries = scenario_bank_export()
        if options["format"] == "json":
            body = json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
        else:
            body = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
        if options["output"]:
            path = Path(str(options["output"]))
            try:
                path.write_text(body, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror}") from error
            self.stdout.write(f"Exported {len(entries)} scenarios to {path}.")
        else:
            self.stdout.write(body, ending="")
