"""The numeric fast paths compare labels exactly and agree with the general (Python-equality) path.

Arrays of numbers take fast routes (counting by comparison, offsetting into a bincount, or
``np.unique``); lists of Python objects take a dict. Whatever the route, the same labels must
give the same statistics, and two floats that differ in the last bit are two labels.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import agreement
from analytics.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pairwise_cohen_matrix,
    percent_agreement,
    summarise,
)

PROPERTY_SETTINGS = settings(max_examples=80, deadline=None)
STATISTICS: dict[str, Callable[[Any], float]] = {
    "percent_agreement": percent_agreement,
    "fleiss_kappa": fleiss_kappa,
    "gwet_ac1": gwet_ac1,
    "alpha_nominal": krippendorff_alpha,
    "alpha_ordinal": functools.partial(krippendorff_alpha, level="ordinal"),
    "cohen_kappa": lambda r: cohen_kappa(r[0], r[1]),
}


def _same(a: float, b: float, tol: float = 1e-12) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def _as_lists(ratings: np.ndarray) -> list[list[Any]]:
    """The same ratings as Python objects (None for NaN), which take the general path."""
    return [[None if isinstance(v, float) and math.isnan(v) else v for v in row] for row in ratings.tolist()]


# --------------------------------------------------------------------------------------
# The two bugs from the issue
# --------------------------------------------------------------------------------------


def test_floats_one_bit_apart_are_different_labels() -> None:
    import krippendorff

    ratings = np.array([[-5.0, 1.0, 1.0], [-5.0, 1.0000000000000002, 1.0]])
    expected = krippendorff.alpha(reliability_data=ratings, level_of_measurement="nominal")
    assert expected == pytest.approx(6 / 11, abs=1e-15)
    assert krippendorff_alpha(ratings) == pytest.approx(expected, abs=1e-15)  # was 1.0
    assert krippendorff_alpha(ratings.tolist()) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("name", STATISTICS)
def test_floats_one_bit_apart_are_different_labels_for_every_statistic(name: str) -> None:
    ratings = np.array([[-5.0, 1.0, 1.0, 2.0], [-5.0, 1.0000000000000002, 1.0, 2.0]])
    assert _same(STATISTICS[name](ratings), STATISTICS[name](_as_lists(ratings)))


def test_unsigned_labels_at_or_above_two_to_the_63_work() -> None:
    top = 2**63
    ratings = np.array([[top, top + 1, top, top + 2], [top, top + 1, top + 1, top + 2]], dtype=np.uint64)
    as_lists = ratings.tolist()
    for name, statistic in STATISTICS.items():
        assert _same(statistic(ratings), statistic(as_lists)), name  # used to raise OverflowError
    assert cohen_kappa(ratings[0], ratings[1], weights="linear") == pytest.approx(
        cohen_kappa(as_lists[0], as_lists[1], weights="linear"), abs=1e-15
    )
    np.testing.assert_array_equal(pairwise_cohen_matrix(ratings), pairwise_cohen_matrix(as_lists))


def test_the_largest_unsigned_labels_work() -> None:
    top = 2**64 - 1
    ratings = np.array([[top, top - 1, top], [top, top, top - 1], [top - 1, top - 1, top]], dtype=np.uint64)
    assert _same(krippendorff_alpha(ratings), krippendorff_alpha(ratings.tolist()))


# --------------------------------------------------------------------------------------
# Every route agrees with the general path
# --------------------------------------------------------------------------------------

TRICKY_FLOATS = [
    -5.0,
    0.0,
    -0.0,  # equal to 0.0, as in Python
    1.0,
    1.0000000000000002,
    0.9999999999999999,
    2.0,
    3.5,
    float(2**53),
    float(2**53 + 2),
    1e300,
    math.nan,
]


@st.composite
def float_ratings(draw: st.DrawFn, pool: list[float]) -> np.ndarray:
    raters, units = draw(st.integers(2, 6)), draw(st.integers(2, 12))
    cells = draw(st.lists(st.sampled_from(pool), min_size=raters * units, max_size=raters * units))
    return np.array(cells, dtype=np.float64).reshape(raters, units)


@pytest.mark.parametrize("name", ["percent_agreement", "fleiss_kappa", "gwet_ac1", "alpha_nominal", "cohen_kappa"])
@PROPERTY_SETTINGS
@given(data=st.data())
def test_float_arrays_give_the_same_value_as_the_same_labels_in_lists(name: str, data: st.DataObject) -> None:
    pool = data.draw(st.lists(st.sampled_from([*TRICKY_FLOATS, math.inf]), min_size=1, max_size=6, unique_by=repr))
    ratings = data.draw(float_ratings(pool))
    assert _same(STATISTICS[name](ratings), STATISTICS[name](_as_lists(ratings)))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_nominal_alpha_on_float_arrays_matches_the_krippendorff_package(data: st.DataObject) -> None:
    import krippendorff

    pool = data.draw(st.lists(st.sampled_from(TRICKY_FLOATS), min_size=2, max_size=6, unique_by=repr))
    ratings = data.draw(float_ratings(pool))
    try:
        expected = krippendorff.alpha(reliability_data=ratings, level_of_measurement="nominal")
    except ValueError:  # the package raises where we return nan
        expected = math.nan
    assert _same(krippendorff_alpha(ratings), expected, 1e-9)


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint8, np.uint64, np.float32, np.float16, np.bool_])
@PROPERTY_SETTINGS
@given(data=st.data())
def test_other_numeric_dtypes_give_the_same_value_as_lists(dtype: type, data: st.DataObject) -> None:
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    low = int(info.min) if info is not None else -20
    high = int(info.max) if info is not None else 20
    if dtype is np.bool_:
        low, high = 0, 1
    start = data.draw(st.integers(low, high))
    values = st.integers(start, min(high, start + data.draw(st.sampled_from([1, 4, 40]))))
    raters, units = data.draw(st.integers(2, 5)), data.draw(st.integers(2, 12))
    ratings = np.array(data.draw(st.lists(values, min_size=raters * units, max_size=raters * units))).astype(dtype)
    ratings = ratings.reshape(raters, units)
    as_lists = ratings.tolist()
    for name in ("percent_agreement", "gwet_ac1", "alpha_nominal"):
        assert _same(STATISTICS[name](ratings), STATISTICS[name](as_lists)), name


@PROPERTY_SETTINGS
@given(data=st.data(), chunk_cells=st.sampled_from([1, 3, 8, 64]))
def test_counting_in_small_chunks_gives_the_same_counts(data: st.DataObject, chunk_cells: int) -> None:
    # Small chunks exercise widening the value range when a later chunk holds a new value,
    # and giving up on a chunk that holds a fraction or a value beyond the compared range.
    pool = data.draw(
        st.lists(st.sampled_from([1.0, 2.0, 3.0, 5.0, 40.0, 2.5, math.nan]), min_size=1, max_size=5, unique=True)
    )
    ratings = data.draw(float_ratings(pool))
    expected = agreement._encode(_as_lists(ratings))
    with mock.patch.object(agreement, "_CHUNK_CELLS", chunk_cells):
        encoded = agreement._encode(ratings)
    order = sorted(range(len(expected.labels)), key=expected.labels.__getitem__)
    assert encoded.labels == tuple(expected.labels[i] for i in order)
    np.testing.assert_array_equal(encoded.counts, expected.counts[:, order])
    np.testing.assert_array_equal(encoded.codes, np.append(np.argsort(order), len(order))[expected.codes])
    assert encoded.active_raters == expected.active_raters


def test_many_raters_are_counted_in_several_chunks() -> None:
    rng = np.random.default_rng(12)
    ratings = rng.integers(1, 6, size=(600, 700)).astype(float)  # 255-rater chunks of 700 units
    ratings[rng.random(ratings.shape) < 0.3] = np.nan
    ratings[550:, :10] = 6.0  # a value that only the last chunk holds
    assert krippendorff_alpha(ratings) == pytest.approx(krippendorff_alpha(_as_lists(ratings)), abs=1e-12)
    assert fleiss_kappa(ratings) == pytest.approx(fleiss_kappa(_as_lists(ratings)), abs=1e-12)


def test_wide_ranges_of_whole_numbers_take_the_offset_path_and_agree() -> None:
    rng = np.random.default_rng(13)
    ratings = rng.integers(0, 100, size=(6, 80)).astype(float)
    ratings[rng.random(ratings.shape) < 0.2] = np.nan
    assert krippendorff_alpha(ratings) == pytest.approx(krippendorff_alpha(_as_lists(ratings)), abs=1e-12)
    ratings[0, 0] = 50.0000000000001  # no longer all whole numbers: np.unique
    assert krippendorff_alpha(ratings) == pytest.approx(krippendorff_alpha(_as_lists(ratings)), abs=1e-12)


@pytest.mark.parametrize("layout", ["fortran", "transposed_view", "every_other_unit"])
def test_arrays_that_are_not_c_contiguous_give_the_same_value(layout: str) -> None:
    rng = np.random.default_rng(14)
    ratings = rng.integers(1, 4, size=(5, 60)).astype(float)
    ratings[rng.random(ratings.shape) < 0.2] = np.nan
    if layout == "fortran":
        arranged = np.asfortranarray(ratings)
    elif layout == "transposed_view":
        arranged = np.ascontiguousarray(ratings.T).T
    else:
        arranged = np.repeat(ratings, 2, axis=1)[:, ::2]
    assert krippendorff_alpha(arranged) == pytest.approx(krippendorff_alpha(_as_lists(ratings)), abs=1e-12)


def test_raters_who_rated_nothing_are_not_counted_in_the_summary() -> None:
    rng = np.random.default_rng(15)
    ratings = rng.integers(1, 4, size=(6, 30)).astype(float)
    ratings[2] = np.nan
    assert summarise(ratings, n_resamples=10).n_raters == 5
    assert summarise(ratings.astype(np.float32), n_resamples=10).n_raters == 5


def test_pairwise_kappa_agrees_between_arrays_and_lists() -> None:
    rng = np.random.default_rng(16)
    ratings = rng.integers(1, 4, size=(5, 50)).astype(float)
    ratings[rng.random(ratings.shape) < 0.3] = np.nan
    np.testing.assert_allclose(pairwise_cohen_matrix(ratings), pairwise_cohen_matrix(_as_lists(ratings)), atol=1e-12)
