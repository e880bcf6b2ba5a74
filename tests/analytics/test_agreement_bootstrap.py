"""Bootstrap intervals: BCa by default, percentile where BCa is undefined, warnings, never clamped.

BCa is checked against ``scipy.stats.bootstrap(method="BCa")`` drawing the same resamples
(both take ``rng.integers(0, n, (n_resamples, n))`` from ``numpy.random.default_rng(seed)``).
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
    bootstrap_interval,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    summarise,
)

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None)


def _agreeing(n_units: int, seed: int = 22) -> np.ndarray:
    """Five raters who each copy the unit's true label 80% of the time (labels 1-3, 10% missing)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 4, size=n_units)
    noise = rng.integers(1, 4, size=(5, n_units)).astype(float)
    ratings = np.where(rng.random((5, n_units)) < 0.8, truth, noise).astype(float)
    ratings[rng.random((5, n_units)) < 0.1] = np.nan
    return ratings


def _distinct_sum(matrix: np.ndarray) -> float:
    """Sum of the distinct values resampled: the full sample is the largest value a resample can reach."""
    return float(np.unique(matrix).sum())


# --------------------------------------------------------------------------------------
# BCa against scipy
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["BCa", "percentile"])
def test_intervals_match_scipy_bootstrap_on_the_mean_with_the_same_resamples(method: str) -> None:
    from scipy import stats

    sample = np.random.default_rng(5).exponential(size=25)
    ours = bootstrap_interval(
        lambda r: float(r.mean()), sample[np.newaxis, :], n_resamples=2000, seed=11, method=method.lower()
    )
    reference = stats.bootstrap(
        (sample,), np.mean, n_resamples=2000, method=method, rng=np.random.default_rng(11)
    ).confidence_interval
    assert ours.method == method.lower()
    assert (ours.low, ours.high) == (pytest.approx(reference.low, abs=1e-12), pytest.approx(reference.high, abs=1e-12))


@pytest.mark.parametrize(
    "statistic",
    [krippendorff_alpha, functools.partial(krippendorff_alpha, level="ordinal"), fleiss_kappa, gwet_ac1],
    ids=["alpha_nominal", "alpha_ordinal", "fleiss", "ac1"],
)
def test_bca_matches_scipy_bootstrap_resampling_the_same_units(statistic: Callable[..., float]) -> None:
    from scipy import stats

    ratings = _agreeing(40, seed=3)

    def on_units(indices: np.ndarray, axis: int = -1) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(indices, dtype=np.intp))
        return np.array([statistic(ratings[:, row]) for row in rows])

    reference = stats.bootstrap(
        (np.arange(40),), on_units, n_resamples=500, method="BCa", rng=np.random.default_rng(9), vectorized=True
    ).confidence_interval
    ours = bootstrap_interval(statistic, ratings, n_resamples=500, seed=9)
    assert ours.method == "bca"
    assert (ours.low, ours.high) == (pytest.approx(reference.low, abs=1e-9), pytest.approx(reference.high, abs=1e-9))


def test_bca_is_the_default_for_our_statistics() -> None:
    assert bootstrap_interval(krippendorff_alpha, _agreeing(60), n_resamples=200).method == "bca"


# --------------------------------------------------------------------------------------
# The estimate and its interval
# --------------------------------------------------------------------------------------


def test_bca_contains_the_estimate_where_the_percentile_interval_excludes_it() -> None:
    # Every resample of six distinct values reaches at most their full sum, and only the 1.5%
    # that draw all six reach it: the percentile interval ends below the estimate. BCa's bias
    # correction moves the interval up onto the resamples that tie with the estimate.
    sample = np.array([[1.0, 2.0, 3.0, 5.0, 8.0, 13.0]])
    percentile = bootstrap_interval(_distinct_sum, sample, method="percentile")
    bca = bootstrap_interval(_distinct_sum, sample)
    assert percentile.high < percentile.estimate == 32.0
    assert (bca.method, bca.low, bca.high) == ("bca", 32.0, 32.0)
    assert "does not contain the estimate" in (percentile.warning or "")
    assert "does not contain the estimate" not in (bca.warning or "")


# Seven raters x three units where every resample's alpha is at most the estimate and the
# resamples that reproduce the units reach it by another order of float sums: before ties were
# recognised, the top of the percentile interval was 0.22595419847328235, one ulp-level step
# below the estimate 0.22595419847328246, and the interval "excluded" its own estimate.
THREE_UNITS = [[1, 1, 0], [2, 1, None], [3, 0, 0], [3, 2, 3], [3, 1, 0], [3, 2, 3], [3, None, 0]]


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_a_resample_equal_to_the_estimate_but_for_rounding_is_a_tie(method: str) -> None:
    interval = bootstrap_interval(krippendorff_alpha, THREE_UNITS, n_resamples=1000, method=method)
    assert interval.estimate == pytest.approx(0.22595419847328246, abs=1e-15)
    assert interval.low <= interval.estimate == interval.high
    assert interval.method == method
    assert "does not contain the estimate" not in (interval.warning or "")


def test_an_interval_that_misses_its_estimate_is_not_clamped_but_flagged() -> None:
    # Ten distinct values: no resample draws all ten, so every one is below the estimate. z0 is
    # infinite, BCa undefined, and the percentile interval lies wholly below the estimate.
    sample = np.arange(1.0, 11.0)[np.newaxis, :]
    interval = bootstrap_interval(_distinct_sum, sample, n_resamples=500)
    assert interval.method == "percentile"
    assert interval.high < interval.estimate == 55.0
    assert interval.warning is not None
    assert "does not contain the estimate itself" in interval.warning


# --------------------------------------------------------------------------------------
# Where BCa is undefined
# --------------------------------------------------------------------------------------


def test_bca_falls_back_to_percentile_when_every_resample_equals_the_estimate() -> None:
    perfect = [["a", "b", "a", "c"], ["a", "b", "a", "c"], ["a", "b", "a", None]]
    interval = bootstrap_interval(krippendorff_alpha, perfect, n_resamples=200)
    assert (interval.estimate, interval.low, interval.high, interval.method) == (1.0, 1.0, 1.0, "percentile")


def test_bca_falls_back_to_percentile_when_a_jackknife_value_is_undefined() -> None:
    # Leaving out the "b" unit leaves no variation, so alpha (and the acceleration) is undefined.
    ratings = [["a", "b", "a"], ["a", "b", "a"]]
    assert math.isnan(krippendorff_alpha([["a", "a"], ["a", "a"]]))
    interval = bootstrap_interval(krippendorff_alpha, ratings, n_resamples=200, seed=1)
    assert interval.method == "percentile"
    assert interval == bootstrap_interval(krippendorff_alpha, ratings, n_resamples=200, seed=1, method="percentile")


def test_an_undefined_estimate_gets_no_interval_when_no_resample_is_defined() -> None:
    ratings = [["a", "a", "b"], ["a", "a", None]]  # alpha undefined: only "a" is pairable
    interval = bootstrap_interval(krippendorff_alpha, ratings, n_resamples=100)
    assert math.isnan(interval.estimate) and math.isnan(interval.low) and math.isnan(interval.high)
    assert (interval.n_resamples, interval.method, interval.warning) == (0, "percentile", None)


def test_the_method_must_be_bca_or_percentile() -> None:
    with pytest.raises(ValueError, match="method must be 'bca' or 'percentile'"):
        bootstrap_interval(krippendorff_alpha, _agreeing(20), method="basic")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Warnings and the summary
# --------------------------------------------------------------------------------------


def test_an_interval_from_few_units_carries_a_warning() -> None:
    interval = bootstrap_interval(krippendorff_alpha, _agreeing(12), n_resamples=200)
    assert interval.warning == (
        "The 95% interval comes from resampling only 12 units with two or more ratings; with fewer than 20 no "
        "bootstrap interval is reliable, so read it as a rough range."
    )


def test_units_with_fewer_than_two_ratings_do_not_count_towards_enough_units() -> None:
    ratings = _agreeing(19)
    with_singles = np.column_stack([ratings, np.full((5, 30), np.nan)])
    with_singles[0, 19:] = 1.0  # thirty units with one rating each
    assert "only 19 units with two or more ratings" in (
        bootstrap_interval(krippendorff_alpha, with_singles, n_resamples=100).warning or ""
    )


def test_an_interval_from_enough_units_carries_no_warning() -> None:
    assert bootstrap_interval(krippendorff_alpha, _agreeing(60), n_resamples=300).warning is None


def test_an_arbitrary_statistic_counts_every_resampled_unit() -> None:
    interval = bootstrap_interval(lambda r: float(np.nanmean(r)), _agreeing(8), n_resamples=50, confidence=0.9)
    assert interval.warning is not None
    assert interval.warning.startswith("The 90% interval comes from resampling only 8 units; with fewer than 20")


def test_summarise_adds_the_interval_warning_to_its_warnings() -> None:
    summary = summarise(_agreeing(15), n_resamples=200)
    assert summary.krippendorff_alpha.warning is not None
    assert summary.warnings[-1] == summary.krippendorff_alpha.warning
    assert summary.krippendorff_alpha.method == "bca"


def test_summarise_has_no_interval_warning_when_there_is_no_interval() -> None:
    summary = summarise([["V4", None], ["V4", "none"]], n_resamples=50)
    assert math.isnan(summary.krippendorff_alpha.low)
    assert not any("interval" in warning for warning in summary.warnings)


# --------------------------------------------------------------------------------------
# Both routes, and properties
# --------------------------------------------------------------------------------------

STATISTICS: list[Callable[..., float]] = [
    percent_agreement,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    functools.partial(krippendorff_alpha, level="ordinal"),
    functools.partial(krippendorff_alpha, level="interval"),
]


@pytest.mark.parametrize(
    "statistic", STATISTICS, ids=["percent", "fleiss", "ac1", "alpha_nominal", "alpha_ordinal", "alpha_interval"]
)
def test_vectorised_bca_matches_calling_the_statistic_on_each_resample_and_jackknife_sample(
    statistic: Callable[..., float],
) -> None:
    ratings = _agreeing(45, seed=4)
    fast = bootstrap_interval(statistic, ratings, n_resamples=300, seed=3)
    slow = bootstrap_interval(lambda r: statistic(r), ratings, n_resamples=300, seed=3)
    assert fast.method == slow.method == "bca"
    assert (fast.low, fast.high) == (pytest.approx(slow.low, abs=1e-12), pytest.approx(slow.high, abs=1e-12))


def test_vectorised_bca_of_cohen_kappa_matches_calling_it_on_each_resample() -> None:
    pair = _agreeing(50, seed=6)[:2]
    fast = bootstrap_interval(cohen_kappa, pair, n_resamples=300, seed=4)
    slow = bootstrap_interval(lambda r: cohen_kappa(r[0], r[1]), pair, n_resamples=300, seed=4)
    assert fast.method == slow.method == "bca"
    assert (fast.low, fast.high) == (pytest.approx(slow.low, abs=1e-12), pytest.approx(slow.high, abs=1e-12))


@st.composite
def small_rounds(draw: st.DrawFn) -> list[list[Any]]:
    raters, units = draw(st.integers(2, 6)), draw(st.integers(2, 25))
    cells = st.sampled_from(["V4", "P3", "none", None])
    return [draw(st.lists(cells, min_size=units, max_size=units)) for _ in range(raters)]


@pytest.mark.parametrize("statistic", [krippendorff_alpha, fleiss_kappa], ids=["alpha", "fleiss"])
@PROPERTY_SETTINGS
@given(ratings=small_rounds(), seed=st.integers(0, 1000))
def test_an_interval_is_ordered_and_says_so_whenever_it_misses_its_estimate(
    statistic: Callable[..., float], ratings: list[list[Any]], seed: int
) -> None:
    interval = bootstrap_interval(statistic, ratings, n_resamples=200, seed=seed)
    assert interval.method in ("bca", "percentile")
    if interval.n_resamples == 0:
        assert math.isnan(interval.low) and math.isnan(interval.high)
        return
    assert interval.low <= interval.high
    if math.isfinite(interval.estimate) and not interval.low <= interval.estimate <= interval.high:
        assert "does not contain the estimate" in (interval.warning or "")
