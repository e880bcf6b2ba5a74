"""Rounds and figures moved from the quiz app to their own apps without touching a table: an
organisation upgrading keeps every round, attempt link and snapshot, and its permissions."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("quiz", "0007_scenario_figures"), ("calibration", None), ("analytics", None)]
AFTER = [("quiz", "0008_rounds_and_figures_move_to_their_own_apps")]


def _migrate(targets, state_at):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(state_at).apps


@pytest.fixture
def before_the_move(transactional_db):
    apps = _migrate(BEFORE, state_at=BEFORE[:1])
    yield apps
    _migrate(AFTER, state_at=AFTER)


def _old_round(apps):
    team = apps.get_model("accounts", "Team").objects.create(name="Team North")
    version = apps.get_model("training", "PolicyVersion").objects.create(
        policy="cse", version="t", title="t", effective_date=dt.date(2026, 1, 1), document={}
    )
    now = timezone.now()
    old_round = apps.get_model("quiz", "CalibrationRound").objects.create(
        team_id=team.pk,
        title="Weekly",
        policy_version_id=version.pk,
        opens_at=now,
        closes_at=now + dt.timedelta(days=1),
    )
    apps.get_model("quiz", "AgreementSnapshot").objects.create(
        scope="round", team_id=team.pk, calibration_round_id=old_round.pk, n_raters=2, n_units=3, computed_at=now
    )
    return old_round


def test_rounds_and_snapshots_survive_the_move(before_the_move):
    old_round = _old_round(before_the_move)

    apps = _migrate(AFTER, state_at=AFTER)

    moved = apps.get_model("calibration", "CalibrationRound").objects.get(pk=old_round.pk)
    assert (moved.title, moved.snapshots.count()) == ("Weekly", 1)


def test_content_types_and_their_permissions_follow_the_models(before_the_move):
    content_type = before_the_move.get_model("contenttypes", "ContentType")
    rounds = content_type.objects.get_or_create(app_label="quiz", model="calibrationround")[0]
    snapshots = content_type.objects.get_or_create(app_label="quiz", model="agreementsnapshot")[0]

    apps = _migrate(AFTER, state_at=AFTER)

    content_type = apps.get_model("contenttypes", "ContentType")
    labels = {row.pk: row.app_label for row in content_type.objects.filter(pk__in=[rounds.pk, snapshots.pk])}
    assert labels == {rounds.pk: "calibration", snapshots.pk: "analytics"}
