"""The quiz-statistics page: Moodle's test and item statistics over each trainee's first finished
attempt, decision consistency for assessments, who may read it, and its exports."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from analytics.quiz_statistics import QuizColumn, QuizMarks, quiz_marks, quiz_report
from quiz.models import Attempt, Quiz
from quiz.scoring import DEFAULT_RUBRIC
from tests.accounts.factories import TeamMembershipFactory, UserFactory
from tests.quiz.factories import AnswerFactory, AttemptFactory, AttemptItemFactory, QuizFactory, SharedQuizFactory
from tests.training.factories import ScenarioFactory

pytestmark = pytest.mark.django_db

CASE_MAX = DEFAULT_RUBRIC.max_points("case")
FULL = CASE_MAX


def _finished_attempt(user, quiz, scenarios, points, *, started_at=None, critical=(), status="submitted"):
    """A finished attempt with one item per scenario; ``points`` per scenario (None: unanswered)."""
    started_at = started_at or timezone.now() - dt.timedelta(days=1)
    attempt = AttemptFactory(user=user, quiz=quiz, status=status, started_at=started_at, submitted_at=started_at)
    for position, (scenario, earned) in enumerate(zip(scenarios, points, strict=True), start=1):
        AttemptItemFactory(attempt=attempt, scenario=scenario, position=position)
        if earned is not None:
            penalty = DEFAULT_RUBRIC.critical_miss_penalty if position in critical else 0.0
            AnswerFactory(
                attempt=attempt,
                scenario=scenario,
                points=earned - penalty,
                max_points=CASE_MAX,
                is_critical_miss=position in critical,
                scored_rubric=DEFAULT_RUBRIC.as_dict(),
            )
    return attempt


@pytest.fixture
def scenarios(published_policy):
    return [ScenarioFactory() for _ in range(3)]


def _members(team, count):
    users = [UserFactory(role="trainee") for _ in range(count)]
    for user in users:
        TeamMembershipFactory(team=team, user=user)
    return users


# --- The marks matrix ---------------------------------------------------------------------------


def test_first_finished_attempts_only(team, scenarios):
    quiz = QuizFactory(mode=Quiz.Mode.ASSESSMENT)
    (user,) = _members(team, 1)
    _finished_attempt(user, quiz, scenarios, [FULL, 0, FULL], started_at=timezone.now() - dt.timedelta(days=3))
    _finished_attempt(user, quiz, scenarios, [FULL, FULL, FULL], started_at=timezone.now() - dt.timedelta(days=1))
    AttemptFactory(user=UserFactory(role="trainee"), quiz=quiz, status=Attempt.Status.IN_PROGRESS)

    marks = quiz_marks(quiz)

    assert marks.marks.tolist() == [[FULL, 0.0, FULL]]


def test_a_critical_miss_counts_the_points_earned_without_its_penalty(team, scenarios):
    quiz = QuizFactory()
    (user,) = _members(team, 1)
    _finished_attempt(user, quiz, scenarios, [0, 2, FULL], critical=(1,))

    assert quiz_marks(quiz).marks.tolist() == [[0.0, 2.0, FULL]]


def test_an_unanswered_item_of_a_finished_attempt_scores_zero(team, scenarios):
    quiz = QuizFactory()
    (user,) = _members(team, 1)
    _finished_attempt(user, quiz, scenarios, [FULL, None, FULL], status="expired")

    assert quiz_marks(quiz).marks.tolist() == [[FULL, 0.0, FULL]]


def test_the_same_scenarios_in_any_order_make_a_fixed_form_with_a_column_per_scenario(team, scenarios):
    quiz = QuizFactory()
    first, second = _members(team, 2)
    _finished_attempt(first, quiz, scenarios, [FULL, 0, 4])
    _finished_attempt(second, quiz, list(reversed(scenarios)), [4, 0, FULL])

    marks = quiz_marks(quiz)

    assert marks.fixed_form
    assert [column.scenario for column in marks.columns] == scenarios
    assert marks.marks.tolist() == [[FULL, 0.0, 4.0], [FULL, 0.0, 4.0]]


def test_random_draws_make_a_column_per_position(team, published_policy):
    quiz = QuizFactory()
    first, second = _members(team, 2)
    a, b, c = (ScenarioFactory() for _ in range(3))
    _finished_attempt(first, quiz, [a, b], [FULL, 0])
    _finished_attempt(second, quiz, [c, b], [0, FULL])

    marks = quiz_marks(quiz)

    assert not marks.fixed_form
    assert [(column.scenario, column.scenario_count) for column in marks.columns] == [(None, 2), (None, 1)]


def test_attempts_of_another_length_are_left_out_and_counted(team, scenarios):
    quiz = QuizFactory()
    first, second, third = _members(team, 3)
    _finished_attempt(first, quiz, scenarios, [FULL, FULL, FULL])
    _finished_attempt(second, quiz, scenarios, [0, FULL, FULL])
    _finished_attempt(third, quiz, scenarios[:2], [FULL, FULL])

    marks = quiz_marks(quiz)

    assert (marks.n_trainees, marks.attempts_left_out) == (2, 1)


# --- The report (pure) --------------------------------------------------------------------------


def _marks(matrix, *, mode=Quiz.Mode.ASSESSMENT, pass_mark=50):
    matrix = np.asarray(matrix, dtype=float)
    columns = tuple(QuizColumn(i + 1, None, 1, 1.0) for i in range(matrix.shape[1]))
    quiz = Quiz(title="Q", mode=mode, pass_mark_percent=pass_mark)
    return QuizMarks(quiz, columns, matrix, True, 0, None)


CONSISTENT = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]


def test_a_consistent_quiz_reads_satisfactory(db):
    report = quiz_report(_marks(CONSISTENT))

    assert report.statistics.cic > 75
    assert any("satisfactory (above 75%)" in reading for reading in report.readings)


def test_a_quiz_whose_items_pull_apart_reads_not_satisfactory(db):
    report = quiz_report(_marks([[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 0, 1], [0, 1, 1, 1], [1, 1, 0, 0], [0, 0, 1, 0]]))

    assert report.statistics.cic < 64
    assert any("not satisfactory" in reading for reading in report.readings)


def test_an_assessment_reports_decision_consistency_and_practice_does_not(db):
    assessment = quiz_report(_marks(CONSISTENT))
    practice = quiz_report(_marks(CONSISTENT, mode=Quiz.Mode.PRACTICE))

    assert 0.5 <= assessment.consistency.decision_consistency <= 1
    assert practice.consistency is None


def test_few_trainees_are_called_out(db):
    report = quiz_report(_marks(CONSISTENT))

    assert report.readings[0].startswith("Only 6 trainees so far")


def test_a_quiz_nobody_finished_says_so(db):
    report = quiz_report(_marks(np.zeros((0, 3))))

    assert (report.statistics, report.readings) == (None, ("No trainee has finished this quiz yet.",))


# --- The page -----------------------------------------------------------------------------------


@pytest.fixture
def shared_assessment(team, other_team, scenarios):
    quiz = SharedQuizFactory(mode=Quiz.Mode.ASSESSMENT, pass_mark_percent=60)
    for user, points in zip(_members(team, 3), ([FULL, FULL, FULL], [FULL, 0, FULL], [0, 0, FULL]), strict=True):
        _finished_attempt(user, quiz, scenarios, points)
    for user in _members(other_team, 2):
        _finished_attempt(user, quiz, scenarios, [0, 0, 0])
    return quiz


def _url(quiz, query=""):
    return f"/quiz/quizzes/{quiz.pk}/statistics/{query}"


def test_a_trainee_is_refused(trainee_client, shared_assessment):
    assert trainee_client.get(_url(shared_assessment)).status_code == 403


def test_a_lead_reads_their_own_teams_trainees_only(lead_client, team_lead, shared_assessment):
    response = lead_client.get(_url(shared_assessment))

    assert (response.status_code, response.context["report"].marks.n_trainees) == (200, 3)


def test_the_policy_team_reads_every_trainee(policy_client, shared_assessment):
    response = policy_client.get(_url(shared_assessment))

    assert response.context["report"].marks.n_trainees == 5


def test_the_policy_team_can_narrow_to_one_team(policy_client, other_team, shared_assessment):
    response = policy_client.get(_url(shared_assessment, f"?team={other_team.pk}"))

    assert response.context["report"].marks.n_trainees == 2


def test_a_lead_cannot_name_another_team(lead_client, other_team, shared_assessment):
    assert lead_client.get(_url(shared_assessment, f"?team={other_team.pk}")).status_code == 404


def test_a_lead_cannot_read_another_leads_own_quiz(lead_client, other_lead):
    quiz = QuizFactory(created_by=other_lead)

    assert lead_client.get(_url(quiz)).status_code == 404


def test_a_bad_team_value_is_a_404_not_a_500(policy_client, shared_assessment):
    assert policy_client.get(_url(shared_assessment, "?team=abc")).status_code == 404


def test_the_page_shows_the_reading_and_the_decision_figures(lead_client, shared_assessment):
    page = lead_client.get(_url(shared_assessment)).content.decode()

    assert "Only 3 trainees so far" in page
    assert "Same decision on a parallel form" in page


def test_the_items_export_as_csv(lead_client, shared_assessment):
    response = lead_client.get(_url(shared_assessment, "?format=csv"))

    lines = response.content.decode().splitlines()
    assert lines[0].startswith("position,scenario,scenarios_drawn,max_mark,facility")
    assert len(lines) == 1 + 3


def test_the_test_figures_export_as_json(lead_client, shared_assessment):
    rows = lead_client.get(_url(shared_assessment, "?format=json&table=test")).json()["rows"]

    assert (rows[0]["trainees"], rows[0]["pass_mark_percent"]) == (3, 60)


def test_an_unknown_export_format_is_a_400(lead_client, shared_assessment):
    assert lead_client.get(_url(shared_assessment, "?format=xlsx")).status_code == 400


def test_the_page_runs_a_fixed_number_of_queries(lead_client, shared_assessment, django_assert_num_queries):
    # session, user, quiz, led teams, members, first attempts, items, answers, scenarios
    with django_assert_num_queries(9):
        response = lead_client.get(_url(shared_assessment))

    assert response.status_code == 200


def test_the_assignments_page_links_to_each_quizs_statistics(lead_client, shared_assessment):
    page = lead_client.get("/quiz/lead/assignments/").content.decode()

    assert _url(shared_assessment) in page


def test_decisions_no_better_than_chance_are_called_so(db):
    # Items that pull against each other: alpha is negative, so every trainee is regressed to the mean.
    report = quiz_report(_marks([[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 0, 1], [0, 1, 1, 1], [1, 1, 0, 0], [0, 0, 1, 0]]))

    assert any("no better than chance" in reading for reading in report.readings)


def test_an_undefined_figure_reads_as_a_dash_not_nan(lead_client, team, scenarios):
    quiz = SharedQuizFactory()
    for user in _members(team, 2):
        _finished_attempt(user, quiz, scenarios, [FULL, FULL, 0])  # every item the same for everyone

    page = lead_client.get(_url(quiz)).content.decode()

    assert "nan" not in page.lower()
