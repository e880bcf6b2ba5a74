import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analytics import tasks


def next_run(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The next local time ``at`` strictly after ``now``."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + dt.timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Enqueue the daily sweep that measures finished periods and raises drift alerts. With --once it "
        "enqueues one sweep and exits (for cron); otherwise it enqueues one now and then one every day at "
        "--at (local time) until stopped. Run one scheduler per installation; the workers do the work."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue one sweep and exit.")
        parser.add_argument("--at", default="02:00", help="Local time of the daily sweep, HH:MM (default 02:00).")

    def handle(self, *args, **options):
        try:
            at = dt.time.fromisoformat(options["at"])
        except ValueError as error:
            raise CommandError(f"--at takes a time as HH:MM, not {options['at']!r}.") from error
        tasks.sweep.enqueue()
        self.stdout.write("Sweep enqueued.")
        if options["once"]:
            return
        while True:
            due = next_run(timezone.localtime(), at)
            self.stdout.write(f"Next sweep at {due:%Y-%m-%d %H:%M %Z}.")
            time.sleep(max(1.0, (due - timezone.localtime()).total_seconds()))
            tasks.sweep.enqueue()
            self.stdout.write("Sweep enqueued.")
