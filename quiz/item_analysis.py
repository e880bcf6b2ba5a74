"""Item analysis for scenarios: which cases reviewers find hard, which separate strong reviewers
from weak ones, and which split reviewers. Plain typed Python and numpy, no Django.

Conventions follow ``quiz.agreement``: matrices are **reviewers x items**, and a missing answer
is ``None`` (labels) or NaN (correctness).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "NO_CLAUSE",
    "UPPER_LOWER_SHARE",
    "ItemStatistics",
    "decision_label",
    "discrimination_index",
    "facility_index",
    "item_agreement",
    "item_statistics",
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
    arr = np.array(
        [[math.nan if value is None else float(value) for value in row] for row in correct], dtype=np.float64
    ).reshape(len(correct), -1 if len(correct) else 0)
    return arr


def facility_index(correct: Sequence[Sequence[float | bool | None]]) -> npt.NDArray[np.float64]:
    """Per item, the share of reviewers who answered it correctly (NaN where nobody answered)."""
    arr = _as_float(correct)
    answered = ~np.isnan(arr)
    n = answered.sum(axis=0)
    total = np.where(answered, arr, 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, total / np.where(n > 0, n, 1), np.nan)


def discrimination_index(
    correct: Sequence[Sequence[float | bool | None]], *, share: float = UPPER_LOWER_SHARE
) -> npt.NDArray[np.float64]:
    """Per item, facility among the top ``share`` of reviewers by overall accuracy minus facility
    among the bottom ``share``. Ranges from -1 to 1; near 0 or negative means the item does not
    separate careful reviewers from the rest (often a sign the case or the guidance is unclear).

    Each group has at least one reviewer; with fewer than two reviewers the index is NaN. Items
    nobody in a group answered are NaN.
    """
    if not 0.0 < share <= 0.5:
        raise ValueError(f"share must be in (0, 0.5]; got {share}")
    arr = _as_float(correct)
    n_reviewers = arr.shape[0]
    if n_reviewers < 2:
        return np.full(arr.shape[1] if arr.ndim == 2 else 0, np.nan)
    answered = ~np.isnan(arr)
    per_reviewer = np.where(answered, arr, 0.0).sum(axis=1)
    counts = answered.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        overall = np.where(counts > 0, per_reviewer / np.where(counts > 0, counts, 1), -1.0)
    group = max(1, round(share * n_reviewers))
    order = np.argsort(-overall, kind="stable")  # best first; ties keep input order
    upper, lower = order[:group], order[-group:]
    return facility_index(arr[upper].tolist()) - facility_index(arr[lower].tolist())


def item_agreement(labels: Sequence[Sequence[Hashable | None]]) -> npt.NDArray[np.float64]:
    """Per item, the share of reviewer pairs who gave the same label (NaN under two answers)."""
    n_items = len(labels[0]) if len(labels) else 0
    out = np.full(n_items, np.nan)
    for item in range(n_items):
        counts = np.array(list(Counter(row[item] for row in labels if row[item] is not None).values()))
        total = counts.sum() if counts.size else 0
        if total >= 2:
            out[item] = float((counts * (counts - 1)).sum() / (total * (total - 1)))
    return out


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


def item_statistics(labels: Sequence[Sequence[Hashable | None]], gold: Sequence[Hashable]) -> list[ItemStatistics]:
    """Every figure for every item from reviewers x items ``labels`` and one gold label per item."""
    n_items = len(gold)
    if labels and any(len(row) != n_items for row in labels):
        raise ValueError("every reviewer needs one entry per item (use None for missing)")
    correct = [[None if row[i] is None else float(row[i] == gold[i]) for i in range(n_items)] for row in labels]
    facility = facility_index(correct) if labels else np.full(n_items, np.nan)
    discrimination = discrimination_index(correct) if labels else np.full(n_items, np.nan)
    agreement = item_agreement(labels) if labels else np.full(n_items, np.nan)
    out = []
    for i in range(n_items):
        counter = Counter(row[i] for row in labels if row[i] is not None)
        ranked = tuple(sorted(counter.items(), key=lambda pair: (-pair[1], str(pair[0]))))
        n = sum(counter.values())
        out.append(
            ItemStatistics(
                n_answers=n,
                facility=float(facility[i]),
                discrimination=float(discrimination[i]),
                agreement=float(agreement[i]),
                distribution=ranked,
                modal_label=ranked[0][0] if ranked else None,
                modal_share=ranked[0][1] / n if n else math.nan,
            )
        )
    return out
