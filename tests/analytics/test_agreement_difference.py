"""The change in agreement between two rounds, periods or teams, with a bootstrap interval that
resamples shared scenarios together (paired) and the rest within their side."""

import functools

import numpy as np
import pytest

from analytics.agreement import difference_interval, krippendorff_alpha

ALPHA = krippendorff_alpha
RNG = np.random.default_rng(7)
# Eight reviewers, thirty scenarios, mostly agreeing; then the same scenarios answered at random.
AGREEING = np.where(RNG.random((8, 30)) < 0.9, np.tile(RNG.integers(0, 4, 30), (8, 1)), RNG.integers(0, 4, (8, 30)))
SCATTERED = RNG.integers(0, 4, (8, 30))
UNITS = list(range(100, 130))


def test_the_estimate_is_the_statistic_after_minus_before():
    change = difference_interval(ALPHA, AGREEING, SCATTERED, n_resamples=50)

    assert change.estimate == pytest.approx(krippendorff_alpha(SCATTERED) - krippendorff_alpha(AGREEING), abs=1e-12)


def test_a_real_fall_has_an_interval_below_zero():
    change = difference_interval(ALPHA, AGREEING, SCATTERED, units_before=UNITS, units_after=UNITS)

    assert change.high < 0


def test_the_same_answers_twice_paired_cannot_differ():
    change = difference_interval(ALPHA, AGREEING, AGREEING, units_before=UNITS, units_after=UNITS)

    assert (change.estimate, change.low, change.high) == (0.0, 0.0, 0.0)


def test_the_same_answers_twice_unpaired_give_an_interval_around_zero():
    change = difference_interval(ALPHA, AGREEING, AGREEING)

    assert change.low < 0 < change.high


def test_pairing_narrows_the_interval_when_the_scenarios_are_shared():
    noisy = np.where(RNG.random(AGREEING.shape) < 0.15, RNG.integers(0, 4, AGREEING.shape), AGREEING)
    paired = difference_interval(ALPHA, AGREEING, noisy, units_before=UNITS, units_after=UNITS)
    unpaired = difference_interval(ALPHA, AGREEING, noisy)

    assert paired.high - paired.low < unpaired.high - unpaired.low


def _reference(before, after, shared_before, shared_after, n_resamples, seed):
    """The paired percentile bootstrap one resample at a time, drawing as difference_interval does."""
    rng = np.random.default_rng(seed)
    own_before = np.setdiff1d(np.arange(before.shape[1]), shared_before)
    own_after = np.setdiff1d(np.arange(after.shape[1]), shared_after)
    shared_draw = rng.integers(0, len(shared_before), size=(n_resamples, len(shared_before)))
    draw_before = rng.integers(0, own_before.size, size=(n_resamples, own_before.size))
    draw_after = rng.integers(0, own_after.size, size=(n_resamples, own_after.size))
    values = []
    for r in range(n_resamples):
        columns_before = np.concatenate([own_before[draw_before[r]], shared_before[shared_draw[r]]])
        columns_after = np.concatenate([own_after[draw_after[r]], shared_after[shared_draw[r]]])
        values.append(krippendorff_alpha(after[:, columns_after]) - krippendorff_alpha(before[:, columns_before]))
    return np.quantile(values, [0.025, 0.975])


def test_the_paired_bootstrap_matches_a_resample_by_resample_reference():
    # Scenarios 110-129 come up in both; 100-109 only before, 130-139 only after.
    units_after = list(range(110, 140))
    shared_before, shared_after = np.arange(10, 30), np.arange(0, 20)

    change = difference_interval(
        ALPHA, AGREEING, SCATTERED, units_before=UNITS, units_after=units_after, n_resamples=200, method="percentile"
    )

    expected = _reference(AGREEING, SCATTERED, shared_before, shared_after, 200, 0)
    assert [change.low, change.high] == pytest.approx(list(expected), abs=1e-12)


def test_a_fall_is_read_with_bca_where_it_is_defined():
    assert difference_interval(ALPHA, AGREEING, SCATTERED).method == "bca"


def test_ordinal_alpha_is_accepted_through_a_partial():
    ordinal = functools.partial(krippendorff_alpha, level="ordinal")

    change = difference_interval(ordinal, AGREEING, SCATTERED, n_resamples=100)

    assert change.estimate == pytest.approx(
        krippendorff_alpha(SCATTERED, "ordinal") - krippendorff_alpha(AGREEING, "ordinal"), abs=1e-12
    )


def test_few_scenarios_carry_a_warning():
    change = difference_interval(ALPHA, AGREEING[:, :5], SCATTERED[:, :5], n_resamples=100)

    assert "fewer than 20" in change.warning


def test_unit_names_must_match_the_ratings():
    with pytest.raises(ValueError, match="names 3 units but the ratings have 30"):
        difference_interval(ALPHA, AGREEING, SCATTERED, units_before=[1, 2, 3])


def test_a_unit_named_twice_is_refused():
    with pytest.raises(ValueError, match="names a unit twice"):
        difference_interval(ALPHA, AGREEING, SCATTERED, units_before=[1] * 30)


def test_an_arbitrary_callable_is_refused():
    with pytest.raises(TypeError, match="one of this module's statistics"):
        difference_interval(lambda ratings: 0.0, AGREEING, SCATTERED)
