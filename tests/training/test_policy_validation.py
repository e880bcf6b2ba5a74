"""A bad policy document is refused with messages that point to the problem. Pure tests."""

from __future__ import annotations

import pytest

from tests.training.factories import shipped_policy_document
from training.policy import PolicyInvalid, check_policy_document, parse_policy, read_policy_file


def _problems(document) -> list[str]:
    policy, problems = check_policy_document(document)
    assert policy is None
    return [str(problem) for problem in problems]


def _rule(document, rule_id):
    return next(rule for rule in document["rules"] if rule["id"] == rule_id)


def test_the_shipped_policy_is_valid():
    policy, problems = check_policy_document(shipped_policy_document())

    assert problems == []
    assert len(policy.clauses) == 16


def test_the_shipped_policy_has_4_content_clauses_8_behaviours_and_4_permitted_cases():
    policy = parse_policy(shipped_policy_document())

    kinds = [clause.kind.value for clause in policy.clauses.values()]
    assert (kinds.count("violating_content"), kinds.count("prohibited_behaviour"), kinds.count("permitted")) == (
        4,
        8,
        4,
    )


def test_every_clause_cites_its_source_section():
    policy = parse_policy(shipped_policy_document())

    assert all("this policy?" in clause.source for clause in policy.clauses.values())


def test_an_unknown_fact_in_a_rule_is_named():
    document = shipped_policy_document()
    _rule(document, "R-B2-seeking-material")["when"]["colour"] = "red"

    assert _problems(document) == [
        'rules[9] (R-B2-seeking-material): unknown fact "colour"; known facts: conduct, content_form, figure, '
        "found_where, host_country, links_to_material, malicious_intent, minor_involved, nudity, prior_violations, "
        "recipient_is_minor, self_disclosure, setting, sexual_context, stance, subject, subject_appears_minor, "
        "subject_is_minor"
    ]


def test_an_unknown_value_in_a_rule_is_named_with_the_accepted_values():
    document = shipped_policy_document()
    _rule(document, "R-V1-real-depiction")["when"]["sexual_context"] = ["spicy"]

    assert _problems(document) == [
        "rules[6] (R-V1-real-depiction): unknown value 'spicy' for fact \"sexual_context\"; "
        "accepted: none, suggestive, explicit"
    ]


def test_a_rule_that_can_never_fire_is_named():
    document = shipped_policy_document()
    document["rules"].insert(2, {"id": "R-everything", "clause": "P1", "when": {}, "explanation": "Too broad."})

    problems = _problems(document)

    assert (
        "rules[3] (R-V4-link-to-material): this rule can never fire: the rules before it decide every case it matches"
        in problems
    )


def test_a_clause_that_no_rule_reaches_is_named():
    document = shipped_policy_document()
    document["rules"] = [rule for rule in document["rules"] if rule.get("clause") != "B2"]

    assert _problems(document) == ["clauses (B2): no rule that can fire decides this clause"]


def test_facts_that_no_rule_decides_are_shown_with_an_example():
    document = shipped_policy_document()
    document["rules"] = [rule for rule in document["rules"] if rule["id"] != "R-benign"]

    (problem,) = _problems(document)

    assert problem.startswith("rules: no rule decides some facts, for example ")
    assert problem.endswith("add a rule or a final catch-all")


def test_an_enforcement_list_without_a_catch_all_is_refused():
    document = shipped_policy_document()
    document["enforcement_rules"] = document["enforcement_rules"][:-1]

    (problem,) = _problems(document)

    assert problem.startswith("enforcement_rules: no rule decides some facts")


def test_an_unknown_clause_in_a_rule_is_named():
    document = shipped_policy_document()
    _rule(document, "R-B2-seeking-material")["clause"] = "B9"

    assert _problems(document) == ['rules[9] (R-B2-seeking-material): unknown clause "B9"']


def test_a_duplicate_clause_id_is_named():
    document = shipped_policy_document()
    document["clauses"].append(dict(document["clauses"][0]))

    assert "clauses[16] (V1): this clause id is used twice" in _problems(document)


def test_a_default_outside_the_vocabulary_is_named():
    document = shipped_policy_document()
    document["facts"]["setting"]["default"] = "cinema"

    assert _problems(document) == [
        "facts.setting: default 'cinema' is not one of personal, renowned_artwork, news_reportage, "
        "scientific_or_educational, commercial, other"
    ]


def test_a_fact_that_no_rule_uses_is_named():
    document = shipped_policy_document()
    document["facts"]["weather"] = {"summary": "Irrelevant.", "values": ["sunny", "rainy"], "default": "sunny"}

    assert _problems(document) == ["facts.weather: no rule uses this fact, so it can never change an outcome"]


def test_a_rule_without_a_clause_must_say_it_does_not_violate():
    document = shipped_policy_document()
    del _rule(document, "R-benign")["verdict"]

    assert _problems(document) == ["rules[18] (R-benign): a rule without a clause must say verdict: not_violating"]


def test_an_unreadable_yaml_file_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("policy: cse\nrules: [\n  - id: x\n")

    with pytest.raises(PolicyInvalid, match=r"broken\.yaml:\d+: not valid YAML"):
        read_policy_file(path)
