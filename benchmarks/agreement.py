"""Time analytics.agreement beside the reference implementations, on the same data, in one run.

    python benchmarks/agreement.py [--size small|large|all] [--repeats 7]

Builds seeded ratings (raters x units, 5 categories, 30% missing, plus a complete variant for
Fleiss' kappa), times our functions and the references (krippendorff.alpha; statsmodels'
aggregate_raters + fleiss_kappa; statsmodels' to_table + cohens_kappa) as the best of N
repeats with time.perf_counter, and prints one table per data set:

    statistic | ours (ms) | reference (ms) | ratio (reference / ours; > 1 means we are faster) | max |diff|

Sizes: ``small`` (the default) is 200 raters x 5,000 units and 20 x 200; ``large`` is 1,000
raters x 20,000 units (20 million cells; the pairwise matrix is skipped there); ``all`` runs
both. Both sides start from the same raw raters x units float array (NaN = missing), so label
encoding and counting are part of both timings. Rows without a reference time only ours. The
last lines give nominal alpha's ratio against the krippendorff package for each data set.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import agreement as ours

SEED = 20240601
N_CATEGORIES = 5
MISSING = 0.30


@dataclass(frozen=True)
class Row:
    name: str
    ours_ms: float
    reference_ms: float | None
    difference: float | None


def best_ms(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Best wall time of ``repeats`` calls (after one warm-up call) and the last result."""
    result = function()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best * 1e3, result


def make_data(n_raters: int, n_units: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(ratings with 30% missing, complete variant with the gaps filled at random)."""
    rng = np.random.default_rng(seed)
    complete = rng.integers(1, N_CATEGORIES + 1, size=(n_raters, n_units)).astype(np.float64)
    with_missing = complete.copy()
    with_missing[rng.random(complete.shape) < MISSING] = np.nan
    return with_missing, complete


def compare(name: str, mine: Callable[[], float], reference: Callable[[], float] | None, repeats: int) -> Row:
    ours_ms, our_value = best_ms(mine, repeats)
    if reference is None:
        return Row(name, ours_ms, None, None)
    reference_ms, reference_value = best_ms(reference, repeats)
    return Row(name, ours_ms, reference_ms, abs(float(our_value) - float(reference_value)))


def run(n_raters: int, n_units: int, repeats: int, *, pairwise: bool = True) -> list[Row]:
    import krippendorff
    from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa, to_table

    ratings, complete = make_data(n_raters, n_units, SEED + n_raters)
    pair = ratings[:2]

    def statsmodels_fleiss() -> float:
        table, _ = aggregate_raters(complete.T)
        return fleiss_kappa(table)

    def statsmodels_cohen() -> float:
        both = ~np.isnan(pair).any(axis=0)
        table, _ = to_table(pair[:, both].T)
        return cohens_kappa(table, return_results=False)

    table, _ = aggregate_raters(complete.T)
    counts = ours._encode(complete).counts  # our units x categories matrix, same as `table`

    def our_fleiss_from_counts() -> float:
        # a fresh encoding object per call, so nothing derived from the counts is cached
        encoded = ours._Encoded(tuple(range(counts.shape[1])), complete.shape, counts=counts)
        return ours._fleiss_parts(encoded).estimate()

    rows = [
        compare(
            f"krippendorff_alpha {level}",
            lambda level=level: ours.krippendorff_alpha(ratings, level),
            lambda level=level: krippendorff.alpha(reliability_data=ratings, level_of_measurement=level),
            repeats,
        )
        for level in ("nominal", "ordinal", "interval")
    ]
    rows += [
        compare("fleiss_kappa (complete data)", lambda: ours.fleiss_kappa(complete), statsmodels_fleiss, repeats),
        compare(
            "fleiss_kappa, counts given",
            our_fleiss_from_counts,
            lambda: fleiss_kappa(table),
            repeats,
        ),
        compare("cohen_kappa (raters 1 and 2)", lambda: ours.cohen_kappa(pair[0], pair[1]), statsmodels_cohen, repeats),
        compare("gwet_ac1", lambda: ours.gwet_ac1(ratings), None, repeats),
        compare("percent_agreement", lambda: ours.percent_agreement(ratings), None, repeats),
    ]
    if pairwise:
        rows.append(compare("pairwise_cohen_matrix", lambda: ours.pairwise_cohen_matrix(ratings)[0, 1], None, repeats))
    rows += [
        compare(
            "bootstrap_interval alpha, 1000 resamples (BCa)",
            lambda: ours.bootstrap_interval(ours.krippendorff_alpha, ratings).low,
            None,
            max(1, repeats // 2),
        ),
        compare(
            "bootstrap_interval alpha, 1000 resamples (percentile)",
            lambda: ours.bootstrap_interval(ours.krippendorff_alpha, ratings, method="percentile").low,
            None,
            max(1, repeats // 2),
        ),
        compare("summarise (1000 resamples)", lambda: ours.summarise(ratings).gwet_ac1, None, max(1, repeats // 2)),
    ]
    return rows


def format_table(rows: list[Row]) -> str:
    header = "| statistic | ours (ms) | reference (ms) | ratio ref/ours | max abs diff |"
    lines = [header, "|---|---:|---:|---:|---:|"]
    for row in rows:
        if row.reference_ms is None:
            lines.append(f"| {row.name} | {row.ours_ms:.3f} | — | — | — |")
        else:
            ratio = row.reference_ms / row.ours_ms
            lines.append(
                f"| {row.name} | {row.ours_ms:.3f} | {row.reference_ms:.3f} | {ratio:.2f} | {row.difference:.1e} |"
            )
    return "\n".join(lines)


SIZES = {
    "small": [(200, 5000), (20, 200)],
    "large": [(1000, 20000)],
}
SIZES["all"] = [*SIZES["large"], *SIZES["small"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="small", help="which data sets to time")
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per function (best is kept)")
    args = parser.parse_args()

    import krippendorff
    import statsmodels

    print(f"python {platform.python_version()}  numpy {np.__version__}  krippendorff {_version(krippendorff)}")
    print(f"statsmodels {statsmodels.__version__}  machine {platform.machine()}  cpus {os.cpu_count()}")
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}  best of {args.repeats} repeats")
    worst = 0.0
    headline = []
    for n_raters, n_units in SIZES[args.size]:
        print(f"\n{n_raters} raters x {n_units} units, {N_CATEGORIES} categories, {MISSING:.0%} missing")
        # the large set's pairwise matrix is 1,000 x 1,000 products over 20,000 units: minutes, not a comparison
        repeats = args.repeats if n_raters * n_units <= 1_000_000 else max(1, args.repeats // 2)
        rows = run(n_raters, n_units, repeats, pairwise=n_raters * n_units <= 1_000_000)
        print(format_table(rows))
        worst = max([worst, *(row.difference for row in rows if row.difference is not None)])
        nominal = next(row for row in rows if row.name == "krippendorff_alpha nominal")
        assert nominal.reference_ms is not None
        headline.append(f"{n_raters} x {n_units}: {nominal.reference_ms / nominal.ours_ms:.1f}x")
    print(f"\nlargest absolute difference from a reference: {worst:.1e}")
    print("nominal alpha, krippendorff package time / ours: " + "; ".join(headline))


def _version(module: Any) -> str:
    try:
        from importlib.metadata import version

        return version(module.__name__)
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
