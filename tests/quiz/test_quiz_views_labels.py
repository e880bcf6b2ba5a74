"""Feedback, results and lessons show the policy's titles, never raw ids like `permanent_suspension` or `True`."""

import pytest
from django.urls import reverse

from quiz.selectors.quizzes import answer_value_label, part_rows
from quiz.services.attempts import answer_record, attempt_start, attempt_submit
from tests.quiz.factories import AssignmentFactory, QuizFactory, quiz_bank
from tests.training.factories import V1_FACTS, ScenarioFactory
from training.policy import policy_from_file

POLICY = policy_from_file()


@pytest.mark.parametrize(
    ("part", "value", "label"),
    [
        ("verdict", "violating", "Violating"),
        ("verdict", "not_violating", "Not violating"),
        ("verdict", "", "—"),
        ("clause", "V4", "V4 · Links to exploitation material elsewhere"),
        ("clause_id", "", "No clause applies"),
        ("clause", "none", "No clause applies"),
        ("clause", "Z9", "Z9"),
        ("action", "permanent_suspension", "Permanent suspension"),
        ("action", "no_action", "No action"),
        ("action", "", "—"),
        ("action", "retired_action", "retired_action"),
        ("ncmec", True, "Due"),
        ("report_to_ncmec", False, "Not due"),
        ("ncmec", None, "—"),
        ("route", "in_product_form", "The in-product CSE report form"),
        ("report_route", "none", "No report"),
        ("route", "", "—"),
    ],
)
def test_each_answer_id_reads_as_its_policy_title(part, value, label):
    assert answer_value_label(POLICY, part, value) == label


def test_an_unknown_part_is_refused():
    with pytest.raises(ValueError, match="Unknown answer part 'colour'"):
        answer_value_label(POLICY, "colour", "x")


def test_part_rows_title_each_part_and_give_no_points_for_a_wrong_part():
    parts = {
        "verdict": {"given": "violating", "expected": "violating", "correct": True, "points": 2.0, "max_points": 2.0},
        "ncmec": {"given": False, "expected": True, "correct": False, "points": 0.0, "max_points": 1.0},
    }

    assert part_rows(POLICY, parts) == [
        {
            "name": "verdict",
            "title": "Verdict",
            "given": "Violating",
            "expected": "Violating",
            "correct": True,
            "points": 2.0,
            "max_points": 2.0,
        },
        {
            "name": "ncmec",
            "title": "NCMEC report",
            "given": "Not due",
            "expected": "Due",
            "correct": False,
            "points": 0.0,
            "max_points": 1.0,
        },
    ]


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def bank(published_policy):
    return quiz_bank()


def _practice_answer(trainee, team, bank, **given):
    quiz = QuizFactory(title="Practice set", question_count=5)
    AssignmentFactory(quiz=quiz, team=team)
    attempt = attempt_start(user=trainee, quiz=quiz)
    answer_record(attempt=attempt, scenario=bank["Q-V4"], user=trainee, **given)
    return attempt


@pytest.mark.django_db
def test_practice_feedback_shows_titles_not_ids(trainee_client, trainee, team, bank):
    given = {"verdict": "violating", "clause_id": "V4", "action": "no_action", "report_to_ncmec": False}
    attempt = _practice_answer(trainee, team, bank, **given)
    position = attempt.items.get(scenario=bank["Q-V4"]).position

    response = trainee_client.get(reverse("quiz:attempt-take", args=[attempt.pk]) + f"?item={position}")

    content = response.content.decode()
    assert (
        '<tr><th scope="row">Enforcement action</th><td>No action</td><td>Permanent suspension</td>' in content
        and '<tr><th scope="row">NCMEC report</th><td>Not due</td><td>Due</td>' in content
        and "NCMEC report: Due · reported through The in-product CSE report form" in content
    )
    assert not any(raw in content for raw in ("permanent_suspension", "no_action", "in_product_form", ">True<"))


@pytest.mark.django_db
def test_results_show_titles_and_clause_names_in_the_breakdown(trainee_client, trainee, team, bank):
    given = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True}
    attempt = attempt_submit(attempt=_practice_answer(trainee, team, bank, **given), user=trainee)

    content = trainee_client.get(reverse("quiz:attempt-results", args=[attempt.pk])).content.decode()

    assert '<a href="/training/lessons/V4/">V4 · Links to exploitation material elsewhere</a>' in content
    assert "<td>Permanent suspension</td><td>Permanent suspension</td>" in content
    assert "permanent_suspension" not in content and "in_product_form" not in content


@pytest.mark.django_db
def test_a_lesson_worked_example_shows_titles_not_ids(trainee_client, published_policy):
    ScenarioFactory(key="V1-001", facts=V1_FACTS, intended_clause="V1", is_worked_example=True)

    content = trainee_client.get(reverse("training:lesson-detail", args=["V1"])).content.decode()

    assert "Enforcement action: Permanent suspension." in content
    assert "NCMEC report: Due. Reporting route: The in-product CSE report form." in content
    assert "permanent_suspension" not in content and "in_product_form" not in content
