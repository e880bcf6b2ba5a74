"""The pure draw: stratified, seeded, no repeats; adaptive draws lean to weak clauses and space retries."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from quiz.composition import Candidate, MasteryRecord, compose, compose_adaptive, mastery_by_clause, space_retries

BANK = [
    Candidate(
        id=index,
        verdict="violating" if clause[:1] in ("V", "B") else "not_violating",
        clause=clause,
        difficulty=difficulty,
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


def test_adaptive_draws_lean_towards_the_weakest_clause():
    mastery = {"V1": 0.0, "V4": 1.0, "B5": 1.0, "P3": 1.0, "": 1.0}
    by_id = {c.id: c for c in BANK}

    drawn = compose_adaptive(BANK, 8, seed=5, mastery=mastery)

    counts = Counter(by_id[i].clause for i in drawn)
    assert counts["V1"] == max(counts.values())


def test_adaptive_draws_bring_back_wrong_answers_but_never_first_and_spaced_out():
    drawn = compose_adaptive(BANK, 10, seed=5, mastery={}, retries=[1, 2, 3, 4], retry_gap=2)

    positions = [drawn.index(item) if item in drawn else None for item in [1, 2, 3, 4]]
    # At most 30% are retries (3 of 10), oldest first, each after two fresh items.
    assert (positions, len(set(drawn))) == ([2, 5, 8, None], 10)


def test_retries_are_placed_after_the_gap():
    assert space_retries([10, 11, 12, 13], [1, 2], gap=2) == [10, 11, 1, 12, 13, 2]
