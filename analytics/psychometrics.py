"""Test and item statistics for a quiz, in the manner of Moodle's quiz statistics report, and how
consistently the quiz certifies trainees.

Plain typed Python and numpy: no Django, no pandas, no scipy.

Conventions
-----------
``marks`` is a 2-D array-like of **trainees x items**: one row per trainee, one column per item,
each cell the mark that trainee got on that item. Use each trainee's first attempt: Moodle's
report defaults to first attempts because later attempts build on feedback from earlier ones and
so break the assumptions item analysis rests on. ``max_marks`` gives each item's maximum mark, in
column order; marks run from 0 to that maximum (partial credit allowed).

The matrix must be complete: there is no missing-mark convention. How to treat an item a trainee
was not shown (score 0, drop the attempt, drop the item) changes every figure, so the caller
decides and passes a full matrix. ``None``, NaN, infinities, negative marks and marks above the
item's maximum raise ``ValueError`` naming the first offending cell.

Sources
-------
* Moodle: "Quiz statistics calculations" (docs.moodle.org/dev/Quiz_statistics_calculations) and
  its code, ``mod/quiz/report/statistics/classes/calculator.php`` (test statistics),
  ``question/classes/statistics/questions/calculator.php`` (item statistics) and
  ``mod/quiz/report/statistics/statistics_table.php`` (the "dubious" flag).
* Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika,
  16(3), 297-334.
* Subkoviak, M. J. (1976). Estimating reliability from a single administration of a
  criterion-referenced test. Journal of Educational Measurement, 13(4), 265-276.
* Kelley, T. L. (1947). Fundamentals of Statistics. Harvard University Press (the regressed
  estimate of a true score).
* Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological
  Measurement, 20(1), 37-46.
* Lord, F. M. (1955). Estimating test reliability. Educational and Psychological Measurement,
  15, 325-336; Lord, F. M. (1957). Do tests of the same length have the same standard errors of
  measurement? Educational and Psychological Measurement, 17, 510-521. Compared with other
  conditional standard errors in Feldt, L. S., Steffen, M. & Gupta, N. C. (1985), Applied
  Psychological Measurement, 9(4), 351-361.
* Livingston, S. A. & Lewis, C. (1995). Estimating the consistency and accuracy of
  classifications based on test scores. Journal of Educational Measurement, 32(2), 179-197
  (cited for what :func:`decision_consistency` does not do).

Variances, covariances and standard deviations are sample figures (divisor n - 1) throughout, as
in Moodle. Where we differ from Moodle:

* the coefficient of internal consistency is given from two trainees up; Moodle computes it inside
  its skewness block and so shows it only from three attempts;
* marks may not be negative (Moodle allows penalties and measures facility from the item's
  minimum mark);
* skewness, kurtosis, random guess score and intended/effective weights are not computed.

Undefined values
----------------
A figure is ``nan`` (never an exception, never a stand-in number) when the data cannot define it:

* fewer than two trainees: every variance, hence the standard deviation, the coefficient of
  internal consistency, the error ratio, the standard error, each item's standard deviation,
  discrimination index and discriminative efficiency, and the decision consistency (with no
  trainees at all, the means, the median and the facilities too);
* an item every trainee scored the same on, or whose rest-of-test total is the same for every
  trainee (always so in a one-item quiz): that item's discrimination index and discriminative
  efficiency, since a correlation with a constant is 0/0;
* every trainee with the same total, or a quiz of a single item: the coefficient of internal
  consistency (Cronbach's alpha divides by the variance of totals and by the number of items
  minus one), hence the error ratio, the standard error and the decision consistency.

Values that differ by at most ``1e-12`` times their possible range (the item's maximum, the
maximum total, or the maximum total less the item's maximum) count as equal, so that no figure
is computed from rounding noise.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "DUBIOUS_BELOW",
    "DecisionConsistency",
    "QuizItemStatistics",
    "QuizStatistics",
    "conditional_standard_error",
    "decision_consistency",
    "quiz_statistics",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
Marks: TypeAlias = "npt.ArrayLike | Sequence[Sequence[float]]"

# Moodle highlights an item as dubious when its discriminative efficiency is below 15%
# (``is_dubious_question`` in mod/quiz/report/statistics/statistics_table.php).
DUBIOUS_BELOW = 15.0
# Values whose spread is at most this share of their possible range count as all equal.
_TIE = 1e-12


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def _maxima(max_marks: Any) -> FloatArray:
    """``max_marks`` as a 1-D float array of positive finite maxima, or ValueError."""
    if isinstance(max_marks, str | bytes):
        raise ValueError("max_marks must be a sequence of numbers, one maximum mark per item")
    try:
        maxima = np.asarray(max_marks, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("max_marks must be a sequence of numbers, one maximum mark per item") from None
    if maxima.ndim != 1:
        raise ValueError(f"max_marks must be 1-D, one maximum mark per item; got {maxima.ndim} dimension(s)")
    if maxima.size == 0:
        raise ValueError("a quiz needs at least one item: max_marks is empty")
    for j, value in enumerate(maxima.tolist()):
        if not math.isfinite(value):
            raise ValueError(f"max_marks[{j}] is {value}; every maximum mark must be a finite number")
        if value <= 0.0:
            raise ValueError(f"max_marks[{j}] is {value:g}; every maximum mark must be above 0")
    return maxima


def _diagnose(marks: Any, n_items: int) -> FloatArray:
    """Convert ``marks`` cell by cell, raising ValueError at the first cell that is not a mark."""
    if isinstance(marks, str | bytes) or not isinstance(marks, Sequence | np.ndarray):
        raise ValueError("marks must be 2-D: a sequence of trainees, each a sequence of marks per item")
    rows = list(marks)
    out = np.empty((len(rows), n_items), dtype=np.float64)
    for i, row in enumerate(rows):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
            raise ValueError(f"marks must be 2-D: marks[{i}] is {row!r}, not a sequence of marks per item")
        if len(row) != n_items:
            items = f"{n_items} item{'s' if n_items != 1 else ''}"
            raise ValueError(f"marks[{i}] has {len(row)} mark{'s' if len(row) != 1 else ''} but the quiz has {items}")
        for j, value in enumerate(row):
            if value is None:
                raise ValueError(f"marks[{i}][{j}] is missing (None); every trainee needs a mark for every item")
            if not isinstance(value, numbers.Real):
                raise ValueError(f"marks[{i}][{j}] is {value!r}, not a number")
            out[i, j] = float(value)
    return out


def _validated(marks: Any, max_marks: Any) -> tuple[FloatArray, FloatArray]:
    """``(marks, maxima)`` as float arrays after every check in the module docstring."""
    maxima = _maxima(max_marks)
    n_items = maxima.size
    matrix: FloatArray | None = None
    if isinstance(marks, np.ndarray) and marks.dtype.kind in "biuf":
        if marks.ndim == 1 and marks.size == 0:  # np.array([]): no trainees yet
            matrix = np.empty((0, n_items), dtype=np.float64)
        elif marks.ndim != 2:
            raise ValueError(f"marks must be 2-D (trainees x items); got an array with {marks.ndim} dimension(s)")
        else:
            matrix = marks.astype(np.float64)
    elif isinstance(marks, Sequence) and not isinstance(marks, str | bytes) and len(marks) == 0:
        matrix = np.empty((0, n_items), dtype=np.float64)
    elif isinstance(marks, Sequence) and not isinstance(marks, str | bytes):
        try:
            fast = np.asarray(marks)
        except (TypeError, ValueError):  # ragged rows: diagnosed below
            fast = None
        if fast is not None and fast.ndim == 2 and fast.dtype.kind in "biuf":
            matrix = fast.astype(np.float64)
    if matrix is None:
        matrix = _diagnose(marks, n_items)
    if matrix.shape[1] != n_items:
        raise ValueError(
            f"marks has {matrix.shape[1]} column{'s' if matrix.shape[1] != 1 else ''} but max_marks has "
            f"{n_items} item{'s' if n_items != 1 else ''}; give one maximum mark per column"
        )
    bad = ~np.isfinite(matrix)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(f"marks[{i}][{j}] is {matrix[i, j]}; every trainee needs a finite mark for every item")
    below = matrix < 0.0
    if below.any():
        i, j = (int(v) for v in np.argwhere(below)[0])
        raise ValueError(f"marks[{i}][{j}] is {matrix[i, j]:g}; a mark cannot be negative")
    above = matrix > maxima
    if above.any():
        i, j = (int(v) for v in np.argwhere(above)[0])
        raise ValueError(f"marks[{i}][{j}] is {matrix[i, j]:g}, above item {j}'s maximum mark of {maxima[j]:g}")
    return matrix, maxima


# --------------------------------------------------------------------------------------
# Test and item statistics (Moodle)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuizItemStatistics:
    """Moodle's figures for one item (all percentages are 0-100).

    * ``facility``: mean mark as a percentage of the item's maximum (Moodle's facility index,
      ``F = 100 * mean(x) / max``, the item's minimum being 0 here).
    * ``standard_deviation_percent``: sample standard deviation of the item's marks as a
      percentage of its maximum (Moodle's "SD" column).
    * ``discrimination_index``: ``100 * r(x, X)``, the Pearson correlation of the item's marks
      ``x`` with the rest of the test ``X`` (the trainee's total minus this item), so that the
      item is not correlated with itself. Between -100 and 100.
    * ``discriminative_efficiency``: ``100 * C(x, X) / Cmax(x, X)``. ``C`` is the sample
      covariance; ``Cmax`` is the largest covariance the two sets of values allow, obtained as in
      Moodle by sorting ``x`` and ``X`` independently and taking the covariance of the sorted
      pairs (the rearrangement inequality makes that pairing the maximum). At most 100, with the
      sign of the discrimination index and at least its magnitude (``Cmax <= sd(x) sd(X)``).
      It has no lower bound of -100: the most negative covariance two skewed distributions allow
      can exceed ``Cmax`` in size, so an item working against the test can score -300%.
    * ``dubious``: Moodle's flag, discriminative efficiency below ``DUBIOUS_BELOW`` (15%).
      ``False`` when the efficiency is undefined, as in Moodle; look at ``facility`` for an item
      everybody gets right or wrong.
    """

    max_mark: float
    mean: float
    facility: float
    standard_deviation_percent: float
    discrimination_index: float
    discriminative_efficiency: float
    dubious: bool


@dataclass(frozen=True, slots=True)
class QuizStatistics:
    """Moodle's test statistics for a trainees x items mark matrix.

    Totals are each trainee's sum of marks; ``max_total`` is the sum of the items' maxima.
    ``mean``, ``median``, ``standard_deviation`` and ``standard_error`` are in marks; each
    ``*_percent`` twin is the same figure as a percentage of ``max_total``.

    * ``cic``: coefficient of internal consistency, Cronbach's (1951) alpha as a percentage,
      ``100 * k / (k - 1) * (1 - sum(V(x_j)) / V(T))`` for ``k`` items, item mark variances
      ``V(x_j)`` and variance of totals ``V(T)``. At most 100; negative when items pull against
      each other.
    * ``error_ratio``: ``100 * sqrt(1 - cic / 100)``, the share of the spread of totals that is
      measurement error (Moodle). Above 100 when ``cic`` is negative.
    * ``standard_error``: ``error_ratio * standard_deviation / 100``, the classical standard error
      of measurement ``sd * sqrt(1 - alpha)`` (Moodle).
    * ``items``: one :class:`QuizItemStatistics` per column, in column order.
    """

    n_trainees: int
    n_items: int
    max_total: float
    mean: float
    mean_percent: float
    median: float
    median_percent: float
    standard_deviation: float
    standard_deviation_percent: float
    cic: float
    error_ratio: float
    standard_error: float
    standard_error_percent: float
    items: tuple[QuizItemStatistics, ...]


def _constant(values: FloatArray, scale: float | FloatArray, axis: int | None = None) -> Any:
    """Whether ``values`` (along ``axis``) are all equal up to rounding on a range of ``scale``."""
    return np.ptp(values, axis=axis) <= _TIE * scale


def _cronbach_alpha(matrix: FloatArray, maxima: FloatArray) -> float:
    """Cronbach's alpha as a proportion (at most 1), or nan where undefined (module docstring)."""
    n_trainees, n_items = matrix.shape
    if n_trainees < 2 or n_items < 2:
        return math.nan
    totals = matrix.sum(axis=1)
    if _constant(totals, float(maxima.sum())):
        return math.nan
    item_variances = matrix.var(axis=0, ddof=1)
    alpha = n_items / (n_items - 1) * (1.0 - float(item_variances.sum()) / float(totals.var(ddof=1)))
    return min(alpha, 1.0)  # alpha <= 1 always (V(T) <= k * sum V(x_j)); only rounding could exceed it


def _item_statistics(matrix: FloatArray, maxima: FloatArray) -> tuple[QuizItemStatistics, ...]:
    n_trainees, n_items = matrix.shape
    means = matrix.mean(axis=0) if n_trainees else np.full(n_items, np.nan)
    spread = index = efficiency = np.full(n_items, np.nan)
    if n_trainees >= 2:
        rest = matrix.sum(axis=1, keepdims=True) - matrix  # each trainee's total without the item
        rest_means = rest.mean(axis=0)
        spread = matrix.std(axis=0, ddof=1)
        covariance = ((matrix - means) * (rest - rest_means)).sum(axis=0) / (n_trainees - 1)
        # Moodle's Cmax: pair the k-th smallest item mark with the k-th smallest rest-of-test total.
        sorted_pairs = (np.sort(matrix, axis=0) - means) * (np.sort(rest, axis=0) - rest_means)
        covariance_max = sorted_pairs.sum(axis=0) / (n_trainees - 1)
        defined = ~_constant(matrix, maxima, axis=0) & ~_constant(rest, maxima.sum() - maxima, axis=0)
        defined &= covariance_max > 0.0  # implied by the line above; guards the division against rounding
        variance_product = matrix.var(axis=0, ddof=1) * rest.var(axis=0, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = np.where(defined, 100.0 * covariance / np.sqrt(variance_product), np.nan)
            efficiency = np.where(defined, 100.0 * covariance / covariance_max, np.nan)
        # Proven bounds (|r| <= 1; C <= Cmax), enforced against rounding only.
        index = np.clip(index, -100.0, 100.0)
        efficiency = np.minimum(efficiency, 100.0)
    return tuple(
        QuizItemStatistics(
            max_mark=float(maxima[j]),
            mean=float(means[j]),
            facility=float(100.0 * means[j] / maxima[j]),
            standard_deviation_percent=float(100.0 * spread[j] / maxima[j]),
            discrimination_index=float(index[j]),
            discriminative_efficiency=float(efficiency[j]),
            dubious=bool(efficiency[j] < DUBIOUS_BELOW),  # False for nan, as in Moodle
        )
        for j in range(n_items)
    )


def quiz_statistics(marks: Marks, max_marks: Sequence[float] | npt.ArrayLike) -> QuizStatistics:
    """Moodle's test and item statistics for ``marks`` (trainees x items, first attempts).

    ``max_marks`` is each item's maximum mark. Raises ``ValueError`` for a matrix that is not
    rectangular, has a missing, non-finite, negative or over-maximum mark, or for a maximum that
    is not a positive number. Undefined figures are ``nan`` (see the module docstring).
    """
    matrix, maxima = _validated(marks, max_marks)
    n_trainees, n_items = matrix.shape
    max_total = float(maxima.sum())
    totals = matrix.sum(axis=1)
    mean = float(totals.mean()) if n_trainees else math.nan
    median = float(np.median(totals)) if n_trainees else math.nan
    deviation = float(totals.std(ddof=1)) if n_trainees >= 2 else math.nan
    alpha = _cronbach_alpha(matrix, maxima)
    cic = 100.0 * alpha
    error_ratio = 100.0 * math.sqrt(1.0 - alpha) if not math.isnan(alpha) else math.nan
    standard_error = error_ratio * deviation / 100.0
    return QuizStatistics(
        n_trainees=n_trainees,
        n_items=n_items,
        max_total=max_total,
        mean=mean,
        mean_percent=100.0 * mean / max_total,
        median=median,
        median_percent=100.0 * median / max_total,
        standard_deviation=deviation,
        standard_deviation_percent=100.0 * deviation / max_total,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=standard_error,
        standard_error_percent=100.0 * standard_error / max_total,
        items=_item_statistics(matrix, maxima),
    )


# --------------------------------------------------------------------------------------
# Certification decisions: consistency and the error at the pass mark
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DecisionConsistency:
    """How consistently the quiz would certify these trainees (Subkoviak's single-form method).

    * ``decision_consistency``: the expected share of trainees who would get the same pass/fail
      decision on a parallel form, ``P = sum_i [P_i^2 + (1 - P_i)^2] / N``. Between 0.5 and 1
      under this model (each term is at least 1/2).
    * ``chance_agreement``: ``Pc = p^2 + (1 - p)^2`` with ``p`` the expected pass rate: the
      agreement two forms with these pass rates would reach by chance (Cohen, 1960).
    * ``kappa``: ``(P - Pc) / (1 - Pc)``. Between 0 and 1 under this model (by Jensen's
      inequality ``P >= Pc``): 0 when the quiz sorts trainees no better than chance. ``nan`` when
      every trainee is certain of the same decision (``Pc = 1``).
    * ``expected_pass_rate``: ``p = mean(P_i)``; ``observed_pass_rate``: the share of trainees
      whose total is at least the pass mark.
    * ``pass_probabilities``: ``P_i`` per trainee, in row order: the modelled probability that
      trainee ``i`` passes a parallel form.
    * ``reliability``: Cronbach's alpha (0-1 scale) that the estimate used; a negative alpha is
      used as 0 (see :func:`decision_consistency`).
    * ``standard_error_at_pass_mark``: :func:`conditional_standard_error` at the pass mark, in
      percentage points.
    """

    pass_mark_percent: float
    n_trainees: int
    n_items: int
    reliability: float
    decision_consistency: float
    chance_agreement: float
    kappa: float
    expected_pass_rate: float
    observed_pass_rate: float
    pass_probabilities: tuple[float, ...]
    standard_error_at_pass_mark: float


def _check_percent(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number from 0 to 100; got {value!r}")
    number = float(value)
    if not 0.0 <= number <= 100.0:  # also rejects nan
        raise ValueError(f"{name} must be from 0 to 100; got {number:g}")
    return number


def _binomial_upper_tail(n: int, cut: int, probabilities: FloatArray) -> FloatArray:
    """``P(X >= cut)`` for ``X ~ Binomial(n, p)``, one value per ``p`` (summed in log space)."""
    if cut <= 0:
        return np.ones_like(probabilities)
    if cut > n:
        return np.zeros_like(probabilities)
    x = np.arange(cut, n + 1, dtype=np.float64)
    log_choose = np.array([math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) for k in range(cut, n + 1)])
    p = probabilities[:, np.newaxis]
    with np.errstate(divide="ignore", invalid="ignore"):
        # x * log(p) with 0 * log(0) taken as 0, and likewise for the failures.
        successes = np.where(x == 0, 0.0, x * np.log(p))
        failures = np.where(n - x == 0, 0.0, (n - x) * np.log1p(-p))
    tail = np.exp(log_choose + successes + failures).sum(axis=1)
    return np.clip(tail, 0.0, 1.0)


def decision_consistency(
    marks: Marks, max_marks: Sequence[float] | npt.ArrayLike, *, pass_mark_percent: float
) -> DecisionConsistency:
    """Expected pass/fail agreement between this quiz and a parallel form, from one sitting.

    Subkoviak's (1976) single-administration procedure:

    1. Each trainee's true proportion of marks is estimated by Kelley's regressed estimate,
       ``t_i = r * x_i + (1 - r) * mean(x)``, where ``x_i`` is the trainee's total as a share of
       the maximum total and ``r`` the test's reliability. Subkoviak used KR-21; we use the
       coefficient alpha this module reports (KR-20 for right/wrong items), which does not assume
       equally hard items. A negative alpha estimates no true-score variance, so it is used as 0:
       everyone is regressed to the mean and kappa comes out 0.
    2. A parallel-form score is modelled as ``Binomial(n, t_i)`` successes out of ``n`` = the
       number of items, and passes when ``100 * successes / n >= pass_mark_percent``. So
       ``P_i = P(Binomial(n, t_i) >= c)`` with ``c`` the smallest passing count. For right/wrong
       items of equal weight this is Subkoviak's model exactly. For partial-credit items or
       unequal maxima it approximates the test by ``n`` equally weighted trials (Livingston and
       Lewis, 1995, replace ``n`` by an "effective test length" for that case; not done here). The
       pass mark is met on the model's ``1/n`` grid: with 4 items a 70% pass mark needs 3 of 4.
    3. ``P = sum_i [P_i^2 + (1 - P_i)^2] / N``, the chance of the same decision twice, averaged;
       kappa as in Cohen (1960) from the modelled 2x2 table, whose margins are both ``mean(P_i)``.

    The observed pass rate compares totals with the pass mark on the mark scale. Everything but
    ``observed_pass_rate``, ``n_trainees``, ``n_items`` and ``standard_error_at_pass_mark`` is
    ``nan`` where the reliability is undefined (fewer than two trainees, one item, or equal
    totals); see the module docstring. Input errors raise ``ValueError`` as in
    :func:`quiz_statistics`, as does a pass mark outside 0-100.
    """
    pass_mark = _check_percent(pass_mark_percent, "pass_mark_percent")
    matrix, maxima = _validated(marks, max_marks)
    n_trainees, n_items = matrix.shape
    max_total = float(maxima.sum())
    totals = matrix.sum(axis=1)
    observed = float(np.mean(100.0 * totals >= pass_mark * max_total)) if n_trainees else math.nan
    alpha = _cronbach_alpha(matrix, maxima)
    at_pass_mark = conditional_standard_error(n_items, pass_mark)
    if math.isnan(alpha):
        return DecisionConsistency(
            pass_mark_percent=pass_mark,
            n_trainees=n_trainees,
            n_items=n_items,
            reliability=math.nan,
            decision_consistency=math.nan,
            chance_agreement=math.nan,
            kappa=math.nan,
            expected_pass_rate=math.nan,
            observed_pass_rate=observed,
            pass_probabilities=(math.nan,) * n_trainees,
            standard_error_at_pass_mark=at_pass_mark,
        )
    weight = max(alpha, 0.0)
    proportions = totals / max_total
    true_scores = np.clip(weight * proportions + (1.0 - weight) * proportions.mean(), 0.0, 1.0)
    # The smallest passing count: the number of counts k with 100 k < pass * n (exact for the
    # integer pass marks in use, and free of a ceil() of a rounded quotient).
    cut = int(np.count_nonzero(100.0 * np.arange(n_items + 1) < pass_mark * n_items))
    passing = _binomial_upper_tail(n_items, cut, true_scores)
    # P = mean(P_i^2 + (1 - P_i)^2) = 1 - 2 mean(P_i (1 - P_i)); the second form keeps digits near 1.
    disagreement = float(np.mean(passing * (1.0 - passing)))
    pass_rate = float(passing.mean())
    chance_disagreement = pass_rate * (1.0 - pass_rate)
    consistency = 1.0 - 2.0 * disagreement
    chance = 1.0 - 2.0 * chance_disagreement
    # kappa = (P - Pc) / (1 - Pc), in [0, 1] by Jensen's inequality (the clip only absorbs rounding);
    # 0/0 when every trainee is (all but rounding) certain of the same decision.
    kappa = math.nan if chance_disagreement <= _TIE else min(max(1.0 - disagreement / chance_disagreement, 0.0), 1.0)
    return DecisionConsistency(
        pass_mark_percent=pass_mark,
        n_trainees=n_trainees,
        n_items=n_items,
        reliability=alpha,
        decision_consistency=consistency,
        chance_agreement=chance,
        kappa=kappa,
        expected_pass_rate=pass_rate,
        observed_pass_rate=observed,
        pass_probabilities=tuple(passing.tolist()),
        standard_error_at_pass_mark=at_pass_mark,
    )


def conditional_standard_error(n_items: int, score_percent: float) -> float:
    """Lord's binomial-error standard error of measurement at a score, in percentage points.

    Lord (1955, 1957): a trainee with true proportion-correct ``x / n`` on ``n`` items answers
    each of them right with that probability, so the error of a number-correct score ``x`` has
    standard deviation ``CSEM(x) = sqrt(x (n - x) / (n - 1))`` (the ``n - 1`` makes it unbiased).
    As a percentage of the maximum, with ``q = score_percent / 100``:
    ``100 * CSEM(n q) / n = 100 * sqrt(q (1 - q) / (n - 1))``.

    Unlike the single ``standard_error`` of :class:`QuizStatistics`, it depends on the score: it
    is largest at 50% and 0 at 0% and 100% (a limitation of the model, which treats items as
    equally hard right/wrong trials). Evaluated at the pass mark it says how far a trainee's
    score could fall from their true score just where it decides certification.

    ``nan`` for a one-item quiz (the ``n - 1`` divisor is 0). Raises ``ValueError`` when
    ``n_items`` is not a positive whole number or ``score_percent`` is not within 0-100.
    """
    if isinstance(n_items, bool) or not isinstance(n_items, numbers.Integral) or n_items < 1:
        raise ValueError(f"n_items must be a whole number of at least 1; got {n_items!r}")
    q = _check_percent(score_percent, "score_percent") / 100.0
    if n_items == 1:
        return math.nan
    return 100.0 * math.sqrt(q * (1.0 - q) / (int(n_items) - 1))
