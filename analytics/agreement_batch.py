"""Agreement figures for many ratings matrices at once: the same numbers as ``analytics.agreement``, for
the thousands of small matrices a snapshot run measures (every team, period and clause).

Plain typed numpy, no Django. ``analytics.agreement.summarise`` costs about a millisecond a call, most of
it per-call overhead; a full snapshot run needs tens of thousands of calls. Here the matrices are
given together as cells (matrix, unit, rater, label code), every per-unit and per-matrix sum is one
``np.bincount`` over all of them, and only the bootstrap loops per matrix (each matrix draws its own
resamples from its own seed, exactly as ``summarise`` does, so a matrix's figures do not depend on
which other matrices were measured with it). The tests check every figure against
``analytics.agreement`` on random data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

from analytics.agreement import AgreementSummary, Interval, _interval_warning

__all__ = [
    "Cells",
    "ReviewerFigures",
    "pairwise_kappas",
    "reviewer_figures_many",
    "shared_units_only",
    "summarise_many",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# analytics.agreement.agreement_warnings' defaults.
MIN_UNITS = 10
MIN_RATERS = 3
DOMINANCE = 0.8
# analytics.agreement draws bootstrap resamples in blocks of about this many numbers; the blocks decide
# how the generator's stream is consumed, so the same blocks give the same resamples.
BLOCK_FLOATS = 1 << 21
# Matrices whose resampled values are held at once (each holds n_resamples floats).
INTERVALS_AT_ONCE = 2048
# analytics.agreement takes bootstrap values this close to the estimate (relative, or absolute below 1) as
# ties with it: a resample equivalent to the original units lands within rounding of the estimate.
TIE = 1e-12


@dataclass(frozen=True, slots=True)
class Cells:
    """Ratings of many matrices: cell ``i`` is rater ``rater[i]``'s label ``label[i]`` (a code into
    the label list) on unit ``unit[i]`` of matrix ``matrix[i]``. At most one cell per matrix, unit
    and rater. A matrix's units are its columns in ascending unit order, as in a raters x units
    matrix whose columns are sorted."""

    matrix: IntArray
    unit: IntArray
    rater: IntArray
    label: IntArray

    @classmethod
    def of(cls, matrix: npt.ArrayLike, unit: npt.ArrayLike, rater: npt.ArrayLike, label: npt.ArrayLike) -> Cells:
        arrays = [np.asarray(values, dtype=np.int64).reshape(-1) for values in (matrix, unit, rater, label)]
        if len({len(values) for values in arrays}) != 1:
            raise ValueError("matrix, unit, rater and label must have the same length")
        return cls(*arrays)

    def __len__(self) -> int:
        return len(self.matrix)

    def take(self, keep: npt.NDArray[np.bool_] | IntArray) -> Cells:
        return Cells(self.matrix[keep], self.unit[keep], self.rater[keep], self.label[keep])


def _group_ids(*keys: IntArray) -> tuple[IntArray, IntArray]:
    """(group id per row, index of each group's first row), groups numbered in sorted key order.
    The keys are folded into one int64 (one sort instead of a lexsort) when their ranges allow."""
    if not len(keys[0]):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    room = 1
    for key in keys:
        low, high = int(key.min()), int(key.max())
        width = high - low + 1
        room *= width
        if room >= 1 << 62:
            break
        combined = combined * width + (key - low)
    else:
        _, first, ids = np.unique(combined, return_index=True, return_inverse=True)
        return ids.reshape(-1).astype(np.int64), first
    order = np.lexsort(keys[::-1])
    sorted_keys = [key[order] for key in keys]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = np.logical_or.reduce([key[1:] != key[:-1] for key in sorted_keys])
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.cumsum(starts) - 1
    return ids, order[starts]


def shared_units_only(cells: Cells) -> Cells:
    """The cells on units that two or more raters rated in their matrix: agreement needs pairs."""
    unit_ids, _ = _group_ids(cells.matrix, cells.unit)
    per_unit = np.bincount(unit_ids)
    return cells.take(per_unit[unit_ids] >= 2) if len(cells) else cells


def _warnings(pairable_units: int, active_raters: int, totals: IntArray, labels: Sequence[str]) -> list[str]:
    """analytics.agreement.agreement_warnings for one matrix, from its sums (same words). Which label is
    named never depends on order: only one label can make up 80% or more of the ratings."""
    total = int(totals.sum())
    if total == 0:
        return ["There are no ratings yet, so agreement cannot be measured."]
    out: list[str] = []
    if pairable_units < MIN_UNITS:
        out.append(
            f"Only {pairable_units} unit{'s' if pairable_units != 1 else ''} ha{'ve' if pairable_units != 1 else 's'} "
            f"two or more ratings; with fewer than {MIN_UNITS} the statistics are unstable, so read them as rough."
        )
    if active_raters < MIN_RATERS:
        out.append(
            f"Only {active_raters} rater{'s' if active_raters != 1 else ''} gave ratings; with fewer than "
            f"{MIN_RATERS} it is hard to tell one rater's habits from real disagreement."
        )
    top = int(totals.argmax())
    share = totals[top] / total
    if int(np.count_nonzero(totals)) == 1:
        out.append(
            f"Every rating is {labels[top]!r}: kappa and alpha are undefined because there is no variation "
            "to measure agreement against."
        )
    elif share >= DOMINANCE:
        out.append(
            f"One answer ({labels[top]!r}) makes up {math.floor(share * 100 + 1e-9)}% of ratings: kappa and alpha "
            "can be low while raw agreement is high; read Gwet's AC1 beside them."
        )
    return out


def _alpha_from_sums(sums: FloatArray, k: int) -> FloatArray:
    """Nominal alpha per row of (category totals over pairable units..., sum of o_cc)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n_c = sums[:, :k]
        n = n_c.sum(axis=1)
        spread = n * n - (n_c * n_c).sum(axis=1)
        return np.where(spread > 0, 1.0 - (n - 1.0) * (n - sums[:, k]) / spread, np.nan)


def _bca_levels(
    n: int, below: int, at_or_below: int, estimate: float, jackknife_ok: bool, spread: float, cubes: float, z: float
) -> tuple[float, float] | None:
    """The BCa quantile levels as analytics.agreement computes them (Efron & Tibshirani 1993, ch. 14), or
    None where BCa is undefined: from the resamples below and at the estimate (ties count half) and
    the jackknife's spread and skew (``sum(d**2)``, ``sum(d**3)``)."""
    if n == 0 or not math.isfinite(estimate):
        return None
    if below == 0 and at_or_below == n:  # every resample equals the estimate
        return None
    share = (below + at_or_below) / (2.0 * n)
    if not 0.0 < share < 1.0:
        return None
    z0 = NormalDist().inv_cdf(share)
    if not jackknife_ok or not spread > 0.0:
        return None
    a = cubes / (6.0 * spread**1.5)
    levels = []
    for end in (z, -z):
        shifted = z0 + end
        denominator = 1.0 - a * shifted
        if not denominator > 0.0:
            return None
        levels.append(0.5 * math.erfc(-(z0 + shifted / denominator) / math.sqrt(2.0)))
    if not all(math.isfinite(level) for level in levels):
        return None
    return levels[0], levels[1]


def _resample_weights(seed: int | None, n_units: int, n_resamples: int) -> FloatArray:
    """How many times each unit is drawn in each resample (resamples x units), from the same draws
    as analytics.agreement.bootstrap_interval makes with this seed."""
    rng = np.random.default_rng(seed)
    block = max(1, min(n_resamples, BLOCK_FLOATS // max(n_units, 1)))
    blocks = []
    for start in range(0, n_resamples, block):
        idx = rng.integers(0, n_units, size=(min(block, n_resamples - start), n_units))
        rows = np.arange(idx.shape[0], dtype=np.intp)[:, np.newaxis] * n_units
        blocks.append(np.bincount((idx + rows).ravel(), minlength=idx.size).reshape(idx.shape))
    return np.concatenate(blocks).astype(np.float64)


def _alpha_segments(sums: FloatArray, starts: IntArray, n_counts: int) -> FloatArray:
    """Nominal alpha per row and matrix from sums laid out as every matrix's category totals
    (matrix ``j``'s from column ``starts[j]``), then one sum of o_cc per matrix. The category
    totals are whole numbers, so their sums are exact in any order."""
    counts = sums[:, :n_counts]
    n = np.add.reduceat(counts, starts, axis=1)
    spread = n * n - np.add.reduceat(counts * counts, starts, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(spread > 0, 1.0 - (n - 1.0) * (n - sums[:, n_counts:]) / spread, np.nan)


def _quantiles(ordered: FloatArray, valid: IntArray, levels: FloatArray) -> FloatArray:
    """np.quantile (linear) of each row's first ``valid`` values (sorted) at that row's levels,
    computed with numpy's own formula so that the results are the same to the bit."""
    rows = np.arange(ordered.shape[0])[:, np.newaxis]
    n = valid[:, np.newaxis]
    virtual = (n - 1) * levels
    previous = np.floor(virtual)
    above = virtual >= n - 1
    previous_index = np.where(above, n - 1, previous).astype(np.intp)
    next_index = np.where(above, n - 1, previous + 1).astype(np.intp)
    gamma = virtual - np.where(above, -1.0, previous)
    a, b = ordered[rows, previous_index], ordered[rows, next_index]
    diff = b - a
    return np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)


def _constant_interval(estimate: float, pairable_units: int, n_resamples: int, confidence: float) -> Interval:
    """The interval when every resample gives the estimate (or none gives a value)."""
    if not math.isfinite(estimate):
        return Interval(estimate, math.nan, math.nan, 0, "percentile")
    warning = _interval_warning((estimate, estimate, estimate), pairable_units, confidence)
    return Interval(estimate, estimate, estimate, n_resamples, "percentile", warning)


def _resampled_alpha(
    category_counts: Sequence[FloatArray],
    diagonals: Sequence[FloatArray],
    seed: int | None,
    n_resamples: int,
) -> tuple[FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """For matrices with the same seed and number of units, so the same resamples (one product for
    all of them): alpha in every resample (matrices x resamples), and the jackknife's sum(d**2),
    sum(d**3) and whether every jackknife value is defined. Each matrix is given as its units'
    category counts (pairable units, categories in use) and sums of o_cc."""
    n_units = diagonals[0].shape[0]
    ks = [c.shape[1] for c in category_counts]
    starts = np.concatenate([[0], np.cumsum(ks)[:-1]]).astype(np.intp)
    n_counts = int(sum(ks))
    stacked = np.column_stack([*category_counts, *diagonals])
    weights = _resample_weights(seed, n_units, n_resamples)
    # A small product (at most a few hundred units): a matrix product is 5-10 times faster than
    # numpy's einsum loop here, busy machine or not (benchmarks/README.md).
    drawn = _alpha_segments(weights @ stacked, starts, n_counts).T
    jackknife = np.ascontiguousarray(_alpha_segments(stacked.sum(axis=0)[np.newaxis, :] - stacked, starts, n_counts).T)
    d = jackknife.mean(axis=1)[:, np.newaxis] - jackknife
    finite = np.isfinite(jackknife).all(axis=1) & (n_units >= 2)
    return drawn, (d * d).sum(axis=1), (d**3).sum(axis=1), finite


def _intervals(
    drawn: FloatArray,
    estimates: FloatArray,
    spread: FloatArray,
    cubes: FloatArray,
    jackknife_ok: npt.NDArray[np.bool_],
    pairable_units: IntArray,
    confidence: float,
) -> list[Interval]:
    """Nominal alpha's bootstrap interval (BCa, else percentile where BCa is undefined) of each
    matrix (a row of ``drawn``), all at once.

    The resampled values may differ from analytics.agreement's in the last bits (sums in another order);
    values within rounding of the estimate count as ties with it there and here, so BCa's count of
    resamples below the estimate is the same, and the interval agrees to rounding."""
    column = estimates[:, np.newaxis]
    near = np.abs(drawn - column) <= TIE * np.maximum(1.0, np.abs(column))
    drawn = np.where(near & np.isfinite(column), column, drawn)
    valid = (~np.isnan(drawn)).sum(axis=1)
    ordered = np.sort(drawn, axis=1)  # NaN last
    below = (drawn < column).sum(axis=1)
    at_or_below = (drawn <= column).sum(axis=1)
    tail = (1.0 - confidence) / 2.0
    z = NormalDist().inv_cdf(tail)
    levels = np.empty((len(estimates), 2))
    methods: list[Literal["bca", "percentile"]] = []
    for i, (n, low, at, estimate, ok, s2, s3) in enumerate(
        zip(
            valid.tolist(),
            below.tolist(),
            at_or_below.tolist(),
            estimates.tolist(),
            jackknife_ok.tolist(),
            spread.tolist(),
            cubes.tolist(),
            strict=True,
        )
    ):
        bca = _bca_levels(n, low, at, estimate, ok, s2, s3, z)
        levels[i] = bca if bca is not None else (tail, 1.0 - tail)
        methods.append("bca" if bca is not None else "percentile")
    ends = _quantiles(ordered, np.maximum(valid, 1), levels)
    out = []
    for i, (n, estimate, low, high) in enumerate(
        zip(valid.tolist(), estimates.tolist(), ends[:, 0].tolist(), ends[:, 1].tolist(), strict=True)
    ):
        if not n:  # no interval at all; BCa is certainly undefined
            out.append(Interval(estimate, math.nan, math.nan, 0, "percentile"))
            continue
        warning = _interval_warning((estimate, low, high), int(pairable_units[i]), confidence)
        out.append(Interval(estimate, low, high, n, methods[i], warning))
    return out


def summarise_many(
    cells: Cells,
    n_matrices: int,
    labels: Sequence[str],
    *,
    seeds: Sequence[int | None],
    n_resamples: int = 1000,
    confidence: float = 0.95,
) -> list[AgreementSummary | None]:
    """``analytics.agreement.summarise`` of each matrix (None for a matrix without cells).

    Matrix ``j`` is the raters x units matrix of the cells with ``matrix == j``: its raters are the
    raters with a cell in it, its units the units with a cell in it, in ascending unit order (the
    bootstrap resamples columns by position). ``seeds[j]`` seeds its bootstrap.
    """
    if len(seeds) != n_matrices:
        raise ValueError(f"one seed per matrix: got {len(seeds)} for {n_matrices}")
    n_labels = len(labels)
    out: list[AgreementSummary | None] = [None] * n_matrices
    if not len(cells):
        return out
    # Units: (matrix, unit) pairs, numbered in matrix order then unit order.
    unit_ids, unit_first = _group_ids(cells.matrix, cells.unit)
    unit_matrix = cells.matrix[unit_first]
    n_units_total = len(unit_first)
    counts = np.bincount(unit_ids * n_labels + cells.label, minlength=n_units_total * n_labels).reshape(
        n_units_total, n_labels
    )
    m = counts.sum(axis=1)
    squares = np.einsum("uk,uk->u", counts, counts)
    pairable = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        p_unit = np.where(pairable, (squares - m) / (m * (m - 1.0)), 0.0)
        diagonal = np.where(pairable, (squares - m) / (m - 1.0), 0.0)
        shares = np.where((m > 0)[:, np.newaxis], counts / m[:, np.newaxis].astype(np.float64), 0.0)
    units_per_matrix = np.bincount(unit_matrix, minlength=n_matrices)
    unit_offsets = np.concatenate([[0], np.cumsum(units_per_matrix)])
    _, rater_first = _group_ids(cells.matrix, cells.rater)
    raters_per_matrix = np.bincount(cells.matrix[rater_first], minlength=n_matrices)
    totals = np.bincount(cells.matrix * n_labels + cells.label, minlength=n_matrices * n_labels).reshape(
        n_matrices, n_labels
    )
    present = np.flatnonzero(units_per_matrix)
    first_unit = unit_offsets[present]
    # Percent agreement, Gwet's AC1 and Fleiss' kappa (with missing ratings, as Gwet's irrCAC): sums
    # over each matrix's units of the per-unit features analytics.agreement uses.
    s0 = np.add.reduceat(pairable.astype(np.float64), first_unit)
    s1 = np.add.reduceat(p_unit, first_unit)
    rated = np.add.reduceat((m > 0).astype(np.float64), first_unit)
    share_sums = np.add.reduceat(shares, first_unit, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pi = share_sums / rated[:, np.newaxis]
        q = (share_sums > 0).sum(axis=1)
        pa = s1 / s0
        pe_gwet = np.where(q >= 2, (pi * (1.0 - pi)).sum(axis=1) / (q - 1.0), 0.0)
        ac1 = np.where(s0 > 0, (pa - pe_gwet) / (1.0 - pe_gwet), np.nan)
        pe_fleiss = (pi * pi).sum(axis=1)
        fleiss = np.where((s0 > 0) & (q >= 2), (pa - pe_fleiss) / (1.0 - pe_fleiss), np.nan)
        percent = np.where(s0 > 0, pa, np.nan)
    pairable_units = np.add.reduceat(pairable.astype(np.int64), first_unit)
    # Krippendorff's alpha (nominal): per unit, the category counts of pairable units and the sum
    # of o_cc; the estimate from their sums, the interval from resampled sums.
    pairable_counts = np.where(pairable[:, np.newaxis], counts, 0).astype(np.float64)
    category_sums = np.add.reduceat(pairable_counts, first_unit, axis=0)
    n_pairable = category_sums.sum(axis=1)
    spread = n_pairable * n_pairable - (category_sums * category_sums).sum(axis=1)
    diagonal_sums = np.add.reduceat(diagonal, first_unit)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimates = np.where(spread > 0, 1.0 - (n_pairable - 1.0) * (n_pairable - diagonal_sums) / spread, np.nan)
    n_used = (totals[present] > 0).sum(axis=1)
    intervals: list[Interval | None] = [None] * len(present)
    groups: dict[tuple[int | None, int], list[int]] = defaultdict(list)
    for i, j in enumerate(present.tolist()):
        n_units = int(units_per_matrix[j])
        if n_used[i] == 1 or n_units == 1:
            # One label throughout: alpha is undefined in every resample. One unit: every resample
            # is the original matrix. Either way there is nothing to draw.
            intervals[i] = _constant_interval(float(estimates[i]), int(pairable_units[i]), n_resamples, confidence)
        else:
            groups[(seeds[j], n_units)].append(i)
    pending: list[tuple[list[int], FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]] = []

    def finish_pending() -> None:
        members = [i for part in pending for i in part[0]]
        found = _intervals(
            np.concatenate([part[1] for part in pending]),
            estimates[members],
            np.concatenate([part[2] for part in pending]),
            np.concatenate([part[3] for part in pending]),
            np.concatenate([part[4] for part in pending]),
            pairable_units[members],
            confidence,
        )
        for i, interval in zip(members, found, strict=True):
            intervals[i] = interval
        pending.clear()

    held = 0  # matrices whose resampled values are held in ``pending``
    for (seed, n_units), members in groups.items():
        blocks = [(int(unit_offsets[present[i]]), np.flatnonzero(totals[present[i]])) for i in members]
        pending.append(
            (
                members,
                *_resampled_alpha(
                    [pairable_counts[lo : lo + n_units][:, used] for lo, used in blocks],
                    [diagonal[lo : lo + n_units] for lo, _ in blocks],
                    seed,
                    n_resamples,
                ),
            )
        )
        held += len(members)
        if held >= INTERVALS_AT_ONCE:  # bounds the memory held
            finish_pending()
            held = 0
    if pending:
        finish_pending()
    for i, j in enumerate(present.tolist()):
        interval = intervals[i]
        assert interval is not None
        warnings = _warnings(int(pairable_units[i]), int(raters_per_matrix[j]), totals[j], labels)
        if interval.warning is not None:
            warnings.append(interval.warning)
        out[j] = AgreementSummary(
            n_raters=int(raters_per_matrix[j]),
            n_units=int(units_per_matrix[j]),
            percent_agreement=float(percent[i]),
            fleiss_kappa=float(fleiss[i]),
            krippendorff_alpha=interval,
            gwet_ac1=float(ac1[i]),
            warnings=tuple(warnings),
        )
    return out


def pairwise_kappas(codes: npt.NDArray[np.integer]) -> FloatArray:
    """``analytics.agreement.pairwise_cohen_matrix`` of a raters x units matrix of label codes (-1 where
    a rater gave no rating), from three matrix products instead of three per label. Every sum is a
    count, so the values are the same to the bit."""
    n_raters, n_units = codes.shape
    used = np.unique(codes[codes >= 0])
    k = len(used)
    rated = (codes >= 0).astype(np.float64)
    chose = (codes[:, :, np.newaxis] == used[np.newaxis, np.newaxis, :]).astype(np.float64)  # raters x units x labels
    flat = chose.reshape(n_raters, n_units * k)
    agree = flat @ flat.T
    shared = rated @ rated.T
    # margins[j, a, b]: rater a's uses of label j on the units rater b rated
    margins = (chose.transpose(2, 0, 1).reshape(k * n_raters, n_units) @ rated.T).reshape(k, n_raters, n_raters)
    chance = (margins * margins.transpose(0, 2, 1)).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_obs = agree / shared
        p_exp = chance / (shared * shared)
        kappa = np.where((shared >= 2) & (chance != shared * shared), (p_obs - p_exp) / (1.0 - p_exp), np.nan)
    np.fill_diagonal(kappa, 1.0)
    return kappa


@dataclass(frozen=True, slots=True)
class ReviewerFigures:
    """One reviewer's answers against gold, as ReviewerSnapshot stores them."""

    n_answers: int
    accuracy: float | None
    kappa_vs_gold: float
    sensitivity: float
    specificity: float
    confusion: dict[str, dict[str, int]]


def reviewer_figures_many(
    group: npt.ArrayLike,
    gold: npt.ArrayLike,
    given: npt.ArrayLike,
    gold_positive: npt.ArrayLike,
    given_positive: npt.ArrayLike,
    n_groups: int,
    labels: Sequence[str],
) -> list[ReviewerFigures | None]:
    """For each group of answers (one reviewer over one period): accuracy (share of answers whose
    label is the gold label), Cohen's kappa of given against gold labels (``analytics.agreement.cohen_kappa``;
    nan under two answers), sensitivity and specificity of the verdict (``analytics.agreement.binary_rates``,
    positive meaning violating) and the confusion counts {gold label: {given label: count}}.
    None for a group without answers."""
    g = np.asarray(group, dtype=np.int64)
    truth = np.asarray(gold, dtype=np.int64)
    answered = np.asarray(given, dtype=np.int64)
    truth_pos = np.asarray(gold_positive, dtype=bool)
    answered_pos = np.asarray(given_positive, dtype=bool)
    k = len(labels)
    n = np.bincount(g, minlength=n_groups)
    agree = np.bincount(g, weights=(truth == answered), minlength=n_groups)
    truth_counts = np.bincount(g * k + truth, minlength=n_groups * k).reshape(n_groups, k).astype(np.float64)
    given_counts = np.bincount(g * k + answered, minlength=n_groups * k).reshape(n_groups, k).astype(np.float64)
    nf = n.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        chance = (truth_counts * given_counts).sum(axis=1)
        p_obs = agree / nf
        p_exp = chance / (nf * nf)
        kappa = np.where((nf >= 2) & (chance != nf * nf), (p_obs - p_exp) / (1.0 - p_exp), np.nan)
    positives = np.bincount(g, weights=truth_pos, minlength=n_groups)
    true_positives = np.bincount(g, weights=truth_pos & answered_pos, minlength=n_groups)
    true_negatives = np.bincount(g, weights=~truth_pos & ~answered_pos, minlength=n_groups)
    negatives = n - positives
    # Confusion counts, built in label order: rank the labels by their text, group by rank.
    rank = np.empty(k, dtype=np.int64)
    rank[sorted(range(k), key=labels.__getitem__)] = np.arange(k)
    pair_ids, pair_first = _group_ids(g, rank[truth], rank[answered])
    pair_counts = np.bincount(pair_ids)
    confusion: list[dict[str, dict[str, int]]] = [{} for _ in range(n_groups)]
    pairs = zip(g[pair_first].tolist(), truth[pair_first].tolist(), answered[pair_first].tolist(), strict=True)
    for (group_id, t, a), count in zip(pairs, pair_counts.tolist(), strict=True):
        confusion[group_id].setdefault(labels[t], {})[labels[a]] = count
    out: list[ReviewerFigures | None] = []
    columns = zip(
        n.tolist(),
        agree.tolist(),
        kappa.tolist(),
        true_positives.tolist(),
        positives.tolist(),
        true_negatives.tolist(),
        negatives.tolist(),
        confusion,
        strict=True,
    )
    for count, agreeing, group_kappa, tp, p, tn, negative, group_confusion in columns:
        if not count:
            out.append(None)
            continue
        out.append(
            ReviewerFigures(
                n_answers=count,
                accuracy=int(agreeing) / count,
                kappa_vs_gold=group_kappa,
                sensitivity=int(tp) / int(p) if p else math.nan,
                specificity=int(tn) / int(negative) if negative else math.nan,
                confusion=group_confusion,
            )
        )
    return out
