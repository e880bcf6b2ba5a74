"""Tests for analytics.psychometrics: a worked example by hand, independent formulas, properties,
undefined figures and bad input.

Pure numpy; no database (run with ``-p no:django``). scipy is a test-only dependency, imported in
the test that uses it.
"""

from __future__ import annotations

import itertools
import math
import statistics
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.psychometrics import (
    DUBIOUS_BELOW,
    DecisionConsistency,
    QuizItemStatistics,
    QuizStatistics,
    conditional_standard_error,
    decision_consistency,
    quiz_statistics,
)

NAN = float("nan")
TOLERANCE = 1e-9
PROPERTY_SETTINGS = settings(max_examples=80, deadline=None)


def _same(a: float, b: float, tol: float = TOLERANCE) -> bool:
    """Equal within ``tol``, treating two NaNs as equal."""
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def _same_items(a: QuizItemStatistics, b: QuizItemStatistics) -> bool:
    return a.dubious == b.dubious and all(
        _same(getattr(a, name), getattr(b, name))
        for name in (
            "max_mark",
            "mean",
            "facility",
            "standard_deviation_percent",
            "discrimination_index",
            "discriminative_efficiency",
        )
    )


# --------------------------------------------------------------------------------------
# A worked example, by hand
# --------------------------------------------------------------------------------------

# 5 trainees x 4 items; items 1-2 are worth 1 mark, items 3-4 are worth 2.
WORKED_MARKS = [
    [1, 1, 2, 2],  # total 6
    [1, 0, 2, 1],  # total 4
    [1, 1, 0, 1],  # total 3
    [0, 1, 1, 0],  # total 2
    [0, 0, 1, 0],  # total 1
]
WORKED_MAXIMA = [1, 1, 2, 2]  # maximum total 6


def test_the_worked_example_gives_the_test_statistics_computed_by_hand() -> None:
    # Totals 6, 4, 3, 2, 1: mean 16/5 = 3.2, median 3.
    # Deviations 2.8, 0.8, -0.2, -1.2, -2.2; squares 7.84 + 0.64 + 0.04 + 1.44 + 4.84 = 14.8;
    # V(T) = 14.8 / 4 = 3.7, sd = sqrt(3.7).
    # Item variances (divisor 4):
    #   item 1 [1,1,1,0,0]: mean 0.6, 3 * 0.16 + 2 * 0.36 = 1.2 -> 0.3
    #   item 2 [1,0,1,1,0]: mean 0.6, same squares                 -> 0.3
    #   item 3 [2,2,0,1,1]: mean 1.2, 0.64 + 0.64 + 1.44 + 0.04 + 0.04 = 2.8 -> 0.7
    #   item 4 [2,1,1,0,0]: mean 0.8, 1.44 + 0.04 + 0.04 + 0.64 + 0.64 = 2.8 -> 0.7
    #   sum 2.0
    # alpha = 4/3 * (1 - 2.0 / 3.7) = 4/3 * 1.7/3.7 = 6.8 / 11.1 = 68/111 -> CIC 6800/111 %.
    # Error ratio 100 * sqrt(1 - 68/111) = 100 * sqrt(43/111); standard error = ER * sd / 100.
    stats = quiz_statistics(WORKED_MARKS, WORKED_MAXIMA)
    cic = 6800 / 111
    error_ratio = 100 * math.sqrt(43 / 111)
    standard_error = math.sqrt(43 / 111) * math.sqrt(3.7)
    assert (stats.n_trainees, stats.n_items, stats.max_total) == (5, 4, 6.0)
    assert stats.mean == pytest.approx(3.2, abs=TOLERANCE)
    assert stats.mean_percent == pytest.approx(100 * 3.2 / 6, abs=TOLERANCE)
    assert stats.median == 3.0
    assert stats.median_percent == pytest.approx(50.0, abs=TOLERANCE)
    assert stats.standard_deviation == pytest.approx(math.sqrt(3.7), abs=TOLERANCE)
    assert stats.standard_deviation_percent == pytest.approx(100 * math.sqrt(3.7) / 6, abs=TOLERANCE)
    assert stats.cic == pytest.approx(cic, abs=TOLERANCE)
    assert stats.error_ratio == pytest.approx(error_ratio, abs=TOLERANCE)
    assert stats.standard_error == pytest.approx(standard_error, abs=TOLERANCE)
    assert stats.standard_error_percent == pytest.approx(100 * standard_error / 6, abs=TOLERANCE)


def test_the_worked_example_gives_the_item_statistics_computed_by_hand() -> None:
    # Rest of test R = total - item. Covariances and variances with divisor 4.
    #
    # Item 1 x = [1,1,1,0,0] (mean 0.6, V 0.3); R = [5,3,2,2,1] (mean 2.6, V (5.76+0.16+0.36+0.36+2.56)/4 = 2.3).
    #   C = (0.4*2.4 + 0.4*0.4 + 0.4*-0.6 + -0.6*-0.6 + -0.6*-1.6) / 4 = (0.96+0.16-0.24+0.36+0.96)/4 = 0.55
    #   DI = 100 * 0.55 / sqrt(0.3 * 2.3); x and R already rise together, so Cmax = C and DE = 100.
    # Item 2 x = [1,0,1,1,0] (mean 0.6, V 0.3); R = [5,4,2,1,1] (mean 2.6, V (5.76+1.96+0.36+2.56+2.56)/4 = 3.3).
    #   C = (0.4*2.4 - 0.6*1.4 + 0.4*-0.6 + 0.4*-1.6 - 0.6*-1.6) / 4 = (0.96-0.84-0.24-0.64+0.96)/4 = 0.05
    #   sorted x [0,0,1,1,1], sorted R [1,1,2,4,5]:
    #   Cmax = (-0.6*-1.6 - 0.6*-1.6 + 0.4*-0.6 + 0.4*1.4 + 0.4*2.4) / 4 = (0.96+0.96-0.24+0.56+0.96)/4 = 0.8
    #   DI = 100 * 0.05 / sqrt(0.3 * 3.3); DE = 100 * 0.05 / 0.8 = 6.25 (dubious: under 15).
    # Item 3 x = [2,2,0,1,1] (mean 1.2, V 0.7); R = [4,2,3,1,0] (mean 2, V (4+0+1+1+4)/4 = 2.5).
    #   C = (0.8*2 + 0.8*0 - 1.2*1 - 0.2*-1 - 0.2*-2) / 4 = (1.6-1.2+0.2+0.4)/4 = 0.25
    #   sorted x [0,1,1,2,2], sorted R [0,1,2,3,4]:
    #   Cmax = (-1.2*-2 - 0.2*-1 - 0.2*0 + 0.8*1 + 0.8*2) / 4 = (2.4+0.2+0.8+1.6)/4 = 1.25
    #   DI = 100 * 0.25 / sqrt(0.7 * 2.5); DE = 100 * 0.25 / 1.25 = 20.
    # Item 4 x = [2,1,1,0,0] (mean 0.8, V 0.7); R = [4,3,2,2,1] (mean 2.4, V (2.56+0.36+0.16+0.16+1.96)/4 = 1.3).
    #   C = (1.2*1.6 + 0.2*0.6 + 0.2*-0.4 - 0.8*-0.4 - 0.8*-1.4) / 4 = (1.92+0.12-0.08+0.32+1.12)/4 = 0.85
    #   x and R rise together, so Cmax = C and DE = 100; DI = 100 * 0.85 / sqrt(0.7 * 1.3).
    # Facility = 100 * mean / max: 60, 60, 100 * 1.2/2 = 60, 100 * 0.8/2 = 40.
    expected = [
        # facility, sd %, DI, DE, dubious
        (60.0, 100 * math.sqrt(0.3), 100 * 0.55 / math.sqrt(0.3 * 2.3), 100.0, False),
        (60.0, 100 * math.sqrt(0.3), 100 * 0.05 / math.sqrt(0.3 * 3.3), 6.25, True),
        (60.0, 100 * math.sqrt(0.7) / 2, 100 * 0.25 / math.sqrt(0.7 * 2.5), 20.0, False),
        (40.0, 100 * math.sqrt(0.7) / 2, 100 * 0.85 / math.sqrt(0.7 * 1.3), 100.0, False),
    ]
    items = quiz_statistics(WORKED_MARKS, WORKED_MAXIMA).items
    assert len(items) == 4
    for item, maximum, mean, (facility, spread, index, efficiency, dubious) in zip(
        items, WORKED_MAXIMA, [0.6, 0.6, 1.2, 0.8], expected, strict=True
    ):
        assert item.max_mark == maximum
        assert item.mean == pytest.approx(mean, abs=TOLERANCE)
        assert item.facility == pytest.approx(facility, abs=TOLERANCE)
        assert item.standard_deviation_percent == pytest.approx(spread, abs=TOLERANCE)
        assert item.discrimination_index == pytest.approx(index, abs=TOLERANCE)
        assert item.discriminative_efficiency == pytest.approx(efficiency, abs=TOLERANCE)
        assert item.dubious is dubious


def test_an_item_is_dubious_when_its_discriminative_efficiency_is_under_15_percent_as_in_moodle() -> None:
    # Moodle's is_dubious_question() tests the efficiency, not the index. Item 1 below has
    # x = [0,1,0,0,0] and rest of test R = [0,1,0,2,1] (means 0.2 and 0.8):
    #   C = (0.16 + 0.16 + 0.16 - 0.24 - 0.04) / 4 = 0.05; V(x) = 0.8/4 = 0.2; V(R) = 2.8/4 = 0.7
    #   DI = 100 * 0.05 / sqrt(0.14) = 13.36...  (under 15)
    #   sorted x [0,0,0,0,1], sorted R [0,0,1,1,2]: Cmax = (0.16 + 0.16 - 0.04 - 0.04 + 0.96) / 4 = 0.3
    #   DE = 100 * 0.05 / 0.3 = 16.67 (not under 15), so not dubious.
    marks = [[0, 0, 0], [1, 1, 0], [0, 0, 0], [0, 1, 1], [0, 0, 1]]
    item = quiz_statistics(marks, [1, 1, 1]).items[0]
    assert item.discrimination_index == pytest.approx(100 * 0.05 / math.sqrt(0.14), abs=TOLERANCE)
    assert item.discrimination_index < DUBIOUS_BELOW
    assert item.discriminative_efficiency == pytest.approx(100 / 6, abs=TOLERANCE)
    assert item.dubious is False


def test_discriminative_efficiency_can_fall_below_minus_100_for_skewed_items() -> None:
    # x = [0,0,0,1] against R = [1,1,1,0] (means 0.25 and 0.75):
    #   C = (3 * -0.25 * 0.25 + 0.75 * -0.75) / 3 = -0.75 / 3 = -0.25
    #   sorted x [0,0,0,1], sorted R [0,1,1,1]: Cmax = (-0.25 * -0.75 + 2 * -0.25 * 0.25 + 0.75 * 0.25) / 3 = 0.25 / 3
    #   DE = 100 * -0.25 / (0.25 / 3) = -300, while DI = -100 (x and R are exact opposites).
    item = quiz_statistics([[0, 1], [0, 1], [0, 1], [1, 0]], [1, 1]).items[0]
    assert item.discrimination_index == pytest.approx(-100.0, abs=TOLERANCE)
    assert item.discriminative_efficiency == pytest.approx(-300.0, abs=TOLERANCE)
    assert item.dubious is True


def test_decision_consistency_matches_subkoviaks_procedure_worked_by_hand() -> None:
    # Two right/wrong items, pass mark 50%: a parallel form passes with at least 1 of 2 right,
    # so P_i = 1 - (1 - t_i)^2.
    # Items [1,1,1,0] (V 0.75/3 = 1/4) and [1,1,0,0] (V 1/3); totals [2,2,1,0] (mean 1.25,
    # V (0.5625 * 2 + 0.0625 + 1.5625) / 3 = 11/12).
    # alpha = 2 * (1 - (1/4 + 1/3) / (11/12)) = 2 * (1 - 7/11) = 8/11.
    # Kelley: t_i = 8/11 * x_i + 3/11 * 0.625 with x = [1, 1, 0.5, 0] -> 79/88, 79/88, 47/88, 15/88.
    # P_i = 1 - (9/88)^2, 1 - (9/88)^2, 1 - (41/88)^2, 1 - (73/88)^2.
    marks = [[1, 1], [1, 1], [1, 0], [0, 0]]
    alpha = Fraction(8, 11)
    true_scores = [alpha * x + (1 - alpha) * Fraction(5, 8) for x in (Fraction(1), Fraction(1), Fraction(1, 2), 0)]
    assert true_scores == [Fraction(79, 88), Fraction(79, 88), Fraction(47, 88), Fraction(15, 88)]
    passing = [1 - (1 - t) ** 2 for t in true_scores]
    agreement = sum(p**2 + (1 - p) ** 2 for p in passing) / 4
    pass_rate = sum(passing) / 4
    chance = pass_rate**2 + (1 - pass_rate) ** 2
    kappa = (agreement - chance) / (1 - chance)

    result = decision_consistency(marks, [1, 1], pass_mark_percent=50)

    assert isinstance(result, DecisionConsistency)
    assert (result.pass_mark_percent, result.n_trainees, result.n_items) == (50.0, 4, 2)
    assert result.reliability == pytest.approx(8 / 11, abs=TOLERANCE)
    assert result.pass_probabilities == pytest.approx([float(p) for p in passing], abs=TOLERANCE)
    assert result.decision_consistency == pytest.approx(float(agreement), abs=TOLERANCE)
    assert result.expected_pass_rate == pytest.approx(float(pass_rate), abs=TOLERANCE)
    assert result.chance_agreement == pytest.approx(float(chance), abs=TOLERANCE)
    assert result.kappa == pytest.approx(float(kappa), abs=TOLERANCE)
    assert result.observed_pass_rate == 0.75  # totals 2, 2, 1 reach 50% of 2; 0 does not
    assert result.standard_error_at_pass_mark == pytest.approx(conditional_standard_error(2, 50), abs=TOLERANCE)


def test_with_no_reliability_everyone_is_regressed_to_the_mean_and_kappa_is_zero() -> None:
    # Uncorrelated items: V = 1/3 each, totals [2,1,1,0] with V 2/3, alpha = 2 * (1 - (2/3)/(2/3)) = 0.
    # Every t_i = mean = 0.5, P_i = 1 - 0.5^2 = 0.75: P = 0.75^2 + 0.25^2 = 0.625 = Pc, kappa 0.
    result = decision_consistency([[1, 1], [1, 0], [0, 1], [0, 0]], [1, 1], pass_mark_percent=50)
    assert result.reliability == pytest.approx(0.0, abs=TOLERANCE)
    assert result.pass_probabilities == pytest.approx([0.75] * 4, abs=TOLERANCE)
    assert result.decision_consistency == pytest.approx(0.625, abs=TOLERANCE)
    assert result.chance_agreement == pytest.approx(0.625, abs=TOLERANCE)
    assert result.kappa == pytest.approx(0.0, abs=TOLERANCE)


def test_a_negative_alpha_is_reported_but_used_as_zero() -> None:
    # Items pulling against each other: x1 = [1,0,1,1,0] (V 0.3), x2 = [0,1,0,1,0] (V 0.3);
    # totals [1,1,1,2,0] (V 2/4 = 0.5): alpha = 2 * (1 - 0.6 / 0.5) = -0.4, reported as CIC -40%.
    marks = [[1, 0], [0, 1], [1, 0], [1, 1], [0, 0]]
    assert quiz_statistics(marks, [1, 1]).cic == pytest.approx(-40.0, abs=TOLERANCE)
    result = decision_consistency(marks, [1, 1], pass_mark_percent=50)
    assert result.reliability == pytest.approx(-0.4, abs=TOLERANCE)
    assert len(set(result.pass_probabilities)) == 1  # everyone at the mean
    assert result.kappa == pytest.approx(0.0, abs=TOLERANCE)


def test_conditional_standard_error_follows_lords_binomial_formula() -> None:
    # n = 10 items, 70%: x = 7, CSEM = sqrt(7 * 3 / 9) = sqrt(21) / 3 items = 100 * sqrt(21) / 30 %.
    assert conditional_standard_error(10, 70) == pytest.approx(100 * math.sqrt(21) / 30, abs=TOLERANCE)
    # n = 4 items, 50%: x = 2, CSEM = sqrt(2 * 2 / 3) items, over 4 items.
    assert conditional_standard_error(4, 50) == pytest.approx(100 * math.sqrt(4 / 3) / 4, abs=TOLERANCE)
    # No error at the ends of the scale (a known limit of the binomial model).
    assert conditional_standard_error(10, 0) == 0.0
    assert conditional_standard_error(10, 100) == 0.0
    # Largest at 50%, and the same at 30% and 70%.
    assert conditional_standard_error(10, 50) > conditional_standard_error(10, 70)
    assert conditional_standard_error(10, 30) == pytest.approx(conditional_standard_error(10, 70), abs=TOLERANCE)


# --------------------------------------------------------------------------------------
# Independent formulas on random data
# --------------------------------------------------------------------------------------


@st.composite
def mark_matrices(draw: Any, min_trainees: int = 0, max_trainees: int = 14) -> tuple[np.ndarray, list[float]]:
    """A trainees x items matrix of half-marks within random per-item maxima."""
    n_items = draw(st.integers(1, 6))
    maxima = draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 6.0]), min_size=n_items, max_size=n_items))
    n_trainees = draw(st.integers(min_trainees, max_trainees))
    rows = [[draw(st.integers(0, int(2 * m))) / 2 for m in maxima] for _ in range(n_trainees)]
    return np.array(rows, dtype=float).reshape(n_trainees, n_items), maxima


def _alpha_from_variances(marks: np.ndarray) -> float:
    """Cronbach (1951) written plainly with the standard library: k/(k-1) (1 - sum V(x_j) / V(T))."""
    k = marks.shape[1]
    totals = [float(sum(row)) for row in marks.tolist()]
    item_variances = [statistics.variance(column) for column in marks.T.tolist()]
    return k / (k - 1) * (1 - sum(item_variances) / statistics.variance(totals))


def _alpha_from_covariances(marks: np.ndarray) -> float:
    """The same coefficient from the covariance matrix: k/(k-1) * (sum of off-diagonal) / (sum of all)."""
    k = marks.shape[1]
    covariance = np.cov(marks, rowvar=False)
    return k / (k - 1) * (covariance.sum() - np.trace(covariance)) / covariance.sum()


def _moodle_efficiency(item: list[float], rest: list[float]) -> float:
    """Moodle's calculator.php walk: covariance over the covariance of independently sorted marks."""
    n = len(item)
    item_mean, rest_mean = sum(item) / n, sum(rest) / n
    covariance = sum((x - item_mean) * (r - rest_mean) for x, r in zip(item, rest, strict=True)) / (n - 1)
    covariance_max = sum((x - item_mean) * (r - rest_mean) for x, r in zip(sorted(item), sorted(rest), strict=True)) / (
        n - 1
    )
    return 100 * covariance / covariance_max


@PROPERTY_SETTINGS
@given(mark_matrices(min_trainees=2))
def test_cic_matches_cronbachs_alpha_from_two_independent_formulas(case: tuple[np.ndarray, list[float]]) -> None:
    marks, maxima = case
    stats = quiz_statistics(marks, maxima)
    totals = marks.sum(axis=1)
    if marks.shape[1] < 2 or np.ptp(totals) == 0:
        assert math.isnan(stats.cic)
        return
    assert stats.cic == pytest.approx(100 * _alpha_from_variances(marks), abs=1e-7)
    assert stats.cic == pytest.approx(100 * _alpha_from_covariances(marks), abs=1e-7)
    assert stats.error_ratio == pytest.approx(100 * math.sqrt(1 - stats.cic / 100), abs=1e-7)
    assert stats.standard_error == pytest.approx(stats.error_ratio * statistics.stdev(totals.tolist()) / 100, abs=1e-7)


@PROPERTY_SETTINGS
@given(mark_matrices(min_trainees=2))
def test_item_figures_match_numpy_correlation_and_moodles_walk(case: tuple[np.ndarray, list[float]]) -> None:
    marks, maxima = case
    items = quiz_statistics(marks, maxima).items
    totals = marks.sum(axis=1)
    for j, item in enumerate(items):
        x, rest = marks[:, j], totals - marks[:, j]
        assert item.facility == pytest.approx(100 * x.mean() / maxima[j], abs=TOLERANCE)
        assert item.standard_deviation_percent == pytest.approx(100 * statistics.stdev(x.tolist()) / maxima[j])
        if np.ptp(x) == 0 or np.ptp(rest) == 0:
            assert math.isnan(item.discrimination_index)
            assert math.isnan(item.discriminative_efficiency)
            assert item.dubious is False
            continue
        assert item.discrimination_index == pytest.approx(100 * np.corrcoef(x, rest)[0, 1], abs=1e-7)
        efficiency = _moodle_efficiency(x.tolist(), rest.tolist())
        assert item.discriminative_efficiency == pytest.approx(efficiency, abs=1e-7)
        assert item.dubious is (efficiency < DUBIOUS_BELOW)


@PROPERTY_SETTINGS
@given(mark_matrices(min_trainees=2), st.sampled_from([0, 40, 50, 62.5, 70, 80, 100]))
def test_pass_probabilities_match_scipys_binomial_on_kelleys_estimates(
    case: tuple[np.ndarray, list[float]], pass_mark: float
) -> None:
    from scipy.stats import binom

    marks, maxima = case
    result = decision_consistency(marks, maxima, pass_mark_percent=pass_mark)
    stats = quiz_statistics(marks, maxima)
    if math.isnan(stats.cic):
        assert math.isnan(result.decision_consistency)
        return
    n = marks.shape[1]
    weight = max(stats.cic / 100, 0.0)
    proportions = marks.sum(axis=1) / sum(maxima)
    true_scores = weight * proportions + (1 - weight) * proportions.mean()
    cut = math.ceil(pass_mark * n / 100 - 1e-12)  # smallest count reaching the pass mark
    expected = binom.sf(cut - 1, n, true_scores)
    assert result.pass_probabilities == pytest.approx(expected.tolist(), abs=1e-9)
    assert result.decision_consistency == pytest.approx(float(np.mean(expected**2 + (1 - expected) ** 2)), abs=1e-9)


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(mark_matrices())
def test_figures_stay_within_their_ranges(case: tuple[np.ndarray, list[float]]) -> None:
    marks, maxima = case
    stats = quiz_statistics(marks, maxima)
    assert isinstance(stats, QuizStatistics)
    assert stats.cic <= 100 or math.isnan(stats.cic)
    for item in stats.items:
        assert 0 <= item.facility <= 100 or (math.isnan(item.facility) and stats.n_trainees == 0)
        index, efficiency = item.discrimination_index, item.discriminative_efficiency
        assert math.isnan(index) == math.isnan(efficiency)
        if not math.isnan(index):
            assert -100 <= index <= 100
            # Cmax <= sd(x) sd(X): the efficiency is at most 100, has the sign of the index and at least
            # its size. It has no lower bound of -100 (see the skewed-item test above).
            assert efficiency <= 100
            assert abs(efficiency) >= abs(index) - 1e-9
            assert (efficiency > 1e-9) == (index > 1e-9)
            assert item.dubious is (efficiency < DUBIOUS_BELOW)


def _assert_same_statistics(a: QuizStatistics, b: QuizStatistics) -> None:
    for name in QuizStatistics.__slots__:
        if name != "items":
            assert _same(getattr(a, name), getattr(b, name)), name


@PROPERTY_SETTINGS
@given(mark_matrices(), st.randoms(use_true_random=False))
def test_reordering_trainees_changes_nothing(case: tuple[np.ndarray, list[float]], random: Any) -> None:
    marks, maxima = case
    order = list(range(marks.shape[0]))
    random.shuffle(order)
    before, after = quiz_statistics(marks, maxima), quiz_statistics(marks[order], maxima)
    _assert_same_statistics(before, after)
    assert all(_same_items(a, b) for a, b in zip(before.items, after.items, strict=True))
    decided = decision_consistency(marks, maxima, pass_mark_percent=70)
    reordered = decision_consistency(marks[order], maxima, pass_mark_percent=70)
    assert _same(decided.decision_consistency, reordered.decision_consistency)
    assert _same(decided.kappa, reordered.kappa)
    assert all(
        _same(decided.pass_probabilities[i], p) for i, p in zip(order, reordered.pass_probabilities, strict=True)
    )


@PROPERTY_SETTINGS
@given(mark_matrices(), st.randoms(use_true_random=False))
def test_reordering_items_reorders_the_item_figures_only(case: tuple[np.ndarray, list[float]], random: Any) -> None:
    marks, maxima = case
    order = list(range(marks.shape[1]))
    random.shuffle(order)
    before = quiz_statistics(marks, maxima)
    after = quiz_statistics(marks[:, order], [maxima[j] for j in order])
    _assert_same_statistics(before, after)
    assert all(_same_items(before.items[j], item) for j, item in zip(order, after.items, strict=True))


def test_a_perfectly_guttman_ordered_quiz_has_a_high_cic() -> None:
    # 10 right/wrong items from hardest to easiest; trainee t answers the t easiest ones right.
    marks = [[1 if item >= 10 - trainee else 0 for item in range(10)] for trainee in range(11)]
    assert quiz_statistics(marks, [1] * 10).cic >= 90


@PROPERTY_SETTINGS
@given(mark_matrices(min_trainees=2), st.floats(0, 100))
def test_decision_consistency_and_kappa_stay_within_their_ranges(
    case: tuple[np.ndarray, list[float]], pass_mark: float
) -> None:
    marks, maxima = case
    result = decision_consistency(marks, maxima, pass_mark_percent=pass_mark)
    if math.isnan(result.reliability):
        assert math.isnan(result.decision_consistency) and math.isnan(result.kappa)
        return
    assert 0.5 - 1e-12 <= result.decision_consistency <= 1
    assert result.chance_agreement <= result.decision_consistency + 1e-12
    assert all(0 <= p <= 1 for p in result.pass_probabilities)
    assert math.isnan(result.kappa) or 0 <= result.kappa <= 1
    # A higher total never gives a lower chance of passing.
    totals = marks.sum(axis=1)
    ranked = sorted(zip(totals.tolist(), result.pass_probabilities, strict=True))
    assert all(a[1] <= b[1] + 1e-12 for a, b in itertools.pairwise(ranked))


@PROPERTY_SETTINGS
@given(st.integers(2, 40), st.integers(1, 6), st.integers(1, 6), st.floats(0.01, 100))
def test_decisions_are_fully_consistent_when_everyone_is_far_from_the_pass_mark_with_perfect_reliability(
    n_items: int, n_masters: int, n_novices: int, pass_mark: float
) -> None:
    # Everyone scores 100% or 0%: items agree perfectly, alpha = 1, each trainee's true score is
    # their own 0 or 1, and each passes a parallel form with probability 1 or 0.
    marks = [[1] * n_items] * n_masters + [[0] * n_items] * n_novices
    result = decision_consistency(marks, [1] * n_items, pass_mark_percent=pass_mark)
    assert result.reliability == pytest.approx(1.0, abs=1e-12)
    assert result.pass_probabilities == pytest.approx([1.0] * n_masters + [0.0] * n_novices, abs=1e-12)
    assert result.decision_consistency == pytest.approx(1.0, abs=1e-12)
    assert result.kappa == pytest.approx(1.0, abs=1e-12)
    assert result.observed_pass_rate == n_masters / (n_masters + n_novices)


# --------------------------------------------------------------------------------------
# Undefined figures
# --------------------------------------------------------------------------------------


def test_one_trainee_leaves_every_spread_based_figure_undefined() -> None:
    stats = quiz_statistics([[1, 0, 2]], [1, 1, 2])
    assert (stats.n_trainees, stats.mean, stats.median) == (1, 3.0, 3.0)
    for name in ("standard_deviation", "cic", "error_ratio", "standard_error", "standard_error_percent"):
        assert math.isnan(getattr(stats, name)), name
    assert [item.facility for item in stats.items] == [100.0, 0.0, 100.0]
    for item in stats.items:
        assert math.isnan(item.standard_deviation_percent)
        assert math.isnan(item.discrimination_index)
        assert math.isnan(item.discriminative_efficiency)
        assert item.dubious is False
    result = decision_consistency([[1, 0, 2]], [1, 1, 2], pass_mark_percent=50)
    assert math.isnan(result.decision_consistency) and math.isnan(result.kappa)
    assert math.isnan(result.pass_probabilities[0])
    assert result.observed_pass_rate == 1.0


def test_no_trainees_gives_an_empty_but_well_formed_result() -> None:
    stats = quiz_statistics([], [1, 2])
    assert (stats.n_trainees, stats.n_items, stats.max_total) == (0, 2, 3.0)
    assert math.isnan(stats.mean) and math.isnan(stats.median) and math.isnan(stats.cic)
    assert all(math.isnan(item.facility) for item in stats.items)
    result = decision_consistency(np.empty((0, 2)), [1, 2], pass_mark_percent=50)
    assert result.pass_probabilities == ()
    assert math.isnan(result.decision_consistency) and math.isnan(result.observed_pass_rate)


def test_an_item_everybody_scores_the_same_on_has_no_discrimination() -> None:
    marks = [[1, 1, 2], [1, 0, 1], [1, 1, 0], [1, 0, 0]]  # item 1: everybody right
    items = quiz_statistics(marks, [1, 1, 2]).items
    assert items[0].facility == 100.0
    assert math.isnan(items[0].discrimination_index)
    assert math.isnan(items[0].discriminative_efficiency)
    assert items[0].dubious is False
    assert not math.isnan(items[1].discrimination_index)


def test_equal_totals_leave_the_cic_undefined() -> None:
    # Totals all 1; each item is then the exact opposite of the rest of the test.
    marks = [[1, 0], [0, 1], [1, 0], [0, 1]]
    stats = quiz_statistics(marks, [1, 1])
    assert stats.standard_deviation == 0.0
    assert math.isnan(stats.cic) and math.isnan(stats.error_ratio) and math.isnan(stats.standard_error)
    assert [item.discrimination_index for item in stats.items] == pytest.approx([-100.0, -100.0])
    assert math.isnan(decision_consistency(marks, [1, 1], pass_mark_percent=50).decision_consistency)


def test_totals_equal_up_to_rounding_count_as_equal() -> None:
    # 0.1 + 0.2 and 0.3 differ in the last bit; a CIC from that difference would be noise.
    stats = quiz_statistics([[0.1, 0.2], [0.3, 0.0], [0.0, 0.3]], [0.5, 0.5])
    assert math.isnan(stats.cic)


def test_a_one_item_quiz_has_no_cic_and_no_discrimination() -> None:
    stats = quiz_statistics([[1], [0], [1]], [1])
    assert math.isnan(stats.cic)
    assert math.isnan(stats.items[0].discrimination_index)
    assert stats.items[0].facility == pytest.approx(200 / 3, abs=TOLERANCE)
    assert math.isnan(conditional_standard_error(1, 50))


def test_a_pass_mark_of_zero_passes_everyone_and_leaves_kappa_undefined() -> None:
    result = decision_consistency(WORKED_MARKS, WORKED_MAXIMA, pass_mark_percent=0)
    assert result.pass_probabilities == (1.0,) * 5
    assert result.decision_consistency == 1.0
    assert math.isnan(result.kappa)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marks", "max_marks", "message"),
    [
        ([[1, 0], [1]], [1, 1], "marks[1] has 1 mark but the quiz has 2 items"),
        (
            [[1, 0, 1], [1, 0, 1]],
            [1, 1],
            "marks has 3 columns but max_marks has 2 items; give one maximum mark per column",
        ),
        ([[1, 0], [-1, 0]], [1, 1], "marks[1][0] is -1; a mark cannot be negative"),
        ([[1, 0], [0, 3]], [1, 2], "marks[1][1] is 3, above item 1's maximum mark of 2"),
        ([[1, NAN]], [1, 1], "marks[0][1] is nan; every trainee needs a finite mark for every item"),
        ([[1, math.inf]], [1, 1], "marks[0][1] is inf; every trainee needs a finite mark for every item"),
        ([[1, None]], [1, 1], "marks[0][1] is missing (None); every trainee needs a mark for every item"),
        ([[1, "1"]], [1, 1], "marks[0][1] is '1', not a number"),
        ([1, 0], [1, 1], "marks must be 2-D: marks[0] is 1, not a sequence of marks per item"),
        ("10", [1, 1], "marks must be 2-D: a sequence of trainees, each a sequence of marks per item"),
        (np.zeros((2, 2, 2)), [1, 1], "marks must be 2-D (trainees x items); got an array with 3 dimension(s)"),
        ([[1, 0]], [1, 0], "max_marks[1] is 0; every maximum mark must be above 0"),
        ([[1, 0]], [1, -2], "max_marks[1] is -2; every maximum mark must be above 0"),
        ([[1, 0]], [1, NAN], "max_marks[1] is nan; every maximum mark must be a finite number"),
        ([], [], "a quiz needs at least one item: max_marks is empty"),
        ([[1]], [[1]], "max_marks must be 1-D, one maximum mark per item; got 2 dimension(s)"),
        ([[1]], ["one"], "max_marks must be a sequence of numbers, one maximum mark per item"),
    ],
)
def test_it_rejects_bad_input_with_a_readable_message(marks: Any, max_marks: Any, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        quiz_statistics(marks, max_marks)
    assert str(raised.value) == message
    with pytest.raises(ValueError) as raised:
        decision_consistency(marks, max_marks, pass_mark_percent=50)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("pass_mark", "message"),
    [
        (-1, "pass_mark_percent must be from 0 to 100; got -1"),
        (100.5, "pass_mark_percent must be from 0 to 100; got 100.5"),
        (NAN, "pass_mark_percent must be from 0 to 100; got nan"),
        ("70", "pass_mark_percent must be a number from 0 to 100; got '70'"),
    ],
)
def test_it_rejects_a_pass_mark_outside_0_to_100(pass_mark: Any, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        decision_consistency(WORKED_MARKS, WORKED_MAXIMA, pass_mark_percent=pass_mark)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("n_items", "score", "message"),
    [
        (0, 50, "n_items must be a whole number of at least 1; got 0"),
        (2.5, 50, "n_items must be a whole number of at least 1; got 2.5"),
        (True, 50, "n_items must be a whole number of at least 1; got True"),
        (10, 101, "score_percent must be from 0 to 100; got 101"),
    ],
)
def test_conditional_standard_error_rejects_bad_input(n_items: Any, score: Any, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        conditional_standard_error(n_items, score)
    assert str(raised.value) == message
