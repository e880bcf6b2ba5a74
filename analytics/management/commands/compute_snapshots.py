import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Team
from analytics.models import Granularity
from analytics.snapshots import snapshots_compute


class Command(BaseCommand):
    help = (
        "Measure agreement and store it: every closed calibration round not yet measured, and for each "
        "team every week and month from its first answer to today (team alpha with its bootstrap "
        "interval, Fleiss' kappa, Gwet's AC1, percent agreement, per clause, pairwise kappa, and each "
        "reviewer against gold), and the same periods over every team together, overall and per clause, for the "
        "policy team (skipped with --team). Periods that have ended and were measured before are kept as they were "
        "(pass --recompute to measure them again); the current period is measured again. Then raises a "
        "drift alert when a team's alpha or a reviewer's kappa against gold stayed under "
        'CONCORDANCE["DRIFT_THRESHOLDS"] for the configured number of windows in a row, and (unless --team narrows '
        "the run) measures every scenario's item-analysis figures, which the item analysis and the contested queue "
        "read. Each target's rows are replaced in one transaction, so a failed run leaves the previous figures; "
        "progress is shown as it goes. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--granularity", choices=[*Granularity.values, "both"], default="both")
        parser.add_argument("--team", help="Only this team (by name).")
        parser.add_argument("--today", help="Measure as of this date (YYYY-MM-DD); defaults to today.")
        parser.add_argument("--recompute", action="store_true", help="Measure ended periods again.")

    def handle(self, *args, **options) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today must be a date like 2026-01-31; got {options['today']!r}.") from error
        teams = None
        if options["team"]:
            teams = list(Team.objects.filter(name=options["team"]))
            if not teams:
                raise CommandError(f"No team is named {options['team']!r}.")
        granularities = Granularity.values if options["granularity"] == "both" else [options["granularity"]]
        report = snapshots_compute(
            granularities=granularities,
            today=today,
            recompute=options["recompute"],
            teams=teams,
            progress=self.stdout.write,
        )
        self.stdout.write(
            f"Done: {report.rounds_computed} round(s), {report.periods_computed} period(s) measured, "
            f"{report.periods_kept} kept as measured, {report.alerts_raised} alert(s) raised."
        )
