"""The round-size planner: simulated rounds at an expected agreement, the width of alpha's 95% range
per number of scenarios, and the fewest scenarios within a target width."""

import numpy as np
import pytest

from analytics.agreement import krippendorff_alpha
from analytics.planning import nominal_alpha_complete, round_plan, simulate_alphas


def test_the_vectorised_alpha_is_the_agreement_modules_alpha():
    labels = np.random.default_rng(3).integers(0, 4, size=(20, 6, 9))

    ours = nominal_alpha_complete(labels, 4)

    assert ours == pytest.approx([krippendorff_alpha(round_) for round_ in labels], abs=1e-12)


def test_a_round_with_one_decision_has_no_alpha():
    assert np.isnan(nominal_alpha_complete(np.zeros((1, 3, 4), dtype=int), 4)[0])


def test_simulated_rounds_centre_on_the_expected_alpha():
    alphas = simulate_alphas(10, 200, 0.6, n_simulations=200)

    assert float(np.median(alphas)) == pytest.approx(0.6, abs=0.03)


def test_more_scenarios_narrow_the_range():
    plan = round_plan(8, 0.6, 0.3, sizes=(6, 25, 100))

    widths = [size.width for size in plan.sizes]
    assert widths == sorted(widths, reverse=True)


def test_the_recommendation_is_the_fewest_scenarios_within_the_target():
    plan = round_plan(8, 0.6, 0.3)

    within = [size.n_scenarios for size in plan.sizes if size.width <= 0.3]
    assert plan.recommended.n_scenarios == min(within)


def test_an_unreachable_target_recommends_nothing():
    assert round_plan(3, 0.5, 0.05, sizes=(6, 8)).recommended is None


@pytest.mark.parametrize(
    ("reviewers", "alpha", "width", "message"),
    [(1, 0.6, 0.3, "at least 2 reviewers"), (5, 0.0, 0.3, "expected alpha"), (5, 0.6, 0.0, "width")],
)
def test_impossible_input_is_refused(reviewers, alpha, width, message):
    with pytest.raises(ValueError, match=message):
        round_plan(reviewers, alpha, width)
