"""The pure draw: stratified, seeded, no repeats; adaptive draws lean to weak clauses and space retries."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from quiz.composition import (
    Candidate,
    MasteryRecord,
    Retry,
    compose,
    compose_adaptive,
    mastery_by_clause,
    space_retries,
)

BANK = [
    Candidate(
        id=index,
        verdict="violating" if clause[:1] in ("V", "B") else "not_violating",
        clause=clause,
        difficulty=difficulty,
        rule=f"R-{clause or 'NONE'}",
    )
    for index, (clause, difficulty) in enumerate(
        [
            (clause, difficulty)
            for clause in ["V1", "V4", "B5", "P3", ""]
            for difficulty in ["easy", "medium", "hard"] * 2
        ],
        start=1,
    )
]


def test_the_same_seed_gives_the_same_draw():
    assert compose(BANK, 10, seed=7) == compose(list(reversed(BANK)), 10, seed=7)


def test_another_seed_gives_another_draw():
    assert compose(BANK, 10, seed=7) != compose(BANK, 10, seed=8)


def test_every_clause_is_drawn_before_any_clause_is_drawn_three_times():
    drawn = compose(BANK, 10, seed=3)
    by_id = {c.id: c for c in BANK}

    assert sorted(Counter(by_id[i].clause for i in drawn).values()) == [2, 2, 2, 2, 2]


def test_difficulties_alternate_within_a_clause():
    drawn = compose(BANK, 15, seed=11)
    by_id = {c.id: c for c in BANK}

    for clause in ["V1", "V4", "B5", "P3", ""]:
        assert {by_id[i].difficulty for i in drawn if by_id[i].clause == clause} == {"easy", "medium", "hard"}


def test_it_draws_no_more_than_there_are_and_excludes_what_it_is_told():
    drawn = compose(BANK, 100, seed=1, exclude=[1, 2])

    assert sorted(drawn) == list(range(3, 31))


@given(st.integers(min_value=0, max_value=40), st.integers())
def test_a_draw_never_repeats_a_scenario(count, seed):
    drawn = compose(BANK, count, seed)

    assert len(drawn) == len(set(drawn)) == min(count, len(BANK))


def test_mastery_is_the_share_of_correct_answers_per_clause():
    records = [MasteryRecord("V1", True), MasteryRecord("V1", False), MasteryRecord("", True)]

    assert mastery_by_clause(records) == {"": 1.0, "V1": 0.5}


def test_adaptive_draws_take_the_clauses_in_the_order_given_one_each_in_turn():
    by_id = {c.id: c for c in BANK}

    drawn = compose_adaptive(BANK, 7, seed=5, clause_order=["P3", "V1", "B5", "", "V4"])

    assert [by_id[i].clause for i in drawn] == ["P3", "V1", "B5", "", "V4", "P3", "V1"]


def test_clauses_left_out_of_the_order_come_after_it():
    by_id = {c.id: c for c in BANK}

    drawn = compose_adaptive(BANK, 5, seed=5, clause_order=["B5"])

    assert by_id[drawn[0]].clause == "B5"
    assert {by_id[i].clause for i in drawn[1:]} == {"V1", "V4", "P3", ""}


def test_a_retry_brings_back_the_rule_with_another_scenario_never_the_missed_one():
    by_id = {c.id: c for c in BANK}
    missed = next(c for c in BANK if c.clause == "V1")

    drawn = compose_adaptive(BANK, 10, seed=5, clause_order=[], retries=[Retry(missed.id, missed.rule)])

    assert missed.id not in drawn
    assert by_id[drawn[2]].rule == missed.rule


def test_a_rule_with_no_other_scenario_is_not_retried():
    lonely = [*BANK, Candidate(id=99, verdict="violating", clause="V2", rule="R-V2")]

    drawn = compose_adaptive(lonely, 10, seed=5, clause_order=[], retries=[Retry(99, "R-V2")])

    assert 99 not in drawn and "V2" not in {c.clause for c in lonely if c.id in drawn}


def test_retries_are_spaced_out_and_never_first():
    # Three rules with two scenarios each: one missed, the other only ever drawn as its retry.
    pairs = [Candidate(id=100 + n, verdict="violating", clause=f"X{n // 2}", rule=f"R-X{n // 2}") for n in range(6)]
    retries = [Retry(100 + n, f"R-X{n // 2}") for n in (0, 2, 4)]

    drawn = compose_adaptive([*BANK, *pairs], 10, seed=5, clause_order=[], retries=retries, retry_gap=2)

    retried = [position for position, item in enumerate(drawn) if item >= 100]
    # Each retry after two fresh items.
    assert retried == [2, 5, 8]


def test_retries_are_at_most_their_share_of_the_session():
    pairs = [Candidate(id=100 + n, verdict="violating", clause=f"X{n // 2}", rule=f"R-X{n // 2}") for n in range(6)]
    retries = [Retry(100 + n, f"R-X{n // 2}") for n in (0, 2, 4)]

    drawn = compose_adaptive([*BANK, *pairs], 5, seed=5, clause_order=["V1", "V4", "B5", "P3", ""], retries=retries)

    # 30% of 5 is one retry; the fresh items come from the clauses in the order given.
    assert len([item for item in drawn if item >= 100]) == 1


def test_retries_are_placed_after_the_gap():
    assert space_retries([10, 11, 12, 13], [1, 2], gap=2) == [10, 11, 1, 12, 13, 2]
