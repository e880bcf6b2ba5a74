"""Statistics for ordered scales: weighted Cohen's kappa and ordinal alpha with an explicit order.

Weighted kappa is checked against scikit-learn's ``cohen_kappa_score(weights=...)``; ordinal
alpha on text labels against the ``krippendorff`` package given each label's position.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.agreement import bootstrap_interval, cohen_kappa, krippendorff_alpha

PROPERTY_SETTINGS = settings(max_examples=80, deadline=None)
SCALE = ["none", "low", "mid", "high", "severe"]


def _same(a: float, b: float, tol: float = 1e-12) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def _sklearn_kappa(a: Any, b: Any, **kwargs: Any) -> float:
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # 0/0 when both raters use one label: nan, as ours
        return float(cohen_kappa_score(a, b, **kwargs))


# --------------------------------------------------------------------------------------
# Weighted Cohen's kappa
# --------------------------------------------------------------------------------------


SMALL_INTEGERS = st.integers(0, 4)


@st.composite
def rating_pairs(draw: st.DrawFn, labels: st.SearchStrategy[Any] = SMALL_INTEGERS) -> tuple[list[Any], list[Any]]:
    n = draw(st.integers(2, 40))
    a = draw(st.lists(labels, min_size=n, max_size=n))
    b = draw(st.lists(labels, min_size=n, max_size=n))
    return a, b


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@PROPERTY_SETTINGS
@given(pair=rating_pairs())
def test_cohen_kappa_matches_scikit_learn(weights: str | None, pair: tuple[list[int], list[int]]) -> None:
    a, b = pair
    assert _same(cohen_kappa(a, b, weights=weights), _sklearn_kappa(a, b, weights=weights))  # type: ignore[arg-type]
    assert _same(cohen_kappa(np.array(a), np.array(b), weights=weights), _sklearn_kappa(a, b, weights=weights))  # type: ignore[arg-type]


@pytest.mark.parametrize("weights", ["linear", "quadratic"])
@PROPERTY_SETTINGS
@given(pair=rating_pairs(st.sampled_from(SCALE)))
def test_weighted_kappa_on_text_labels_with_an_order_matches_scikit_learn_given_the_labels(
    weights: str, pair: tuple[list[str], list[str]]
) -> None:
    a, b = pair
    expected = _sklearn_kappa(a, b, weights=weights, labels=SCALE)
    assert _same(cohen_kappa(a, b, weights=weights, order=SCALE), expected)  # type: ignore[arg-type]


def test_weighted_kappa_gives_partial_credit_for_near_misses() -> None:
    a = ["low", "mid", "high", "mid", "low", "high"]
    near = ["mid", "mid", "high", "high", "low", "high"]  # off by one step twice
    far = ["high", "mid", "high", "low", "low", "high"]  # off by two steps, and by one
    unweighted = [cohen_kappa(a, b, order=["low", "mid", "high"]) for b in (near, far)]
    linear = [cohen_kappa(a, b, weights="linear", order=["low", "mid", "high"]) for b in (near, far)]
    assert unweighted[0] == pytest.approx(unweighted[1], abs=1e-15)  # same number of disagreements
    assert linear[0] > linear[1]
    assert linear == [
        pytest.approx(_sklearn_kappa(a, b, weights="linear", labels=["low", "mid", "high"]), abs=1e-12)
        for b in (near, far)
    ]


def test_the_order_decides_the_distances_not_the_labels_sort_order() -> None:
    a = ["b", "a", "c", "a", "b", "c", "c"]
    b = ["a", "a", "b", "c", "b", "c", "a"]
    order = ["c", "a", "b"]
    assert cohen_kappa(a, b, weights="quadratic", order=order) == pytest.approx(
        _sklearn_kappa(a, b, weights="quadratic", labels=order), abs=1e-12
    )
    assert cohen_kappa(a, b, weights="quadratic", order=order) != pytest.approx(
        cohen_kappa(a, b, weights="quadratic"), abs=1e-6
    )


def test_labels_in_the_order_that_nobody_used_still_count_as_steps() -> None:
    a, b = [1, 1, 5, 5, 5, 1], [1, 5, 5, 5, 1, 1]
    with_gap = cohen_kappa(a, b, weights="linear", order=[1, 2, 3, 4, 5])
    assert with_gap == pytest.approx(_sklearn_kappa(a, b, weights="linear", labels=[1, 2, 3, 4, 5]), abs=1e-12)
    assert cohen_kappa(a, b, weights="linear") == pytest.approx(_sklearn_kappa(a, b, weights="linear"), abs=1e-12)


def test_weighted_kappa_drops_pairs_with_a_missing_value() -> None:
    a = [1, 2, None, 3, 2, 1, float("nan")]
    b = [1, 3, 2, 3, None, 2, 1]
    complete = ([1, 2, 3, 1], [1, 3, 3, 2])
    assert cohen_kappa(a, b, weights="quadratic") == pytest.approx(
        _sklearn_kappa(*complete, weights="quadratic"), abs=1e-12
    )


@PROPERTY_SETTINGS
@given(pair=rating_pairs(st.sampled_from(["no", "yes"])))
def test_on_two_labels_every_weighting_gives_the_same_kappa(pair: tuple[list[str], list[str]]) -> None:
    a, b = pair
    plain = cohen_kappa(a, b)
    assert _same(cohen_kappa(a, b, weights="linear"), plain)
    assert _same(cohen_kappa(a, b, weights="quadratic"), plain)


def test_weighted_kappa_needs_an_order_for_labels_that_do_not_sort() -> None:
    with pytest.raises(ValueError, match=r"order=\[\.\.\.\]"):
        cohen_kappa(["a", 1, "a"], [1, "a", "a"], weights="linear")


def test_a_label_missing_from_the_order_is_rejected() -> None:
    with pytest.raises(ValueError, match="labels not in order: 'severe'"):
        cohen_kappa(["low", "severe"], ["low", "low"], weights="linear", order=["low", "high"])
    with pytest.raises(ValueError, match="labels not in order: 'severe'"):
        cohen_kappa(["low", "severe"], ["low", "low"], order=["low", "high"])


def test_unknown_weights_are_rejected() -> None:
    with pytest.raises(ValueError, match="weights must be None, 'linear' or 'quadratic'"):
        cohen_kappa([1, 2], [2, 1], weights="cubic")  # type: ignore[arg-type]


@pytest.mark.parametrize("order", [None, [0, 1, 2, 3, 4]], ids=["ranks", "order"])
@pytest.mark.parametrize("weights", ["linear", "quadratic"])
def test_vectorised_bootstrap_of_weighted_kappa_matches_calling_it_on_each_resample(
    weights: str, order: list[int] | None
) -> None:
    rng = np.random.default_rng(31)
    a = rng.integers(0, 4, 60)
    pair = np.stack([a, np.clip(a + rng.integers(-1, 2, 60), 0, 3)]).astype(float)
    pair[0, :5] = np.nan
    fast = bootstrap_interval(functools.partial(cohen_kappa, weights=weights, order=order), pair, n_resamples=200)
    slow = bootstrap_interval(
        lambda r: cohen_kappa(r[0], r[1], weights=weights, order=order),  # type: ignore[arg-type]
        pair,
        n_resamples=200,
    )
    assert fast.estimate == pytest.approx(slow.estimate, abs=1e-12)
    assert (fast.low, fast.high, fast.method) == (pytest.approx(slow.low), pytest.approx(slow.high), slow.method)


# --------------------------------------------------------------------------------------
# Ordinal alpha with an explicit order
# --------------------------------------------------------------------------------------


def _coded(shape: tuple[int, int], seed: int, n_labels: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, n_labels, size=shape).astype(float)
    codes[rng.random(shape) < missing] = np.nan
    return codes


def _as_text(codes: np.ndarray, labels: list[str]) -> list[list[str | None]]:
    return [[None if math.isnan(v) else labels[int(v)] for v in row] for row in codes]


@pytest.mark.parametrize("missing", [0.0, 0.3])
@pytest.mark.parametrize("shape", [(2, 12), (4, 40), (9, 150)])
def test_ordinal_alpha_on_text_labels_matches_the_krippendorff_package_given_the_positions(
    shape: tuple[int, int], missing: float
) -> None:
    import krippendorff

    codes = _coded(shape, sum(shape), len(SCALE), missing)
    expected = krippendorff.alpha(reliability_data=codes, level_of_measurement="ordinal")
    assert krippendorff_alpha(_as_text(codes, SCALE), level="ordinal", order=SCALE) == pytest.approx(expected, abs=1e-9)


def test_the_example_from_the_issue_works() -> None:
    ratings = [["low", "mid", "high", "mid"], ["low", "high", "high", None], ["mid", "mid", "high", "low"]]
    codes = np.array([[0, 1, 2, 1], [0, 2, 2, np.nan], [1, 1, 2, 0]])
    assert krippendorff_alpha(ratings, level="ordinal", order=["low", "mid", "high"]) == pytest.approx(
        krippendorff_alpha(codes, level="ordinal"), abs=1e-15
    )


def test_the_order_overrides_the_numeric_order_of_numeric_labels() -> None:
    import krippendorff

    codes = _coded((5, 30), 3, 4, 0.2)
    order = [30, 10, 40, 20]  # label order[i] stands for position i
    relabelled = np.where(np.isnan(codes), np.nan, np.take(order, np.nan_to_num(codes).astype(int)))
    expected = krippendorff.alpha(reliability_data=codes, level_of_measurement="ordinal")
    assert krippendorff_alpha(relabelled, "ordinal", order=order) == pytest.approx(expected, abs=1e-9)
    assert krippendorff_alpha(relabelled, "ordinal") != pytest.approx(expected, abs=1e-6)


@PROPERTY_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), raters=st.integers(2, 5), units=st.integers(2, 15))
def test_labels_in_the_order_that_nobody_used_change_nothing(seed: int, raters: int, units: int) -> None:
    text = _as_text(_coded((raters, units), seed, 3, 0.2), ["low", "mid", "high"])
    assert _same(
        krippendorff_alpha(text, "ordinal", order=["none", "low", "mid", "high", "severe"]),
        krippendorff_alpha(text, "ordinal", order=["low", "mid", "high"]),
    )


@PROPERTY_SETTINGS
@given(seed=st.integers(0, 2**32 - 1), raters=st.integers(2, 5), units=st.integers(2, 15))
def test_reversing_the_order_leaves_ordinal_alpha_unchanged(seed: int, raters: int, units: int) -> None:
    text = _as_text(_coded((raters, units), seed, 5, 0.2), SCALE)
    assert _same(
        krippendorff_alpha(text, "ordinal", order=SCALE[::-1]), krippendorff_alpha(text, "ordinal", order=SCALE), 1e-9
    )


def test_nominal_alpha_ignores_the_order_but_checks_the_labels() -> None:
    text = _as_text(_coded((3, 20), 5, 3, 0.1), ["low", "mid", "high"])
    assert krippendorff_alpha(text, order=["high", "low", "mid"]) == krippendorff_alpha(text)
    with pytest.raises(ValueError, match="labels not in order: 'mid'"):
        krippendorff_alpha(text, order=["low", "high"])


def test_interval_alpha_does_not_take_an_order() -> None:
    with pytest.raises(ValueError, match="order gives ranks, not distances"):
        krippendorff_alpha([["low", "high"], ["low", "low"]], level="interval", order=["low", "high"])


@pytest.mark.parametrize(
    ("order", "message"),
    [(["low", "low", "high"], "must not name a label twice"), ("low high", "sequence of labels")],
    ids=["repeated_label", "a_string"],
)
def test_a_malformed_order_is_rejected(order: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        krippendorff_alpha([["low", "high"], ["low", "low"]], level="ordinal", order=order)


def test_text_labels_without_an_order_are_still_rejected_for_ordinal_alpha() -> None:
    with pytest.raises(ValueError, match=r"give the order of the labels \(order=\[\.\.\.\]\)"):
        krippendorff_alpha([["low", "high"], ["low", "low"]], level="ordinal")


def test_vectorised_bootstrap_of_ordinal_alpha_with_an_order_matches_calling_it_on_each_resample() -> None:
    text = np.array(_as_text(_coded((4, 40), 8, 5, 0.2), SCALE), dtype=object)
    statistic = functools.partial(krippendorff_alpha, level="ordinal", order=SCALE)
    fast = bootstrap_interval(statistic, text, n_resamples=200, seed=2)
    slow = bootstrap_interval(lambda r: statistic(r), text, n_resamples=200, seed=2)
    assert (fast.low, fast.high, fast.method) == (pytest.approx(slow.low), pytest.approx(slow.high), slow.method)
