"""analytics.agreement_batch gives, for many matrices at once, the figures analytics.agreement gives for each
one: checked on random matrices (hypothesis), with every figure compared, intervals included.
No database."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import agreement
from analytics.agreement_batch import Cells, pairwise_kappas, reviewer_figures_many, shared_units_only, summarise_many

LABELS = ["V1", "V4", "B5", "none", "violating", "P3"]

# A matrix: raters x units of label positions, -1 where a rater gave no rating.
matrices = st.integers(1, 7).flatmap(
    lambda raters: st.integers(1, 9).flatmap(
        lambda units: st.lists(
            st.lists(st.integers(-1, len(LABELS) - 1), min_size=units, max_size=units),
            min_size=raters,
            max_size=raters,
        )
    )
)


def _cells(matrix_list):
    """Cells of several matrices, with units numbered sparsely (as scenario ids are)."""
    rows = [
        (j, 7 * u + 3, 11 * r + 1, code)
        for j, matrix in enumerate(matrix_list)
        for r, row in enumerate(matrix)
        for u, code in enumerate(row)
        if code >= 0
    ]
    columns = list(zip(*rows, strict=True)) if rows else [[], [], [], []]
    return Cells.of(*columns)


def _shared(matrix):
    """The raters x units labels analytics.agreement would be given: units two or more raters rated,
    raters with a rating on one of them."""
    keep = [u for u in range(len(matrix[0])) if sum(row[u] >= 0 for row in matrix) >= 2]
    rows = [[LABELS[row[u]] if row[u] >= 0 else None for u in keep] for row in matrix]
    return [row for row in rows if any(value is not None for value in row)]


def _same(a, b):
    if a is None or b is None:
        return a is b
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == pytest.approx(b, abs=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(matrices, min_size=1, max_size=6), st.integers(0, 2**31))
def test_every_figure_matches_quiz_agreement_summarise(matrix_list, seed):
    seeds = [seed + j for j in range(len(matrix_list))]
    summaries = summarise_many(shared_units_only(_cells(matrix_list)), len(matrix_list), LABELS, seeds=seeds)
    for matrix, summary, matrix_seed in zip(matrix_list, summaries, seeds, strict=True):
        ratings = _shared(matrix)
        if not ratings:
            assert summary is None
            continue
        expected = agreement.summarise(ratings, seed=matrix_seed, n_resamples=1000)
        assert (summary.n_raters, summary.n_units, summary.warnings) == (
            expected.n_raters,
            expected.n_units,
            expected.warnings,
        )
        for name in ("percent_agreement", "fleiss_kappa", "gwet_ac1"):
            assert _same(getattr(summary, name), getattr(expected, name)), name
        ours, theirs = summary.krippendorff_alpha, expected.krippendorff_alpha
        assert (ours.n_resamples, ours.method, ours.warning) == (theirs.n_resamples, theirs.method, theirs.warning)
        for name in ("estimate", "low", "high"):
            assert _same(getattr(ours, name), getattr(theirs, name)), name


def test_a_matrix_measures_the_same_alone_or_among_others():
    rng = np.random.default_rng(3)
    matrix_list = [rng.integers(-1, 4, size=(6, 8)).tolist() for _ in range(5)]
    together = summarise_many(shared_units_only(_cells(matrix_list)), 5, LABELS, seeds=[20260316] * 5)
    alone = summarise_many(shared_units_only(_cells(matrix_list[2:3])), 1, LABELS, seeds=[20260316])
    assert together[2] == alone[0]


def test_units_rated_once_are_left_out():
    cells = Cells.of([0, 0, 0], [1, 1, 2], [1, 2, 1], [0, 1, 0])
    assert shared_units_only(cells).unit.tolist() == [1, 1]


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_pairwise_kappas_match_quiz_agreement_to_the_bit(matrix):
    codes = np.array(matrix)
    expected = agreement.pairwise_cohen_matrix(np.where(codes < 0, np.nan, codes.astype(float)))
    assert np.array_equal(pairwise_kappas(codes), expected, equal_nan=True)


def test_reviewer_figures_match_cohen_kappa_and_binary_rates():
    rng = np.random.default_rng(5)
    group = rng.integers(0, 30, 600)
    gold = rng.integers(0, 4, 600)
    given_labels = np.where(rng.random(600) < 0.6, gold, rng.integers(0, 4, 600))
    gold_violating = rng.random(600) < 0.5
    given_violating = np.where(rng.random(600) < 0.7, gold_violating, ~gold_violating)
    figures = reviewer_figures_many(group, gold, given_labels, gold_violating, given_violating, 31, LABELS)
    assert figures[30] is None
    for j in range(30):
        mine = group == j
        truth = [LABELS[code] for code in gold[mine]]
        answered = [LABELS[code] for code in given_labels[mine]]
        sensitivity, specificity = agreement.binary_rates(
            ["v" if flag else "n" for flag in gold_violating[mine]],
            ["v" if flag else "n" for flag in given_violating[mine]],
            "v",
        )
        kappa = agreement.cohen_kappa(truth, answered) if len(truth) >= 2 else math.nan
        confusion: dict = {}
        for t, a in zip(truth, answered, strict=True):
            confusion.setdefault(t, {}).setdefault(a, 0)
            confusion[t][a] += 1
        got = figures[j]
        assert got.n_answers == len(truth)
        assert got.accuracy == sum(t == a for t, a in zip(truth, answered, strict=True)) / len(truth)
        assert _same(got.kappa_vs_gold, kappa) and _same(got.sensitivity, sensitivity)
        assert _same(got.specificity, specificity)
        assert got.confusion == confusion
        assert list(got.confusion) == sorted(got.confusion)
