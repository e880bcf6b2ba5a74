"""Figures that keep themselves current: what each event enqueues, and what the tasks do.

These run the tasks with the immediate backend once the event's transaction commits
(`django_capture_on_commit_callbacks(execute=True)`); tests/analytics/test_task_workers.py runs the same
flow through the real database worker and RQ workers."""

import logging

from django.utils import timezone

from analytics import tasks
from analytics.models import AgreementSnapshot, ReviewerSnapshot
from analytics.snapshots import period_bounds
from calibration.services import round_cancel, round_close
from quiz.models import Quiz
from quiz.services.attempts import answer_record, attempt_start, attempt_submit
from tests.quiz.factories import V4, QuizFactory
from training.models import PolicyVersion
from training.selectors import scenario_ids_with_changed_gold
from training.services import policy_version_create_draft, policy_version_publish, policy_version_update_draft


def this_week(team):
    start, _ = period_bounds(timezone.localdate(), "week")
    return AgreementSnapshot.objects.filter(
        scope=AgreementSnapshot.Scope.TEAM_PERIOD, team=team, granularity="week", period_start=start
    )


def test_closing_a_round_refreshes_its_teams_figures_once_it_commits(
    answered_round, team, team_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        round_close(calibration_round=answered_round, closed_by=team_lead)

    assert len(callbacks) == 1
    snapshot = this_week(team).get()
    assert (snapshot.n_raters, snapshot.n_units, snapshot.n_answers) == (2, 2, 4)


def test_nothing_is_refreshed_when_the_close_is_rolled_back(
    answered_round, team, team_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_close(calibration_round=answered_round, closed_by=team_lead)
    # The test transaction never commits, so nothing ran.
    assert not this_week(team).exists()
    assert len(callbacks) == 1


def test_submitting_an_attempt_refreshes_the_reviewers_figures(trainee, team, bank, django_capture_on_commit_callbacks):
    attempt = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.PRACTICE, question_count=2))
    for item in attempt.items.select_related("scenario"):
        answer_record(attempt=attempt, scenario=item.scenario, user=trainee, **V4)

    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=attempt, user=trainee)

    start, _ = period_bounds(timezone.localdate(), "week")
    assert ReviewerSnapshot.objects.get(user=trainee, team=team, granularity="week", period_start=start).n_answers == 2


def test_cancelling_a_round_enqueues_its_refresh(answered_round, team_lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_cancel(calibration_round=answered_round, cancelled_by=team_lead)

    assert [callback.func.__self__.name for callback in callbacks] == ["refresh_after_round"]
    assert callbacks[0].args == (answered_round.pk,)


def test_publishing_a_version_enqueues_the_refresh_of_scenarios_it_changes(
    published_policy, policy_member, django_capture_on_commit_callbacks
):
    draft = policy_version_create_draft(policy=published_policy.policy, version="next", created_by=policy_member)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        policy_version_publish(version=draft, published_by=policy_member)

    assert [(callback.func.__self__.name, callback.args) for callback in callbacks] == [
        ("refresh_after_publish", (draft.pk,))
    ]


def test_the_scenarios_a_published_version_changes_are_those_whose_gold_differs(published_policy, policy_member, bank):
    draft = policy_version_create_draft(policy=published_policy.policy, version="next", created_by=policy_member)
    document = draft.document
    # Report B5 to NCMEC as well: only the B5 scenario's gold answer changes.
    for clause in document["clauses"]:
        if clause["id"] == "B5":
            clause["report_to_ncmec"] = True
    policy_version_update_draft(version=draft, document=document)
    policy_version_publish(version=PolicyVersion.objects.get(pk=draft.pk), published_by=policy_member)

    assert scenario_ids_with_changed_gold(draft.pk) == {bank["Q-B5"].pk}


def test_a_first_published_version_changes_no_scenario(published_policy, bank):
    assert scenario_ids_with_changed_gold(published_policy.pk) == set()


def test_a_refresh_run_twice_stores_the_same_figures(answered_round, team, team_lead):
    round_close(calibration_round=answered_round, closed_by=team_lead)
    tasks.refresh_after_round.enqueue(answered_round.pk)
    first = list(this_week(team).values("n_answers", "alpha", "fleiss_kappa", "ac1"))

    tasks.refresh_after_round.enqueue(answered_round.pk)

    assert list(this_week(team).values("n_answers", "alpha", "fleiss_kappa", "ac1")) == first
    assert this_week(team).count() == 1


def test_a_failing_task_is_logged_and_tried_again(answered_round, team, team_lead, monkeypatch, caplog):
    round_close(calibration_round=answered_round, closed_by=team_lead)
    real = tasks.snapshots_refresh
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise ConnectionError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "snapshots_refresh", flaky)
    with caplog.at_level(logging.ERROR, logger="concordance.tasks"):
        tasks.refresh_after_round.enqueue(answered_round.pk)

    assert len(calls) == 2
    assert "failed (try 1 of 5); it will run again" in caplog.text
    assert this_week(team).get().n_answers == 4


def test_a_task_that_keeps_failing_gives_up_and_leaves_the_previous_figures(
    answered_round, team, team_lead, monkeypatch, caplog
):
    round_close(calibration_round=answered_round, closed_by=team_lead)
    tasks.refresh_after_round.enqueue(answered_round.pk)
    before = this_week(team).values_list("computed_at", "n_answers").get()

    def broken(**kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(tasks, "snapshots_refresh", broken)
    with caplog.at_level(logging.ERROR, logger="concordance.tasks"):
        tasks.refresh_after_round.enqueue(answered_round.pk)

    assert caplog.text.count("it will run again") == tasks.MAX_TRIES - 1
    assert "failed 5 times; giving up" in caplog.text
    assert this_week(team).values_list("computed_at", "n_answers").get() == before


def test_a_refresh_for_an_attempt_that_no_longer_exists_does_nothing(db, caplog):
    # An attempt deleted before its task ran: nothing to measure, and nothing to retry.
    with caplog.at_level(logging.ERROR, logger="concordance.tasks"):
        result = tasks.refresh_after_attempt.enqueue(999_999)

    assert result.status == "SUCCESSFUL"
    assert caplog.text == ""
    assert not AgreementSnapshot.objects.exists()


def test_the_sweep_measures_every_team(answered_round, team, team_lead):
    round_close(calibration_round=answered_round, closed_by=team_lead)

    tasks.sweep.enqueue()

    assert this_week(team).get().n_answers == 4
