import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from quiz.models.quizzes import Attempt
from quiz.scoring import RubricInvalid, rubric_from_dict
from quiz.services.attempts import InputInvalid
from quiz.services.rescore import BATCH_ATTEMPTS, rescore_apply, rescore_plan
from training.models import PolicyVersion


class Command(BaseCommand):
    help = (
        "Show how stored quiz scores would change under another policy version and/or rubric. "
        "By default nothing is written (a dry run). With --apply and a --reason, each changed answer "
        "is rescored, a ScoreChange records its before and after, and its attempt's totals are "
        "recomputed; certifications already granted are kept. A certified attempt that would now fail "
        "is listed as a warning (and, with --apply, named in its ScoreChange reason) so that a lead can "
        "act on it; it is never revoked here. Only submitted or expired quiz attempts are rescored; "
        "running it again after --apply changes nothing. Answers are read a batch of attempts at a time "
        "(progress is shown when there is more than one batch); the first 200 changed answers are listed "
        "and the rest counted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--policy-version", help="Version label (e.g. 2021-03) to score against; default: each answer's own."
        )
        parser.add_argument("--rubric", help="Rubric as JSON, e.g. '{\"clause\": 3}'; missing parts take the default.")
        parser.add_argument("--quiz", type=int, help="Only attempts on this quiz id.")
        parser.add_argument("--apply", action="store_true", help="Write the changes (otherwise a dry run).")
        parser.add_argument("--reason", default="", help="Why the scores change; required with --apply.")
        parser.add_argument("--by", help="Username recorded as making the change.")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_ATTEMPTS, help="Attempts read per batch (default %(default)s)."
        )

    def handle(self, *args, **options):
        version = None
        if options["policy_version"]:
            version = PolicyVersion.objects.filter(version=options["policy_version"]).first()
            if version is None:
                raise CommandError(f"No policy version labelled {options['policy_version']!r}.")
        rubric = None
        if options["rubric"]:
            try:
                rubric = rubric_from_dict(json.loads(options["rubric"]))
            except json.JSONDecodeError as error:
                raise CommandError(f"--rubric is not valid JSON: {error.msg}.") from error
            except RubricInvalid as error:
                raise CommandError(str(error)) from error
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user {options['by']!r}.")
        if options["apply"] and not options["reason"].strip():
            raise CommandError("--apply needs a --reason saying why stored scores change.")
        attempts = Attempt.objects.filter(quiz__isnull=False)
        if options["quiz"]:
            attempts = attempts.filter(quiz_id=options["quiz"])
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        plan = rescore_plan(
            attempts=attempts,
            policy_version=version,
            rubric=rubric,
            batch_attempts=options["batch_size"],
            progress=self._progress("Checked"),
        )
        for line in plan.lines:
            before = line.expected_before
            after = line.expected_after
            self.stdout.write(
                f"attempt {line.attempt_id} answer {line.answer_id} ({line.scenario_key}): "
                f"points {line.points_before:g}/{line.max_points_before:g} -> "
                f"{line.points_after:g}/{line.max_points_after:g}; "
                f"expected {before.get('verdict')} {before.get('clause_id') or 'no clause'} -> "
                f"{after['verdict']} {after['clause_id'] or 'no clause'}"
                + ("; now a critical miss" if line.critical_after and not line.critical_before else "")
                + ("; no longer a critical miss" if line.critical_before and not line.critical_after else "")
            )
        if plan.lines_not_kept:
            self.stdout.write(f"... and {plan.lines_not_kept} more answers.")
        summary = (
            f"{plan.answers_checked} answers checked, {plan.changed_total} scores would change "
            f"in {len(plan.changed_attempt_ids)} attempts."
        )
        at_risk = plan.certified_would_fail
        if at_risk:
            summary += f" {len(at_risk)} certified attempt{'s' if len(at_risk) != 1 else ''} would now fail."
        if not options["apply"]:
            self.stdout.write(summary + " Dry run: nothing written (use --apply --reason ... to write).")
            self._warn(at_risk)
            return
        try:
            count = rescore_apply(
                plan=plan,
                changed_by=by,
                reason=options["reason"],
                batch_attempts=options["batch_size"],
                progress=self._progress("Applied"),
            )
        except InputInvalid as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{summary} Applied: {count} answers rescored and recorded as ScoreChange rows.")
        self._warn(at_risk)

    def _progress(self, verb):
        """Print progress after every batch but the last (a run in one batch prints nothing)."""

        def report(done, total):
            if done < total:
                self.stdout.write(f"{verb} {done} of {total} answers ({done / total:.0%})...")

        return report

    def _warn(self, at_risk):
        for projection in at_risk:
            self.stdout.write(self.style.WARNING(f"WARNING: {projection.warning()}"))
