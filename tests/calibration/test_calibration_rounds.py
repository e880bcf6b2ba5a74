"""Calibration rounds: creating, answering blind, closing, and who may see what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import TeamMembership
from analytics.models import AgreementSnapshot
from calibration.models import CalibrationRound, DiscussionNote
from calibration.services import (
    RoundError,
    round_answer_submit,
    round_cancel,
    round_close,
    round_create,
    round_extend,
    round_note_add,
    round_state,
)
from quiz.models import Answer, Attempt
from tests.accounts.factories import TeamMembershipFactory, UserFactory
from tests.training.factories import BENIGN_FACTS, P3_FACTS, ScenarioFactory

V4 = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True}
BENIGN = {"verdict": "not_violating", "clause_id": "", "action": "no_action", "report_to_ncmec": False}
P3 = {"verdict": "not_violating", "clause_id": "P3", "action": "no_action", "report_to_ncmec": False}


@pytest.fixture
def third_trainee(team):
    user = UserFactory(username="tomas")
    TeamMembershipFactory(team=team, user=user, kind=TeamMembership.Kind.MEMBER)
    return user


@pytest.fixture
def scenarios(published_policy):
    return [
        ScenarioFactory(key="CAL-001", title="Folder link"),
        ScenarioFactory(key="CAL-002", title="Everyday post", facts=BENIGN_FACTS, intended_clause=""),
        ScenarioFactory(key="CAL-003", title="Advocacy post", facts=P3_FACTS, intended_clause="P3"),
    ]


@pytest.fixture
def open_round(team, team_lead, trainee, second_trainee, third_trainee, scenarios):
    now = timezone.now()
    return round_create(
        team=team,
        title="November calibration",
        created_by=team_lead,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
        cohort=[trainee, second_trainee, third_trainee],
        scenarios=scenarios,
    )


def answer_all(calibration_round, user, scenarios, answers):
    for scenario, given in zip(scenarios, answers, strict=True):
        round_answer_submit(calibration_round=calibration_round, user=user, scenario=scenario, **given)


@pytest.fixture
def closed_round(open_round, team_lead, trainee, second_trainee, third_trainee, scenarios):
    answer_all(open_round, trainee, scenarios, [V4, BENIGN, P3])
    answer_all(open_round, second_trainee, scenarios, [V4, BENIGN, BENIGN])
    answer_all(open_round, third_trainee, scenarios, [V4, BENIGN, V4 | {"clause_id": "V3"}])
    return round_close(calibration_round=open_round, closed_by=team_lead)


class TestRoundCreate:
    def test_it_creates_a_round_with_its_scenarios_in_order_and_its_cohort(self, open_round, scenarios):
        assert [item.scenario for item in open_round.items.order_by("position")] == scenarios
        assert sorted(open_round.cohort.values_list("username", flat=True)) == ["tara", "theo", "tomas"]

    def test_it_refuses_a_cohort_member_from_another_team(self, team, team_lead, trainee, outside_trainee, scenarios):
        now = timezone.now()
        with pytest.raises(RoundError, match=r"Not reviewers in Team North: otto\.") as error:
            round_create(
                team=team,
                title="Mixed",
                created_by=team_lead,
                opens_at=now,
                closes_at=now + dt.timedelta(days=1),
                cohort=[trainee, outside_trainee],
                scenarios=scenarios,
            )
        assert error.value.field == "cohort"

    def test_an_automatic_pick_takes_one_scenario_from_each_clause_before_repeating(
        self, team, team_lead, trainee, second_trainee, scenarios
    ):
        ScenarioFactory(key="CAL-004")
        now = timezone.now()
        calibration_round = round_create(
            team=team,
            title="Auto",
            created_by=team_lead,
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            cohort=[trainee, second_trainee],
            auto_count=3,
            seed=1,
        )
        picked = [item.scenario.intended_clause for item in calibration_round.items.select_related("scenario")]
        assert sorted(picked) == ["", "P3", "V4"]


class TestRoundAnswers:
    def test_an_answer_is_scored_and_stored_under_the_rounds_policy_version(self, open_round, trainee, scenarios):
        answer = round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4)
        attempt = answer.attempt
        assert (attempt.mode, attempt.calibration_round, attempt.quiz) == ("calibration", open_round, None)
        assert answer.is_correct is True
        assert answer.scored_policy_version == open_round.policy_version

    def test_an_answer_is_final(self, open_round, trainee, scenarios):
        round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4)
        with pytest.raises(RoundError, match="already answered this scenario"):
            round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **BENIGN)
        assert Answer.objects.get().verdict == "violating"

    def test_someone_outside_the_cohort_cannot_answer(self, open_round, outside_trainee, scenarios):
        with pytest.raises(RoundError, match=r"You are not in this round.s cohort\."):
            round_answer_submit(calibration_round=open_round, user=outside_trainee, scenario=scenarios[0], **V4)
        assert not Answer.objects.exists()

    def test_invalid_input_is_refused_with_field_messages(self, open_round, trainee, scenarios):
        with pytest.raises(RoundError) as error:
            round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], verdict="violating")
        errors = error.value.errors
        # The list of actions follows the stored policy document, whose key order PostgreSQL's jsonb does not keep.
        assert errors.pop("action").startswith("Choose an enforcement action: ")
        assert errors == {
            "clause_id": "A violating verdict needs the clause it violates.",
            "report_to_ncmec": "Say whether a report to NCMEC is due.",
        }
        assert not Answer.objects.exists()

    def test_answering_every_scenario_submits_the_attempt(self, open_round, trainee, scenarios):
        answer_all(open_round, trainee, scenarios, [V4, BENIGN, P3])
        attempt = Attempt.objects.get(user=trainee)
        assert (attempt.status, attempt.score) == ("submitted", 1.0)


class TestRoundClose:
    def test_closing_measures_the_round_once(self, closed_round):
        snapshot = AgreementSnapshot.objects.get(calibration_round=closed_round)
        assert (snapshot.scope, snapshot.n_raters, snapshot.n_units) == ("round", 3, 3)
        assert snapshot.alpha is not None and snapshot.alpha_low <= snapshot.alpha <= snapshot.alpha_high

    def test_closing_twice_is_refused(self, closed_round, team_lead):
        with pytest.raises(RoundError, match=r"This round is already closed\."):
            round_close(calibration_round=closed_round, closed_by=team_lead)

    def test_no_answer_is_taken_after_close(self, closed_round, trainee, scenarios):
        with pytest.raises(RoundError, match="This round is closed"):
            round_answer_submit(calibration_round=closed_round, user=trainee, scenario=scenarios[0], **V4)

    def test_notes_are_kept_after_close_and_refused_before(self, open_round, closed_round, team_lead, scenarios):
        note = round_note_add(
            calibration_round=closed_round, author=team_lead, text="Agreed to re-read P3.", scenario=scenarios[2]
        )
        assert list(DiscussionNote.objects.values_list("text", "scenario")) == [
            ("Agreed to re-read P3.", scenarios[2].pk)
        ]
        assert note.author == team_lead


class TestRoundPagesAccess:
    def url(self, calibration_round):
        return reverse("calibration:round-detail", args=[calibration_round.pk])

    def test_anonymous_visitors_are_sent_to_log_in(self, anonymous_client, open_round):
        response = anonymous_client.get(self.url(open_round))
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_a_lead_of_another_team_gets_404(self, other_lead_client, open_round):
        assert other_lead_client.get(self.url(open_round)).status_code == 404

    def test_a_reviewer_outside_the_cohort_gets_404(self, client, open_round, outside_trainee):
        client.force_login(outside_trainee)
        assert client.get(self.url(open_round)).status_code == 404

    def test_a_reviewer_in_the_cohort_cannot_close_the_round(self, trainee_client, open_round):
        response = trainee_client.post(reverse("calibration:round-close", args=[open_round.pk]))
        assert response.status_code == 403

    def test_a_reviewer_never_sees_another_reviewers_answer_in_an_open_round(
        self, trainee_client, open_round, second_trainee, scenarios
    ):
        round_answer_submit(calibration_round=open_round, user=second_trainee, scenario=scenarios[2], **P3)
        page = trainee_client.get(self.url(open_round)).content.decode()
        assert "P3 · " in page  # the clause list offers P3 as a choice ...
        assert "answered" not in page.split("<ol>")[1]  # ... but nothing marks another reviewer's answer
        assert trainee_client.get(self.url(open_round) + "?format=json").status_code == 404

    def test_the_answer_page_holds_no_gold_answer(self, trainee_client, open_round):
        page = trainee_client.get(self.url(open_round)).content.decode()
        assert "R-V4-link-to-material" not in page  # the rule that decides the gold answer
        assert "badge good" not in page.split("Scenario 1")[1]  # no answer is marked right

    def test_the_lead_sees_counts_but_not_answers_while_the_round_is_open(
        self, lead_client, open_round, trainee, scenarios
    ):
        round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4)
        page = lead_client.get(self.url(open_round)).content.decode()
        assert "1 of 3" in page and "V4:" not in page

    def test_a_reviewer_answers_through_the_page(self, trainee_client, open_round, scenarios):
        response = trainee_client.post(
            reverse("calibration:round-answer", args=[open_round.pk, scenarios[0].pk]),
            {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": "true"},
        )
        assert response.status_code == 302
        assert Answer.objects.get().clause_id == "V4"

    def test_a_bad_answer_gets_the_form_back_with_errors_and_saves_nothing(self, trainee_client, open_round, scenarios):
        response = trainee_client.post(
            reverse("calibration:round-answer", args=[open_round.pk, scenarios[0].pk]), {"verdict": "violating"}
        )
        assert response.status_code == 400
        assert "A violating verdict needs the clause it violates." in response.content.decode()
        assert not Answer.objects.exists()

    def test_the_lead_closes_the_round_and_sees_alpha_and_the_split_scenario(
        self, lead_client, open_round, trainee, second_trainee, third_trainee, scenarios
    ):
        answer_all(open_round, trainee, scenarios, [V4, BENIGN, P3])
        answer_all(open_round, second_trainee, scenarios, [V4, BENIGN, BENIGN])
        answer_all(open_round, third_trainee, scenarios, [V4, BENIGN, V4 | {"clause_id": "V3"}])
        response = lead_client.post(reverse("calibration:round-close", args=[open_round.pk]))
        assert response.status_code == 302
        page = lead_client.get(self.url(open_round)).content.decode()
        assert "Krippendorff's alpha, 95% interval" in page
        assert "Split the reviewers most:</strong> CAL-003 · Advocacy post" in page

    def test_the_round_results_export_as_json(self, lead_client, closed_round):
        data = lead_client.get(self.url(closed_round) + "?format=json").json()
        assert data["rows"][2] == {
            "position": 3,
            "scenario": "CAL-003",
            "title": "Advocacy post",
            "gold": "P3",
            "answers": 3,
            "agreement": 0.0,
            "facility": 0.3333,
            "distribution": "P3: 1; V3: 1; none: 1",
            "split": True,
        }

    def test_the_round_list_shows_a_lead_only_their_teams_rounds(self, other_lead_client, lead_client, open_round):
        assert "November calibration" in lead_client.get(reverse("calibration:round-list")).content.decode()
        assert "November calibration" not in other_lead_client.get(reverse("calibration:round-list")).content.decode()

    def test_a_trainee_cannot_open_the_create_page(self, trainee_client):
        assert trainee_client.get(reverse("calibration:round-create")).status_code == 403

    def test_the_round_list_runs_a_fixed_number_of_queries(
        self, lead_client, open_round, closed_round, django_assert_num_queries
    ):
        # session, user, rounds with counts (the teams led are a subquery)
        with django_assert_num_queries(3):
            lead_client.get(reverse("calibration:round-list"))


def make_overdue(calibration_round):
    """Move a round's window into the past, as if its closing time had passed unattended."""
    now = timezone.now()
    CalibrationRound.objects.filter(pk=calibration_round.pk).update(
        opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(hours=1)
    )
    calibration_round.refresh_from_db()
    return calibration_round


class TestRoundCancel:
    def test_a_cancelled_round_keeps_its_answers_expires_open_attempts_and_is_listed_as_cancelled(
        self, open_round, team_lead, trainee, scenarios
    ):
        round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4)
        round_cancel(calibration_round=open_round, cancelled_by=team_lead)
        open_round.refresh_from_db()
        assert (round_state(open_round), open_round.cancelled_by, open_round.closed_at) == (
            "cancelled",
            team_lead,
            None,
        )
        assert Answer.objects.count() == 1
        assert list(Attempt.objects.values_list("status", flat=True)) == ["expired"]

    def test_a_cancelled_round_is_never_measured(self, open_round, team_lead, trainee, second_trainee, scenarios):
        answer_all(open_round, trainee, scenarios, [V4, BENIGN, P3])
        answer_all(open_round, second_trainee, scenarios, [V4, BENIGN, P3])
        round_cancel(calibration_round=open_round, cancelled_by=team_lead)
        with pytest.raises(RoundError, match=r"This round was cancelled, so it has no results to show\."):
            round_close(calibration_round=open_round, closed_by=team_lead)
        assert not AgreementSnapshot.objects.exists()

    def test_no_answer_is_taken_after_cancelling(self, open_round, team_lead, trainee, scenarios):
        round_cancel(calibration_round=open_round, cancelled_by=team_lead)
        with pytest.raises(RoundError, match=r"This round was cancelled: answers can no longer be given\."):
            round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4)
        assert not Answer.objects.exists()

    def test_a_closed_round_cannot_be_cancelled(self, closed_round, team_lead):
        with pytest.raises(RoundError, match=r"This round is closed; a closed round's results are kept"):
            round_cancel(calibration_round=closed_round, cancelled_by=team_lead)
        closed_round.refresh_from_db()
        assert closed_round.cancelled_at is None

    def test_cancelling_twice_is_refused(self, open_round, team_lead):
        round_cancel(calibration_round=open_round, cancelled_by=team_lead)
        with pytest.raises(RoundError, match=r"This round is already cancelled\."):
            round_cancel(calibration_round=open_round, cancelled_by=team_lead)

    def test_the_lead_cancels_through_the_page_and_the_round_shows_as_cancelled(self, lead_client, open_round):
        response = lead_client.post(reverse("calibration:round-cancel", args=[open_round.pk]))
        assert (response.status_code, response["Location"]) == (302, f"/quiz/rounds/{open_round.pk}/")
        page = lead_client.get(reverse("calibration:round-detail", args=[open_round.pk])).content.decode()
        assert 'id="round-state">cancelled</span>' in page
        assert "Its answers stay blind and do not count towards any agreement figure." in page
        listing = lead_client.get(reverse("calibration:round-list")).content.decode()
        assert '<span class="badge bad">cancelled</span>' in listing

    def test_a_reviewer_in_the_cohort_cannot_cancel(self, trainee_client, open_round):
        assert trainee_client.post(reverse("calibration:round-cancel", args=[open_round.pk])).status_code == 403
        open_round.refresh_from_db()
        assert open_round.cancelled_at is None

    def test_a_lead_of_another_team_gets_404(self, other_lead_client, open_round):
        assert other_lead_client.post(reverse("calibration:round-cancel", args=[open_round.pk])).status_code == 404

    def test_anonymous_visitors_are_sent_to_log_in(self, anonymous_client, open_round):
        response = anonymous_client.post(reverse("calibration:round-cancel", args=[open_round.pk]))
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_cancel_only_answers_post(self, lead_client, open_round):
        assert lead_client.get(reverse("calibration:round-cancel", args=[open_round.pk])).status_code == 405


class TestRoundExtend:
    def test_extending_moves_the_closing_time_and_the_open_attempts_deadline(
        self, team_lead, open_round, trainee, scenarios
    ):
        round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4)
        later = open_round.closes_at + dt.timedelta(days=2)
        round_extend(calibration_round=open_round, closes_at=later, extended_by=team_lead)
        open_round.refresh_from_db()
        assert open_round.closes_at == later
        assert Attempt.objects.get().deadline_at == later

    def test_an_overdue_round_extended_into_the_future_takes_answers_again(
        self, team_lead, open_round, trainee, scenarios
    ):
        make_overdue(open_round)
        assert round_state(open_round) == "overdue"
        round_extend(
            calibration_round=open_round, closes_at=timezone.now() + dt.timedelta(days=1), extended_by=team_lead
        )
        round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4)
        assert (round_state(open_round), Answer.objects.count()) == ("open", 1)

    def test_an_earlier_closing_time_is_refused_with_a_field_message(self, team_lead, open_round):
        before = open_round.closes_at
        with pytest.raises(RoundError, match=r"Choose a closing time after the current one") as error:
            round_extend(calibration_round=open_round, closes_at=before - dt.timedelta(hours=1), extended_by=team_lead)
        assert error.value.field == "closes_at"
        open_round.refresh_from_db()
        assert open_round.closes_at == before

    def test_a_closing_time_in_the_past_is_refused(self, team_lead, open_round):
        make_overdue(open_round)
        with pytest.raises(RoundError, match=r"Choose a closing time in the future\."):
            round_extend(
                calibration_round=open_round,
                closes_at=open_round.closes_at + dt.timedelta(minutes=30),
                extended_by=team_lead,
            )

    def test_a_closed_round_cannot_be_extended(self, team_lead, closed_round):
        with pytest.raises(RoundError, match=r"This round is closed; its results are final\."):
            round_extend(
                calibration_round=closed_round, closes_at=timezone.now() + dt.timedelta(days=9), extended_by=team_lead
            )

    def test_the_lead_extends_through_the_page(self, lead_client, open_round):
        later = timezone.localtime(open_round.closes_at + dt.timedelta(days=1)).replace(second=0, microsecond=0)
        response = lead_client.post(
            reverse("calibration:round-extend", args=[open_round.pk]), {"closes_at": later.strftime("%Y-%m-%dT%H:%M")}
        )
        assert response.status_code == 302
        open_round.refresh_from_db()
        assert open_round.closes_at == later

    def test_a_bad_closing_time_through_the_page_changes_nothing_and_says_why(self, lead_client, open_round):
        before = open_round.closes_at
        response = lead_client.post(
            reverse("calibration:round-extend", args=[open_round.pk]), {"closes_at": "not a date"}, follow=True
        )
        assert "Enter a valid date/time." in response.content.decode()
        open_round.refresh_from_db()
        assert open_round.closes_at == before

    def test_a_reviewer_in_the_cohort_cannot_extend(self, trainee_client, open_round):
        response = trainee_client.post(
            reverse("calibration:round-extend", args=[open_round.pk]), {"closes_at": "2099-01-01T10:00"}
        )
        assert response.status_code == 403


class TestRoundReminders:
    def test_a_reviewer_sees_how_many_scenarios_they_have_left(self, trainee_client, open_round, trainee, scenarios):
        round_answer_submit(calibration_round=open_round, user=trainee, scenario=scenarios[0], **V4)
        page = trainee_client.get(reverse("calibration:round-detail", args=[open_round.pk])).content.decode()
        assert "<strong>2 scenarios left</strong> · 1 of 3 answered." in page

    def test_an_overdue_round_asks_its_lead_to_close_it_on_the_round_page(self, lead_client, open_round):
        make_overdue(open_round)
        page = lead_client.get(reverse("calibration:round-detail", args=[open_round.pk])).content.decode()
        assert "<strong>Overdue: close it to see results.</strong>" in page

    def test_an_overdue_round_asks_its_lead_to_close_it_on_the_round_list(self, lead_client, open_round):
        make_overdue(open_round)
        page = lead_client.get(reverse("calibration:round-list")).content.decode()
        assert "November calibration</a></strong> passed its closing time" in page
        assert "<strong>Overdue: close it to see results.</strong>" in page

    def test_an_overdue_round_asks_its_lead_to_close_it_on_the_dashboard(self, lead_client, open_round):
        make_overdue(open_round)
        page = lead_client.get(reverse("analytics:lead-dashboard")).content.decode()
        assert "November calibration</a></strong> (Team North) passed its closing time" in page

    def test_a_reviewer_is_not_asked_to_close_an_overdue_round(self, trainee_client, open_round):
        make_overdue(open_round)
        page = trainee_client.get(reverse("calibration:round-list")).content.decode()
        assert "Overdue: close it" not in page

    def test_an_open_round_raises_no_overdue_call_to_action(self, lead_client, open_round):
        page = lead_client.get(reverse("analytics:lead-dashboard")).content.decode()
        assert "Overdue: close it" not in page
