"""Item analysis for scenarios: which cases reviewers find hard, which separate strong reviewers
from weak ones, and which split reviewers. Plain typed Python and numpy, no Django.

Conventions follow ``analytics.agreement``: matrices are **reviewers x items**, and a missing answer
is ``None`` (labels) or NaN (correctness).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "NO_CLAUSE",
    "UPPER_LOWER_SHARE",
    "ItemStatistics",
    "ReviewerGroups",
    "decision_label",
    "discrimination_index",
    "facility_index",
    "item_agreement",
    "item_statistics",
    "item_statistics_from_answers",
    "item_statistics_with_groups",
    "reviewer_groups",
]

# The label of a decision that names no clause.
NO_CLAUSE = "none"
# Kelley's (1939) upper and lower groups: 27% of reviewers each, by overall accuracy.
UPPER_LOWER_SHARE = 0.27


def decision_label(verdict: str, clause_id: str | None) -> str:
    """The label agreement is measured on: the clause that decides the case.

    A clause already implies a verdict, so two reviewers agree when they name the same clause. An
    answer without a clause is labelled by its verdict alone: "none" for not violating (benign, no
    clause applies), or "violating" when a reviewer called it violating without naming a clause.
    """
    if clause_id:
        return clause_id
    return "violating" if verdict == "violating" else NO_CLAUSE


def _as_float(correct: Any) -> npt.NDArray[np.float64]:
    if isinstance(correct, np.ndarray):
        return correct.astype(np.float64, copy=False).reshape(correct.shape[0], -1 if correct.shape[0] else 0)
    arr = np.array(
        [[math.nan if value is None else float(value) for value in row] for row in correct], dtype=np.float64
    ).reshape(len(correct), -1 if len(correct) else 0)
    return arr


def _facility(arr: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    answered = ~np.isnan(arr)
    n = answered.sum(axis=0)
    total = np.where(answered, arr, 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, total / np.where(n > 0, n, 1), np.nan)


def facility_index(correct: Sequence[Sequence[float | bool | None]] | npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Per item, the share of reviewers who answered it correctly (NaN where nobody answered)."""
    return _facility(_as_float(correct))


@dataclass(frozen=True, slots=True)
class ReviewerGroups:
    """Kelley's upper and lower groups as reviewer positions (rows of the correctness matrix), with
    each reviewer's overall accuracy (NaN for a reviewer with no answer)."""

    upper: tuple[int, ...]
    lower: tuple[int, ...]
    accuracy: tuple[float, ...]


def reviewer_groups(
    correct: Sequence[Sequence[float | bool | None]] | npt.NDArray[Any], *, share: float = UPPER_LOWER_SHARE
) -> ReviewerGroups:
    """The top and bottom ``share`` of reviewers by overall accuracy (at least one each; none with
    fewer than two reviewers). Ties keep input order."""
    if not 0.0 < share <= 0.5:
        raise ValueError(f"share must be in (0, 0.5]; got {share}")
    arr = _as_float(correct)
    n_reviewers = arr.shape[0]
    answered = ~np.isnan(arr)
    per_reviewer = np.where(answered, arr, 0.0).sum(axis=1)
    counts = answered.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        accuracy = np.where(counts > 0, per_reviewer / np.where(counts > 0, counts, 1), np.nan)
    if n_reviewers < 2:
        return ReviewerGroups((), (), tuple(accuracy.tolist()))
    overall = np.where(counts > 0, accuracy, -1.0)
    group = max(1, round(share * n_reviewers))
    order = np.argsort(-overall, kind="stable")  # best first; ties keep input order
    return ReviewerGroups(tuple(order[:group].tolist()), tuple(order[-group:].tolist()), tuple(accuracy.tolist()))


def discrimination_index(
    correct: Sequence[Sequence[float | bool | None]] | npt.NDArray[Any],
    *,
    share: float = UPPER_LOWER_SHARE,
    groups: ReviewerGroups | None = None,
) -> npt.NDArray[np.float64]:
    """Per item, facility among the top ``share`` of reviewers by overall accuracy minus facility
    among the bottom ``share``. Ranges from -1 to 1; near 0 or negative means the item does not
    separate careful reviewers from the rest (often a sign the case or the guidance is unclear).

    Each group has at least one reviewer; with fewer than two reviewers the index is NaN. Items
    nobody in a group answered are NaN. ``groups`` gives the groups instead of ranking these
    reviewers (a partial refresh keeps the ranking of the last full analysis).
    """
    arr = _as_float(correct)
    groups = groups if groups is not None else reviewer_groups(arr, share=share)
    if not groups.upper or not groups.lower:
        return np.full(arr.shape[1] if arr.ndim == 2 else 0, np.nan)
    return _facility(arr[list(groups.upper)]) - _facility(arr[list(groups.lower)])


def _pair_agreement(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Per row of an items x labels count matrix, the share of agreeing pairs (NaN under two answers)."""
    total = counts.sum(axis=1)
    agreeing = (counts * (counts - 1)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total >= 2, agreeing / np.where(total >= 2, total * (total - 1), 1), np.nan)


def item_agreement(labels: Sequence[Sequence[Hashable | None]]) -> npt.NDArray[np.float64]:
    """Per item, the share of reviewer pairs who gave the same label (NaN under two answers)."""
    codes, _ = _encode_matrix(labels)
    return _pair_agreement(_counts(codes, int(codes.max(initial=-1)) + 1))


def _encode_matrix(labels: Sequence[Sequence[Hashable | None]]) -> tuple[npt.NDArray[np.int64], list[Hashable]]:
    """Reviewers x items labels as integer codes (-1 where missing), with the code -> label list."""
    index: dict[Hashable, int] = {}
    n_items = len(labels[0]) if len(labels) else 0
    codes = np.array(
        [[-1 if value is None else index.setdefault(value, len(index)) for value in row] for row in labels],
        dtype=np.int64,
    ).reshape(len(labels), n_items)
    return codes, list(index)


def _counts(codes: npt.NDArray[np.int64], n_labels: int) -> npt.NDArray[np.int64]:
    """Items x labels answer counts from a reviewers x items code matrix (one bincount)."""
    n_items = codes.shape[1]
    if n_labels == 0 or codes.size == 0:
        return np.zeros((n_items, max(n_labels, 0)), dtype=np.int64)
    answered = codes >= 0
    items = np.broadcast_to(np.arange(n_items), codes.shape)[answered]
    keys = items * n_labels + codes[answered]
    return np.bincount(keys, minlength=n_items * n_labels).reshape(n_items, n_labels)


@dataclass(frozen=True, slots=True)
class ItemStatistics:
    """Figures for one item. ``distribution`` is (label, count) pairs, most frequent first."""

    n_answers: int
    facility: float
    discrimination: float
    agreement: float
    distribution: tuple[tuple[Hashable, int], ...]
    modal_label: Hashable | None
    modal_share: float


def _statistics_from_codes(
    codes: npt.NDArray[np.int64],
    gold_codes: npt.NDArray[np.int64],
    labels: Sequence[Hashable],
    groups: ReviewerGroups | None = None,
) -> tuple[list[ItemStatistics], ReviewerGroups]:
    """The vectorised core: reviewers x items ``codes`` (-1 missing), one gold code per item
    (-1 when the gold label was never given, so nobody can be right)."""
    n_items = codes.shape[1]
    answered = codes >= 0
    correct = np.where(answered, (codes == gold_codes[None, :]).astype(np.float64), np.nan)
    facility = _facility(correct)
    if groups is None:
        groups = reviewer_groups(correct) if codes.shape[0] else ReviewerGroups((), (), ())
    discrimination = discrimination_index(correct, groups=groups) if codes.shape[0] else np.full(n_items, np.nan)
    counts = _counts(codes, len(labels))
    agreement = _pair_agreement(counts)
    n_answers = counts.sum(axis=1)
    # Most frequent first, ties by the label's text: sort labels by text once, then a stable sort
    # of each row by count keeps that order among equal counts.
    by_text = np.array(sorted(range(len(labels)), key=lambda code: str(labels[code])), dtype=np.int64)
    ranked = by_text[np.argsort(-counts[:, by_text], axis=1, kind="stable")] if len(labels) else None
    out = []
    for i in range(n_items):
        n = int(n_answers[i])
        distribution: tuple[tuple[Hashable, int], ...] = ()
        if n and ranked is not None:
            row_counts = counts[i].tolist()
            distribution = tuple((labels[code], row_counts[code]) for code in ranked[i].tolist() if row_counts[code])
        out.append(
            ItemStatistics(
                n_answers=n,
                facility=float(facility[i]),
                discrimination=float(discrimination[i]),
                agreement=float(agreement[i]),
                distribution=distribution,
                modal_label=distribution[0][0] if distribution else None,
                modal_share=distribution[0][1] / n if n else math.nan,
            )
        )
    return out, groups


def _gold_codes(gold: Sequence[Hashable], index: dict[Hashable, int]) -> npt.NDArray[np.int64]:
    return np.array([index.get(label, -1) for label in gold], dtype=np.int64)


def item_statistics(labels: Sequence[Sequence[Hashable | None]], gold: Sequence[Hashable]) -> list[ItemStatistics]:
    """Every figure for every item from reviewers x items ``labels`` and one gold label per item."""
    n_items = len(gold)
    if labels and any(len(row) != n_items for row in labels):
        raise ValueError("every reviewer needs one entry per item (use None for missing)")
    codes, names = _encode_matrix(labels) if labels else (np.empty((0, n_items), dtype=np.int64), [])
    return _statistics_from_codes(codes, _gold_codes(gold, {name: i for i, name in enumerate(names)}), names)[0]


def item_statistics_from_answers(
    reviewers: Sequence[int] | npt.NDArray[np.integer],
    items: Sequence[int] | npt.NDArray[np.integer],
    labels: Sequence[Hashable],
    gold: Sequence[Hashable],
    *,
    groups: ReviewerGroups | None = None,
) -> list[ItemStatistics]:
    """The same figures from answers as parallel columns, the shape the database returns them in:
    ``reviewers[k]`` (0-based position) gave ``labels[k]`` on item ``items[k]`` (0-based position,
    one of ``len(gold)`` items). One answer per reviewer and item; a later duplicate wins.
    ``groups`` (reviewer positions) replaces the ranking of these reviewers for discrimination."""
    return item_statistics_with_groups(reviewers, items, labels, gold, groups=groups)[0]


def item_statistics_with_groups(
    reviewers: Sequence[int] | npt.NDArray[np.integer],
    items: Sequence[int] | npt.NDArray[np.integer],
    labels: Sequence[Hashable],
    gold: Sequence[Hashable],
    *,
    groups: ReviewerGroups | None = None,
) -> tuple[list[ItemStatistics], ReviewerGroups]:
    """``item_statistics_from_answers`` and the reviewer groups its discrimination used."""
    n_items = len(gold)
    reviewer_index = np.asarray(reviewers, dtype=np.int64)
    item_index = np.asarray(items, dtype=np.int64)
    if not (len(reviewer_index) == len(item_index) == len(labels)):
        raise ValueError("reviewers, items and labels must have the same length")
    if item_index.size and (item_index.min() < 0 or item_index.max() >= n_items):
        raise ValueError(f"item positions must be in [0, {n_items})")
    # First-seen order without a Python-level loop body: dict.fromkeys, then map over the lookups.
    index = {label: code for code, label in enumerate(dict.fromkeys(labels))}
    label_codes = np.fromiter(map(index.__getitem__, labels), np.int64, len(labels))
    n_reviewers = int(reviewer_index.max()) + 1 if reviewer_index.size else 0
    codes = np.full((n_reviewers, n_items), -1, dtype=np.int64)
    codes[reviewer_index, item_index] = label_codes
    return _statistics_from_codes(codes, _gold_codes(gold, index), list(index), groups)
