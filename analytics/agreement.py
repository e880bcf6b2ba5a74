"""Inter-rater agreement statistics.

Plain typed Python and numpy: no Django, no pandas, no scipy.

Conventions
-----------
``ratings`` is a 2-D array-like of **raters x units** (one row per rater, one column per
unit/question). ``None`` or a float NaN marks a missing rating. Labels may be any hashable
values (strings, ints, tuples, ...); they are compared with Python equality, so ``1``, ``1.0``
and ``True`` are the same label, and the string ``"nan"`` is an ordinary label, not a missing
value. Numeric arrays take faster routes that compare exactly the same way: two floats one
bit apart are two labels, whatever the route. Ordered scales (ordinal alpha, weighted kappa)
order numeric labels by value, or any labels by an explicit ``order=[lowest, ..., highest]``.

Every statistic is computed from one units x categories count matrix (``counts[u, k]`` = how
many raters gave unit ``u`` the label ``k``), built once by :func:`_encode`; Krippendorff's
alpha uses the coincidence matrix derived from it. Units may have any number of ratings,
including Fleiss' kappa (Gwet's generalisation).

Intervals are bootstrap intervals over units: bias-corrected and accelerated (BCa) where
defined, percentile otherwise, never clamped, with a plain-language warning when they should
not be relied on (see :func:`bootstrap_interval`).

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
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
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
Weights: TypeAlias = Literal["linear", "quadratic"]
IntervalMethod: TypeAlias = Literal["bca", "percentile"]
FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

_LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval")
_WEIGHTS: tuple[str, ...] = ("linear", "quadratic")
_INTERVAL_METHODS: tuple[str, ...] = ("bca", "percentile")
# Whole-number numeric labels spanning at most this many values are counted by comparing the
# ratings with each value in turn (a few cheap passes, no sort, no per-cell index arithmetic).
_COMPARED_VALUES = 16
# ... a chunk of rater rows of about this many cells at a time, so that the passes after the
# first find the chunk in cache. At most 255 rows, so per-unit counts fit in a uint8.
_CHUNK_CELLS = 1 << 18
# Integer-valued numeric labels are encoded by offsetting (O(n)) instead of sorting
# (O(n log n)) when the units x value-range count table has at most this many cells (or
# twice as many cells as there are ratings).
_DIRECT_CELLS = 1 << 20
# Bootstrap work is done in blocks of resamples holding about this many floats.
_BLOCK_FLOATS = 1 << 21
# Below this many units with two or more ratings a bootstrap interval is flagged as unreliable:
# resampling so few units gives a coarse, lumpy distribution whatever the interval method.
_INTERVAL_MIN_UNITS = 20
# Bootstrap values this close to the estimate (relative to it, or absolutely below 1) are ties.
_TIE = 1e-12


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
    them in first-seen order (row-major). The numeric fast paths build ``counts`` directly and
    derive ``codes`` only when something (pairwise kappa, warnings) needs them.
    """

    def __init__(
        self,
        labels: tuple[Hashable, ...],
        shape: tuple[int, int],
        *,
        codes: IntArray | None = None,
        counts: npt.NDArray[np.int64] | None = None,
        make_codes: Callable[[], IntArray] | None = None,
        count_active_raters: Callable[[], int] | None = None,
    ) -> None:
        self.labels = labels
        self.n_raters, self.n_units = int(shape[0]), int(shape[1])
        self._codes = codes
        self._make_codes = make_codes
        self._count_active_raters = count_active_raters
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
        if self._codes is None and self._count_active_raters is not None:
            return self._count_active_raters()
        return int((self.codes < self.n_categories).any(axis=1).sum())

    @functools.cached_property
    def label_values(self) -> FloatArray:
        """Numeric label values (for ordinal/interval alpha); raises if labels are not numeric."""
        for label in self.labels:
            if not isinstance(label, numbers.Real):
                raise ValueError(
                    f"ordinal and interval alpha need numeric labels; got {label!r}. "
                    "Use level='nominal' for categories, or give the order of the labels (order=[...]) "
                    "for ordinal alpha."
                )
        return np.array([float(label) for label in self.labels], dtype=np.float64)


def _count_matrix(codes: npt.NDArray[Any], width: int) -> npt.NDArray[np.int64]:
    """Units x ``width`` counts of ``codes`` (raters x units, values in ``[0, width)``)."""
    n_units = codes.shape[1]
    keys = codes + width * np.arange(n_units, dtype=np.intp)
    return np.bincount(keys.reshape(-1), minlength=n_units * width).reshape(n_units, width)


def _value_range(arr: np.ndarray) -> tuple[Any, Any]:
    """(smallest, largest) value of a numeric array, NaN ignored; (nan, nan) if all NaN."""
    if arr.dtype.kind == "f":
        return np.fmin.reduce(arr, axis=None), np.fmax.reduce(arr, axis=None)  # fmin/fmax skip NaN
    return arr.min(), arr.max()


def _whole_values(arr: np.ndarray, lo: Any, hi: Any) -> list[Any] | None:
    """The whole numbers from ``lo`` to ``hi`` as scalars of ``arr``'s dtype, or None.

    None when the range is not finite or spans more than ``_COMPARED_VALUES`` values, or when
    some value does not survive the round trip to the dtype (e.g. above 2**53 in float64),
    since comparing with a rounded value would match labels that differ.
    """
    if arr.dtype.kind == "f":
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return None
        first, last = math.ceil(lo), math.floor(hi)
    else:
        first, last = int(lo), int(hi)
    if last - first + 1 > _COMPARED_VALUES:
        return None
    scalar = arr.dtype.type
    values = [scalar(v) for v in range(first, last + 1)]
    if any(int(value) != v for value, v in zip(values, range(first, last + 1), strict=True)):
        return None
    return values


def _count_by_comparison(arr: np.ndarray, values: list[Any], rows: int) -> list[npt.NDArray[np.int64]] | None:
    """Per value, how many raters gave each unit exactly that value; None if some rating is none of them.

    Works through ``rows`` rater rows at a time: for each value, one comparison of the chunk
    and one uint8 sum over its rows. NaN ratings (missing) are counted with ``isnan`` so that a
    rating that is neither NaN nor one of ``values`` is detected: then the caller widens the
    range or gives up.
    """
    n_raters, n_units = arr.shape
    totals = [np.zeros(n_units, dtype=np.int64) for _ in values]
    pairs = list(zip(values, totals, strict=True))
    hits = np.empty((min(rows, n_raters), n_units), dtype=bool)
    as_bytes = hits.view(np.uint8)
    per_unit = np.empty(n_units, dtype=np.uint8)
    is_float = arr.dtype.kind == "f"
    missing = 0
    for start in range(0, n_raters, rows):
        chunk = arr[start : start + rows]
        out, out_bytes = hits[: chunk.shape[0]], as_bytes[: chunk.shape[0]]
        for value, total in pairs:
            np.equal(chunk, value, out=out)
            np.add.reduce(out_bytes, axis=0, dtype=np.uint8, out=per_unit)
            total += per_unit
        if is_float:
            np.not_equal(chunk, chunk, out=out)  # NaN is the only value not equal to itself; faster than isnan
            missing += int(np.count_nonzero(out))
    counted = sum(int(total.sum()) for total in totals)
    return totals if counted + missing == arr.size else None


def _encode_by_comparison(arr: np.ndarray, label_dtype: np.dtype[Any]) -> _Encoded | None:
    """Count whole-number labels in a short range by exact comparison; None if they are not such labels.

    The candidate values come from the range of the first chunk of raters; if a later rating
    falls outside it (or is not a whole number), the whole array's range is taken and the
    count repeated once. Every comparison is exact, so two labels that differ only in the last
    bit stay two labels.
    """
    n_raters, n_units = arr.shape
    rows = max(1, min(255, _CHUNK_CELLS // max(n_units, 1)))
    lo, hi = _value_range(arr[:rows])
    values = [] if arr.dtype.kind == "f" and math.isnan(lo) else _whole_values(arr, lo, hi)
    totals = _count_by_comparison(arr, values, rows) if values is not None else None
    if totals is None and rows < n_raters:
        lo, hi = _value_range(arr)
        if not (arr.dtype.kind == "f" and math.isnan(lo)):
            values = _whole_values(arr, lo, hi)
            totals = _count_by_comparison(arr, values, rows) if values is not None else None
    if totals is None or values is None:
        return None
    used = [j for j, total in enumerate(totals) if total.any()]
    kept = [values[j] for j in used]
    labels = tuple(np.array(kept, dtype=arr.dtype).astype(label_dtype).tolist())
    by_value = np.array([totals[j] for j in used], dtype=np.int64).reshape(len(used), n_units)

    def make_codes() -> IntArray:
        codes = np.full(arr.shape, len(kept), dtype=np.intp)
        for code, value in enumerate(kept):
            codes[arr == value] = code
        return codes

    def count_active_raters() -> int:
        if n_units == 0:
            return 0
        if arr.dtype.kind != "f":
            return n_raters
        return n_raters - int(np.isnan(arr).all(axis=1).sum())

    encoded = _Encoded(
        labels,
        (n_raters, n_units),
        counts=np.ascontiguousarray(by_value.T),
        make_codes=make_codes,
        count_active_raters=count_active_raters,
    )
    # cheaper from the values x units layout than from the units x values one
    encoded.__dict__["per_unit"] = by_value.sum(axis=0)
    encoded.__dict__["squares"] = np.einsum("ku,ku->u", by_value, by_value)
    return encoded


def _encode_numeric(arr: np.ndarray, by_unit: bool = True) -> _Encoded:
    """Fast paths for bool/int/float arrays: NaN is missing, categories sorted by value.

    Labels are compared exactly (two floats one bit apart are two labels, as in Python).
    Whole numbers in a short range are counted by comparison (:func:`_encode_by_comparison`);
    whole numbers in a modest range are offset (``value - min``) straight into bincount keys,
    which costs a handful of passes over the data and no sort; anything else is sorted with
    ``np.unique``. With ``by_unit`` the count matrix is built; without it only codes are made.
    """
    label_dtype = arr.dtype
    if arr.dtype.kind == "b":
        arr = arr.view(np.uint8)
    is_float = arr.dtype.kind == "f"
    shape = (int(arr.shape[0]), int(arr.shape[1]))
    flat = arr.reshape(-1)
    if flat.size == 0:
        return _Encoded((), shape, codes=np.zeros(shape, dtype=np.intp))
    if by_unit:
        compared = _encode_by_comparison(np.ascontiguousarray(arr), label_dtype)
        if compared is not None:
            return compared
    lo, hi = _value_range(flat)
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
    """Encode whole-number labels by offset; None if the values are not suitable.

    Keys are ``value - lo`` (missing -> ``span + 1``), plus ``unit * width`` when ``by_unit``
    so that one bincount yields the units x values count table. Float labels must all be
    whole numbers within 2**53 of zero, checked on the labels themselves: then ``value - lo``
    is exact (on shifted values a label like ``1.0000000000000002`` could round onto ``1``).
    Integer labels are offset in their own dtype, so uint64 labels above 2**63 work.
    """
    n_units = arr.shape[1]
    rows = n_units if by_unit else 1
    budget = max(2 * arr.size, _DIRECT_CELLS)  # cells of the (units x) (span + 2) bincount
    if arr.dtype.kind == "f":
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi)) or max(-lo, hi) > 2.0**53 or (hi - lo + 2) * rows > budget:
            return None
        if not np.array_equal(np.trunc(arr), arr, equal_nan=True):  # some label is not a whole number
            return None
        span = int(hi - lo)
        width = span + 2  # last column collects missing ratings
        shifted = np.subtract(arr, lo, dtype=np.float64)
        np.fmin(shifted, span + 1, out=shifted)  # NaN -> span + 1 (fmin prefers the number)
        if by_unit:
            shifted += width * np.arange(n_units, dtype=np.float64)
        keys = shifted.astype(np.intp)
    else:
        span = int(hi) - int(lo)
        if (span + 2) * rows > budget:
            return None
        width = span + 2
        keys = np.subtract(arr, lo, dtype=arr.dtype).astype(np.intp)  # in range: every value >= lo
        if by_unit:
            keys += width * np.arange(n_units, dtype=np.intp)
    full = np.bincount(keys.reshape(-1), minlength=rows * width).reshape(rows, width)
    present = np.flatnonzero(full[:, : span + 1].any(axis=0))
    lookup = np.full(width, present.size, dtype=np.intp)
    lookup[present] = np.arange(present.size, dtype=np.intp)
    if arr.dtype.kind == "f":
        labels_arr = present.astype(np.float64) + float(lo)
    else:
        labels_arr = np.array([int(lo) + offset for offset in present.tolist()], dtype=arr.dtype)
    labels = tuple(labels_arr.astype(label_dtype).tolist())
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
    the estimate is ``finish(features.sum(0))``, a bootstrap resample with unit
    multiplicities ``w`` is ``finish(w @ features)`` and the jackknife value leaving out unit
    ``i`` is ``finish(features.sum(0) - features[i])``. ``features`` may be a callable so that
    it is only built when resampling, with ``sums`` given directly for the estimate.
    """

    __slots__ = ("_build", "_features", "_features_t", "finish", "sums")

    def __init__(
        self,
        features: FloatArray | Callable[[], FloatArray],
        finish: Callable[[FloatArray], FloatArray],
        sums: FloatArray | None = None,
    ) -> None:
        self._build = features if callable(features) else None
        self._features = None if callable(features) else features
        self._features_t: FloatArray | None = None
        self.finish = finish
        self.sums = sums

    def features(self) -> FloatArray:
        if self._features is None:
            assert self._build is not None
            self._features = self._build()
        return self._features

    def estimate(self) -> float:
        sums = self.sums if self.sums is not None else self.features().sum(axis=0)
        return float(self.finish(sums[np.newaxis, :])[0])

    def resampled(self, weights: npt.NDArray[Any]) -> FloatArray:
        if self._features_t is None:
            self._features_t = np.ascontiguousarray(self.features().T, dtype=np.float64)
        return self.finish(_weighted_sums(weights, self._features_t))

    def jackknife(self) -> FloatArray:
        features = self.features()
        return self.finish(features.sum(axis=0)[np.newaxis, :] - features)


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

    def _total(self) -> FloatArray:
        # unit weights all 1: the whole coincidence matrix is one matrix product
        weighted = self.counts * self.scale[:, np.newaxis]
        o = weighted.T @ self.counts
        o[np.diag_indices_from(o)] -= weighted.sum(axis=0)
        return o

    def estimate(self) -> float:
        return float(self._finish(self._total()[np.newaxis])[0])

    def resampled(self, weights: npt.NDArray[Any]) -> FloatArray:
        k = self.counts.shape[1]
        step = max(1, _BLOCK_FLOATS // max(4 * k * k, 1))  # bound the resamples x K x K temporaries
        parts = [self._finish(self._coincidences(weights[i : i + step])) for i in range(0, weights.shape[0], step)]
        return np.concatenate(parts) if parts else np.empty(0)

    def jackknife(self) -> FloatArray:
        """Alpha leaving out each unit in turn: the total coincidences minus that unit's own."""
        total = self._total()
        n_units, k = self.counts.shape
        diagonal = np.arange(k)
        step = max(1, _BLOCK_FLOATS // max(4 * k * k, 1))
        parts = []
        for i in range(0, n_units, step):
            c = self.counts[i : i + step]
            w = c * self.scale[i : i + step, np.newaxis]
            own = w[:, :, np.newaxis] * c[:, np.newaxis, :]
            own[:, diagonal, diagonal] -= w
            parts.append(self._finish(total[np.newaxis] - own))
        return np.concatenate(parts) if parts else np.empty(0)


_Prepared: TypeAlias = "_Linear | _Coincidence"


def _pairable_agreement(enc: _Encoded) -> tuple[FloatArray, FloatArray]:
    """(is the unit pairable, proportion of agreeing pairs in the unit or 0)."""
    m = enc.per_unit
    pairable = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        p_unit = np.where(pairable, (enc.squares - m) / (m * (m - 1.0)), 0.0)
    return pairable.astype(np.float64), p_unit


def _agreement_and_shares(enc: _Encoded) -> FloatArray:
    """Per unit: pairable, agreeing-pair share, rated, then each category's share of the unit's ratings.

    The features of Fleiss' kappa with missing ratings and of Gwet's AC1: observed agreement
    is a mean over pairable units, the category shares a mean over rated units.
    """
    pairable, p_unit = _pairable_agreement(enc)
    m = enc.per_unit
    rated = m > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(rated[:, np.newaxis], enc.counts / m[:, np.newaxis].astype(np.float64), 0.0)
    return np.column_stack([pairable, p_unit, rated.astype(np.float64), shares])


def _agreement_and_shares_sums(enc: _Encoded) -> FloatArray:
    """Column sums of :func:`_agreement_and_shares`, without building the units x features matrix.

    Units are grouped by their number of ratings ``m`` and the whole-number counts of each
    group summed before dividing by ``m``: with the same ``m`` on every unit (complete data)
    the category shares are then ``total_k / m`` exactly, as in statsmodels' Fleiss' kappa.
    """
    m = enc.per_unit
    k = enc.n_categories
    size = int(m.max()) + 1 if m.size else 1
    ratings_per_unit = np.arange(size, dtype=np.float64)
    units = np.bincount(m, minlength=size).astype(np.float64)
    agreeing = np.bincount(m, weights=enc.squares - m, minlength=size)  # ordered agreeing pairs
    keys = (m[:, np.newaxis] * k + np.arange(k)).reshape(-1)
    by_size = np.bincount(keys, weights=enc.counts.reshape(-1), minlength=size * k).reshape(size, k)
    pairable, rated = ratings_per_unit >= 2, ratings_per_unit >= 1
    pairs = ratings_per_unit[pairable] * (ratings_per_unit[pairable] - 1.0)
    shares = (by_size[rated] / ratings_per_unit[rated, np.newaxis]).sum(axis=0)
    return np.concatenate([[units[pairable].sum(), (agreeing[pairable] / pairs).sum(), units[rated].sum()], shares])


def _percent_agreement_parts(enc: _Encoded) -> _Linear:
    pairable, p_unit = _pairable_agreement(enc)

    def finish(s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(s[:, 0] > 0, s[:, 1] / s[:, 0], np.nan)

    return _Linear(np.column_stack([pairable, p_unit]), finish)


def _fleiss_parts(enc: _Encoded) -> _Linear:
    """Fleiss' kappa, generalised to missing ratings as in Gwet's irrCAC (``CAC.fleiss``).

    ``pa`` is the mean agreeing-pair share over units with two or more ratings; ``pi_k`` the
    mean over rated units of the share of the unit's ratings that are ``k``; ``pe = sum pi_k**2``.
    With the same number of ratings on every unit this is Fleiss (1971) exactly.
    """

    def finish(s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            pa = s[:, 1] / s[:, 0]
            pi = s[:, 3:] / s[:, 2:3]
            pe = (pi * pi).sum(axis=1)
            kappa = (pa - pe) / (1.0 - pe)
            # undefined without a pair of ratings, or with one label only (pe = 1)
            return np.where((s[:, 0] > 0) & ((s[:, 3:] > 0).sum(axis=1) >= 2), kappa, np.nan)

    return _Linear(functools.partial(_agreement_and_shares, enc), finish, _agreement_and_shares_sums(enc))


def _alpha_nominal_parts(enc: _Encoded) -> _Linear:
    m = enc.per_unit
    pairable = m >= 2
    squares = enc.squares
    k = enc.n_categories

    def diagonal() -> FloatArray:
        # sum_c o_cc contribution per unit; division keeps whole-number results exact
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(pairable, (squares - m) / (m - 1.0), 0.0)

    def features() -> FloatArray:
        return np.column_stack([np.where(pairable[:, np.newaxis], enc.counts, 0), diagonal()])

    def finish(s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            n_c = s[:, :k]
            n = n_c.sum(axis=1)
            spread = n * n - (n_c * n_c).sum(axis=1)  # n(n-1) * expected disagreement
            return np.where(spread > 0, 1.0 - (n - 1.0) * (n - s[:, k]) / spread, np.nan)

    # the estimate's sums straight from the counts, without the units x features matrix
    totals = np.einsum("u,uk->k", pairable.astype(np.int64), enc.counts)
    sums = np.append(totals.astype(np.float64), diagonal().sum())
    return _Linear(features, finish, sums)


def _order_positions(labels: Sequence[Hashable], order: Sequence[Hashable]) -> FloatArray:
    """Position in ``order`` of each label; ValueError for a label not in ``order``."""
    if isinstance(order, str | bytes):
        raise ValueError("order must be a sequence of labels, lowest first")
    order = list(order)
    try:
        position = {label: i for i, label in enumerate(order)}
    except TypeError as exc:
        raise ValueError(f"order must hold hashable labels: {exc}") from None
    if len(position) != len(order):
        raise ValueError("order must not name a label twice")
    unknown = [label for label in labels if label not in position]
    if unknown:
        raise ValueError(f"labels not in order: {', '.join(map(repr, unknown))}")
    return np.array([position[label] for label in labels], dtype=np.float64)


def _alpha_parts(enc: _Encoded, level: str, order: Sequence[Hashable] | None = None) -> _Prepared:
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {', '.join(_LEVELS)}; got {level!r}")
    if order is not None:
        if level == "interval":
            raise ValueError(
                "order gives ranks, not distances, so it cannot be used for interval alpha; "
                "use numeric labels whose differences mean something, or level='ordinal'"
            )
        values = _order_positions(enc.labels, order)
    elif level != "nominal":
        values = enc.label_values
    if level == "nominal":
        return _alpha_nominal_parts(enc)
    sort = np.argsort(values, kind="stable")
    m = enc.per_unit
    scale = np.where(m >= 2, 1.0 / np.maximum(m - 1.0, 1.0), 0.0)
    counts = enc.counts[:, sort].astype(np.float64)
    if level == "ordinal":
        return _Coincidence(counts, scale, None)
    v = values[sort]
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

    def finish(s: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            pa = s[:, 1] / s[:, 0]
            pi = s[:, 3:] / s[:, 2:3]
            q = np.full(s.shape[0], float(n_categories)) if n_categories is not None else (s[:, 3:] > 0).sum(axis=1)
            pe = np.where(q >= 2, (pi * (1.0 - pi)).sum(axis=1) / (q - 1.0), 0.0)  # q < 2: irrCAC's pe = 0
            return np.where(s[:, 0] > 0, (pa - pe) / (1.0 - pe), np.nan)

    return _Linear(functools.partial(_agreement_and_shares, enc), finish, _agreement_and_shares_sums(enc))


def _cohen_parts(enc: _Encoded, weights: str | None = None, order: Sequence[Hashable] | None = None) -> _Linear:
    if enc.n_raters != 2:
        raise ValueError(f"Cohen's kappa compares exactly two raters; got {enc.n_raters}")
    if weights is not None and weights not in _WEIGHTS:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}")
    positions = _order_positions(enc.labels, order) if order is not None else None
    if weights is not None:
        return _weighted_cohen_parts(enc, weights, positions)
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


def _weighted_cohen_parts(enc: _Encoded, weights: str, positions: FloatArray | None) -> _Linear:
    """Weighted kappa, ``1 - sum(w * observed) / sum(w * expected)``, as scikit-learn computes it.

    ``w[i, j]`` is ``|i - j|`` (linear) or ``(i - j)**2`` (quadratic) where ``i``, ``j`` are
    positions in ``positions`` (from ``order``) or, without an order, ranks among the sorted
    labels that occur in complete pairs (scikit-learn's default ``labels``). The features are
    the one-hot contingency cell of each unit's pair, in sorted label order.
    """
    k = enc.n_categories
    if positions is None:
        try:
            ranked = sorted(range(k), key=enc.labels.__getitem__)
        except TypeError:
            raise ValueError(
                "weighted kappa needs labels that sort (numbers, or strings in their order); "
                "give their order with order=[...]"
            ) from None
        rank = np.empty(k + 1, dtype=np.intp)
        rank[ranked] = np.arange(k)
        rank[k] = k
    else:
        rank = np.append(np.arange(k), k)
    a, b = rank[enc.codes]
    both = (a < k) & (b < k)
    cells = np.where(both, a * k + b, k * k)  # k * k: a pair with a missing side
    sums = np.bincount(cells, minlength=k * k + 1)[: k * k].astype(np.float64)

    def features() -> FloatArray:
        onehot = np.zeros((cells.size, k * k))
        onehot[np.flatnonzero(both), cells[both]] = 1.0
        return onehot

    def finish(s: FloatArray) -> FloatArray:
        o = s.reshape(-1, k, k)
        row, col = o.sum(axis=2), o.sum(axis=1)
        n = row.sum(axis=1)
        # without an order: ranks among the labels this (re)sample uses
        place = np.cumsum((row + col) > 0, axis=1).astype(np.float64) if positions is None else positions[np.newaxis]
        gap = place[:, :, np.newaxis] - place[:, np.newaxis, :]
        w = np.abs(gap) if weights == "linear" else gap * gap
        observed = (w * o).sum(axis=(1, 2))
        expected = (w * row[:, :, np.newaxis] * col[:, np.newaxis, :]).sum(axis=(1, 2))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((n >= 2) & (expected > 0), 1.0 - n * observed / expected, np.nan)

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


def cohen_kappa(
    a: Sequence[Any] | npt.ArrayLike,
    b: Sequence[Any] | npt.ArrayLike,
    *,
    weights: Weights | None = None,
    order: Sequence[Hashable] | None = None,
) -> float:
    """Cohen's (1960) kappa for two raters, optionally weighted (Cohen 1968).

    ``a`` and ``b`` are equal-length sequences (``ValueError`` otherwise); position ``i`` is
    both raters' label for unit ``i``. Pairs where either value is missing (None/NaN) are
    dropped. Returns ``nan`` when fewer than two complete pairs remain, or when both raters
    used one and the same label throughout (expected agreement 1: kappa is 0/0).

    ``weights="linear"`` or ``"quadratic"`` gives partial credit to near misses on an ordered
    scale: disagreeing by ``d`` steps costs ``d`` or ``d**2``. The steps are positions in
    ``order`` (lowest first; every label used must be in it) or, without ``order``, ranks
    among the sorted labels that occur in complete pairs. This matches scikit-learn's
    ``cohen_kappa_score(a, b, labels=order, weights=weights)``. Without weights, ``order``
    only checks that every label is in it.
    """
    return _cohen_parts(_encode_pair(a, b, "cohen_kappa"), weights, order).estimate()


def fleiss_kappa(ratings: Ratings) -> float:
    """Fleiss' (1971) kappa for any number of raters, allowing missing ratings.

    Units may have different numbers of ratings: following Gwet (Handbook of Inter-Rater
    Reliability, 4th ed.; ``CAC.fleiss()`` in his irrCAC package), observed agreement
    ``pa`` is the mean agreeing-pair share over units with at least two ratings and chance
    agreement is ``sum_k pi_k**2``, where ``pi_k`` is the mean over rated units of the share of
    the unit's ratings that are ``k``. With the same number of ratings on every unit this is
    Fleiss' kappa exactly (``statsmodels.stats.inter_rater.fleiss_kappa``). Units nobody rated
    are ignored. Returns ``nan`` when no unit has two ratings, or when every rating is the same
    label (expected agreement 1).
    """
    return _fleiss_parts(_encode(ratings)).estimate()


def krippendorff_alpha(ratings: Ratings, level: Level = "nominal", *, order: Sequence[Hashable] | None = None) -> float:
    """Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability").

    ``level`` is ``"nominal"``, ``"ordinal"`` or ``"interval"``. Ordinal distances use the
    mid-rank of each value among the pairable values, as Krippendorff defines them; they need
    the labels' order: numeric labels are ordered by value, and ``order`` (lowest first, e.g.
    ``["low", "mid", "high"]``) orders any labels, so text scales work too. Every label used
    must be in ``order``. Interval alpha needs numeric labels (differences must mean
    something), so it does not take ``order``; with nominal alpha ``order`` only checks the
    labels. Units with fewer than two ratings are ignored. Returns ``nan`` when no unit has two
    ratings or all pairable ratings are the same value (the ``krippendorff`` package raises
    ``ValueError`` in both cases). Matches ``krippendorff.alpha`` (given the positions in
    ``order`` as the values, for text labels).
    """
    return _alpha_parts(_encode(ratings), level, order).estimate()


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
    """A point estimate with a bootstrap confidence interval.

    ``n_resamples`` is the number of resamples that produced a defined (non-nan) value and
    so entered the interval; ``low``/``high`` are ``nan`` when that number is 0. ``method`` is
    the interval actually computed: ``"bca"`` (bias-corrected and accelerated) or
    ``"percentile"`` (asked for, or used because BCa is undefined for these data).
    ``warning`` is a plain-language caveat when the interval should not be relied on (too few
    units, or an interval that does not contain its own estimate), else ``None``.
    """

    estimate: float
    low: float
    high: float
    n_resamples: int
    method: IntervalMethod = "percentile"
    warning: str | None = None


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
    if statistic is krippendorff_alpha and set(kwargs) <= {"level", "order"}:
        return _alpha_parts(encode(), kwargs.get("level", "nominal"), kwargs.get("order"))
    if statistic is gwet_ac1 and set(kwargs) <= {"n_categories"}:
        return _gwet_parts(encode(), kwargs.get("n_categories"))
    if statistic is cohen_kappa and set(kwargs) <= {"weights", "order"}:
        return _cohen_parts(encode(), kwargs.get("weights"), kwargs.get("order"))
    return None


def _resample_blocks(rng: np.random.Generator, n_units: int, n_resamples: int) -> Any:
    """Yield blocks of resampled unit indices (resamples x units), identical for every consumer.

    The draws are those of one ``rng.integers(0, n_units, size=(n_resamples, n_units))`` call,
    which is also what ``scipy.stats.bootstrap`` draws from the same generator.
    """
    block = max(1, min(n_resamples, _BLOCK_FLOATS // max(n_units, 1)))
    for start in range(0, n_resamples, block):
        yield rng.integers(0, n_units, size=(min(block, n_resamples - start), n_units))


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _bca_levels(
    drawn: FloatArray, estimate: float, jackknife: Callable[[], FloatArray], confidence: float
) -> tuple[float, float] | None:
    """The quantile levels of the BCa interval (Efron & Tibshirani 1993, ch. 14), or None where undefined.

    Bias correction ``z0`` is the normal quantile of the share of resamples below the estimate
    (ties count half, as in ``scipy.stats.bootstrap``); acceleration ``a`` comes from the
    jackknife values ``t_i`` (the statistic leaving out unit ``i``):
    ``a = sum(d**3) / (6 * sum(d**2) ** 1.5)`` with ``d = mean(t) - t_i``. BCa is undefined, and
    None is returned, when the estimate is not finite, every resample equals the estimate,
    ``z0`` is infinite (no resample on one side), a jackknife value is undefined or all are
    equal (``a`` is 0/0), or ``1 - a * (z0 + z)`` is not positive for an end (the adjusted
    levels would no longer increase with ``z``).
    """
    if not math.isfinite(estimate):
        return None
    below = int(np.count_nonzero(drawn < estimate))
    at_or_below = int(np.count_nonzero(drawn <= estimate))
    if below == 0 and at_or_below == drawn.size:  # every resample equals the estimate
        return None
    share = (below + at_or_below) / (2.0 * drawn.size)
    if not 0.0 < share < 1.0:
        return None
    z0 = NormalDist().inv_cdf(share)
    theta = np.asarray(jackknife(), dtype=np.float64)
    if theta.size < 2 or not np.isfinite(theta).all():
        return None
    d = theta.mean() - theta
    spread = float((d * d).sum())
    if not spread > 0.0:
        return None
    a = float((d**3).sum()) / (6.0 * spread**1.5)
    z = NormalDist().inv_cdf((1.0 - confidence) / 2.0)
    levels = []
    for end in (z, -z):
        shifted = z0 + end
        denominator = 1.0 - a * shifted
        if not denominator > 0.0:
            return None
        levels.append(_normal_cdf(z0 + shifted / denominator))
    if not all(math.isfinite(level) for level in levels):
        return None
    return levels[0], levels[1]


def _interval_warning(
    interval: tuple[float, float, float], n_units: int, confidence: float, units_are: str = " with two or more ratings"
) -> str | None:
    """Plain-language caveat for a defined interval, or None."""
    estimate, low, high = interval
    share = f"{confidence * 100:.10g}%"
    messages = []
    if n_units < _INTERVAL_MIN_UNITS:
        units = f"{n_units} unit{'s' if n_units != 1 else ''}{units_are}"
        messages.append(
            f"The {share} interval comes from resampling only {units}; with fewer than "
            f"{_INTERVAL_MIN_UNITS} no bootstrap interval is reliable, so read it as a rough range."
        )
    if math.isfinite(estimate) and not low <= estimate <= high:
        messages.append(
            f"The {share} interval does not contain the estimate itself: nearly every resample fell on one side "
            "of it, which happens when a few units drive the figure. Do not rely on the interval."
        )
    return " ".join(messages) or None


def bootstrap_interval(
    statistic: Callable[..., float],
    ratings: Ratings,
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
    method: IntervalMethod = "bca",
) -> Interval:
    """Bootstrap interval for ``statistic(ratings)``, resampling units with replacement.

    ``method="bca"`` (the default) gives the bias-corrected and accelerated interval, with the
    acceleration from the jackknife over units; where BCa is undefined for the data (see
    :func:`_bca_levels`) the percentile interval is returned instead and ``Interval.method``
    says so. ``method="percentile"`` always gives the percentile interval. Neither is ever
    clamped: if the interval does not contain the estimate, ``Interval.warning`` says so, as it
    does when fewer than 20 units have two or more ratings (any units, for another statistic).

    Note: in quantile levels, the BCa interval spans the estimate's own level ``p`` (the share
    of resamples below it, ties counting half) exactly when the percentile interval does, that
    is when ``|z0| <= z``. BCa moves where the interval lies, and with resamples tied at the
    estimate it can reach the estimate where the percentile interval stops short; but an
    interval that misses its estimate means nearly every resampled value lies on one side of
    it, whatever the method: few units, or a few units driving the figure.

    ``statistic`` is any callable taking a raters x units matrix. Our own statistics
    (including ``functools.partial(krippendorff_alpha, level=..., order=...)`` and
    ``cohen_kappa`` on a 2-row matrix, with or without ``weights``) are recognised and
    evaluated for all resamples and jackknife values at once from the count matrix; any other
    callable is called once per resample and once per left-out unit. Both routes draw the same
    resamples from ``numpy.random.default_rng(seed)``. Resamples where the statistic is ``nan``
    are dropped.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1; got {n_resamples}")
    if method not in _INTERVAL_METHODS:
        raise ValueError(f"method must be 'bca' or 'percentile'; got {method!r}")
    matrix = ratings if isinstance(ratings, _Encoded) else _as_matrix(ratings)
    encoded: list[_Encoded] = []

    def encode() -> _Encoded:
        if not encoded:
            encoded.append(_encode(matrix))
        return encoded[0]

    prepared = _prepared_for(statistic, encode)
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
    if drawn.size == 0:  # no interval at all; BCa is certainly undefined
        return Interval(estimate, math.nan, math.nan, 0, "percentile")
    if math.isfinite(estimate):
        # A resample that reproduces the estimate (the original units, or an equivalent
        # multiset) gets there by another order of float sums and can land a few ulps to either
        # side. Counted as below or above the estimate, such rounding alone could push the
        # estimate out of the interval, so values within ``_TIE`` of it are taken as ties.
        drawn[np.abs(drawn - estimate) <= _TIE * max(1.0, abs(estimate))] = estimate

    def jackknife() -> FloatArray:
        if prepared is not None:
            return prepared.jackknife()
        assert isinstance(matrix, np.ndarray)
        keep = np.ones(n_units, dtype=bool)
        out = np.empty(n_units)
        for i in range(n_units):
            keep[i] = False
            out[i] = float(statistic(matrix[:, keep]))
            keep[i] = True
        return out

    tail = (1.0 - confidence) / 2.0
    levels: tuple[float, float] | None = (tail, 1.0 - tail)
    used: IntervalMethod = "percentile"
    if method == "bca":
        bca = _bca_levels(drawn, estimate, jackknife, confidence)
        if bca is not None:
            levels, used = bca, "bca"
    low, high = (float(v) for v in np.quantile(drawn, levels))
    if prepared is not None:
        warning = _interval_warning((estimate, low, high), int(np.count_nonzero(encode().per_unit >= 2)), confidence)
    else:  # an arbitrary statistic: every resampled unit counts
        warning = _interval_warning((estimate, low, high), n_units, confidence, units_are="")
    return Interval(estimate, low, high, int(drawn.size), used, warning)


def _unit_index(units: Sequence[Hashable] | None, n_units: int, side: str) -> dict[Hashable, int]:
    if units is None:
        return {}
    if len(units) != n_units:
        raise ValueError(f"units_{side} names {len(units)} units but the ratings have {n_units}")
    index = {unit: i for i, unit in enumerate(units)}
    if len(index) != n_units:
        raise ValueError(f"units_{side} names a unit twice")
    return index


def difference_interval(
    statistic: Callable[..., float],
    before: Ratings,
    after: Ratings,
    *,
    units_before: Sequence[Hashable] | None = None,
    units_after: Sequence[Hashable] | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
    method: IntervalMethod = "bca",
) -> Interval:
    """How much ``statistic`` changed from ``before`` to ``after`` (two rounds, periods or teams),
    ``statistic(after) - statistic(before)``, with a bootstrap interval.

    Units named in both ``units_before`` and ``units_after`` (scenario ids, say) are resampled
    together: a resample that draws a shared scenario draws it on both sides, so what the two
    matrices have in common does not count as a difference (a paired bootstrap). Units on one
    side only are resampled within their side. Without unit names every unit is its side's own.

    BCa where it is defined (the acceleration from the jackknife over the combined units: a
    shared unit left out of both sides at once), else the percentile interval, as
    :func:`bootstrap_interval`; ``Interval.warning`` says when fewer than 20 units in all have
    two or more ratings. ``statistic`` must be one of this module's statistics (as recognised by
    :func:`bootstrap_interval`), evaluated for every resample at once. ``method="percentile"``
    always gives the percentile interval.
    """
    if method not in _INTERVAL_METHODS:
        raise ValueError(f"method must be 'bca' or 'percentile'; got {method!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1; got {confidence}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1; got {n_resamples}")
    encoded_before, encoded_after = _encode(_as_matrix(before)), _encode(_as_matrix(after))
    prepared = (_prepared_for(statistic, lambda: encoded_before), _prepared_for(statistic, lambda: encoded_after))
    if prepared[0] is None or prepared[1] is None:
        raise TypeError("difference_interval takes one of this module's statistics")
    sizes = (encoded_before.n_units, encoded_after.n_units)
    index_before = _unit_index(units_before, sizes[0], "before")
    index_after = _unit_index(units_after, sizes[1], "after")
    shared = [unit for unit in index_before if unit in index_after]
    pairs = np.array([[index_before[u] for u in shared], [index_after[u] for u in shared]], dtype=np.intp)
    pairs = pairs.reshape(2, len(shared))
    own = [
        np.setdiff1d(np.arange(size, dtype=np.intp), pairs[side], assume_unique=True) for side, size in enumerate(sizes)
    ]
    estimates = [part.estimate() for part in prepared]
    estimate = estimates[1] - estimates[0]

    rng = np.random.default_rng(seed)
    n_draws = len(shared) + own[0].size + own[1].size
    values: list[FloatArray] = []
    block = max(1, min(n_resamples, _BLOCK_FLOATS // max(n_draws, 1)))
    for start in range(0, n_resamples, block):
        count = min(block, n_resamples - start)
        shared_draw = rng.integers(0, len(shared), size=(count, len(shared))) if shared else None
        sides = []
        for side, size in enumerate(sizes):
            chosen = (
                [own[side][rng.integers(0, own[side].size, size=(count, own[side].size))]] if own[side].size else []
            )
            if shared_draw is not None:
                chosen.append(pairs[side][shared_draw])
            if not chosen or size == 0:
                sides.append(np.full(count, math.nan))
                continue
            idx = np.concatenate(chosen, axis=1)
            rows = np.arange(count, dtype=np.intp)[:, np.newaxis] * size
            weights = np.bincount((idx + rows).ravel(), minlength=count * size).reshape(count, size)
            sides.append(prepared[side].resampled(weights))
        values.append(sides[1] - sides[0])
    drawn = np.concatenate(values) if values else np.empty(0)
    drawn = drawn[~np.isnan(drawn)]
    if drawn.size == 0 or not math.isfinite(estimate):
        return Interval(estimate, math.nan, math.nan, int(drawn.size), "percentile")
    drawn[np.abs(drawn - estimate) <= _TIE * max(1.0, abs(estimate))] = estimate

    def jackknife() -> FloatArray:
        left_out = [part.jackknife() for part in prepared]
        return np.concatenate(
            [
                left_out[1][pairs[1]] - left_out[0][pairs[0]],  # a shared unit leaves both sides
                estimates[1] - left_out[0][own[0]],
                left_out[1][own[1]] - estimates[0],
            ]
        )

    tail = (1.0 - confidence) / 2.0
    levels: tuple[float, float] = (tail, 1.0 - tail)
    used: IntervalMethod = "percentile"
    bca = _bca_levels(drawn, estimate, jackknife, confidence) if method == "bca" else None
    if bca is not None:
        levels, used = bca, "bca"
    low, high = (float(v) for v in np.quantile(drawn, levels))
    rated = int(np.count_nonzero(encoded_before.per_unit >= 2)) + int(np.count_nonzero(encoded_after.per_unit >= 2))
    rated -= int(np.count_nonzero((encoded_before.per_unit[pairs[0]] >= 2) & (encoded_after.per_unit[pairs[1]] >= 2)))
    return Interval(
        estimate, low, high, int(drawn.size), used, _interval_warning((estimate, low, high), rated, confidence)
    )


# --------------------------------------------------------------------------------------
# Weighted coefficients: a partial credit between different labels
# --------------------------------------------------------------------------------------


def _weighted_counts(
    ratings: Ratings, weights: npt.ArrayLike, categories: Sequence[Hashable]
) -> tuple[FloatArray, FloatArray]:
    """Units x categories counts of the rated units (a unit nobody rated is left out), and the
    categories x categories weight matrix, checked: square, symmetric, 1 on the diagonal, from 0 to 1."""
    matrix = _as_matrix(ratings)
    w = np.asarray(weights, dtype=np.float64)
    q = len(categories)
    if w.shape != (q, q):
        raise ValueError(f"weights must be {q} x {q}, one row and column per category; got {w.shape}")
    if not (np.allclose(w, w.T) and np.allclose(np.diag(w), 1.0) and (w >= 0).all() and (w <= 1).all()):
        raise ValueError("weights must be symmetric, 1 on the diagonal and between 0 and 1")
    index = {category: k for k, category in enumerate(categories)}
    if len(index) != q:
        raise ValueError("categories must not repeat")
    counts = np.zeros((matrix.shape[1], q))
    for (_, unit), value in np.ndenumerate(matrix):
        if _is_missing(value):
            continue
        if value not in index:
            raise ValueError(f"label {value!r} is not one of the categories")
        counts[unit, index[value]] += 1
    return counts[counts.sum(axis=1) > 0], w


def gwet_ac2(ratings: Ratings, weights: npt.ArrayLike, categories: Sequence[Hashable]) -> float:
    """Gwet's AC2: AC1 with partial credit ``weights[k, l]`` between categories ``k`` and ``l`` (Gwet
    2014, ch. 3), for a raters x units matrix with missing ratings. Identity weights give AC1.
    ``nan`` when fewer than two categories or no unit has two ratings."""
    counts, w = _weighted_counts(ratings, weights, categories)
    q = len(categories)
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    if q < 2 or not pairable.any():
        return math.nan
    weighted = counts @ w.T
    agree = (counts * (weighted - 1)).sum(axis=1)
    pa = float((agree[pairable] / (per_unit[pairable] * (per_unit[pairable] - 1))).mean())
    shares = (counts / per_unit[:, np.newaxis]).mean(axis=0)
    pe = float(w.sum() * (shares * (1 - shares)).sum() / (q * (q - 1)))
    return (pa - pe) / (1 - pe) if pe < 1 else math.nan


def krippendorff_alpha_weighted(ratings: Ratings, weights: npt.ArrayLike, categories: Sequence[Hashable]) -> float:
    """Krippendorff's alpha with agreement weights between categories (``1 - weights`` is the
    distance), in Gwet's (2014) formulation, which equals the coincidence-matrix alpha. Identity
    weights give nominal alpha. ``nan`` when no unit has two ratings or every pair agrees by chance."""
    counts, w = _weighted_counts(ratings, weights, categories)
    per_unit = counts.sum(axis=1)
    counts, per_unit = counts[per_unit >= 2], per_unit[per_unit >= 2]
    if counts.shape[0] == 0:
        return math.nan
    mean_raters = per_unit.mean()
    epsilon = 1.0 / per_unit.sum()
    agree = (counts * (counts @ w.T - 1)).sum(axis=1)
    pa = (1 - epsilon) * float((agree / (mean_raters * (per_unit - 1))).mean()) + epsilon
    shares = (counts / mean_raters).mean(axis=0)
    pe = float(shares @ w @ shares)
    return (pa - pe) / (1 - pe) if pe < 1 else math.nan


def decision_weights(labels: Sequence[str], verdict_of: Mapping[str, str], kind_of: Mapping[str, str]) -> FloatArray:
    """Agreement weights between decision labels that know the policy. The same label agrees in
    full (1). Two different clauses with the same verdict and of the same kind (two kinds of
    violating content, two prohibited behaviours, two permitted cases) agree by half: the reviewers
    agree the case violates (or not) and on what sort of harm, and differ only on the clause. The
    same verdict across kinds agrees by a quarter. A different verdict (a violating clause against a
    permitted one or against no clause) does not agree at all. A label missing from ``verdict_of``
    (a verdict given without a clause) has the verdict it names and no kind."""
    n = len(labels)
    out = np.eye(n)
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            if i == j:
                continue
            verdict_a, verdict_b = verdict_of.get(a, a), verdict_of.get(b, b)
            if verdict_a != verdict_b:
                continue
            kind_a, kind_b = kind_of.get(a), kind_of.get(b)
            out[i, j] = 0.5 if kind_a is not None and kind_a == kind_b else 0.25
    return out


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
    one rating. ``fleiss_kappa`` allows units with different numbers of ratings (Gwet's
    generalisation); it is ``nan`` where undefined. ``krippendorff_alpha`` is nominal alpha
    with its bootstrap interval (BCa where defined); the interval's own warning, if any, is
    also among ``warnings``.
    """

    n_raters: int
    n_units: int
    percent_agreement: float
    fleiss_kappa: float
    krippendorff_alpha: Interval
    gwet_ac1: float
    warnings: tuple[str, ...]


def summarise(
    ratings: Ratings, *, seed: int | None = 0, n_resamples: int = 1000, confidence: float = 0.95
) -> AgreementSummary:
    """Compute the dashboard summary, encoding ``ratings`` once for every statistic."""
    enc = _encode(ratings)
    alpha = bootstrap_interval(krippendorff_alpha, enc, n_resamples=n_resamples, confidence=confidence, seed=seed)
    warnings = agreement_warnings(enc)
    if alpha.warning is not None:
        warnings.append(alpha.warning)
    return AgreementSummary(
        n_raters=enc.active_raters,
        n_units=int((enc.per_unit > 0).sum()),
        percent_agreement=_percent_agreement_parts(enc).estimate(),
        fleiss_kappa=_fleiss_parts(enc).estimate(),
        krippendorff_alpha=alpha,
        gwet_ac1=_gwet_parts(enc, None).estimate(),
        warnings=tuple(warnings),
    )
