"""Time analytics.item_analysis beside a straightforward pure-Python reference, on the same answers, in one run.

    python benchmarks/item_analysis.py [--reviewers 200] [--scenarios 500] [--repeats 5]

Builds seeded synthetic answers in memory (no database, no Django settings): each reviewer has a
skill, each scenario a gold clause and a difficulty, about 15% of answers are missing, and a wrong
answer picks a neighbouring clause. The answers are parallel columns (reviewer position, scenario
position, label), the shape the selector reads from the database. Both sides start from those
columns and return facility, discrimination (Kelley's upper and lower 27%), pair agreement and the
answer distribution for every scenario. Prints the best of N timings for each side, the ratio
(reference / ours; > 1 means ours is faster) and the largest absolute difference in any value.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analytics.item_analysis import UPPER_LOWER_SHARE, item_statistics_from_answers

CLAUSES = [*(f"V{i}" for i in range(1, 5)), *(f"B{i}" for i in range(1, 9)), *(f"P{i}" for i in range(1, 5)), "none"]


def synthetic_answers(
    n_reviewers: int, n_scenarios: int, *, missing: float = 0.15, seed: int = 4821
) -> tuple[list[int], list[int], list[str], list[str]]:
    rng = random.Random(seed)
    gold = [rng.choice(CLAUSES) for _ in range(n_scenarios)]
    difficulty = [rng.uniform(0.0, 0.5) for _ in range(n_scenarios)]
    neighbour = [rng.choice([c for c in CLAUSES if c != g]) for g in gold]
    skill = [rng.uniform(0.6, 0.98) for _ in range(n_reviewers)]
    reviewers: list[int] = []
    items: list[int] = []
    labels: list[str] = []
    for r in range(n_reviewers):
        for s in range(n_scenarios):
            if rng.random() < missing:
                continue
            right = rng.random() < skill[r] - difficulty[s]
            reviewers.append(r)
            items.append(s)
            labels.append(gold[s] if right else (neighbour[s] if rng.random() < 0.7 else rng.choice(CLAUSES)))
    return reviewers, items, labels, gold


def reference(
    reviewers: Sequence[int], items: Sequence[int], labels: Sequence[Hashable], gold: Sequence[Hashable]
) -> list[dict[str, Any]]:
    """Item analysis as one would first write it: dictionaries and loops, no numpy."""
    n_items = len(gold)
    answers: dict[int, dict[int, Hashable]] = defaultdict(dict)
    for r, i, label in zip(reviewers, items, labels, strict=True):
        answers[r][i] = label
    order = sorted(answers)
    accuracy = {}
    for r in order:
        given = answers[r]
        accuracy[r] = sum(given[i] == gold[i] for i in given) / len(given) if given else -1.0
    ranked = sorted(order, key=lambda r: -accuracy[r])  # stable: ties keep reviewer order
    group = max(1, round(UPPER_LOWER_SHARE * len(order)))
    upper, lower = ranked[:group], ranked[-group:]

    def facility(who: Sequence[int], i: int) -> float:
        marks = [answers[r][i] == gold[i] for r in who if i in answers[r]]
        return sum(marks) / len(marks) if marks else math.nan

    out = []
    for i in range(n_items):
        counter = Counter(answers[r][i] for r in order if i in answers[r])
        n = sum(counter.values())
        pairs = sum(c * (c - 1) for c in counter.values())
        distribution = tuple(sorted(counter.items(), key=lambda pair: (-pair[1], str(pair[0]))))
        out.append(
            {
                "n_answers": n,
                "facility": facility(order, i),
                "discrimination": facility(upper, i) - facility(lower, i) if len(order) >= 2 else math.nan,
                "agreement": pairs / (n * (n - 1)) if n >= 2 else math.nan,
                "distribution": distribution,
            }
        )
    return out


def ours(
    reviewers: Sequence[int], items: Sequence[int], labels: Sequence[Hashable], gold: Sequence[Hashable]
) -> list[dict[str, Any]]:
    return [
        {
            "n_answers": s.n_answers,
            "facility": s.facility,
            "discrimination": s.discrimination,
            "agreement": s.agreement,
            "distribution": s.distribution,
        }
        for s in item_statistics_from_answers(reviewers, items, labels, gold)
    ]


def best_of(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    result = function()  # untimed warm-up
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def largest_difference(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> tuple[float, int]:
    """The largest absolute difference over the numeric figures (NaN equal to NaN), and how many
    items differ in count or distribution (should be 0)."""
    worst = 0.0
    mismatched = 0
    for x, y in zip(a, b, strict=True):
        for key in ("facility", "discrimination", "agreement"):
            u, v = x[key], y[key]
            if math.isnan(u) and math.isnan(v):
                continue
            worst = max(worst, abs(u - v) if not (math.isnan(u) or math.isnan(v)) else math.inf)
        mismatched += x["n_answers"] != y["n_answers"] or x["distribution"] != y["distribution"]
    return worst, mismatched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=200)
    parser.add_argument("--scenarios", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    columns = synthetic_answers(args.reviewers, args.scenarios)
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}; "
        f"{args.reviewers} reviewers x {args.scenarios} scenarios, {len(columns[0]):,} answers; "
        f"best of {args.repeats}"
    )
    ours_time, ours_result = best_of(lambda: ours(*columns), args.repeats)
    reference_time, reference_result = best_of(lambda: reference(*columns), args.repeats)
    worst, mismatched = largest_difference(ours_result, reference_result)
    print(f"{'implementation':<32} {'time (ms)':>10}")
    print(f"{'ours (numpy)':<32} {ours_time * 1000:>10.1f}")
    print(f"{'reference (pure Python)':<32} {reference_time * 1000:>10.1f}")
    print(f"ratio (reference / ours): {reference_time / ours_time:.1f}x")
    print(f"largest difference in a value: {worst:.3g}; items whose count or distribution differ: {mismatched}")
    if worst > 1e-9 or mismatched:
        sys.exit("The implementations disagree.")


if __name__ == "__main__":
    main()
