from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from training.scenario_bank import BankInvalid, check_bank, read_bank
from training.selectors import engine_policy, policy_version_by_label_or_pk, published_policy_version
from training.services import ScenarioError, scenario_bank_import


class Command(BaseCommand):
    help = (
        "Import scenario bank files (YAML or JSON lists of entries; a directory is read file by file; "
        "default: the shipped bank in training/scenarios/) as published scenarios. Every entry is checked "
        "first: the content guard on its title and text, its facts against the policy vocabulary, and its "
        "intended clause (and intended action and route, when given) against the engine's decision under the "
        "published policy (or --policy-version). Any problem stops the import with one line per problem, "
        "naming the scenario, and nothing is written. Importing the same bank again changes nothing; an "
        "entry whose content changed becomes a new revision that supersedes the published one. Bank files "
        "are reviewed as code, so entries are published without the in-app review. --check only validates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="Bank files or directories; defaults to the shipped bank.")
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")
        parser.add_argument("--author", help="Username recorded as the author of new revisions.")
        parser.add_argument("--reviewer", help="Username recorded as their reviewer (not the author).")
        parser.add_argument(
            "--policy-version", help="Check against this version (label or id) instead of the published one."
        )

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'No user "{username}".')
        return user

    def handle(self, *args: object, **options: object) -> None:
        paths = [Path(path) for path in options["paths"]] or [Path(settings.CONCORDANCE["SCENARIO_BANK_DIR"])]
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path} does not exist.")
        version = None
        if options["policy_version"]:
            version = policy_version_by_label_or_pk(str(options["policy_version"]))
            if version is None:
                raise CommandError(f'No policy version "{options["policy_version"]}".')
        author, reviewer = self._user(options["author"]), self._user(options["reviewer"])
        entries, problems = read_bank(paths)
        self.stdout.write(f"Read {len(entries)} entries from {', '.join(str(path) for path in paths)}.")
        try:
            if problems:
                raise BankInvalid(problems)
            if options["check"]:
                version = version or published_policy_version()
                if version is None:
                    raise ScenarioError(
                        "No policy version is published yet: run `python manage.py load_policy --publish` first."
                    )
                problems = check_bank(engine_policy(version), entries)
                if problems:
                    raise BankInvalid(problems)
                self.stdout.write(f"All {len(entries)} entries are valid under policy {version.version}.")
                return
            report = scenario_bank_import(
                entries=entries, policy_version=version, actor=author, reviewer=reviewer, progress=self.stdout.write
            )
        except BankInvalid as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"The bank has {len(error.problems)} problem(s); nothing was imported.") from error
        except ScenarioError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Imported: {report.summary()}")
