"""Clauses scheduled by memory: FSRS cards replayed from a reviewer's answers."""

import datetime as dt

from quiz.memory import (
    Review,
    clause_memories,
    clauses_by_urgency,
    clauses_due,
    confusions_from,
    interleave_confusions,
)

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def _days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def test_a_clause_answered_right_again_and_again_is_not_due_for_weeks():
    memories = clause_memories([Review("V1", True, _days_ago(d)) for d in (30, 29, 20)], NOW)

    assert memories["V1"].due - NOW > dt.timedelta(days=7)


def test_a_lapse_brings_the_clause_back_at_once():
    reviews = [Review("V1", True, _days_ago(d)) for d in (30, 29, 20)] + [Review("V1", False, _days_ago(1))]

    assert clause_memories(reviews, NOW)["V1"].is_due(NOW)


def test_recall_fades_with_time():
    reviews = [Review("V1", True, _days_ago(30)), Review("V1", True, _days_ago(29))]

    sooner = clause_memories(reviews, _days_ago(25))["V1"].retrievability
    later = clause_memories(reviews, NOW)["V1"].retrievability
    assert 0 < later < sooner <= 1


def test_the_replay_does_not_depend_on_the_order_answers_are_given_in():
    reviews = [Review("V1", True, _days_ago(9)), Review("V1", False, _days_ago(5)), Review("V1", True, _days_ago(2))]

    assert clause_memories(reviews, NOW) == clause_memories(list(reversed(reviews)), NOW)


def test_clauses_never_reviewed_come_first_then_the_least_recalled_then_the_not_yet_due():
    memories = clause_memories(
        [
            Review("V1", True, _days_ago(30)),
            Review("V1", True, _days_ago(29)),
            Review("V1", True, _days_ago(20)),  # well known: due in weeks
            Review("B5", False, _days_ago(3)),  # a lapse three days ago: due, little recalled
            Review("P3", False, _days_ago(1)),  # a lapse yesterday: due, recalled a little better
        ],
        NOW,
    )

    order = clauses_by_urgency(memories, ["V1", "B5", "P3", "V4"], NOW)

    assert order == ["V4", "B5", "P3", "V1"]


def test_only_never_reviewed_and_due_clauses_are_due():
    memories = clause_memories([Review("V1", True, _days_ago(d)) for d in (30, 29, 20)], NOW)

    assert clauses_due(memories, ["V1", "V4"], NOW) == ["V4"]


def test_each_clause_is_paired_with_the_clause_most_often_given_instead():
    mistakes = [("B4", "B5"), ("B4", "B5"), ("B4", "B6"), ("V1", "V2"), ("V1", ""), ("", "P3")]

    assert confusions_from(mistakes) == {"B4": "B5", "V1": "V2", "B5": "B4", "B6": "B4", "V2": "V1"}


def test_confused_clauses_are_set_side_by_side_in_a_session():
    order = ["V1", "P3", "B4", "V4", "B5"]

    assert interleave_confusions(order, {"B4": "V1", "V1": "B4", "B5": "P3"}) == ["V1", "B4", "P3", "V4", "B5"]


def test_a_partner_outside_the_session_is_not_added():
    assert interleave_confusions(["V1", "P3"], {"V1": "V2"}) == ["V1", "P3"]
