"""Weighted agreement: Gwet's AC2 and weighted Krippendorff's alpha, matching the irrCAC package on its
own example data and on policy-labelled data with the policy-aware weights; and those weights."""

import math

import numpy as np
import pytest

from analytics.agreement import (
    decision_weights,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    krippendorff_alpha_weighted,
)

# irrCAC's raw_4raters dataset, raters x units (None: no rating).
RAW_4RATERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, None],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
SCALE = [1, 2, 3, 4, 5]
QUADRATIC = [[1 - ((a - b) / 4) ** 2 for b in SCALE] for a in SCALE]
LINEAR = [[1 - abs(a - b) / 4 for b in SCALE] for a in SCALE]
# irrCAC 1.0 (CAC(..., weights=...).gwet() / .krippendorff(), digits=12).
IRRCAC = {"quadratic": (0.914000723552, 0.849107142857), "linear": (0.858739136433, 0.800383877159)}


@pytest.mark.parametrize(("name", "weights"), [("quadratic", QUADRATIC), ("linear", LINEAR)])
def test_ac2_matches_irrcac_on_its_example(name, weights):
    assert gwet_ac2(RAW_4RATERS, weights, SCALE) == pytest.approx(IRRCAC[name][0], abs=1e-9)


@pytest.mark.parametrize(("name", "weights"), [("quadratic", QUADRATIC), ("linear", LINEAR)])
def test_weighted_alpha_matches_irrcac_on_its_example(name, weights):
    assert krippendorff_alpha_weighted(RAW_4RATERS, weights, SCALE) == pytest.approx(IRRCAC[name][1], abs=1e-9)


LABELS = ["V1", "V2", "B5", "B6", "P3", "none"]
VERDICT = {"V1": "violating", "V2": "violating", "B5": "violating", "B6": "violating", "P3": "not_violating"}
VERDICT["none"] = "not_violating"
KIND = {"V1": "violating_content", "V2": "violating_content", "B5": "prohibited_behaviour"}
KIND.update({"B6": "prohibited_behaviour", "P3": "permitted"})
# Six reviewers, 25 scenarios, drawn at random around a true decision (seed 11), some unanswered.
POLICY_TABLE = """
V1 V1 P3 B5 B6 B6 B5 V1 P3 V1 B5 none - - B5 B6 P3 none none B6 none B5 V2 - B5
- - P3 B5 - V1 P3 V1 - none B5 none B6 - B6 - P3 none - B6 P3 - V1 B6 B5
- - V2 - B6 B6 P3 V1 - V1 - B5 B6 V1 B6 V1 P3 none - B6 B5 B5 V1 - V1
V1 V1 V1 B5 B6 B6 P3 V1 V1 V2 B5 B5 B6 V1 B6 V1 P3 none none - V1 - V1 B6 B5
V1 V1 P3 B5 B6 B6 P3 V1 B5 V1 P3 none B6 - B6 V1 B6 none none B6 none V2 V1 B6 V1
P3 V1 P3 B5 B6 B6 V2 V1 B5 V1 - none B6 - P3 - P3 none none - none - V1 B6 B5
"""  # one line per reviewer; "-": no answer
POLICY_ANSWERS = [
    [None if label == "-" else label for label in line.split()] for line in POLICY_TABLE.strip().splitlines()
]
IRRCAC_POLICY = (0.604892250343, 0.564330844342)


def test_the_policy_weights_match_irrcac_on_policy_labelled_answers():
    weights = decision_weights(LABELS, VERDICT, KIND)

    ac2 = gwet_ac2(POLICY_ANSWERS, weights, LABELS)
    alpha = krippendorff_alpha_weighted(POLICY_ANSWERS, weights, LABELS)

    assert (ac2, alpha) == (pytest.approx(IRRCAC_POLICY[0], abs=1e-9), pytest.approx(IRRCAC_POLICY[1], abs=1e-9))


def test_identity_weights_give_the_nominal_coefficients():
    identity = np.eye(len(LABELS))

    assert krippendorff_alpha_weighted(POLICY_ANSWERS, identity, LABELS) == pytest.approx(
        krippendorff_alpha(POLICY_ANSWERS), abs=1e-12
    )
    assert gwet_ac2(POLICY_ANSWERS, identity, LABELS) == pytest.approx(gwet_ac1(POLICY_ANSWERS), abs=1e-12)


def test_a_neighbouring_clause_disagrees_less_than_another_verdict():
    weights = decision_weights(LABELS, VERDICT, KIND)
    at = {label: i for i, label in enumerate(LABELS)}

    assert weights[at["V1"], at["V2"]] == 0.5  # same verdict, same kind
    assert weights[at["V1"], at["B5"]] == 0.25  # same verdict, another kind
    assert weights[at["V1"], at["P3"]] == 0.0  # violating against permitted: in full
    assert weights[at["P3"], at["none"]] == 0.25  # both not violating


def test_policy_aware_agreement_credits_near_misses():
    near_misses = [["V1", "B5", "P3"], ["V2", "B6", "P3"]]
    weights = decision_weights(LABELS, VERDICT, KIND)

    assert krippendorff_alpha_weighted(near_misses, weights, LABELS) > krippendorff_alpha(near_misses)


def test_a_label_outside_the_categories_is_refused():
    with pytest.raises(ValueError, match="'X9' is not one of the categories"):
        gwet_ac2([["V1", "X9"], ["V1", "V1"]], np.eye(len(LABELS)), LABELS)


@pytest.mark.parametrize("weights", [np.ones((2, 2)) * 0.5, [[1, 0.2], [0.3, 1]], [[1, 2], [2, 1]], np.eye(3)], ids=str)
def test_weights_that_are_not_agreement_weights_are_refused(weights):
    with pytest.raises(ValueError, match="weights must"):
        krippendorff_alpha_weighted([["a", "b"], ["a", "a"]], weights, ["a", "b"])


def test_no_unit_with_two_ratings_has_no_coefficient():
    assert math.isnan(gwet_ac2([["V1", None], [None, "V2"]], np.eye(len(LABELS)), LABELS))
