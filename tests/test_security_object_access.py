"""Security review: the services check who may write, as well as the views. A caller that skips
the view (a command, a future API, a bug) still cannot close, cancel, extend or annotate another
team's round, create a round for a team it does not lead, set a quiz without the role, or
acknowledge another team's alert; and nothing changes when it tries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from analytics.models import DriftAlert
from analytics.snapshots import drift_alert_acknowledge
from calibration.models import CalibrationRound, DiscussionNote
from calibration.services import RoundError, round_cancel, round_close, round_create, round_extend, round_note_add
from quiz.models import Quiz
from quiz.services.attempts import quiz_create
from tests.training.factories import ScenarioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenarios(published_policy):
    return [ScenarioFactory(key="S-1"), ScenarioFactory(key="S-2")]


@pytest.fixture
def open_round(team, team_lead, trainee, second_trainee, scenarios):
    now = timezone.now()
    return round_create(
        team=team,
        title="Open round",
        created_by=team_lead,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2),
        cohort=[trainee, second_trainee],
        scenarios=scenarios,
    )


def _state(calibration_round: CalibrationRound) -> tuple:
    calibration_round.refresh_from_db()
    return (calibration_round.closes_at, calibration_round.closed_at, calibration_round.cancelled_at)


def test_a_lead_of_another_team_cannot_close_the_round_through_the_service(open_round, other_lead):
    before = _state(open_round)

    with pytest.raises(PermissionDenied, match=r"Only the team's leads close this round\."):
        round_close(calibration_round=open_round, closed_by=other_lead)

    assert _state(open_round) == before


def test_a_reviewer_in_the_cohort_cannot_cancel_the_round_through_the_service(open_round, trainee):
    before = _state(open_round)

    with pytest.raises(PermissionDenied, match=r"Only the team's leads cancel this round\."):
        round_cancel(calibration_round=open_round, cancelled_by=trainee)

    assert _state(open_round) == before


def test_the_policy_team_cannot_extend_a_teams_round_through_the_service(open_round, policy_member):
    before = _state(open_round)

    with pytest.raises(PermissionDenied, match=r"Only the team's leads extend this round\."):
        round_extend(
            calibration_round=open_round,
            closes_at=open_round.closes_at + dt.timedelta(days=1),
            extended_by=policy_member,
        )

    assert _state(open_round) == before


def test_a_lead_of_another_team_cannot_write_a_note_on_a_closed_round(open_round, team_lead, other_lead):
    round_close(calibration_round=open_round, closed_by=team_lead)

    with pytest.raises(PermissionDenied, match=r"Only the team's leads write notes on this round\."):
        round_note_add(calibration_round=open_round, author=other_lead, text="We agreed on V4.")

    assert DiscussionNote.objects.count() == 0


def test_the_teams_lead_still_closes_extends_and_annotates(open_round, team_lead):
    later = open_round.closes_at + dt.timedelta(days=1)
    round_extend(calibration_round=open_round, closes_at=later, extended_by=team_lead)
    round_close(calibration_round=open_round, closed_by=team_lead)
    note = round_note_add(calibration_round=open_round, author=team_lead, text="We agreed on V4.")

    assert (open_round.closes_at, open_round.closed_at is not None, note.author) == (later, True, team_lead)


def test_a_lead_cannot_create_a_round_for_a_team_they_do_not_lead(team, other_lead, trainee, second_trainee, scenarios):
    now = timezone.now()

    with pytest.raises(RoundError, match=r"You do not lead this team\.") as raised:
        round_create(
            team=team,
            title="Not mine",
            created_by=other_lead,
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            cohort=[trainee, second_trainee],
            scenarios=scenarios,
        )

    assert (raised.value.errors, CalibrationRound.objects.count()) == ({"team": "You do not lead this team."}, 0)


def test_a_trainee_cannot_set_a_quiz_through_the_service(trainee, published_policy):
    with pytest.raises(PermissionDenied, match=r"Only team leads and the policy team set quizzes\."):
        quiz_create(created_by=trainee, title="Mine", mode=Quiz.Mode.PRACTICE, question_count=3)

    assert Quiz.objects.count() == 0


@pytest.fixture
def alert(team):
    return DriftAlert.objects.create(
        team=team,
        metric=DriftAlert.Metric.TEAM_ALPHA,
        threshold=0.667,
        period_start=dt.date(2026, 1, 5),
        windows=[],
        raised_at=timezone.now(),
    )


def test_a_lead_of_another_team_cannot_acknowledge_the_alert_through_the_service(alert, other_lead):
    with pytest.raises(PermissionDenied, match=r"Only the team's leads acknowledge its alerts\."):
        drift_alert_acknowledge(alert=alert, user=other_lead)

    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.acknowledged_by) == (None, None)


def test_a_lead_of_another_team_gets_404_acknowledging_the_alert_and_nothing_changes(other_lead_client, alert):
    response = other_lead_client.post(reverse("analytics:alert-acknowledge", args=[alert.pk]))

    alert.refresh_from_db()
    assert (response.status_code, alert.acknowledged_at) == (404, None)


def test_the_teams_lead_acknowledges_the_alert(lead_client, team_lead, alert):
    response = lead_client.post(reverse("analytics:alert-acknowledge", args=[alert.pk]))

    alert.refresh_from_db()
    assert (response.status_code, alert.acknowledged_by) == (302, team_lead)


# --- Ids cannot be probed through the API's error messages ---------------------------------------


def _round_body(team_id: int, cohort: list[int], scenarios) -> dict:
    now = timezone.now()
    return {
        "title": "Probe",
        "team": team_id,
        "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=1)).isoformat(),
        "cohort": cohort,
        "scenarios": [s.pk for s in scenarios],
    }


def test_a_lead_naming_another_teams_reviewer_learns_neither_their_username_nor_that_they_exist(
    lead_client, team, trainee, outside_trainee, scenarios
):
    body = _round_body(team.pk, [trainee.pk, outside_trainee.pk], scenarios)

    response = lead_client.post("/api/rounds/", body, content_type="application/json")

    assert (response.status_code, response.json(), CalibrationRound.objects.count()) == (
        400,
        {"cohort": [f'User "{outside_trainee.pk}" is not a reviewer in a team you lead.']},
        0,
    )


def test_a_lead_naming_another_team_gets_the_same_answer_as_for_a_team_that_does_not_exist(
    lead_client, other_team, trainee, second_trainee, scenarios
):
    existing = lead_client.post(
        "/api/rounds/", _round_body(other_team.pk, [trainee.pk, second_trainee.pk], scenarios), "application/json"
    )
    missing = lead_client.post(
        "/api/rounds/", _round_body(987654, [trainee.pk, second_trainee.pk], scenarios), "application/json"
    )

    assert (existing.status_code, existing.json(), missing.json()) == (
        400,
        {"team": ["You do not lead this team."]},
        {"team": ["You do not lead this team."]},
    )


def test_assigning_to_another_teams_trainee_answers_as_for_a_trainee_that_does_not_exist(
    lead_client, outside_trainee, published_policy
):
    from tests.quiz.factories import SharedQuizFactory

    quiz = SharedQuizFactory()
    due = (timezone.now() + dt.timedelta(days=3)).isoformat()

    existing = lead_client.post(
        "/api/assignments/", {"quiz": quiz.pk, "due_at": due, "trainee": outside_trainee.pk}, "application/json"
    )
    missing = lead_client.post(
        "/api/assignments/", {"quiz": quiz.pk, "due_at": due, "trainee": 987654}, "application/json"
    )

    assert (existing.status_code, existing.json(), missing.json()) == (
        400,
        {"trainee": "No such trainee in a team you lead."},
        {"trainee": "No such trainee in a team you lead."},
    )
