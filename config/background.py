"""Helpers every app's background tasks share (Django's tasks framework, through django-tasks)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend

logger = logging.getLogger("concordance.tasks")

MAX_TRIES = 5
RETRY_DELAY = dt.timedelta(seconds=30)


def enqueue_on_commit(job: Any, *args: Any) -> None:
    """Enqueue ``job`` once the current transaction commits, so a worker never reads a state that
    was rolled back or is not visible yet. Outside a transaction it is enqueued at once."""
    transaction.on_commit(partial(job.enqueue, *args))


def run_with_retries(job: Any, work: Callable[[], Any], args: tuple[Any, ...], tries: int) -> Any:
    """Run ``work``; if it fails, log it and enqueue ``job`` again (after a pause, where the backend
    can defer), up to MAX_TRIES. ``args`` are the job's arguments before its ``tries``."""
    try:
        return work()
    except Exception:
        if tries >= MAX_TRIES:
            logger.exception("Task %s%r failed %d times; giving up.", job.name, args, tries)
            raise
        logger.exception("Task %s%r failed (try %d of %d); it will run again.", job.name, args, tries, MAX_TRIES)
        retry = job
        if default_task_backend.supports_defer:
            retry = job.using(run_after=timezone.now() + RETRY_DELAY * tries)
        retry.enqueue(*args, tries + 1)
        return None
