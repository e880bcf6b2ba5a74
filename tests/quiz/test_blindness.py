"""Blind means blind: the exposure record, and every path by which a reviewer could meet, in a round
or a draw, a scenario whose gold answer they have already seen or will see before answering.

Written from the attacker's side: each test takes a way a reviewer sees gold (practice feedback, a
finished attempt's results, a closed round's results page, a lesson) and checks that no round and no
draw can then hand them that scenario, through the services, the pages and the API."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from calibration.models import CalibrationRound
from calibration.services import RoundError, round_answer_submit, round_close, round_create
from quiz.models import Attempt, AttemptItem, GoldExposure, Quiz
from quiz.selectors.exposure import seen_graded_by
from quiz.services.attempts import answer_record, attempt_start, attempt_submit
from tests.quiz.factories import QuizFactory, QuizItemFactory
from tests.training.factories import ScenarioFactory

RIGHT = {
    "Q-V4": {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True},
    "Q-BENIGN": {"verdict": "not_violating", "clause_id": "", "action": "no_action", "report_to_ncmec": False},
}
ANY_ANSWER = RIGHT["Q-V4"]


def _window():
    now = timezone.now()
    return {"opens_at": now - dt.timedelta(hours=1), "closes_at": now + dt.timedelta(days=2)}


def _round(team, lead, cohort, **kwargs):
    return round_create(team=team, title="Blind round", created_by=lead, cohort=cohort, **_window(), **kwargs)


def _practise(user, scenarios):
    """The user practises exactly these scenarios and sees each one's feedback."""
    quiz = QuizFactory(mode=Quiz.Mode.PRACTICE, question_count=len(scenarios))
    for position, scenario in enumerate(scenarios, 1):
        QuizItemFactory(quiz=quiz, scenario=scenario, position=position)
    attempt = attempt_start(user=user, quiz=quiz)
    for scenario in scenarios:
        answer_record(attempt=attempt, scenario=scenario, user=user, **ANY_ANSWER)
    return attempt


class TestTheExposureRecord:
    def test_practice_feedback_records_the_answered_scenario_at_once(self, trainee, bank):
        attempt = _practise(trainee, [bank["Q-V4"]])

        exposure = GoldExposure.objects.get(user=trainee)
        assert (exposure.scenario, exposure.source, exposure.attempt) == (
            bank["Q-V4"],
            GoldExposure.Source.PRACTICE_FEEDBACK,
            attempt,
        )

    def test_an_assessment_answer_records_nothing_before_submission(self, trainee, bank):
        quiz = QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=2)
        attempt = attempt_start(user=trainee, quiz=quiz)
        scenario = attempt.items.first().scenario
        answer_record(attempt=attempt, scenario=scenario, user=trainee, **ANY_ANSWER)

        assert not GoldExposure.objects.filter(user=trainee).exists()

    def test_submitting_an_attempt_records_every_item_answered_or_not(self, trainee, bank):
        quiz = QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=3)
        attempt = attempt_start(user=trainee, quiz=quiz)
        attempt_submit(attempt=attempt, user=trainee)

        items = set(attempt.items.values_list("scenario_id", flat=True))
        recorded = set(
            GoldExposure.objects.filter(user=trainee, source=GoldExposure.Source.ATTEMPT_RESULTS).values_list(
                "scenario_id", flat=True
            )
        )
        assert len(items) == 3
        assert recorded == items

    def test_closing_a_round_records_every_scenario_for_every_cohort_member(
        self, team, team_lead, trainee, second_trainee, bank
    ):
        calibration_round = _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"], bank["Q-P3"]])
        round_answer_submit(calibration_round=calibration_round, user=trainee, scenario=bank["Q-V4"], **ANY_ANSWER)
        round_close(calibration_round=calibration_round, closed_by=team_lead)

        pairs = set(
            GoldExposure.objects.filter(calibration_round=calibration_round).values_list("user__username", "scenario")
        )
        assert pairs == {(u, s.pk) for u in ("tara", "theo") for s in (bank["Q-V4"], bank["Q-P3"])}

    def test_a_round_answer_records_nothing_while_the_round_is_open(
        self, team, team_lead, trainee, second_trainee, bank
    ):
        calibration_round = _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"]])
        round_answer_submit(calibration_round=calibration_round, user=trainee, scenario=bank["Q-V4"], **ANY_ANSWER)

        assert not GoldExposure.objects.exists()

    def test_reading_a_lesson_records_its_worked_examples(self, trainee_client, trainee, published_policy):
        example = ScenarioFactory(key="EX-V4", intended_clause="V4", is_worked_example=True)

        response = trainee_client.get(reverse("training:lesson-detail", args=["V4"]))

        assert response.status_code == 200
        assert list(seen_graded_by(trainee.pk)) == [example.pk]

    def test_the_selector_gives_each_scenario_with_the_first_time_it_was_shown(self, trainee, bank):
        first = _practise(trainee, [bank["Q-V4"]])
        _practise(trainee, [bank["Q-V4"]])

        assert seen_graded_by(trainee.pk) == {bank["Q-V4"].pk: first.answers.get().answered_at}

    def test_a_second_showing_on_the_same_occasion_adds_no_row(self, trainee, bank):
        attempt = _practise(trainee, [bank["Q-V4"]])
        attempt_submit(attempt=attempt, user=trainee)

        assert GoldExposure.objects.filter(user=trainee, attempt=attempt).count() == 1


class TestRoundsRefuseWhatTheCohortHasSeen:
    def test_a_hand_picked_scenario_seen_in_practice_is_refused_and_nothing_is_written(
        self, team, team_lead, trainee, second_trainee, bank
    ):
        _practise(second_trainee, [bank["Q-V4"]])

        with pytest.raises(RoundError, match=r"Not blind for this cohort: Q-V4\.") as error:
            _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"], bank["Q-P3"]])

        assert error.value.field == "scenarios"
        assert not CalibrationRound.objects.exists()

    def test_a_closed_rounds_scenarios_cannot_feed_a_new_round_for_the_same_reviewers(
        self, team, team_lead, trainee, second_trainee, bank
    ):
        # The outside test's leak: a closed round's results page shows gold for an open round's items.
        first = _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"]])
        round_close(calibration_round=first, closed_by=team_lead)

        with pytest.raises(RoundError, match="Not blind for this cohort: Q-V4"):
            _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"]])

    def test_a_scenario_of_an_assessment_in_progress_is_refused(self, team, team_lead, trainee, second_trainee, bank):
        quiz = QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=5)
        attempt = attempt_start(user=trainee, quiz=quiz)
        owed = attempt.items.first().scenario

        with pytest.raises(RoundError, match=f"Not blind for this cohort: {owed.key}"):
            _round(team, team_lead, [trainee, second_trainee], scenarios=[owed])

    def test_a_scenario_of_another_open_round_of_a_cohort_member_is_refused(
        self, team, team_lead, trainee, second_trainee, bank
    ):
        # When the first round closes its results would show the gold of the second round's item.
        _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"]])

        with pytest.raises(RoundError, match="Not blind for this cohort: Q-V4"):
            _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"]])

    def test_an_automatic_pick_never_takes_a_seen_scenario(self, team, team_lead, trainee, second_trainee, bank):
        seen = [bank["Q-V4"], bank["Q-V1"], bank["Q-P3"]]
        _practise(trainee, seen)

        calibration_round = _round(team, team_lead, [trainee, second_trainee], auto_count=2, seed=7)

        picked = set(calibration_round.items.values_list("scenario__key", flat=True))
        assert picked == {"Q-B5", "Q-BENIGN"}

    def test_a_pick_the_bank_cannot_fill_blind_names_what_is_left_per_clause(
        self, team, team_lead, trainee, second_trainee, bank
    ):
        _practise(trainee, [bank["Q-V4"], bank["Q-V1"], bank["Q-P3"]])

        with pytest.raises(RoundError) as error:
            _round(team, team_lead, [trainee, second_trainee], auto_count=4, seed=7)

        assert str(error.value) == (
            "Only 2 scenario(s) are still blind for this cohort (nobody in it has seen their gold answer): "
            "B5 1, none 1. Ask for 2 or fewer, or take fewer."
        )
        assert not CalibrationRound.objects.exists()

    def test_a_lead_may_take_fewer_blind_scenarios_than_asked(self, team, team_lead, trainee, second_trainee, bank):
        _practise(trainee, [bank["Q-V4"], bank["Q-V1"], bank["Q-P3"]])

        calibration_round = _round(team, team_lead, [trainee, second_trainee], auto_count=4, seed=7, allow_fewer=True)

        assert set(calibration_round.items.values_list("scenario__key", flat=True)) == {"Q-B5", "Q-BENIGN"}

    def test_what_another_team_has_seen_does_not_count(
        self, team, team_lead, trainee, second_trainee, outside_trainee, bank
    ):
        _practise(outside_trainee, [bank["Q-V4"]])

        calibration_round = _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"]])

        assert calibration_round.items.count() == 1


class TestRoundsThroughPagesAndApi:
    def test_the_form_marks_seen_scenarios_and_refuses_them_with_a_400(
        self, lead_client, team, trainee, second_trainee, bank
    ):
        _practise(trainee, [bank["Q-V4"]])
        page = lead_client.get(reverse("calibration:round-create")).content.decode()
        assert "Q-V4 · Case 1 (seen graded by 1 reviewer)" in page
        assert "Q-P3 · Case 4 (blind)" in page

        window = _window()
        response = lead_client.post(
            reverse("calibration:round-create"),
            {
                "team": team.pk,
                "title": "Leaky",
                "cohort": [trainee.pk, second_trainee.pk],
                "scenarios": [bank["Q-V4"].pk],
                "opens_at": window["opens_at"].strftime("%Y-%m-%dT%H:%M"),
                "closes_at": window["closes_at"].strftime("%Y-%m-%dT%H:%M"),
            },
        )

        assert response.status_code in (200, 400)
        assert "Not blind for this cohort: Q-V4." in response.content.decode()
        assert not CalibrationRound.objects.exists()

    def test_the_api_refuses_a_seen_scenario_with_a_field_message(
        self, lead_client, team, trainee, second_trainee, bank
    ):
        _practise(trainee, [bank["Q-V4"]])
        window = _window()

        response = lead_client.post(
            "/api/rounds/",
            {
                "team": team.pk,
                "title": "Leaky",
                "cohort": [trainee.pk, second_trainee.pk],
                "scenarios": [bank["Q-V4"].pk],
                "opens_at": window["opens_at"].isoformat(),
                "closes_at": window["closes_at"].isoformat(),
            },
            content_type="application/json",
        )

        assert response.status_code == 400
        assert "Not blind for this cohort: Q-V4." in str(response.json()["scenarios"])
        assert not CalibrationRound.objects.exists()

    def test_the_api_takes_fewer_when_asked(self, lead_client, team, trainee, second_trainee, bank):
        _practise(trainee, [bank["Q-V4"], bank["Q-V1"], bank["Q-P3"]])
        window = _window()

        response = lead_client.post(
            "/api/rounds/",
            {
                "team": team.pk,
                "title": "Short",
                "cohort": [trainee.pk, second_trainee.pk],
                "auto_count": 4,
                "allow_fewer": True,
                "opens_at": window["opens_at"].isoformat(),
                "closes_at": window["closes_at"].isoformat(),
            },
            content_type="application/json",
        )

        assert response.status_code == 201
        assert len(response.json()["scenarios"]) == 2


class TestDraws:
    def test_practice_never_draws_an_item_of_the_users_open_assessment(self, trainee, bank):
        assessment = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=3))
        owed = set(assessment.items.values_list("scenario_id", flat=True))

        for seed in range(10):
            practice = attempt_start(
                user=trainee, quiz=QuizFactory(mode=Quiz.Mode.PRACTICE, question_count=5), seed=seed
            )
            assert not owed & set(practice.items.values_list("scenario_id", flat=True))

    def test_adaptive_practice_never_draws_an_item_of_the_users_open_assessment(self, trainee, bank):
        assessment = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=3))
        owed = set(assessment.items.values_list("scenario_id", flat=True))

        adaptive = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.ADAPTIVE, question_count=5))

        assert not owed & set(adaptive.items.values_list("scenario_id", flat=True))

    def test_practice_never_draws_an_item_of_an_open_round_the_user_is_in(
        self, team, team_lead, trainee, second_trainee, bank
    ):
        _round(team, team_lead, [trainee, second_trainee], scenarios=[bank["Q-V4"], bank["Q-B5"]])

        practice = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.PRACTICE, question_count=5))

        assert set(practice.items.values_list("scenario__key", flat=True)) == {"Q-V1", "Q-P3", "Q-BENIGN"}

    def test_the_practice_api_never_draws_an_item_of_the_users_open_assessment(self, trainee_client, trainee, bank):
        assessment = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=3))
        owed = set(assessment.items.values_list("scenario_id", flat=True))
        practice = QuizFactory(mode=Quiz.Mode.PRACTICE, question_count=5, open_to_all_trainees=True)

        response = trainee_client.post("/api/attempts/", {"quiz": practice.pk}, content_type="application/json")

        assert response.status_code == 201
        drawn = set(AttemptItem.objects.filter(attempt_id=response.json()["id"]).values_list("scenario_id", flat=True))
        assert drawn and not owed & drawn

    def test_an_assessment_prefers_unseen_items_and_marks_the_seen_ones(self, trainee, bank):
        _practise(trainee, [bank["Q-V4"], bank["Q-V1"]])

        attempt = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=4))

        items = {item.scenario.key: item.seen_before for item in attempt.items.select_related("scenario")}
        unseen = {key for key, seen in items.items() if not seen}
        seen = {key for key, seen in items.items() if seen}
        assert unseen == {"Q-B5", "Q-P3", "Q-BENIGN"}
        assert seen in ({"Q-V4"}, {"Q-V1"})

    def test_an_assessment_with_enough_unseen_items_uses_only_those(self, trainee, bank):
        _practise(trainee, [bank["Q-V4"], bank["Q-V1"]])

        attempt = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=3))

        assert set(attempt.items.values_list("scenario__key", flat=True)) == {"Q-B5", "Q-P3", "Q-BENIGN"}
        assert not attempt.items.filter(seen_before=True).exists()


def test_an_attempt_records_nothing_when_it_is_left_in_progress(trainee, bank):
    attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=3))

    assert Attempt.objects.get(user=trainee).status == Attempt.Status.IN_PROGRESS
    assert not GoldExposure.objects.exists()
