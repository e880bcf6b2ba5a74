"""Inter-rater agreement statistics.

Plain typed Python and numpy: no Django, no pandas, no scipy.

Conventions
-----------
``ratings`` is a 2-D array-like of **raters x units** (one row per rater, one column per
unit/question). ``None`` or a float NaN marks a missing rating. Labels may be any hashable
values (strings, ints, tuples, ...); they are compared with Python equality, so ``1``, ``1.0``
and ``True`` are the same label, and the string ``"nan"`` is an ordinary label, not a missing
value.

Every statistic is computed from one units x categories count matrix (``counts[u, k]`` = how
many raters gave unit ``u`` the label ``k``), built once by :func:`_encode`; Krippendorff's
alpha uses the coincidence matrix derived from it.

Undefined values
----------------
A statistic is ``nan`` (never an exception) when the data cannot define it:

* no unit has two or more ratings (there is no pair of ratings to compare);
* for kappa and alpha: every (pairable) rating is the same label, so expected agreement is 1
  and the statistic is 0/0. statsmodels' ``fleiss_kappa``/``cohens_kappa`` return nan here
  and the ``krippendorff`` package raises ``ValueError``; Krippendorff (2011) calls alpha
  undefined when the data show no variation. We return ``nan`` so dashboards can render
  "undefined" instead of crashing.
* Gwet's AC1 is the exception: with a single category Gwet's own irrCAC code sets the chance
  agreement to (essentially) zero, so AC1 equals the observed agreement, i.e. 1.0. We follow
  the reference implementation.

Perfect agreement with at least two categories in use is exactly ``1.0`` for every statistic.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "AgreementSummary",
    "Interval",
    "agreement_warnings",
    "binary_rates",
    "bootstrap_interval",
    "cohen_kappa",
    "confusion_matrix",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "pairwise_cohen_matrix",
    "percent_agreement",
    "summarise",
]

Ratings: TypeAlias = "npt.ArrayLike | Sequence[Sequence[Any]]"
Level: TypeAlias = Literal["nominal", "ordinal", "interval"]
FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

_LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval")
# Integer-valued numeric labels are encoded by offsetting (O(n)) instead of sorting
# (O(n log n)) when the units x value-range count table has at most this many cells (or
# twice as many cells as there are ratings).
_DIRECT_CELLS = 1 << 20
# Bootstrap work is done in blocks of resamples holding about this many floats.
_BLOCK_FLOATS = 1 << 21


# --------------------------------------------------------------------------------------
# Encoding: labels -> integer codes -> units x categories count matrix
# --------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(value != value)  # NaN is the only value not equal to itself
    return False


def _object_matrix(ratings: Any) -> npt.NDArray[np.object_]:
    """Build a raters x units object array without letting numpy split tuple labels."""
    if isinstance(ratings, str | bytes) or not isinstance(ratings, Sequence | np.ndarray):
        raise ValueError("ratings must be 2-D: a sequence of raters, each a sequence of ratings per unit")
    rows = list(ratings)
    if not rows:
        return np.empty((0, 0), dtype=object)
    for row in rows:
        if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
            raise ValueError("ratings must be 2-D: each rater's ratings must be a sequence over units")
    n_units = len(rows[0])
    if any(len(row) != n_units for row in rows):
        raise ValueError("ratings must be 2-D: every rater needs one entry per unit (use None for missing)")
    out = np.empty((len(rows), n_units), dtype=object)
    for i, row in enumerate(rows):
        out[i] = np.fromiter(row, dtype=object, count=n_units)
    for value in dict.fromkeys(map(type, out.ravel())):
        if issubclass(value, list | np.ndarray | dict | set):
            raise ValueError("ratings must be 2-D: found a nested sequence where a single label was expected")
    return out


def _as_matrix(ratings: Any) -> np.ndarray:
    """Return ``ratings`` as a 2-D ndarray (numeric, string or object), or raise ValueError."""
    if isinstance(ratings, np.ndarray):
        if ratings.ndim != 2:
            raise ValueError(f"ratings must be 2-D (raters x units); got an array with {ratings.ndim} dimension(s)")
        if ratings.dtype.kind not in "biufUSO":  # e.g. complex or datetime labels
            return ratings.astype(object)
        return ratings
    try:
        arr = np.asarray(ratings, dtype=object)
    except ValueError:  # ragged rows
        arr = None
    if arr is None or arr.ndim != 2:
        arr = _object_matrix(ratings)
    return arr


class _Encoded:
    """Integer-coded ratings and their units x categories count matrix.

    ``codes[r, u]`` is the category index of rater ``r``'s rating of unit ``u``, or
    ``n_categories`` when the rating is missing. ``labels[k]`` is the original label of
    category ``k``. Numeric input gets categories in ascending label order; other input gets
    them in first-seen order (row-major). The numeric fast path builds ``counts`` directly and
    derives ``codes`` only when something (pairwise kappa, warnings) needs them.
    """

    def __init__(
        self,
        labels: tuple[Hashable, ...],
        shape: tuple[int, int],
        *,
        codes: IntArray | None = None,
        counts: npt.NDArray[np.int64] | None = None,
        make_codes: Callable[[], IntArray] | None = None,
    ) -> None:
        self.labels = labels
        self.n_raters, self.n_units = int(shape[0]), int(shape[1])
        self._codes = codes
        self._make_codes = make_codes
        if counts is not None:
            self.__dict__["counts"] = counts

    @property
    def n_categories(self) -> int:
        return len(self.labels)

    @property
    def codes(self) -> IntArray:
        if self._codes is None:
            assert self._make_codes is not None
            self._codes = self._make_codes()
        return self._codes

    @functools.cached_property
    def counts(self) -> npt.NDArray[np.int64]:
        """Units x categories count matrix."""
        return _count_matrix(self.codes, self.n_categories + 1)[:, : self.n_categories]

    @functools.cached_property
    def per_unit(self) -> npt.NDArray[np.int64]:
        """Number of (non-missing) ratings per unit."""
        return np.einsum("uk->u", self.counts)  # much faster than sum(axis=1) on narrow rows

    @functools.cached_property
    def squares(self) -> npt.NDArray[np.int64]:
        """Per unit, the sum over categories of count squared."""
        c = self.counts
        return np.einsum("uk,uk->u", c, c)

    @functools.cached_property
    def active_raters(self) -> int:
        """Number of raters with at least one rating."""
        return int((self.codes < self.n_categories).any(axis=1).sum())

    @functools.cached_property
    def label_values(self) -> FloatArray:
        """Numeric label values (for ordinal/interval alpha); raises if labels are not numeric."""
        for label in self.labels:
            if not isinstance(label, numbers.Real):
                raise ValueError(
                    f"ordinal and interval alpha need numeric labels; got {label!r}. "
                    "Use level='nominal' for categories."
                )
        return np.array([float(label) for label in self.labels], dtype=np.float64)


def _count_matrix(codes: npt.NDArray[Any], width: int) -> npt.NDArray[np.int64]:
    """Units x ``width`` counts of ``codes`` (raters x units, values in ``[0, width)``)."""
    n_units = codes.shape[1]
    keys = codes + width * np.arange(n_units, dtype=np.intp)
    return np.bincount(keys.reshape(-1), minlength=n_units * width).reshape(n_units, width)


def _encode_numeric(arr: np.ndarray, by_unit: bool = True) -> _Encoded:
    """Fast path for bool/int/float arrays: NaN is missing, categories sorted by value.

    Integer-valued labels in a modest range are offset (``value - min``) straight into
    bincount keys, which costs a handful of passes over the data and no sort. With
    ``by_unit`` the count matrix is built in the same pass; without it only codes are made.
    """
    label_dtype = arr.dtype
    if arr.dtype.kind == "b":
        arr = arr.view(np.uint8)
    is_float = arr.dtype.kind == "f"
    shape = (int(arr.shape[0]), int(arr.shape[1]))
    flat = arr.reshape(-1)
    if flat.size == 0:
        return _Encoded((), shape, codes=np.zeros(shape, dtype=np.intp))
    lo = np.fmin.reduce(flat) if is_float else flat.min()  # fmin/fmax skip NaN
    hi = np.fmax.reduce(flat) if is_float else flat.max()
    if is_float and math.isnan(lo):  # nothing but NaN
        return _Encoded((), shape, codes=np.zeros(shape, dtype=np.intp))
    direct = _encode_direct(arr, lo, hi, label_dtype, by_unit)
    if direct is not None:
        return direct
    mask = np.isnan(flat) if is_float else None
    valid = flat[~mask] if mask is not None else flat
    labels_arr, inverse = np.unique(valid, return_inverse=True)
    if mask is not None:
        codes = np.full(flat.size, labels_arr.size, dtype=np.intp)
        codes[~mask] = inverse
    else:
        codes = inverse.astype(np.intp, copy=False)
    return _Encoded(tuple(labels_arr.astype(label_dtype).tolist()), shape, codes=codes.reshape(shape))


def _encode_direct(arr: np.ndarray, lo: Any, hi: Any, label_dtype: np.dtype[Any], by_unit: bool) -> _Encoded | None:
    """Encode integer-valued numbers by offset; None if the values are not suitable.

    Keys are ``value - lo`` (missing -> ``span + 1``), plus ``unit * width`` when ``by_unit``
    so that one bincount yields the units x values count table.
    """
    n_units = arr.shape[1]
    rows = n_units if by_unit else 1
    budget = max(2 * arr.size, _DIRECT_CELLS)  # cells of the (units x) (span + 2) bincount
    if arr.dtype.kind == "f":
        if not (math.isfinite(lo) and math.isfinite(hi)) or (hi - lo + 2) * rows > budget:
            return None
        span = int(hi - lo)
        width = span + 2  # last column collects missing ratings
        shifted = np.subtract(arr, lo, dtype=np.float64)
        np.fmin(shifted, span + 1, out=shifted)  # NaN -> span + 1 (fmin prefers the number)
        if by_unit:
            shifted += width * np.arange(n_units, dtype=np.float64)
        keys = shifted.astype(np.intp)
        if not np.array_equal(keys, shifted):  # some label is not a whole number
            return None
    else:
        span = int(hi) - int(lo)
        if (span + 2) * rows > budget:
            return None
        width = span + 2
        keys = arr.astype(np.intp) - int(lo)
        if by_unit:
            keys += width * np.arange(n_units, dtype=np.intp)
    full = np.bincount(keys.reshape(-1), minlength=rows * width).reshape(rows, width)
    present = np.flatnonzero(full[:, : span + 1].any(axis=0))
    lookup = np.full(width, present.size, dtype=np.intp)
    lookup[present] = np.arange(present.size, dtype=np.intp)
    labels_arr = (present.astype(np.float64) + float(lo)) if arr.dtype.kind == "f" else present + int(lo)
    labels = tuple(np.asarray(labels_arr).astype(label_dtype).tolist())
    shape = (int(arr.shape[0]), n_units)
    every_value_used = present.size == span + 1  # then the offsets already are the codes
    if not by_unit:
        return _Encoded(labels, shape, codes=keys if every_value_used else lookup[keys])
    offsets = width * np.arange(n_units, dtype=np.intp)

    def make_codes() -> IntArray:
        return lookup[keys - offsets]

    counts = full[:, : span + 1] if every_value_used else full[:, present]
    return _Encoded(labels, shape, counts=counts, make_codes=make_codes)


def _encode_objects(arr: np.ndarray) -> _Encoded:
    """General path: a dict maps each distinct label (first-seen order) to its code."""
    flat = arr.reshape(-1).tolist()
    distinct = dict.fromkeys(flat)  # C-level loop; keeps first-seen order
    labels = tuple(key for key in distinct if not _is_missing(key))
    mapping: dict[Any, int] = {label: code for code, label in enumerate(labels)}
    missing = len(labels)
    for key in distinct:
        if _is_missing(key):
            mapping[key] = missing  # each NaN object is found again by identity
    codes = np.fromiter(map(mapping.__getitem__, flat), dtype=np.intp, count=len(flat))
    return _Encoded(labels, (int(arr.shape[0]), int(arr.shape[1])), codes=codes.reshape(arr.shape))


def _encode(ratings: Ratings, by_unit: bool = True) -> _Encoded:
    if isinstance(ratings, _Encoded):
        return ratings
    arr = _as_matrix(ratings)
    kind = arr.dtype.kind
    if kind in "biuf":
        return _encode_numeric(arr, by_unit)
    if kind in "US":  # fixed-width strings cannot hold a missing value
        labels_arr, inverse = np.unique(arr.reshape(-1), return_inverse=True)
        codes = inverse.astype(np.intp, copy=False).reshape(arr.shape)
        return _Encoded(tuple(labels_arr.tolist()), (int(arr.shape[0]), int(arr.shape[1])), codes=codes)
    try:
        return _encode_objects(arr)
    except TypeError as exc:  # unhashable label
        raise ValueError(f"every rating must be a hashable label or None/NaN: {exc}") from None


def _encode_pair(a: Sequence[Any] | npt.ArrayLike, b: Sequence[Any] | npt.ArrayLike, what: str) -> _Encoded:
    """Encode two equal-length 1-D sequences as a 2 x n ratings matrix with shared codes."""
    rows = []
    for seq in (a, b):
        if isinstance(seq, np.ndarray) and seq.ndim != 1:
            raise ValueError(f"{what} expects two 1-D sequences")
        rows.append(seq if isinstance(seq, np.ndarray) else list(seq))
    if len(rows[0]) != len(rows[1]):
        raise ValueError(f"{what} needs two sequences of the same length; got {len(rows[0])} and {len(rows[1])}")
    if all(isinstance(r, np.ndarray) and r.dtype.kind in "biuf" for r in rows):
        return _encode(np.stack(rows), by_unit=False)
    return _encode(_object_matrix(rows))


# --------------------------------------------------------------------------------------
# Statistics as functions of unit-level sums (shared by the estimate and the bootstrap)
# --------------------------------------------------------------------------------------


def _weighted_sums(weights: npt.NDArray[Any], columns: FloatArray) -> FloatArray:
    """``weights @ columns.T`` for (resamples x units) weights and a few (columns x units) rows.

    numpy's own einsum loop rather than BLAS: the product is thin (a handful of columns), and
    multi-threaded BLAS slowed the bootstrap 3-4x whenever other processes were busy.
    """
    return np.einsum("cu,fu->cf", weights, columns, optimize=False)


class _Linear:
    """A statistic that is a function of sums over units of per-unit feature rows.

    ``finish`` maps a (resamples x features) array of column sums to one value per row, so
    the estimate is ``finish(features.sum(0))`` and a bootstrap resample with unit
    multiplicities ``w`` is ``finish(w @ features)``. ``features`` may be a callable so that
    it is only built when resampling, with ``sums`` (or the finished ``value``) given directly
    for the estimate.
    """

    __slots__ = ("_build", "_features", "_features_t", "finish", "sums", "value")

    def __init__(
        self,
        features: FloatArray | Callable[[], FloatArray],
        finish: Callable[[FloatArray], FloatArray],
        sums: FloatArray | None = None,
        value: float | None = None,
    ) -> None:
        self._build = features if callable(features) else None
        self._features = None if callable(features) else features
        self._features_t: FloatArray | None = None
        self.finish = finish
        self.sums = sums
        self.value = value

    def features(self) -> FloatArray:
        if self._features is None:
            assert self._build is not None
            self._features = self._build()
        return self._features

    def estimate(self) -> float:
        if self.value is not None:
            return self.value
        sums = self.sums if self.sums is not None else self.features().sum(axis=0)
        return float(self.finish(sums[np.newaxis, :])[0])

    def resampled(self, weights: npt.NDArray[Any]) -> FloatArray:
        if self._features_t is None:
            self._features_t = np.ascontiguousarray(self.features().T, dtype=np.float64)
        return self.finish(_weighted_sums(weights, self._features_t))


@dataclass(frozen=True, slots=True)
class _Coincidence:
    """Krippendorff's alpha (ordinal/interval) via the weighted coincidence matrix."""

    counts: FloatArray  # units x categories (all units; non-pairable ones get weight 0)
    scale: FloatArray  # 1 / (m_u - 1) for pairable units, else 0
    values: FloatArray | None  # label values for interval; None means ordinal (mid-ranks)

    def _coincidences(self, weights: npt.NDArray[Any]) -> FloatArray:
        ct = np.ascontiguousarray(self.counts.T)  # categories x units
        k = ct.shape[0]
        out = np.empty((weights.shape[0], k, k))
        for j in range(k):  # loop over categories only
            block = ct[j] * ct  # row l: n_uj * n_ul per unit
            block[j] -= ct[j]
            block *= self.scale
            out[:, j, :] = _weighted_sums(weights, block)
        return out

    def _finish(self, o: FloatArray) -> FloatArray:
        n_c = o.sum(axis=2)
        n = n_c.sum(axis=1)
        if self.values is None:
            mid = np.cumsum(n_c, axis=1) - n_c / 2.0  # ordinal distance = squared mid-rank gap
            delta = (mid[:, :, np.newaxis] - mid[:, np.newaxis, :]) ** 2
        else:
            delta = ((self.values[:, np.newaxis] - self.values[np.newaxis, :]) ** 2)[np.newaxis]
        observed = (o * delta).sum(axis=(1, 2))
        expected = (n_c[:, :, np.newaxis] * n_c[:, np.newaxis, :] * delta).sum(axis=(1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(expected > 0, 1.0 - (n - 1.0) * observed / expected, np.nan)

    def estimate(self) -> float:
        # unit weights all 1: the whole coincidence matrix is one matrix product
        weighted = self.counts * self.scale[:, np.newaxis]
        o = weighted.T @ self.counts
        o[np.diag_indices_from(o)] -= weighted.sum(axis=0)
        return float(self._finish(o[np.newaxis])[0])

    def resampled(self, weights: npt.NDArray[Any]) -> FloatArray:
        k = self.counts.shape[1]
        step = max(1, _BLOCK_FLOATS // max(4 * k * k, 1))  # bound the resamples x K x K temporaries
        parts = [self._finish(self._coincidences(weights[i : i + step])) for i in range(0, weights.shape[0], step)]
        return np.concatenate(parts) if parts else np.empty(0)


_Prepared: TypeAlias = "_Linear | _Coincidence"


def _pairable_agreement(enc: _Encoded) -> tuple[FloatArray, FloatArray]:
    """(is the unit pairable, proportion of agreeing pairs in the unit or 0)."""
    m = enc.per_unit
    pairable = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        p_unit = np.where(pairable, (enc.squares - m) / (m * (m - 1.0)), 0.0)
    return pairable.astype(np.float64), p_unit


def _percent_agreement_parts(enc: _Encoded) -> _Linear:
    pairable, p_unit = _pairable_agreement(enc)

    def finish(s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(s[:, 0] > 0, s[:, 1] / s[:, 0], np.nan)

    return _Linear(np.column_stack([pairable, p_unit]), finish)


def _rating_counts_per_unit(enc: _Encoded) -> tuple[int, int]:
    """(common number of ratings per rated unit, number of rated units); ValueError if unequal."""
    m = enc.per_unit
    n = int(m.max()) if m.size else 0
    if n == 0:  # nobody rated anything
        return 0, 0
    n_rated = int(np.count_nonzero(m))
    if n_rated != int(np.count_nonzero(m == n)):
        values = np.unique(m[m > 0])
        shown = ", ".join(str(v) for v in values[:6].tolist()) + (", ..." if values.size > 6 else "")
        raise ValueError(
            "Fleiss' kappa needs the same number of ratings on every unit; units here have "
            f"{shown} ratings. Use krippendorff_alpha or gwet_ac1, which allow missing ratings."
        )
    return n, n_rated


def _fleiss_parts(enc: _Encoded) -> _Linear:
    n, n_rated = _rating_counts_per_unit(enc)
    counts = enc.counts
    pairs = float(n * (n - 1)) if n >= 2 else 1.0
    totals = np.einsum("uk->k", counts)
    p_bar = (int(np.einsum("uk,uk->", counts, counts)) - n * n_rated) / pairs / n_rated if n_rated else math.nan
    # the estimate in plain floats (the same formula as ``finish``, minus numpy's per-call cost)
    if n >= 2 and np.count_nonzero(totals) >= 2:
        p_exp = int(totals @ totals) / float(n_rated * n) ** 2
        value = (p_bar - p_exp) / (1.0 - p_exp)
    else:
        value = math.nan

    def features() -> FloatArray:
        m = enc.per_unit
        return np.column_stack([m > 0, (enc.squares - m) / pairs, counts]).astype(np.float64)

    def finish(s: FloatArray) -> FloatArray:
        if n < 2:  # no pairs of ratings to compare
            return np.full(s.shape[0], np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            n_units, totals = s[:, 0], s[:, 2:]
            grand = n_units * n  # every rated unit has n ratings
            p_exp = (totals * totals).sum(axis=1) / (grand * grand)
            kappa = (s[:, 1] / n_units - p_exp) / (1.0 - p_exp)
            return np.where((totals > 0).sum(axis=1) >= 2, kappa, np.nan)  # needs two labels in use

    return _Linear(features, finish, value=value)


def _alpha_nominal_parts(enc: _Encoded) -> _Linear:
    m = enc.per_unit
    pairable = m >= 2
    counts = np.where(pairable[:, np.newaxis], enc.counts, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # sum_c o_cc contribution; division keeps whole-number results exact
        diagonal = np.where(pairable, (enc.squares - m) / (m - 1.0), 0.0)
    k = enc.n_categories

    def finish(s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            n_c = s[:, :k]
            n = n_c.sum(axis=1)
            spread = n * n - (n_c * n_c).sum(axis=1)  # n(n-1) * expected disagreement
            return np.where(spread > 0, 1.0 - (n - 1.0) * (n - s[:, k]) / spread, np.nan)

    return _Linear(np.column_stack([counts, diagonal]), finish)


def _alpha_parts(enc: _Encoded, level: str) -> _Prepared:
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {', '.join(_LEVELS)}; got {level!r}")
    if level == "nominal":
        return _alpha_nominal_parts(enc)
    values = enc.label_values
    order = np.argsort(values, kind="stable")
    m = enc.per_unit
    scale = np.where(m >= 2, 1.0 / np.maximum(m - 1.0, 1.0), 0.0)
    counts = enc.counts[:, order].astype(np.float64)
    if level == "ordinal":
        return _Coincidence(counts, scale, None)
    v = values[order]
    if not np.isfinite(v).all():
        raise ValueError("interval alpha needs finite numeric labels")
    if v.size:
        spread = v.max() - v.min()
        v = (v - v.mean()) / (spread if spread > 0 else 1.0)  # alpha is invariant to this
    return _Coincidence(counts, scale, v)


def _gwet_parts(enc: _Encoded, n_categories: int | None) -> _Linear:
    k = enc.n_categories
    if n_categories is not None and n_categories < k:
        raise ValueError(f"n_categories={n_categories} but the ratings use {k} different labels")
    pairable, p_unit = _pairable_agreement(enc)
    m = enc.per_unit
    rated = m > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(rated[:, np.newaxis], enc.counts / m[:, np.newaxis].astype(np.float64), 0.0)
    features = np.column_stack([pairable, p_unit, rated.astype(np.float64), shares])

    def finish(s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            pa = s[:, 1] / s[:, 0]
            pi = s[:, 3:] / s[:, 2:3]
            q = np.full(s.shape[0], float(n_categories)) if n_categories is not None else (s[:, 3:] > 0).sum(axis=1)
            pe = np.where(q >= 2, (pi * (1.0 - pi)).sum(axis=1) / (q - 1.0), 0.0)  # q < 2: irrCAC's pe = 0
            return np.where(s[:, 0] > 0, (pa - pe) / (1.0 - pe), np.nan)

    return _Linear(features, finish)


def _cohen_parts(enc: _Encoded) -> _Linear:
    if enc.n_raters != 2:
        raise ValueError(f"Cohen's kappa compares exactly two raters; got {enc.n_raters}")
    k = enc.n_categories
    a, b = enc.codes
    # contingency table; the extra row/column k collects pairs with a missing side
    table = np.bincount(a * (k + 1) + b, minlength=(k + 1) ** 2).reshape(k + 1, k + 1)[:k, :k]
    sums = np.concatenate([[table.sum(), np.trace(table)], table.sum(axis=1), table.sum(axis=0)]).astype(np.float64)

    def features() -> FloatArray:
        both = (a < k) & (b < k)
        eye = np.eye(k + 1)[:, :k]  # row k (missing) is all zeros
        onehot_a = eye[np.where(both, a, k)]
        onehot_b = eye[np.where(both, b, k)]
        return np.column_stack([both, both & (a == b), onehot_a, onehot_b]).astype(np.float64)

    def finish(s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            n = s[:, 0]
            chance = (s[:, 2 : 2 + k] * s[:, 2 + k :]).sum(axis=1)
            p_obs = s[:, 1] / n
            p_exp = chance / (n * n)
            kappa = (p_obs - p_exp) / (1.0 - p_exp)
            return np.where((n >= 2) & (chance != n * n), kappa, np.nan)

    return _Linear(features, finish, sums)


# --------------------------------------------------------------------------------------
# Public statistics
# --------------------------------------------------------------------------------------


def percent_agreement(ratings: Ratings) -> float:
    """Raw agreement: the mean, over units with at least two ratings, of the share of agreeing rater pairs.

    For a unit with ``m`` ratings of which ``n_k`` are label ``k`` that share is
    ``sum_k n_k (n_k - 1) / (m (m - 1))``. Returns ``nan`` when no unit has two ratings.
    """
    return _percent_agreement_parts(_encode(ratings)).estimate()


def cohen_kappa(a: Sequence[Any] | npt.ArrayLike, b: Sequence[Any] | npt.ArrayLike) -> float:
    """Cohen's (1960) kappa for two raters.

    ``a`` and ``b`` are equal-length sequences (``ValueError`` otherwise); position ``i`` is
    both raters' label for unit ``i``. Pairs where either value is missing (None/NaN) are
    dropped. Returns ``nan`` when fewer than two complete pairs remain, or when both raters
    used one and the same label throughout (expected agreement 1: kappa is 0/0).
    """
    return _cohen_parts(_encode_pair(a, b, "cohen_kappa")).estimate()


def fleiss_kappa(ratings: Ratings) -> float:
    """Fleiss' (1971) kappa for any number of raters.

    Every unit must have the same number of non-missing ratings; otherwise ``ValueError``
    (use :func:`krippendorff_alpha` or :func:`gwet_ac1`). Units nobody rated are ignored.
    Returns ``nan`` when units have fewer than two ratings each, or when every rating is the
    same label (expected agreement 1). Matches ``statsmodels.stats.inter_rater.fleiss_kappa``.
    """
    return _fleiss_parts(_encode(ratings)).estimate()


def krippendorff_alpha(ratings: Ratings, level: Level = "nominal") -> float:
    """Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").

    ``level`` is ``"nominal"``, ``"ordinal"`` or ``"interval"``; ordinal and interval need
    numeric labels (``ValueError`` otherwise) and ordinal distances use the mid-rank of each
    value among the pairable values, as Krippendorff defines them. Units with fewer than two
    ratings are ignored. Returns ``nan`` when no unit has two ratings or all pairable ratings
    are the same value (the ``krippendorff`` package raises ``ValueError`` in both cases).
    Matches ``krippendorff.alpha``.
    """
    return _alpha_parts(_encode(ratings), level).estimate()


def gwet_ac1(ratings: Ratings, *, n_categories: int | None = None) -> float:
    """Gwet's AC1 for any number of raters with missing ratings (Gwet 2014, Handbook ch. 4).

    ``pa`` is the mean agreeing-pair share over units with at least two ratings;
    ``pe = sum_k pi_k (1 - pi_k) / (q - 1)`` with ``pi_k`` the mean over units with at least
    one rating of the share of that unit's ratings that are ``k``. ``q`` is the number of
    labels used, or ``n_categories`` if given (labels nobody chose still count for AC1).
    With a single category, ``pe`` is taken as 0 like Gwet's irrCAC package, so AC1 equals
    ``pa`` (1.0). Returns ``nan`` when no unit has two ratings.
    """
    return _gwet_parts(_encode(ratings), n_categories).estimate()


def pairwise_cohen_matrix(ratings: Ratings) -> FloatArray:
    """Cohen's kappa for every pair of raters (raters x raters, symmetric).

    Entry ``[i, j]`` equals ``cohen_kappa(ratings[i], ratings[j])`` on the units both rated.
    The diagonal is 1.0 by convention; an entry is ``nan`` where the pair shares fewer than
    two units or kappa is undefined. Computed for all pairs at once with matrix products.
    """
    enc = _encode(ratings)
    r, n_units, k = enc.n_raters, enc.n_units, enc.n_categories
    dtype = np.float32 if n_units < (1 << 24) else np.float64  # exact integer sums either way
    rated = (enc.codes < k).astype(dtype)
    shared = rated @ rated.T
    agree = np.zeros((r, r), dtype=np.float64)
    chance = np.zeros((r, r), dtype=np.float64)
    for j in range(k):  # loop over categories only
        chose = (enc.codes == j).astype(dtype)
        agree += chose @ chose.T
        marg = (chose @ rated.T).astype(np.float64)  # [i, j]: i's uses of the label on units j rated
        chance += marg * marg.T
    shared = shared.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_obs = agree / shared
        p_exp = chance / (shared * shared)
        kappa = np.where((shared >= 2) & (chance != shared * shared), (p_obs - p_exp) / (1.0 - p_exp), np.nan)
    np.fill_diagonal(kappa, 1.0)
    return kappa


def confusion_matrix(
    truth: Sequence[Any] | npt.ArrayLike, predicted: Sequence[Any] | npt.ArrayLike, labels: Sequence[Hashable]
) -> npt.NDArray[np.int64]:
    """Counts of (truth, predicted) pairs: rows follow ``labels`` for truth, columns for predicted.

    Pairs with a missing value on either side are dropped; a value outside ``labels`` is a
    ``ValueError`` (so typos cannot silently vanish from a dashboard).
    """
    enc = _encode_pair(truth, predicted, "confusion_matrix")
    labels = list(labels)
    position = {label: i for i, label in enumerate(labels)}
    if len(position) != len(labels):
        raise ValueError("labels must be distinct")
    unknown = [label for label in enc.labels if label not in position]
    if unknown:
        raise ValueError(f"values not in labels: {', '.join(map(repr, unknown))}")
    n = len(labels)
    lookup = np.array([position[label] for label in enc.labels] + [n], dtype=np.intp)
    t, p = lookup[enc.codes]
    both = (t < n) & (p < n)
    return np.bincount(t[both] * n + p[both], minlength=n * n).reshape(n, n)


def binary_rates(
    truth: Sequence[Any] | npt.ArrayLike, predicted: Sequence[Any] | npt.ArrayLike, positive: Hashable
) -> tuple[float, float]:
    """(sensitivity, specificity) of ``predicted`` against ``truth`` for the label ``positive``.

    Everything that is not ``positive`` counts as negative. Pairs with a missing value are
    dropped. Sensitivity is ``nan`` when no truth is positive, specificity when none is negative.
    """
    enc = _encode_pair(truth, predicted, "binary_rates")
    k = enc.n_categories
    t, p = enc.codes
    both = (t < k) & (p < k)
    code = enc.labels.index(positive) if positive in enc.labels else -1
    t_pos, p_pos = t[both] == code, p[both] == code
    positives, negatives = int(t_pos.sum()), int((~t_pos).sum())
    sensitivity = int((t_pos & p_pos).sum()) / positives if positives else math.nan
    specificity = int((~t_pos & ~p_pos).sum()) / negatives if negatives else math.nan
    return sensitivity, specificity


# --------------------------------------------------------------------------------------
# Bootstrap, warnings, summary
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with a bootstrap percentile interval.

    ``n_resamples`` is the number of resamples that produced a defined (non-nan) value and
    so entered the percentiles; ``low``/``high`` are ``nan`` when that number is 0.
    """

    estimate: float
    low: float
    high: float
    n_resamples: int


def _prepared_for(statistic: Callable[..., float], encode: Callable[[], _Encoded]) -> _Prepared | None:
    """The vectorised form of one of our statistics, or None for an arbitrary callable."""
    kwargs: dict[str, Any] = {}
    if isinstance(statistic, functools.partial) and not statistic.args:
        kwargs = dict(statistic.keywords)
        statistic = statistic.func
    if statistic is percent_agreement and not kwargs:
        return _percent_agreement_parts(encode())
    if statistic is fleiss_kappa and not kwargs:
        return _fleiss_parts(encode())
    if statistic is krippendorff_alpha and set(kwargs) <= {"level"}:
        return _alpha_parts(encode(), kwargs.get("level", "nominal"))
    if statistic is gwet_ac1 and set(kwargs) <= {"n_categories"}:
        return _gwet_parts(encode(), kwargs.get("n_categories"))
    if statistic is cohen_kappa and not kwargs:
        return _cohen_parts(encode())
    return None


def _resample_blocks(rng: np.random.Generator, n_units: int, n_resamples: int) -> Any:
    """Yield blocks of resampled unit indices (resamples x units), identical for every consumer."""
    block = max(1, min(n_resamples, _BLOCK_FLOATS // max(n_units, 1)))
    for start in range(0, n_resamples, block):
        yield rng.integers(0, n_units, size=(min(block, n_resamples - start), n_units))


def bootstrap_interval(
    statistic: Callable[..., float],
    ratings: Ratings,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
) -> Interval:
    """Percentile bootstrap interval for ``statistic(ratings)``, resampling units with replacement.

    ``statistic`` is any callable taking a raters x units matrix. Our own statistics
    (including ``functools.partial(krippendorff_alpha, level=...)`` and ``cohen_kappa`` on a
    2-row matrix) are recognised and evaluated for all resamples at once from the count
    matrix; any other callable is called once per resample on the resampled columns. Both
    routes draw the same resamples from ``numpy.random.default_rng(seed)``. Resamples where
    the statistic is ``nan`` are dropped.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1; got {n_resamples}")
    matrix = ratings if isinstance(ratings, _Encoded) else _as_matrix(ratings)
    prepared = _prepared_for(statistic, functools.partial(_encode, matrix))
    if prepared is None and isinstance(matrix, _Encoded):
        raise TypeError("an encoded matrix can only be bootstrapped with this module's statistics")
    n_units = matrix.n_units if isinstance(matrix, _Encoded) else int(matrix.shape[1])
    estimate = prepared.estimate() if prepared is not None else float(statistic(matrix))
    rng = np.random.default_rng(seed)
    values: list[FloatArray] = []
    if n_units:
        for idx in _resample_blocks(rng, n_units, n_resamples):
            if prepared is not None:
                rows = np.arange(idx.shape[0], dtype=np.intp)[:, np.newaxis] * n_units
                weights = np.bincount((idx + rows).ravel(), minlength=idx.size).reshape(idx.shape)
                values.append(prepared.resampled(weights))  # integer multiplicities
            else:
                assert isinstance(matrix, np.ndarray)
                values.append(np.array([float(statistic(matrix[:, row])) for row in idx]))
    drawn = np.concatenate(values) if values else np.empty(0)
    drawn = drawn[~np.isnan(drawn)]
    if drawn.size == 0:
        return Interval(estimate, math.nan, math.nan, 0)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(drawn, [tail, 1.0 - tail])
    return Interval(estimate, float(low), float(high), int(drawn.size))


def agreement_warnings(
    ratings: Ratings, *, min_units: int = 10, min_raters: int = 3, dominance: float = 0.8
) -> list[str]:
    """Plain-language caveats for reading the statistics of ``ratings``.

    * fewer than ``min_units`` units with at least two ratings;
    * fewer than ``min_raters`` raters who gave any rating;
    * one label making up at least ``dominance`` of all ratings (the prevalence problem).
    """
    if not 0.0 < dominance <= 1.0:
        raise ValueError(f"dominance must be in (0, 1]; got {dominance}")
    enc = _encode(ratings)
    totals = enc.counts.sum(axis=0)
    total = int(totals.sum())
    if total == 0:
        return ["There are no ratings yet, so agreement cannot be measured."]
    out: list[str] = []
    pairable_units = int((enc.per_unit >= 2).sum())
    if pairable_units < min_units:
        out.append(
            f"Only {pairable_units} unit{'s' if pairable_units != 1 else ''} ha{'ve' if pairable_units != 1 else 's'} "
            f"two or more ratings; with fewer than {min_units} the statistics are unstable, so read them as rough."
        )
    active_raters = enc.active_raters
    if active_raters < min_raters:
        out.append(
            f"Only {active_raters} rater{'s' if active_raters != 1 else ''} gave ratings; with fewer than "
            f"{min_raters} it is hard to tell one rater's habits from real disagreement."
        )
    top = int(totals.argmax())
    share = totals[top] / total
    if enc.n_categories == 1:
        out.append(
            f"Every rating is {enc.labels[0]!r}: kappa and alpha are undefined because there is no variation "
            "to measure agreement against."
        )
    elif share >= dominance:
        out.append(
            f"One answer ({enc.labels[top]!r}) makes up {math.floor(share * 100 + 1e-9)}% of ratings: kappa and alpha "
            "can be low while raw agreement is high; read Gwet's AC1 beside them."
        )
    return out


@dataclass(frozen=True, slots=True)
class AgreementSummary:
    """Headline agreement figures for a dashboard.

    ``n_raters`` counts raters with at least one rating and ``n_units`` units with at least
    one rating. ``fleiss_kappa`` is ``None`` when units have unequal numbers of ratings.
    ``krippendorff_alpha`` is nominal alpha with its bootstrap interval.
    """

    n_raters: int
    n_units: int
    percent_agreement: float
    fleiss_kappa: float | None
    krippendorff_alpha: Interval
    gwet_ac1: float
    warnings: tuple[str, ...]


def summarise(
    ratings: Ratings, *, seed: int | None = 0, n_resamples: int = 1000, confidence: float = 0.95
) -> AgreementSummary:
    """Compute the dashboard summary, encoding ``ratings`` once for every statistic."""
    enc = _encode(ratings)
    try:
        fleiss: float | None = _fleiss_parts(enc).estimate()
    except ValueError:
        fleiss = None
    return AgreementSummary(
        n_raters=enc.active_raters,
        n_units=int((enc.per_unit > 0).sum()),
        percent_agreement=_percent_agreement_parts(enc).estimate(),
        fleiss_kappa=fleiss,
        krippendorff_alpha=bootstrap_interval(
            krippendorff_alpha, enc, n_resamples=n_resamples, confidence=confidence, seed=seed
        ),
        gwet_ac1=_gwet_parts(enc, None).estimate(),
        warnings=tuple(agreement_warnings(enc)),
    )
