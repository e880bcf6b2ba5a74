"""Tests for analytics.agreement: published examples, reference packages, properties, edge cases.

Pure numpy; no database. krippendorff and statsmodels are test-only dependencies and are
imported inside the tests that use them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.agreement import (
    AgreementSummary,
    Interval,
    agreement_warnings,
    binary_rates,
    bootstrap_interval,
    cohen_kappa,
    confusion_matrix,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pairwise_cohen_matrix,
    percent_agreement,
    summarise,
)

NAN = float("nan")
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


def _same(a: float, b: float, tol: float = 1e-12) -> bool:
    """Equal within ``tol``, treating two NaNs as equal."""
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def _random_ratings(seed: int, shape: tuple[int, int], n_categories: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    data = rng.integers(1, n_categories + 1, size=shape).astype(float)
    data[rng.random(shape) < missing] = np.nan
    return data


# --------------------------------------------------------------------------------------
# Published worked examples
# --------------------------------------------------------------------------------------

# Fleiss (1971) as reworked on Wikipedia's "Fleiss' kappa" page: 10 units, 14 raters,
# 5 categories; rows are units, columns how many raters chose each category.
FLEISS_WIKIPEDIA_COUNTS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _ratings_from_counts(counts: list[list[int]]) -> np.ndarray:
    """Raters x units labels reproducing a units x categories count table."""
    columns = [np.repeat(np.arange(1, len(row) + 1), row) for row in counts]
    return np.column_stack(columns)


# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", example C:
# 4 observers x 12 units, values 1-5, with missing data.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]

# Wikipedia's "Krippendorff's alpha" worked example: 3 coders x 15 units.
KRIPPENDORFF_WIKIPEDIA = [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]

# Gwet (2014) Handbook of Inter-Rater Reliability, 4th ed., p. 120 (irrCAC's
# cac.raw4raters): 4 raters x 12 units. Same units as Krippendorff's example C, with the
# lone rating of unit 12 attributed to rater 3.
GWET_HANDBOOK_4_RATERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, None],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_fleiss_kappa_matches_the_published_example() -> None:
    ratings = _ratings_from_counts(FLEISS_WIKIPEDIA_COUNTS)
    assert fleiss_kappa(ratings) == pytest.approx(0.210, abs=5e-4)


def test_krippendorff_alpha_nominal_matches_krippendorffs_published_example() -> None:
    assert krippendorff_alpha(KRIPPENDORFF_2011, "nominal") == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_alpha_ordinal_matches_krippendorffs_published_example() -> None:
    assert krippendorff_alpha(KRIPPENDORFF_2011, "ordinal") == pytest.approx(0.815, abs=5e-4)


def test_krippendorff_alpha_interval_matches_krippendorffs_published_example() -> None:
    # Krippendorff (2011) gives .849 for this data; .811 is the Wikipedia example below.
    assert krippendorff_alpha(KRIPPENDORFF_2011, "interval") == pytest.approx(0.849, abs=5e-4)


def test_krippendorff_alpha_nominal_matches_the_wikipedia_example() -> None:
    assert krippendorff_alpha(KRIPPENDORFF_WIKIPEDIA, "nominal") == pytest.approx(0.691, abs=5e-4)


def test_krippendorff_alpha_interval_matches_the_wikipedia_example() -> None:
    assert krippendorff_alpha(KRIPPENDORFF_WIKIPEDIA, "interval") == pytest.approx(0.811, abs=5e-4)


def test_cohen_kappa_matches_the_wikipedia_example() -> None:
    # 50 proposals: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> kappa 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)


def test_gwet_ac1_matches_gwets_handbook_example() -> None:
    # irrCAC (Gwet's package) reports AC1 = 0.775 (pa 0.818, pe 0.190) for this data.
    assert gwet_ac1(GWET_HANDBOOK_4_RATERS) == pytest.approx(0.775, abs=5e-4)


def test_percent_agreement_matches_gwets_handbook_example() -> None:
    assert percent_agreement(GWET_HANDBOOK_4_RATERS) == pytest.approx(0.818, abs=5e-4)


# --------------------------------------------------------------------------------------
# Reference implementations on random data
# --------------------------------------------------------------------------------------

SHAPES = [(2, 15), (3, 40), (7, 120), (25, 300)]
MISSING = [0.0, 0.3]


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
@pytest.mark.parametrize("missing", MISSING)
@pytest.mark.parametrize("shape", SHAPES)
def test_krippendorff_alpha_matches_the_krippendorff_package(
    shape: tuple[int, int], missing: float, level: str
) -> None:
    import krippendorff

    ratings = _random_ratings(sum(shape), shape, n_categories=4, missing=missing)
    expected = krippendorff.alpha(reliability_data=ratings, level_of_measurement=level)
    assert krippendorff_alpha(ratings, level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("shape", SHAPES)
def test_fleiss_kappa_matches_statsmodels(shape: tuple[int, int]) -> None:
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

    ratings = _random_ratings(sum(shape), shape, n_categories=4, missing=0.0)
    table, _ = aggregate_raters(ratings.T.astype(int))
    assert fleiss_kappa(ratings) == pytest.approx(statsmodels_fleiss(table), abs=1e-9)


@pytest.mark.parametrize("missing", MISSING)
@pytest.mark.parametrize("n_units", [10, 57, 400])
def test_cohen_kappa_matches_statsmodels_on_the_contingency_table(n_units: int, missing: float) -> None:
    from statsmodels.stats.inter_rater import cohens_kappa

    a, b = _random_ratings(n_units, (2, n_units), n_categories=3, missing=missing)
    both = ~np.isnan(a) & ~np.isnan(b)
    table = np.zeros((3, 3))
    np.add.at(table, (a[both].astype(int) - 1, b[both].astype(int) - 1), 1)
    expected = cohens_kappa(table, return_results=False)
    assert cohen_kappa(a, b) == pytest.approx(expected, abs=1e-9)


def _loop_gwet_ac1(ratings: list[list[Any]], n_categories: int | None = None) -> float:
    """Gwet (2014) AC1 written as plainly as possible, one unit at a time."""
    units = [[row[u] for row in ratings if row[u] is not None] for u in range(len(ratings[0]))]
    categories = sorted({value for unit in units for value in unit})
    q = n_categories or len(categories)
    pa_terms, pi = [], dict.fromkeys(categories, 0.0)
    rated = [unit for unit in units if unit]
    for unit in rated:
        m = len(unit)
        if m >= 2:
            pa_terms.append(sum(unit.count(k) * (unit.count(k) - 1) for k in categories) / (m * (m - 1)))
        for k in categories:
            pi[k] += unit.count(k) / m / len(rated)
    pa = sum(pa_terms) / len(pa_terms)
    pe = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    return (pa - pe) / (1 - pe)


@pytest.mark.parametrize("missing", MISSING)
@pytest.mark.parametrize("shape", SHAPES)
def test_gwet_ac1_matches_a_direct_loop_implementation(shape: tuple[int, int], missing: float) -> None:
    ratings = _random_ratings(sum(shape) + 1, shape, n_categories=4, missing=missing)
    as_lists = [[None if np.isnan(v) else int(v) for v in row] for row in ratings]
    assert gwet_ac1(ratings) == pytest.approx(_loop_gwet_ac1(as_lists), abs=1e-12)


def test_gwet_ac1_counts_labels_nobody_chose_when_told_the_number_of_categories() -> None:
    ratings = _random_ratings(4, (5, 30), n_categories=3, missing=0.3)
    as_lists = [[None if np.isnan(v) else int(v) for v in row] for row in ratings]
    assert gwet_ac1(ratings, n_categories=6) == pytest.approx(_loop_gwet_ac1(as_lists, n_categories=6), abs=1e-12)


@pytest.mark.parametrize("missing", MISSING)
def test_percent_agreement_matches_a_direct_loop_implementation(missing: float) -> None:
    ratings = _random_ratings(3, (6, 80), n_categories=3, missing=missing)
    shares = []
    for unit in ratings.T:
        values = unit[~np.isnan(unit)]
        pairs = [(i, j) for i in range(len(values)) for j in range(len(values)) if i != j]
        if pairs:
            shares.append(sum(values[i] == values[j] for i, j in pairs) / len(pairs))
    assert percent_agreement(ratings) == pytest.approx(np.mean(shares), abs=1e-12)


def test_pairwise_cohen_matrix_matches_cohen_kappa_for_every_pair() -> None:
    ratings = _random_ratings(11, (6, 50), n_categories=3, missing=0.3)
    matrix = pairwise_cohen_matrix(ratings)
    expected = np.array([[1.0 if i == j else cohen_kappa(ratings[i], ratings[j]) for j in range(6)] for i in range(6)])
    np.testing.assert_allclose(matrix, expected, rtol=0, atol=1e-12)


def test_pairwise_cohen_matrix_is_nan_for_raters_sharing_fewer_than_two_units() -> None:
    ratings = [["a", "b", None, None], [None, "b", "a", "b"], ["a", "a", "b", "b"]]
    assert math.isnan(pairwise_cohen_matrix(ratings)[0, 1])


# --------------------------------------------------------------------------------------
# Labels and input forms
# --------------------------------------------------------------------------------------

STATISTICS: dict[str, Callable[[Any], float]] = {
    "percent_agreement": percent_agreement,
    "krippendorff_alpha": krippendorff_alpha,
    "gwet_ac1": gwet_ac1,
}

NOMINAL_STATISTICS: dict[str, Callable[[Any], float]] = {
    "percent_agreement": percent_agreement,
    "krippendorff_alpha": krippendorff_alpha,
    "gwet_ac1": gwet_ac1,
    "fleiss_kappa": fleiss_kappa,
    "cohen_kappa": lambda r: cohen_kappa(r[0], r[1]),
}


@pytest.mark.parametrize("name", STATISTICS)
def test_text_labels_give_the_same_values_as_numeric_labels(name: str) -> None:
    numeric = _random_ratings(5, (4, 30), n_categories=3, missing=0.3)
    text = [[None if np.isnan(v) else "abc"[int(v) - 1] for v in row] for row in numeric]
    assert _same(STATISTICS[name](text), STATISTICS[name](numeric))


@pytest.mark.parametrize("name", STATISTICS)
def test_mixed_and_tuple_labels_are_treated_as_plain_categories(name: str) -> None:
    numeric = _random_ratings(6, (4, 30), n_categories=3, missing=0.3)
    odd_labels = ["yes", 7, ("policy", 3)]
    mixed = [[None if np.isnan(v) else odd_labels[int(v) - 1] for v in row] for row in numeric]
    assert _same(STATISTICS[name](mixed), STATISTICS[name](numeric))


def test_none_and_nan_both_mark_missing_ratings() -> None:
    with_none = [["a", None, "b"], ["a", "b", None], ["a", "b", "b"]]
    with_nan = [["a", NAN, "b"], ["a", "b", np.float64("nan")], ["a", "b", "b"]]
    assert krippendorff_alpha(with_none) == krippendorff_alpha(with_nan)


def test_lists_and_arrays_give_the_same_value() -> None:
    ratings = _random_ratings(8, (5, 40), n_categories=4, missing=0.3)
    as_lists = [[None if np.isnan(v) else v for v in row] for row in ratings]
    assert krippendorff_alpha(as_lists) == pytest.approx(krippendorff_alpha(ratings), abs=1e-12)


def test_non_integer_numeric_labels_are_supported() -> None:
    ratings = _random_ratings(9, (4, 30), n_categories=3, missing=0.3) / 4 + 0.1
    as_lists = [[None if np.isnan(v) else str(v) for v in row] for row in ratings]
    assert krippendorff_alpha(ratings) == pytest.approx(krippendorff_alpha(as_lists), abs=1e-12)


def test_integer_arrays_are_supported() -> None:
    ratings = _random_ratings(10, (4, 30), n_categories=3, missing=0.0)
    assert fleiss_kappa(ratings.astype(np.int64)) == pytest.approx(fleiss_kappa(ratings), abs=1e-12)


def test_every_statistic_returns_a_python_float() -> None:
    ratings = _random_ratings(12, (3, 20), n_categories=3, missing=0.0)
    values = [
        percent_agreement(ratings),
        fleiss_kappa(ratings),
        krippendorff_alpha(ratings),
        gwet_ac1(ratings),
        cohen_kappa(ratings[0], ratings[1]),
    ]
    assert all(type(value) is float for value in values)


# --------------------------------------------------------------------------------------
# Undefined values and errors
# --------------------------------------------------------------------------------------

UNANIMOUS = [["yes", "yes", "yes"], ["yes", "yes", "yes"], ["yes", "yes", "yes"]]


@pytest.mark.parametrize(
    "statistic",
    [fleiss_kappa, krippendorff_alpha, functools.partial(krippendorff_alpha, level="ordinal")],
    ids=["fleiss", "alpha_nominal", "alpha_ordinal"],
)
def test_chance_corrected_statistics_are_nan_when_every_rating_is_the_same(statistic: Callable[..., float]) -> None:
    assert math.isnan(statistic([[1, 1, 1], [1, 1, 1]]))


def test_cohen_kappa_is_nan_when_both_raters_always_give_the_same_label() -> None:
    assert math.isnan(cohen_kappa(["yes"] * 5, ["yes"] * 5))


def test_gwet_ac1_is_one_when_every_rating_is_the_same_like_irrcac() -> None:
    assert gwet_ac1(UNANIMOUS) == 1.0


@pytest.mark.parametrize("name", STATISTICS)
def test_statistics_are_nan_when_no_unit_has_two_ratings(name: str) -> None:
    ratings = [["a", None, "b"], [None, "b", None]]
    assert math.isnan(STATISTICS[name](ratings))


@pytest.mark.parametrize("name", NOMINAL_STATISTICS)
def test_statistics_are_nan_when_every_rating_is_missing(name: str) -> None:
    assert math.isnan(NOMINAL_STATISTICS[name]([[None, None, NAN], [None, NAN, None]]))


def test_cohen_kappa_drops_pairs_with_a_missing_value() -> None:
    a = ["x", "y", None, "x", "y", "x"]
    b = ["x", "y", "y", NAN, "x", "x"]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa(["x", "y", "y", "x"], ["x", "y", "x", "x"]), abs=1e-15)


def test_fleiss_kappa_ignores_units_nobody_rated() -> None:
    ratings = _random_ratings(13, (4, 20), n_categories=3, missing=0.0)
    with_empty_unit = np.column_stack([ratings, np.full(4, np.nan)])
    assert fleiss_kappa(with_empty_unit) == pytest.approx(fleiss_kappa(ratings), abs=1e-15)


def test_fleiss_kappa_accepts_units_with_unequal_rating_counts() -> None:
    # Gwet's generalisation. Units (a, a, b), (b, b), (a, b, a): pa = (1/3 + 1 + 1/3) / 3 = 5/9;
    # pi_a = (2/3 + 0 + 2/3) / 3 = 4/9, pi_b = 5/9, so pe = 41/81 and kappa = (45 - 41) / (81 - 41).
    assert fleiss_kappa([["a", "b", "a"], ["a", None, "b"], ["b", "b", "a"]]) == pytest.approx(0.1, abs=1e-15)


def test_cohen_kappa_rejects_sequences_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        cohen_kappa(["a", "b"], ["a", "b", "c"])


@pytest.mark.parametrize(
    "ratings",
    [["a", "b", "c"], np.zeros((2, 3, 4)), np.array(5.0), [["a", "b"], ["a"]], [[["a"], ["b"]]]],
    ids=["one_dimensional_list", "three_dimensional_array", "scalar", "ragged_rows", "nested_lists"],
)
def test_ratings_that_are_not_two_dimensional_are_rejected(ratings: Any) -> None:
    with pytest.raises(ValueError, match="2-D"):
        krippendorff_alpha(ratings)


def test_ordinal_alpha_rejects_text_labels() -> None:
    with pytest.raises(ValueError, match="numeric labels"):
        krippendorff_alpha([["low", "high"], ["low", "low"]], level="ordinal")


def test_unknown_alpha_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha([[1, 2], [1, 2]], level="ratio")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

LABELS = ["a", "b", "c", "d"]


@st.composite
def ratings_matrices(draw: st.DrawFn, complete: bool = False, n_raters: int | None = None) -> np.ndarray:
    raters = n_raters or draw(st.integers(2, 5))
    units = draw(st.integers(2, 12))
    values = st.sampled_from(LABELS) if complete else st.sampled_from([*LABELS, None])
    cells = draw(st.lists(values, min_size=raters * units, max_size=raters * units))
    out = np.empty((raters, units), dtype=object)
    out.ravel()[:] = cells
    return out


def _strategy_for(name: str) -> st.SearchStrategy[np.ndarray]:
    if name == "fleiss_kappa":
        return ratings_matrices(complete=True)
    if name == "cohen_kappa":
        return ratings_matrices(n_raters=2)
    return ratings_matrices()


@st.composite
def perfectly_agreeing(draw: st.DrawFn) -> np.ndarray:
    """Every rating of a unit is the same; at least two labels in use; two ratings per unit."""
    raters, units = draw(st.integers(2, 5)), draw(st.integers(2, 12))
    truth = draw(st.lists(st.sampled_from([1, 2, 3]), min_size=units, max_size=units).filter(lambda t: len(set(t)) > 1))
    out = np.empty((raters, units), dtype=object)
    for u, label in enumerate(truth):
        out[:, u] = label
    return out


@pytest.mark.parametrize(
    "statistic",
    [
        percent_agreement,
        fleiss_kappa,
        gwet_ac1,
        krippendorff_alpha,
        functools.partial(krippendorff_alpha, level="ordinal"),
        functools.partial(krippendorff_alpha, level="interval"),
        lambda r: cohen_kappa(r[0], r[1]),
    ],
    ids=["percent", "fleiss", "ac1", "alpha_nominal", "alpha_ordinal", "alpha_interval", "cohen"],
)
@PROPERTY_SETTINGS
@given(ratings=perfectly_agreeing())
def test_perfect_agreement_gives_exactly_one(statistic: Callable[[Any], float], ratings: np.ndarray) -> None:
    assert statistic(ratings) == 1.0


@pytest.mark.parametrize("name", NOMINAL_STATISTICS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_relabelling_categories_changes_nothing(name: str, data: st.DataObject) -> None:
    ratings = data.draw(_strategy_for(name))
    new_names = data.draw(st.permutations([*LABELS, "e", ("tuple", 1), 42]))
    relabel = dict(zip(LABELS, new_names, strict=False))
    relabelled = np.vectorize(lambda v: relabel.get(v), otypes=[object])(ratings)
    statistic = NOMINAL_STATISTICS[name]
    assert _same(statistic(relabelled), statistic(ratings))


@pytest.mark.parametrize("name", NOMINAL_STATISTICS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_permuting_raters_changes_nothing(name: str, data: st.DataObject) -> None:
    ratings = data.draw(_strategy_for(name))
    order = data.draw(st.permutations(range(ratings.shape[0])))
    statistic = NOMINAL_STATISTICS[name]
    assert _same(statistic(ratings[list(order)]), statistic(ratings))


@pytest.mark.parametrize("name", NOMINAL_STATISTICS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_permuting_units_changes_nothing(name: str, data: st.DataObject) -> None:
    ratings = data.draw(_strategy_for(name))
    order = data.draw(st.permutations(range(ratings.shape[1])))
    statistic = NOMINAL_STATISTICS[name]
    assert _same(statistic(ratings[:, list(order)]), statistic(ratings))


@PROPERTY_SETTINGS
@given(ratings=ratings_matrices())
def test_monotone_relabelling_leaves_ordinal_alpha_unchanged(ratings: np.ndarray) -> None:
    ranks = {"a": 1, "b": 2, "c": 3, "d": 4}
    squashed = {"a": -10.0, "b": 0.5, "c": 0.75, "d": 1000.0}
    as_ranks = np.vectorize(lambda v: ranks.get(v), otypes=[object])(ratings)
    as_squashed = np.vectorize(lambda v: squashed.get(v), otypes=[object])(ratings)
    assert _same(krippendorff_alpha(as_squashed, "ordinal"), krippendorff_alpha(as_ranks, "ordinal"), 1e-9)


@PROPERTY_SETTINGS
@given(ratings=ratings_matrices())
def test_affine_relabelling_leaves_interval_alpha_unchanged(ratings: np.ndarray) -> None:
    values = {"a": 1, "b": 2, "c": 3, "d": 5}
    plain = np.vectorize(lambda v: values.get(v), otypes=[object])(ratings)
    moved = np.vectorize(lambda v: None if v is None else 1000 - 3.5 * values[v], otypes=[object])(ratings)
    assert _same(krippendorff_alpha(moved, "interval"), krippendorff_alpha(plain, "interval"), 1e-9)


@PROPERTY_SETTINGS
@given(ratings=ratings_matrices())
def test_percent_agreement_lies_between_zero_and_one(ratings: np.ndarray) -> None:
    value = percent_agreement(ratings)
    assert math.isnan(value) or 0.0 <= value <= 1.0


@pytest.mark.parametrize("name", ["krippendorff_alpha", "gwet_ac1", "fleiss_kappa"])
@PROPERTY_SETTINGS
@given(data=st.data())
def test_chance_corrected_statistics_are_at_most_one(name: str, data: st.DataObject) -> None:
    value = NOMINAL_STATISTICS[name](data.draw(_strategy_for(name)))
    assert math.isnan(value) or value <= 1.0 + 1e-12


@PROPERTY_SETTINGS
@given(ratings=ratings_matrices(n_raters=2))
def test_cohen_kappa_lies_between_minus_one_and_one(ratings: np.ndarray) -> None:
    value = cohen_kappa(ratings[0], ratings[1])
    assert math.isnan(value) or -1.0 - 1e-12 <= value <= 1.0 + 1e-12


@PROPERTY_SETTINGS
@given(ratings=ratings_matrices())
def test_pairwise_cohen_matrix_is_symmetric(ratings: np.ndarray) -> None:
    matrix = pairwise_cohen_matrix(ratings)
    np.testing.assert_array_equal(matrix, matrix.T)


# --------------------------------------------------------------------------------------
# Bootstrap
# --------------------------------------------------------------------------------------

HEALTHY = _random_ratings(21, (5, 60), n_categories=3, missing=0.1)
# Mostly-agreeing raters: each copies the unit's true label 80% of the time.
_truth = np.random.default_rng(22).integers(1, 4, size=60)
AGREEING = np.where(np.random.default_rng(23).random((5, 60)) < 0.8, _truth, HEALTHY)


def test_bootstrap_with_the_same_seed_gives_the_same_interval() -> None:
    first = bootstrap_interval(krippendorff_alpha, AGREEING, n_resamples=300, seed=7)
    second = bootstrap_interval(krippendorff_alpha, AGREEING, n_resamples=300, seed=7)
    assert first == second


def test_bootstrap_with_another_seed_gives_another_interval() -> None:
    first = bootstrap_interval(krippendorff_alpha, AGREEING, n_resamples=300, seed=7)
    second = bootstrap_interval(krippendorff_alpha, AGREEING, n_resamples=300, seed=8)
    assert (first.low, first.high) != (second.low, second.high)


def test_bootstrap_interval_contains_the_estimate() -> None:
    interval = bootstrap_interval(krippendorff_alpha, AGREEING, n_resamples=500)
    assert interval.low < interval.estimate < interval.high


def test_bootstrap_estimate_is_the_statistic_of_the_full_data() -> None:
    interval = bootstrap_interval(gwet_ac1, AGREEING, n_resamples=50)
    assert interval.estimate == gwet_ac1(AGREEING)


@pytest.mark.parametrize(
    "statistic",
    [
        percent_agreement,
        fleiss_kappa,
        gwet_ac1,
        krippendorff_alpha,
        functools.partial(krippendorff_alpha, level="ordinal"),
        functools.partial(krippendorff_alpha, level="interval"),
    ],
    ids=["percent", "fleiss", "ac1", "alpha_nominal", "alpha_ordinal", "alpha_interval"],
)
def test_vectorised_bootstrap_matches_calling_the_statistic_on_each_resample(statistic: Callable[..., float]) -> None:
    ratings = AGREEING if statistic is not fleiss_kappa else _random_ratings(24, (4, 40), 3, 0.0)
    fast = bootstrap_interval(statistic, ratings, n_resamples=200, seed=3)
    slow = bootstrap_interval(lambda r: statistic(r), ratings, n_resamples=200, seed=3)
    assert fast.n_resamples == slow.n_resamples
    assert (fast.low, fast.high) == (pytest.approx(slow.low), pytest.approx(slow.high))


def test_vectorised_bootstrap_of_cohen_kappa_matches_calling_it_on_each_resample() -> None:
    pair = AGREEING[:2]
    fast = bootstrap_interval(cohen_kappa, pair, n_resamples=200, seed=4)
    slow = bootstrap_interval(lambda r: cohen_kappa(r[0], r[1]), pair, n_resamples=200, seed=4)
    assert (fast.low, fast.high) == (pytest.approx(slow.low), pytest.approx(slow.high))


def test_bootstrap_drops_resamples_where_the_statistic_is_undefined() -> None:
    # Only two units vary; resamples drawing one of them alone leave alpha undefined.
    ratings = [["a", "b", "a"], ["a", "b", "a"]]
    interval = bootstrap_interval(krippendorff_alpha, ratings, n_resamples=200, seed=1)
    assert 0 < interval.n_resamples < 200


def test_bootstrap_returns_an_interval_dataclass() -> None:
    assert isinstance(bootstrap_interval(percent_agreement, AGREEING, n_resamples=20), Interval)


def test_bootstrap_rejects_a_confidence_outside_zero_and_one() -> None:
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_interval(krippendorff_alpha, AGREEING, confidence=95)


# --------------------------------------------------------------------------------------
# Warnings and summary
# --------------------------------------------------------------------------------------


def test_warnings_flag_too_few_units() -> None:
    messages = agreement_warnings(AGREEING[:, :6])
    assert any("Only 6 units" in message for message in messages)


def test_warnings_flag_too_few_raters() -> None:
    messages = agreement_warnings(AGREEING[:2])
    assert any("Only 2 raters" in message for message in messages)


def test_warnings_flag_a_dominant_answer() -> None:
    ratings = [["yes"] * 43 + ["no"] * 7, ["yes"] * 43 + ["no"] * 7, ["yes"] * 43 + ["no"] * 7]
    messages = agreement_warnings(ratings)
    assert any("'yes'" in message and "86% of ratings" in message and "AC1" in message for message in messages)


def test_warnings_are_empty_for_a_healthy_case() -> None:
    assert agreement_warnings(AGREEING) == []


def test_summarise_reports_the_headline_figures() -> None:
    summary = summarise(AGREEING, n_resamples=100)
    assert isinstance(summary, AgreementSummary)
    assert (summary.n_raters, summary.n_units) == (5, 60)
    assert summary.krippendorff_alpha.estimate == krippendorff_alpha(AGREEING)
    assert summary.gwet_ac1 == gwet_ac1(AGREEING)
    assert summary.percent_agreement == percent_agreement(AGREEING)
    assert summary.warnings == ()


def test_summarise_reports_fleiss_kappa_when_rating_counts_differ() -> None:
    ratings = AGREEING.astype(float)
    ratings[0, 0] = np.nan
    assert summarise(ratings, n_resamples=20).fleiss_kappa == fleiss_kappa(ratings)
    assert 0.0 < fleiss_kappa(ratings) < 1.0


# --------------------------------------------------------------------------------------
# Reviewer-vs-gold helpers
# --------------------------------------------------------------------------------------


def test_confusion_matrix_counts_pairs_in_label_order() -> None:
    truth = ["cse", "cse", "ok", "ok", "ok", "unsure"]
    predicted = ["cse", "ok", "ok", "ok", "cse", "unsure"]
    expected = np.array([[1, 1, 0], [1, 2, 0], [0, 0, 1]])
    np.testing.assert_array_equal(confusion_matrix(truth, predicted, ["cse", "ok", "unsure"]), expected)


def test_confusion_matrix_drops_pairs_with_a_missing_value() -> None:
    matrix = confusion_matrix(["a", None, "b", "a"], ["a", "b", NAN, "b"], ["a", "b"])
    np.testing.assert_array_equal(matrix, [[1, 1], [0, 0]])


def test_confusion_matrix_rejects_values_outside_the_labels() -> None:
    with pytest.raises(ValueError, match="not in labels"):
        confusion_matrix(["a", "b"], ["a", "c"], ["a", "b"])


def test_binary_rates_give_sensitivity_and_specificity() -> None:
    truth = ["cse", "cse", "cse", "cse", "ok", "ok", "ok", "ok", "ok"]
    predicted = ["cse", "cse", "cse", "ok", "ok", "ok", "ok", "ok", "cse"]
    assert binary_rates(truth, predicted, "cse") == (0.75, 0.8)


def test_binary_rates_are_nan_when_there_are_no_positives() -> None:
    sensitivity, specificity = binary_rates(["ok", "ok"], ["ok", "cse"], "cse")
    assert math.isnan(sensitivity) and specificity == 0.5
