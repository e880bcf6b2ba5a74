"""Background work that keeps the figures current (Django's tasks framework, through the django-tasks
backport: the database backend and its worker by default, RQ workers on Redis to scale out).

Services enqueue these when they commit something that changes figures: a submitted attempt, a
closed or cancelled round, a newly published policy version. Each task re-measures exactly the
teams, periods, reviewers and scenarios the event touches, and is idempotent, so running it twice,
or after a retry, stores the same figures. A task that fails is logged and enqueued again after a
pause, up to MAX_TRIES; the snapshots it would have replaced stay as they were, because every
snapshot target is replaced in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from analytics.snapshots import scenario_figures_refresh, snapshots_refresh, snapshots_sweep
from calibration.models import RoundItem
from config.background import MAX_TRIES, enqueue_on_commit, run_with_retries
from quiz.models import Answer, Attempt
from training.selectors import scenario_ids_with_changed_gold

# enqueue_on_commit and MAX_TRIES are imported from here by the services and the tests.
__all__ = [
    "MAX_TRIES",
    "enqueue_on_commit",
    "refresh_after_attempt",
    "refresh_after_publish",
    "refresh_after_round",
    "sweep",
]


def _answer_days(answer_times: list[dt.datetime]) -> set[dt.date]:
    zone = timezone.get_current_timezone()
    return {moment.astimezone(zone).date() for moment in answer_times}


@task()
def refresh_after_attempt(attempt_id: int, tries: int = 1) -> None:
    """A quiz attempt was submitted (or expired): re-measure its reviewer's teams over the periods
    its answers fall in, and the figures of the scenarios it answered."""

    def work() -> None:
        attempt = Attempt.objects.filter(pk=attempt_id).values("user_id").first()
        if attempt is None:
            return
        answers = list(Answer.objects.filter(attempt_id=attempt_id).values_list("scenario_id", "answered_at"))
        if not answers:
            return
        snapshots_refresh(
            user_ids=[attempt["user_id"]],
            days=_answer_days([answered_at for _, answered_at in answers]),
            scenario_ids={scenario_id for scenario_id, _ in answers},
        )

    run_with_retries(refresh_after_attempt, work, (attempt_id,), tries)


@task()
def refresh_after_round(round_id: int, tries: int = 1) -> None:
    """A round was closed or cancelled: re-measure the cohort's teams over the periods its answers
    fall in, and the figures of its scenarios (a closed round's answers start to count; a cancelled
    round's never do, and its scenarios' figures say so)."""

    def work() -> None:
        answers = list(
            Answer.objects.filter(attempt__calibration_round_id=round_id).values_list("attempt__user_id", "answered_at")
        )
        snapshots_refresh(
            user_ids={user_id for user_id, _ in answers},
            days=_answer_days([answered_at for _, answered_at in answers]),
            scenario_ids=set(
                RoundItem.objects.filter(calibration_round_id=round_id).values_list("scenario_id", flat=True)
            ),
        )

    run_with_retries(refresh_after_round, work, (round_id,), tries)


@task()
def refresh_after_publish(version_id: int, tries: int = 1) -> None:
    """A policy version was published: the per-scenario figures compare answers with the gold of the
    version in force, so re-measure the scenarios whose gold answer it changes."""

    def work() -> None:
        changed = scenario_ids_with_changed_gold(version_id)
        if changed:
            scenario_figures_refresh(scenario_ids=changed)

    run_with_retries(refresh_after_publish, work, (version_id,), tries)


@task()
def sweep(tries: int = 1) -> None:
    """The daily job: measure the periods that ended since the last sweep and raise drift alerts."""

    run_with_retries(sweep, snapshots_sweep, (), tries)
