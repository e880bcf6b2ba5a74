"""How many scenarios does a calibration round need? Simulate rounds of a given cohort at an expected
agreement and read how wide the 95% range of Krippendorff's alpha is for each number of scenarios.

Plain typed numpy, no Django. The model of a round: each scenario has a true decision, drawn evenly
from ``n_categories``; each reviewer gives it with probability ``q`` and otherwise picks any decision
at random (possibly the true one by chance). Under that model, chance-corrected agreement is ``q**2``,
so ``q = sqrt(expected_alpha)``. Every simulated round is complete (every reviewer answers every
scenario), and alpha is computed for all of them at once with the nominal formula of
``analytics.agreement.krippendorff_alpha`` (the tests check the two agree to 1e-12).

The width is that of the central 95% of alpha over the simulated rounds: the spread a bootstrap
interval of one real round estimates. Real rounds are rarely this tidy (uneven clauses, missing
answers), so read the recommendation as a floor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

CANDIDATE_SIZES = (6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100)
N_SIMULATIONS = 400
DEFAULT_CATEGORIES = 6  # a handful of decisions come up in a round: a few clauses and "no clause"


@dataclass(frozen=True, slots=True)
class PlannedSize:
    n_scenarios: int
    width: float  # of the central 95% of simulated alphas
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class RoundPlan:
    n_reviewers: int
    expected_alpha: float
    target_width: float
    sizes: tuple[PlannedSize, ...]
    recommended: PlannedSize | None  # the fewest scenarios whose width is within the target


def nominal_alpha_complete(labels: npt.NDArray[np.integer], n_categories: int) -> npt.NDArray[np.float64]:
    """Krippendorff's nominal alpha of many complete rounds at once: ``labels`` is rounds x reviewers x
    scenarios of codes in ``range(n_categories)``. ``nan`` where a round shows a single decision."""
    rounds, reviewers, scenarios = labels.shape
    offsets = (np.arange(rounds)[:, None, None] * scenarios + np.arange(scenarios)[None, None, :]) * n_categories
    counts = np.bincount((labels + offsets).ravel(), minlength=rounds * scenarios * n_categories).reshape(
        rounds, scenarios, n_categories
    )
    pairable = reviewers * scenarios
    observed = (reviewers**2 - (counts**2).sum(axis=2)).sum(axis=1) / (reviewers - 1) / pairable
    totals = counts.sum(axis=1)
    expected = (pairable**2 - (totals**2).sum(axis=1)) / (pairable * (pairable - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1.0 - observed / expected, math.nan)


def simulate_alphas(
    n_reviewers: int,
    n_scenarios: int,
    expected_alpha: float,
    *,
    n_categories: int = DEFAULT_CATEGORIES,
    n_simulations: int = N_SIMULATIONS,
    seed: int = 0,
) -> npt.NDArray[np.float64]:
    """Alpha of ``n_simulations`` simulated rounds (see the module's model)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_categories, size=(n_simulations, 1, n_scenarios))
    keeps = rng.random((n_simulations, n_reviewers, n_scenarios)) < math.sqrt(expected_alpha)
    guesses = rng.integers(0, n_categories, size=(n_simulations, n_reviewers, n_scenarios))
    return nominal_alpha_complete(np.where(keeps, truth, guesses), n_categories)


def round_plan(
    n_reviewers: int,
    expected_alpha: float,
    target_width: float,
    *,
    sizes: Sequence[int] = CANDIDATE_SIZES,
    n_categories: int = DEFAULT_CATEGORIES,
    seed: int = 0,
) -> RoundPlan:
    """For each candidate number of scenarios, how wide alpha's 95% range is for this cohort at this
    agreement; the fewest scenarios within ``target_width``. Raises ValueError on impossible input."""
    if not isinstance(n_reviewers, int) or n_reviewers < 2:
        raise ValueError("A round needs at least 2 reviewers.")
    if not 0.0 < expected_alpha <= 1.0:
        raise ValueError("The expected alpha must be above 0 and at most 1.")
    if not 0.0 < target_width <= 2.0:
        raise ValueError("The interval width must be above 0 and at most 2.")
    planned = []
    for index, n_scenarios in enumerate(sizes):
        alphas = simulate_alphas(n_reviewers, n_scenarios, expected_alpha, n_categories=n_categories, seed=seed + index)
        alphas = alphas[~np.isnan(alphas)]
        low, high = (float(v) for v in np.quantile(alphas, [0.025, 0.975])) if alphas.size else (math.nan, math.nan)
        planned.append(PlannedSize(n_scenarios, high - low, low, high))
    recommended = next((size for size in planned if size.width <= target_width), None)
    return RoundPlan(n_reviewers, expected_alpha, target_width, tuple(planned), recommended)
