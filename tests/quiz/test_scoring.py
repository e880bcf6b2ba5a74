"""Table-driven tests for the pure scoring core: one row per kind of answer."""

import pytest

from quiz.scoring import (
    DEFAULT_RUBRIC,
    AnswerKey,
    Rubric,
    RubricInvalid,
    attempt_score,
    passes,
    rubric_from_dict,
    score_answer,
)

V4_EXPECTED = AnswerKey("violating", "V4", "permanent_suspension", True, "in_product_form")
B5_EXPECTED = AnswerKey("violating", "B5", "permanent_suspension", False, "in_product_form")
P3_EXPECTED = AnswerKey("not_violating", "P3", "no_action", False, "none")
BENIGN_EXPECTED = AnswerKey("not_violating", "", "no_action", False, "none")

CASES = [
    # (name, given, expected, points, is_correct, is_critical_miss)
    ("all parts right", AnswerKey("violating", "V4", "permanent_suspension", True), V4_EXPECTED, 6, True, False),
    ("wrong clause only", AnswerKey("violating", "V1", "permanent_suspension", True), V4_EXPECTED, 4, False, False),
    (
        "wrong action only",
        AnswerKey("violating", "V4", "remove_and_temporary_lock", True),
        V4_EXPECTED,
        5,
        False,
        False,
    ),
    (
        "missed NCMEC report only",
        AnswerKey("violating", "V4", "permanent_suspension", False),
        V4_EXPECTED,
        5,
        False,
        False,
    ),
    (
        "behaviour with no NCMEC report",
        AnswerKey("violating", "B5", "permanent_suspension", False),
        B5_EXPECTED,
        6,
        True,
        False,
    ),
    # A missed violation: verdict, clause, action and NCMEC all wrong, then the penalty.
    ("missed violation on V4", AnswerKey("not_violating", "", "no_action", False), V4_EXPECTED, 0 - 3, False, True),
    # NCMEC part right by coincidence (B5 needs no report): 1 point, minus the penalty.
    ("missed violation on B5", AnswerKey("not_violating", "P1", "no_action", False), B5_EXPECTED, 1 - 3, False, True),
    # Over-enforcement of a benign case: loses the parts it gets wrong, no penalty.
    (
        "over-enforcement of benign case",
        AnswerKey("violating", "V3", "permanent_suspension", True),
        BENIGN_EXPECTED,
        0,
        False,
        False,
    ),
    ("benign case, no clause", AnswerKey("not_violating", "", "no_action", False), BENIGN_EXPECTED, 6, True, False),
    ("permitted clause named", AnswerKey("not_violating", "P3", "no_action", False), P3_EXPECTED, 6, True, False),
    (
        "permitted case, clause left blank",
        AnswerKey("not_violating", "", "no_action", False),
        P3_EXPECTED,
        4,
        False,
        False,
    ),
]


@pytest.mark.parametrize(
    ("name", "given", "expected", "points", "is_correct", "is_critical"), CASES, ids=[c[0] for c in CASES]
)
def test_it_scores_each_case_answer_part_by_part(name, given, expected, points, is_correct, is_critical):
    result = score_answer(given, expected, DEFAULT_RUBRIC, "case")

    assert (result.points, result.max_points, result.is_correct, result.is_critical_miss) == (
        points,
        6,
        is_correct,
        is_critical,
    )


def test_a_missed_violation_costs_more_than_the_mirror_over_enforcement():
    missed = score_answer(AnswerKey("not_violating", "", "no_action", False), V4_EXPECTED)
    over = score_answer(V4_EXPECTED, BENIGN_EXPECTED)

    assert missed.points < over.points


def test_it_reports_every_part_with_given_expected_and_points():
    result = score_answer(AnswerKey("violating", "V1", "permanent_suspension", True), V4_EXPECTED)

    assert result.parts_as_dict() == {
        "verdict": {"given": "violating", "expected": "violating", "correct": True, "points": 2.0, "max_points": 2.0},
        "clause": {"given": "V1", "expected": "V4", "correct": False, "points": 0.0, "max_points": 2.0},
        "action": {
            "given": "permanent_suspension",
            "expected": "permanent_suspension",
            "correct": True,
            "points": 1.0,
            "max_points": 1.0,
        },
        "ncmec": {"given": True, "expected": True, "correct": True, "points": 1.0, "max_points": 1.0},
    }


ROUTE_CASES = [
    ("right route", "in_product_form", "in_product_form", 2, True, False),
    ("wrong route", "inhope_hotline", "ncmec_or_law_enforcement", 0, False, False),
    ("no report when one is due", "none", "inhope_hotline", -3, False, True),
    ("no report when none is due", "none", "none", 2, True, False),
    ("report when none is due", "in_product_form", "none", 0, False, False),
]


@pytest.mark.parametrize(
    ("name", "given", "expected", "points", "is_correct", "is_critical"), ROUTE_CASES, ids=[c[0] for c in ROUTE_CASES]
)
def test_it_scores_reporting_items_on_the_route_alone(name, given, expected, points, is_correct, is_critical):
    result = score_answer(AnswerKey(report_route=given), AnswerKey(report_route=expected), DEFAULT_RUBRIC, "reporting")

    assert (result.points, result.max_points, result.is_correct, result.is_critical_miss, list(result.parts)) == (
        points,
        2,
        is_correct,
        is_critical,
        ["route"],
    )


def test_a_custom_rubric_changes_the_weights():
    rubric = rubric_from_dict({"clause": 4, "critical_miss_penalty": 10})

    result = score_answer(AnswerKey("not_violating", "", "no_action", False), V4_EXPECTED, rubric)

    assert (result.points, result.max_points) == (-10, 8)


def test_an_empty_rubric_is_the_documented_default():
    assert rubric_from_dict({}) == DEFAULT_RUBRIC == Rubric(2, 2, 1, 1, 2, 3)


BAD_RUBRICS = [
    (
        {"clauses": 2},
        "Invalid rubric: unknown part 'clauses' "
        "(known parts: verdict, clause, action, ncmec, route, critical_miss_penalty).",
    ),
    ({"verdict": "two"}, "Invalid rubric: verdict must be a number, not 'two'."),
    ({"verdict": True}, "Invalid rubric: verdict must be a number, not True."),
    ({"action": -1}, "Invalid rubric: action must be from 0 to 100, not -1."),
    (
        {"verdict": 0, "clause": 0, "action": 0, "ncmec": 0},
        "Invalid rubric: a case item must be worth more than 0 points.",
    ),
    ({"route": 0}, "Invalid rubric: a reporting-route item must be worth more than 0 points."),
    ([1, 2], "The rubric must be a mapping of part names to points."),
]


@pytest.mark.parametrize(("data", "message"), BAD_RUBRICS)
def test_it_refuses_an_invalid_rubric_with_a_clear_message(data, message):
    with pytest.raises(RubricInvalid) as error:
        rubric_from_dict(data)

    assert str(error.value) == message


def test_an_invalid_rubric_names_each_part_at_fault_for_a_form():
    with pytest.raises(RubricInvalid) as error:
        rubric_from_dict({"verdict": 150, "critical_miss_penalty": "x", "clause": 3})

    assert error.value.problems == {
        "verdict": "verdict must be from 0 to 100, not 150",
        "critical_miss_penalty": "critical_miss_penalty must be a number, not 'x'",
    }


def test_a_worthless_item_is_a_problem_of_the_whole_rubric():
    with pytest.raises(RubricInvalid) as error:
        rubric_from_dict({"route": 0})

    assert error.value.problems == {"__all__": "a reporting-route item must be worth more than 0 points"}


@pytest.mark.parametrize(
    ("points", "maxima", "score"),
    [
        ([6, 6], [6, 6], 1.0),
        ([6, 0], [6, 6], 0.5),
        ([-3, 0], [6, 6], 0.0),
        ([], [], 0.0),
        ([3, -3, 6], [6, 6, 6], 1 / 3),
    ],
)
def test_an_attempt_score_is_the_share_of_available_points_floored_at_zero(points, maxima, score):
    assert attempt_score(points, maxima) == pytest.approx(score)


@pytest.mark.parametrize(
    ("score", "critical", "mark", "passed"),
    [(0.8, 0, 80, True), (0.79, 0, 80, False), (1.0, 1, 80, False), (0.0, 0, 0, True)],
)
def test_a_pass_needs_the_mark_and_no_critical_miss(score, critical, mark, passed):
    assert passes(score, critical, mark) is passed
