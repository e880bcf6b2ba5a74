"""Fleiss' kappa with missing ratings: Gwet's generalisation, checked against his irrCAC package.

irrCAC pins ``scipy==1.12.0`` and ``pandas<3``, so it is not among the dev dependencies (it
would downgrade numpy, scipy and pandas for the whole project). Its example datasets with
missing ratings are copied below with the values ``CAC(data, digits=15).fleiss()`` gives for
them (irrCAC 0.4.4); where irrCAC is installed, a second test reads the datasets from
``irrCAC.datasets`` and runs ``CAC.fleiss()`` live.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.agreement import fleiss_kappa

PROPERTY_SETTINGS = settings(max_examples=80, deadline=None)
_ = None  # a missing rating, so the tables below line up

# irrCAC.datasets, transposed to raters x units (one row per rater).
IRRCAC_RAW_4RATERS = [  # Gwet (2014) p. 120
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, _],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
IRRCAC_RAW_5OBSERVERS = [
    [1, 1, 2, _, 0, 0, 1, 1, 2, 2, _, 0, 1, 3, 1],
    [1, 1, 3, 0, 0, 0, 0, _, 2, 1, 1, 0, 2, 3, 1],
    [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1],
    [_, 1, 3, _, _, _, _, 0, _, 1, 0, 0, 2, 2, _],
    [2, _, _, 0, 0, 0, 1, _, 2, _, _, _, _, 3, 1],
]
IRRCAC_RAW_BEN_GERRY = [
    ["a", "a", "b", "b", "d", "c", "c", "c", "e", "d", "d", "a"],
    ["b", "a", "b", "b", "b", "c", "c", "c", "e", _, "d", "d"],
]
IRRCAC_RAW_G1G2 = [
    ["a", "b", "c", "c", "b", "a", "d", "a", "b", _, _, _, "b", "b"],
    ["a", "b", "c", "c", "b", "b", "d", "a", "b", "e", _, _, "b", "a"],
    [_, "c", "c", "c", "b", "c", "d", "b", "b", "e", "a", "c", "c", "c"],
    ["a", "b", "c", "c", "b", "d", "d", "a", "b", "e", "a", _, "b", "b"],
]

IRRCAC_FLEISS = {
    "raw_4raters": (IRRCAC_RAW_4RATERS, 0.761169275422411),
    "raw_5observers": (IRRCAC_RAW_5OBSERVERS, 0.45762168677217),
    "raw_ben_gerry": (IRRCAC_RAW_BEN_GERRY, 0.649350649350649),
    "raw_g1g2": (IRRCAC_RAW_G1G2, 0.657245283843749),
}


@pytest.mark.parametrize("name", IRRCAC_FLEISS)
def test_fleiss_kappa_matches_irrcac_on_its_datasets_with_missing_ratings(name: str) -> None:
    ratings, expected = IRRCAC_FLEISS[name]
    assert fleiss_kappa(ratings) == pytest.approx(expected, abs=1e-14)  # irrCAC rounds to 15 digits


@pytest.mark.parametrize("name", [*IRRCAC_FLEISS, "raw_gender"])
def test_fleiss_kappa_matches_irrcac_run_on_its_own_datasets(name: str) -> None:
    datasets = pytest.importorskip("irrCAC.datasets")
    from irrCAC.raw import CAC

    frame = getattr(datasets, name)()
    ratings = [[None if _is_missing(v) else v for v in column] for column in frame.T.to_numpy(dtype=object)]
    labels = sorted({v for row in ratings for v in row if v is not None})
    # ``categories`` given: under pandas 3 irrCAC would otherwise count NaN as a category.
    expected = CAC(frame, categories=labels, digits=15).fleiss()["est"]["coefficient_value"]
    assert fleiss_kappa(ratings) == pytest.approx(float(expected), abs=1e-14)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in {"<NA>", "nan"}


def test_the_irrcac_copies_above_are_its_datasets() -> None:
    datasets = pytest.importorskip("irrCAC.datasets")
    for name, (ratings, _expected) in IRRCAC_FLEISS.items():
        frame = getattr(datasets, name)()
        columns = [[None if _is_missing(v) else v for v in column] for column in frame.T.to_numpy(dtype=object)]
        assert columns == ratings, name


def _loop_fleiss(ratings: list[list[Any]]) -> float:
    """Gwet's Fleiss kappa with missing ratings, one unit at a time (irrCAC's CAC.fleiss)."""
    units = [[row[u] for row in ratings if row[u] is not None] for u in range(len(ratings[0]))]
    rated = [unit for unit in units if unit]
    categories = sorted({value for unit in rated for value in unit})
    pairable = [unit for unit in rated if len(unit) >= 2]
    if not pairable or len(categories) < 2:
        return math.nan
    pa = sum(
        sum(unit.count(k) * (unit.count(k) - 1) for k in categories) / (len(unit) * (len(unit) - 1))
        for unit in pairable
    )
    pa /= len(pairable)
    pi = [sum(unit.count(k) / len(unit) for unit in rated) / len(rated) for k in categories]
    pe = sum(p * p for p in pi)
    return (pa - pe) / (1 - pe)


@st.composite
def ratings_with_gaps(draw: st.DrawFn) -> list[list[Any]]:
    raters, units = draw(st.integers(2, 6)), draw(st.integers(1, 12))
    cells = st.sampled_from(["a", "b", "c", None])
    return [draw(st.lists(cells, min_size=units, max_size=units)) for _ in range(raters)]


@PROPERTY_SETTINGS
@given(ratings=ratings_with_gaps())
def test_fleiss_kappa_with_missing_ratings_matches_a_direct_loop(ratings: list[list[Any]]) -> None:
    expected = _loop_fleiss(ratings)
    value = fleiss_kappa(ratings)
    assert (math.isnan(value) and math.isnan(expected)) or value == pytest.approx(expected, abs=1e-12)


@PROPERTY_SETTINGS
@given(
    shape=st.tuples(st.integers(2, 8), st.integers(2, 30)),
    n_categories=st.integers(2, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_fleiss_kappa_on_complete_data_matches_statsmodels(
    shape: tuple[int, int], n_categories: int, seed: int
) -> None:
    from statsmodels.stats.inter_rater import aggregate_raters
    from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

    ratings = np.random.default_rng(seed).integers(0, n_categories, size=shape)
    table, _ = aggregate_raters(ratings.T)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = float(statsmodels_fleiss(table))
    value = fleiss_kappa(ratings)
    assert (math.isnan(value) and math.isnan(expected)) or value == pytest.approx(expected, abs=1e-12)


def test_units_with_a_single_rating_count_for_chance_agreement_but_not_for_observed_agreement() -> None:
    # Units (a, a), (b, a), (b): pa = (1 + 0) / 2; pi_a = (1 + 1/2 + 0) / 3 = 1/2 = pi_b, pe = 1/2.
    assert fleiss_kappa([["a", "b", "b"], ["a", "a", None]]) == pytest.approx(0.0, abs=1e-15)
    # Without the third unit pi_a = 3/4, pe = 5/8 and kappa = (1/2 - 5/8) / (3/8).
    assert fleiss_kappa([["a", "b"], ["a", "a"]]) == pytest.approx(-1 / 3, abs=1e-15)


def test_fleiss_kappa_is_nan_when_no_unit_has_two_ratings() -> None:
    assert math.isnan(fleiss_kappa([["a", None, "b"], [None, "b", None]]))
