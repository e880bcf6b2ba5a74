import math

import pytest

from analytics.item_analysis import (
    decision_label,
    discrimination_index,
    facility_index,
    item_agreement,
    item_statistics,
    item_statistics_from_answers,
)


def test_a_decision_is_labelled_by_its_clause_or_by_its_verdict_when_no_clause_is_named():
    assert [
        decision_label("violating", "V4"),
        decision_label("not_violating", ""),
        decision_label("violating", ""),
    ] == [
        "V4",
        "none",
        "violating",
    ]


def test_facility_is_the_share_correct_among_those_who_answered():
    assert facility_index([[1, 0, None], [1, 1, None]]).tolist()[:2] == [1.0, 0.5]
    assert math.isnan(facility_index([[1, 0, None], [1, 1, None]])[2])


def test_discrimination_compares_the_top_and_bottom_reviewers_by_overall_accuracy():
    # Reviewer 0 is best overall, reviewer 3 worst; item 0 is answered right only by the best.
    correct = [[1, 1, 1], [0, 1, 1], [0, 1, 0], [0, 0, 0]]
    assert discrimination_index(correct).tolist() == [1.0, 1.0, 1.0]


def test_discrimination_refuses_a_group_share_over_a_half():
    with pytest.raises(ValueError, match=r"share must be in \(0, 0.5\]; got 0.6"):
        discrimination_index([[1], [0]], share=0.6)


def test_item_agreement_is_the_share_of_agreeing_pairs():
    assert item_agreement([["V1", "P1"], ["V1", "P3"], ["V2", None]]).tolist()[0] == pytest.approx(1 / 3)
    assert item_agreement([["V1", "P1"], ["V1", "P3"], ["V2", None]]).tolist()[1] == 0.0


def test_item_statistics_gives_every_figure_with_the_distribution_most_frequent_first():
    stats = item_statistics([["V4"], ["V4"], ["V3"]], ["V4"])
    assert stats[0].distribution == (("V4", 2), ("V3", 1))
    assert (stats[0].n_answers, stats[0].modal_label, stats[0].facility) == (3, "V4", pytest.approx(2 / 3))


def test_answers_as_columns_give_the_same_figures_as_the_reviewer_by_item_matrix():
    labels = [
        ["V4", "P1", None, "none"],
        ["V3", "P1", "B4", "none"],
        ["V4", None, "B5", "P3"],
        ["V4", "P1", "B4", None],
    ]
    gold = ["V4", "P1", "B4", "none"]
    cells = [(r, i, label) for r, row in enumerate(labels) for i, label in enumerate(row) if label is not None]
    from_columns = item_statistics_from_answers(
        [r for r, _, _ in cells], [i for _, i, _ in cells], [label for _, _, label in cells], gold
    )
    assert repr(from_columns) == repr(item_statistics(labels, gold))


def test_a_gold_label_that_nobody_gave_makes_every_answer_wrong():
    stats = item_statistics_from_answers([0, 1], [0, 0], ["V3", "V3"], ["V4"])
    assert (stats[0].facility, stats[0].agreement, stats[0].distribution) == (0.0, 1.0, (("V3", 2),))


def test_an_item_nobody_answered_has_undefined_figures_and_an_empty_distribution():
    stats = item_statistics_from_answers([0, 1], [0, 0], ["V4", "V4"], ["V4", "P1"])
    assert (stats[1].n_answers, stats[1].distribution, stats[1].modal_label) == (0, (), None)
    assert math.isnan(stats[1].facility) and math.isnan(stats[1].agreement)


def test_answers_as_columns_refuse_an_item_position_out_of_range():
    with pytest.raises(ValueError, match=r"item positions must be in \[0, 1\)"):
        item_statistics_from_answers([0], [1], ["V4"], ["V4"])


def test_answers_as_columns_refuse_columns_of_different_lengths():
    with pytest.raises(ValueError, match="reviewers, items and labels must have the same length"):
        item_statistics_from_answers([0, 1], [0], ["V4"], ["V4"])
