"""The engine decides every clause, permitted case, boundary and enforcement path of the policy.

Pure tests: no database. One row per clause or boundary; the id says what the row is about."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from training.policy import FactsInvalid, Verdict, evaluate, policy_from_file
from training.policy.model import FactType

POLICY = policy_from_file()

CHILD_LINK = {
    "subject": "children_generally",
    "content_form": "link",
    "conduct": "links_elsewhere",
    "links_to_material": True,
}

CLAUSE_CASES = [
    # (id, facts, clause, rule)
    (
        "V1 suggestive video of a 15-year-old",
        {
            "subject_age": 15,
            "content_form": "photo_or_video",
            "sexual_context": "suggestive",
            "conduct": "shares_content",
        },
        "V1",
        "R-V1-real-depiction",
    ),
    (
        "V1 explicit context",
        {
            "subject_age": 12,
            "content_form": "photo_or_video",
            "sexual_context": "explicit",
            "conduct": "shares_content",
        },
        "V1",
        "R-V1-real-depiction",
    ),
    (
        "V2 generated depiction",
        {
            "subject_age": 10,
            "content_form": "illustration_or_cgi",
            "sexual_context": "explicit",
            "conduct": "shares_content",
        },
        "V2",
        "R-V2-illustrated-depiction",
    ),
    (
        "V2 doll-like realistic depiction",
        {
            "subject_age": 9,
            "content_form": "other_realistic_depiction",
            "sexual_context": "suggestive",
            "conduct": "shares_content",
        },
        "V2",
        "R-V2-illustrated-depiction",
    ),
    (
        "V3 sexualized reply to a child",
        {"subject_age": 14, "content_form": "text", "sexual_context": "suggestive", "conduct": "comments_on_person"},
        "V3",
        "R-V3-sexualized-commentary",
    ),
    ("V4 link to a folder of material", CHILD_LINK, "V4", "R-V4-link-to-material"),
    (
        "B1 shared fantasy",
        {"subject": "children_generally", "conduct": "shares_fantasy"},
        "B1",
        "R-B1-fantasy-or-promotion",
    ),
    (
        "B1 promotion",
        {"subject": "children_generally", "conduct": "promotes_exploitation", "stance": "promotes"},
        "B1",
        "R-B1-fantasy-or-promotion",
    ),
    (
        "B2 asks for material",
        {"subject": "children_generally", "conduct": "seeks_material"},
        "B2",
        "R-B2-seeking-material",
    ),
    (
        "B3 commercial offer",
        {"subject_age": 16, "conduct": "commercial_sex_offer"},
        "B3",
        "R-B3-commercial-or-trafficking",
    ),
    (
        "B3 transporting a child",
        {"subject_age": 13, "conduct": "harbours_or_transports"},
        "B3",
        "R-B3-commercial-or-trafficking",
    ),
    (
        "B4 sends media to a child",
        {"subject_age": 13, "conduct": "sends_sexual_media", "recipient_is_minor": True},
        "B4",
        "R-B4-sending-media",
    ),
    (
        "B5 sexual conversation with a child",
        {"subject_age": 14, "conduct": "sexual_conversation", "recipient_is_minor": True},
        "B5",
        "R-B5-sexual-conversation",
    ),
    (
        "B6 incentives for media",
        {"subject_age": 15, "conduct": "coerces_for_media_or_acts", "recipient_is_minor": True},
        "B6",
        "R-B6-coercion",
    ),
    ("B7 names a victim", {"subject_age": 11, "conduct": "identifies_victim"}, "B7", "R-B7-identify-victim"),
    (
        "B8 attraction as identity",
        {"subject": "children_generally", "conduct": "attraction_as_identity", "stance": "normalizes"},
        "B8",
        "R-B8-attraction-identity",
    ),
    (
        "P1 news discussion",
        {"subject": "children_generally", "conduct": "discusses_topic", "stance": "opposes"},
        "P1",
        "R-P1-discussion",
    ),
    ("P2 help-seeking", {"subject": "children_generally", "conduct": "seeks_help"}, "P2", "R-P2-help-seeking"),
    (
        "P3 advocacy",
        {"subject": "children_generally", "conduct": "advocates_against", "stance": "opposes"},
        "P3",
        "R-P3-advocacy",
    ),
    (
        "P4 news photo with non-sexual nudity",
        {
            "subject_age": 6,
            "content_form": "photo_or_video",
            "nudity": True,
            "setting": "news_reportage",
            "conduct": "shares_content",
        },
        "P4",
        "R-P4-nudity-in-named-setting",
    ),
    (
        "P4 renowned artwork",
        {
            "subject_age": 7,
            "content_form": "illustration_or_cgi",
            "nudity": True,
            "setting": "renowned_artwork",
            "conduct": "shares_content",
        },
        "P4",
        "R-P4-nudity-in-named-setting",
    ),
    (
        "P4 educational material",
        {
            "subject_age": 5,
            "content_form": "photo_or_video",
            "nudity": True,
            "setting": "scientific_or_educational",
            "conduct": "shares_content",
        },
        "P4",
        "R-P4-nudity-in-named-setting",
    ),
    (
        "benign parent post",
        {"subject_age": 9, "content_form": "photo_or_video", "conduct": "everyday_post"},
        None,
        "R-benign",
    ),
]

BOUNDARY_CASES = [
    (
        "age 17 is a minor",
        {
            "subject_age": 17,
            "content_form": "photo_or_video",
            "sexual_context": "suggestive",
            "conduct": "shares_content",
        },
        "V1",
        "R-V1-real-depiction",
    ),
    (
        "age 18 is an adult",
        {
            "subject_age": 18,
            "content_form": "photo_or_video",
            "sexual_context": "suggestive",
            "conduct": "shares_content",
        },
        None,
        "R-adult-out-of-scope",
    ),
    (
        "unknown age with minor indicators",
        {
            "subject_age": "unknown",
            "subject_appears_minor": True,
            "content_form": "photo_or_video",
            "sexual_context": "suggestive",
            "conduct": "shares_content",
        },
        "V1",
        "R-V1-real-depiction",
    ),
    (
        "unknown age without indicators",
        {
            "subject_age": "unknown",
            "content_form": "photo_or_video",
            "sexual_context": "suggestive",
            "conduct": "shares_content",
        },
        None,
        "R-adult-out-of-scope",
    ),
    (
        "sexualized art setting loses the exception",
        {
            "subject_age": 8,
            "content_form": "illustration_or_cgi",
            "nudity": True,
            "sexual_context": "suggestive",
            "setting": "renowned_artwork",
            "conduct": "shares_content",
        },
        "V2",
        "R-V2-illustrated-depiction",
    ),
    (
        "nudity outside the named settings",
        {
            "subject_age": 3,
            "content_form": "photo_or_video",
            "nudity": True,
            "setting": "personal",
            "conduct": "everyday_post",
        },
        None,
        "R-benign",
    ),
    (
        "advocacy that links to material",
        {**CHILD_LINK, "conduct": "advocates_against", "stance": "opposes"},
        "V4",
        "R-V4-link-to-material",
    ),
    (
        "discussion that glorifies",
        {"subject": "children_generally", "conduct": "discusses_topic", "stance": "glorifies"},
        "B1",
        "R-B1-discussion-that-glorifies",
    ),
    (
        "attraction discussed without normalizing",
        {"subject": "children_generally", "conduct": "attraction_as_identity", "stance": "neutral"},
        "P1",
        "R-P1-discussion",
    ),
    (
        "survivor speaking about themselves",
        {"subject_age": 10, "conduct": "identifies_victim", "self_disclosure": True, "stance": "opposes"},
        "P1",
        "R-P1-discussion",
    ),
    (
        "victim of an offence between adults is out of scope",
        {"subject_age": 30, "conduct": "identifies_victim"},
        None,
        "R-adult-out-of-scope",
    ),
    (
        "a photo sent to a child is B4 whatever it shows",
        {
            "subject_age": 30,
            "content_form": "photo_or_video",
            "sexual_context": "explicit",
            "conduct": "sends_sexual_media",
            "recipient_is_minor": True,
        },
        "B4",
        "R-B4-sending-media",
    ),
    (
        "a link to material sent to a child is still V4",
        {
            "content_form": "link",
            "conduct": "sends_sexual_media",
            "recipient_is_minor": True,
            "links_to_material": True,
        },
        "V4",
        "R-V4-link-to-material",
    ),
    (
        "a link to material concerns children even without a stated subject",
        {"content_form": "link", "conduct": "links_elsewhere", "links_to_material": True},
        "V4",
        "R-V4-link-to-material",
    ),
    (
        "victim named as an adult today",
        {"subject_age": 9, "conduct": "identifies_victim"},
        "B7",
        "R-B7-identify-victim",
    ),
    (
        "non-human figure",
        {
            "subject_age": 10,
            "content_form": "illustration_or_cgi",
            "figure": "non_human",
            "sexual_context": "explicit",
            "conduct": "shares_content",
        },
        None,
        "R-benign",
    ),
    (
        "sexual conversation with an adult",
        {"subject_age": 25, "conduct": "sexual_conversation", "sexual_context": "explicit"},
        None,
        "R-adult-out-of-scope",
    ),
    (
        "sexual conversation about a child between adults",
        {"subject_age": 12, "conduct": "sexual_conversation", "sexual_context": "explicit"},
        "V3",
        "R-V3-sexualized-commentary",
    ),
]


@pytest.mark.parametrize(
    ("facts", "clause", "rule"),
    [case[1:] for case in CLAUSE_CASES + BOUNDARY_CASES],
    ids=[case[0] for case in CLAUSE_CASES + BOUNDARY_CASES],
)
def test_the_engine_decides_the_clause_and_names_the_rule(facts, clause, rule):
    outcome = evaluate(POLICY, facts)

    assert (outcome.clause_id, outcome.rule_id) == (clause, rule)


def test_every_clause_is_decided_by_at_least_one_table_row():
    decided = {case[2] for case in CLAUSE_CASES}

    assert decided - {None} == set(POLICY.clauses)


@pytest.mark.parametrize(
    ("clause", "verdict"),
    [
        ("V1", Verdict.VIOLATING),
        ("B5", Verdict.VIOLATING),
        ("P3", Verdict.NOT_VIOLATING),
        (None, Verdict.NOT_VIOLATING),
    ],
)
def test_the_verdict_follows_the_kind_of_clause(clause, verdict):
    facts = next(case[1] for case in CLAUSE_CASES if case[2] == clause)

    assert evaluate(POLICY, facts).verdict is verdict


V1_FACTS = CLAUSE_CASES[0][1]

ENFORCEMENT_CASES = [
    ("malicious first offence", {**V1_FACTS}, "permanent_suspension", "E-permanent-suspension"),
    (
        "no malicious intent, first offence",
        {**V1_FACTS, "malicious_intent": "not_identified"},
        "remove_and_temporary_lock",
        "E-no-malicious-intent-first",
    ),
    (
        "no malicious intent, repeat offence",
        {**V1_FACTS, "malicious_intent": "not_identified", "prior_violations": "one_or_more"},
        "permanent_suspension",
        "E-permanent-suspension",
    ),
    (
        "behaviour without identified intent",
        {"subject": "children_generally", "conduct": "seeks_material", "malicious_intent": "not_identified"},
        "permanent_suspension",
        "E-permanent-suspension",
    ),
    (
        "not violating",
        {"subject": "children_generally", "conduct": "advocates_against"},
        "no_action",
        "E-not-violating",
    ),
    ("found elsewhere", {**CHILD_LINK, "found_where": "elsewhere_online"}, "no_action", "E-found-elsewhere"),
]


@pytest.mark.parametrize(
    ("facts", "action", "rule"), [case[1:] for case in ENFORCEMENT_CASES], ids=[case[0] for case in ENFORCEMENT_CASES]
)
def test_the_engine_decides_the_enforcement_action(facts, action, rule):
    outcome = evaluate(POLICY, facts)

    assert (outcome.action, outcome.enforcement_rule_id) == (action, rule)


@pytest.mark.parametrize(
    ("facts", "report_to_ncmec"),
    [
        (V1_FACTS, True),
        ({**V1_FACTS, "malicious_intent": "not_identified"}, True),
        (CHILD_LINK, True),
        ({"subject": "children_generally", "conduct": "seeks_material"}, False),
        ({"subject": "children_generally", "conduct": "advocates_against"}, False),
        ({**CHILD_LINK, "found_where": "elsewhere_online"}, False),
    ],
    ids=["content", "content without malice", "link", "behaviour", "permitted", "off platform"],
)
def test_a_report_to_ncmec_is_due_for_violating_content_on_the_platform(facts, report_to_ncmec):
    assert evaluate(POLICY, facts).report_to_ncmec is report_to_ncmec


@pytest.mark.parametrize(
    ("facts", "route"),
    [
        (CHILD_LINK, "in_product_form"),
        (
            {**CHILD_LINK, "found_where": "elsewhere_online", "host_country": "united_states"},
            "ncmec_or_law_enforcement",
        ),
        ({**CHILD_LINK, "found_where": "elsewhere_online", "host_country": "unknown"}, "ncmec_or_law_enforcement"),
        ({**CHILD_LINK, "found_where": "elsewhere_online", "host_country": "outside_united_states"}, "inhope_hotline"),
        ({"subject": "children_generally", "conduct": "advocates_against"}, "none"),
    ],
    ids=["on platform", "elsewhere in the US", "elsewhere, host unknown", "hosted abroad", "nothing to report"],
)
def test_the_engine_names_the_reporting_route(facts, route):
    assert evaluate(POLICY, facts).report_route == route


def test_the_explanation_names_the_rule_the_clause_and_the_action():
    outcome = evaluate(POLICY, CHILD_LINK)

    assert outcome.explanation.startswith("Rule R-V4-link-to-material decided:")
    assert "It implements clause V4, Links to exploitation material elsewhere" in outcome.explanation
    assert "Action: Permanent suspension (rule E-permanent-suspension)." in outcome.explanation


def test_an_unknown_fact_is_refused_with_its_name():
    with pytest.raises(FactsInvalid, match=r"facts\.colour: unknown fact"):
        evaluate(POLICY, {"colour": "red"})


def test_a_value_outside_the_vocabulary_is_refused_with_the_accepted_values():
    with pytest.raises(FactsInvalid, match=r"facts\.sexual_context: 'spicy' is not one of none, suggestive, explicit"):
        evaluate(POLICY, {"sexual_context": "spicy"})


@pytest.mark.parametrize("age", [-1, 131, 17.5, "seventeen", True])
def test_an_impossible_age_is_refused(age):
    with pytest.raises(FactsInvalid, match="subject_age"):
        evaluate(POLICY, {"subject_age": age})


def test_a_derived_fact_cannot_be_given():
    with pytest.raises(FactsInvalid, match="derived by the engine"):
        evaluate(POLICY, {"minor_involved": "yes"})


# --- Invariants, over every valid set of facts -------------------------------------------------


def _fact_strategy(spec):
    if spec.type is FactType.AGE:
        return st.one_of(st.integers(min_value=0, max_value=130), st.just("unknown"))
    return st.sampled_from(spec.values)


valid_facts = st.fixed_dictionaries({name: _fact_strategy(spec) for name, spec in POLICY.input_facts.items()})


@settings(max_examples=400, deadline=None)
@given(valid_facts)
def test_every_valid_set_of_facts_gets_exactly_one_coherent_outcome(facts):
    outcome = evaluate(POLICY, facts)

    clause = POLICY.clauses.get(outcome.clause_id)
    assert outcome.verdict is (clause.verdict if clause else Verdict.NOT_VIOLATING)
    assert outcome.action in POLICY.actions
    assert outcome.report_route in POLICY.reporting_routes
    assert (outcome.action == "no_action") or outcome.verdict is Verdict.VIOLATING


@settings(max_examples=300, deadline=None)
@given(valid_facts)
def test_evaluation_is_deterministic(facts):
    assert evaluate(POLICY, facts) == evaluate(POLICY, dict(reversed(list(facts.items()))))


@settings(max_examples=300, deadline=None)
@given(valid_facts.filter(lambda facts: facts["sexual_context"] != "none"))
def test_a_sexualized_context_never_falls_under_the_nudity_exception(facts):
    assert evaluate(POLICY, facts).clause_id != "P4"


@settings(max_examples=300, deadline=None)
@given(
    valid_facts.map(lambda facts: {**facts, "subject": "specific_person"}).filter(
        lambda facts: facts["subject_age"] != "unknown" and facts["subject_age"] >= 18
    )
)
def test_no_depiction_clause_fires_when_the_subject_is_an_adult(facts):
    assert evaluate(POLICY, facts).clause_id not in {"V1", "V2", "V3", "P4"}


@settings(max_examples=300, deadline=None)
@given(valid_facts.filter(lambda facts: facts["links_to_material"] and facts["conduct"] != "identifies_victim"))
def test_linking_to_material_always_violates_when_children_are_involved(facts):
    outcome = evaluate(POLICY, facts)

    assert outcome.clause_id == "V4" or outcome.rule_id == "R-adult-out-of-scope"


@settings(max_examples=300, deadline=None)
@given(valid_facts)
def test_intent_never_changes_the_verdict(facts):
    with_intent = evaluate(POLICY, {**facts, "malicious_intent": "identified"})
    without_intent = evaluate(POLICY, {**facts, "malicious_intent": "not_identified"})

    assert (with_intent.verdict, with_intent.clause_id) == (without_intent.verdict, without_intent.clause_id)


def test_the_explanation_keeps_the_platforms_report_apart_from_where_a_finder_reports():
    on_platform = evaluate(POLICY, CHILD_LINK).explanation
    elsewhere = evaluate(POLICY, {**CHILD_LINK, "found_where": "elsewhere_online"}).explanation

    assert "The platform reports it to NCMEC (interpretation I3)." in on_platform
    assert "The platform files no report to NCMEC: it was found elsewhere, not on the platform." in elsewhere
    assert "Whoever comes across it reports it through: NCMEC" in elsewhere
