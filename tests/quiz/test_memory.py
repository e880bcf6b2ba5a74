"""Clauses scheduled by memory: FSRS cards replayed from a reviewer's answers."""

import datetime as dt

from quiz.memory import Review, clause_memories, clauses_by_urgency, clauses_due

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
