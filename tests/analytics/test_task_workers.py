"""The task flow through the real workers: django-tasks-db's `db_worker` (the embedded default) and an
RQ worker on Redis (to scale out). A round closes, its refresh waits in the queue, the worker runs it,
and the team's figures appear. Transactional tests: the worker must see committed rows.

The Redis test needs a Redis server at TEST_REDIS_URL (default redis://127.0.0.1:6379/15); CI starts
one. Outside CI it is skipped when no server answers."""

import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.models import AgreementSnapshot
from analytics.snapshots import period_bounds
from calibration.services import round_close

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_BACKEND = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def closed_round_waiting(answered_round, team_lead):
    """A closed round whose refresh waits in the queue."""
    round_close(calibration_round=answered_round, closed_by=team_lead)
    return answered_round


def team_week(team):
    start, _ = period_bounds(timezone.localdate(), "week")
    return AgreementSnapshot.objects.filter(
        scope=AgreementSnapshot.Scope.TEAM_PERIOD, team=team, granularity="week", period_start=start
    )


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_BACKEND


def test_the_database_worker_brings_a_closed_round_into_the_teams_figures(database_tasks, closed_round_waiting, team):
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.get()
    assert (waiting.status, waiting.args_kwargs["args"]) == ("READY", [closed_round_waiting.pk])
    assert not team_week(team).exists()

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert team_week(team).get().n_answers == 4


def _redis_or_skip():
    import django_rq
    from redis.exceptions import ConnectionError as RedisUnavailable

    connection = django_rq.get_connection("default")
    try:
        connection.ping()
    except RedisUnavailable:
        if os.environ.get("CI"):
            raise
        pytest.skip("No Redis server answers at TEST_REDIS_URL; CI starts one.")
    return connection


def test_an_rq_worker_brings_a_closed_round_into_the_teams_figures(settings, team, request):
    import django_rq
    from rq import SimpleWorker

    settings.TASKS = RQ_BACKEND
    connection = _redis_or_skip()
    connection.flushdb()
    request.addfinalizer(connection.flushdb)
    request.getfixturevalue("closed_round_waiting")
    queue = django_rq.get_queue("default")
    assert queue.count == 1
    assert not team_week(team).exists()

    # SimpleWorker runs jobs in this process, so it shares the test database connection.
    worker = django_rq.get_worker("default", worker_class=SimpleWorker, job_class="django_tasks_rq.Job")
    worker.work(burst=True)

    assert (queue.count, queue.failed_job_registry.count, queue.finished_job_registry.count) == (0, 0, 1)
    assert team_week(team).get().n_answers == 4
