import math

import pytest

from quiz.item_analysis import decision_label, discrimination_index, facility_index, item_agreement, item_statistics


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
