from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from training.policy import PolicyInvalid, check_policy_document, read_policy_file
from training.services import PolicyVersionError, policy_version_load


class Command(BaseCommand):
    help = (
        "Validate a policy file (YAML or JSON) and store it as a policy version. "
        "Nothing is written unless the whole file is valid; each problem is printed on one line. "
        "Loading the same file twice changes nothing. --publish publishes it (retiring the version "
        "published before); --check only validates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="Policy file; defaults to the shipped CSE policy.")
        parser.add_argument("--publish", action="store_true", help="Publish the version after loading it.")
        parser.add_argument("--check", action="store_true", help="Validate only; write nothing.")

    def handle(
        self, *args: object, path: str | None = None, publish: bool = False, check: bool = False, **options: object
    ) -> None:
        policy_path = Path(path) if path else Path(settings.CONCORDANCE["POLICY_FILE"])
        try:
            document = read_policy_file(policy_path)
            policy, problems = check_policy_document(document)
            if policy is None:
                raise PolicyInvalid(problems)
            if check:
                self.stdout.write(f"{policy_path}: valid ({len(policy.clauses)} clauses, {len(policy.rules)} rules).")
                return
            version, created = policy_version_load(document=document, publish=publish)
        except PolicyInvalid as error:
            for problem in error.problems:
                self.stderr.write(f"{policy_path}: {problem}")
            raise CommandError(
                f"{policy_path} is not a valid policy ({len(error.problems)} problem(s)); nothing was written."
            ) from error
        except PolicyVersionError as error:
            raise CommandError(str(error)) from error
        verb = "Loaded" if created else "Already loaded"
        self.stdout.write(f"{verb} {version.policy} {version.version} ({version.get_status_display().lower()}).")
