"""The pure bank functions: parsing entries, checking them against the engine and the guard,
coverage, and outcome changes between policies. No database."""

from __future__ import annotations

import pytest
import yaml

from tests.training.factories import B5_FACTS, BENIGN_FACTS, P3_FACTS, V1_FACTS, shipped_policy_document
from training.policy import Problem, parse_policy, policy_from_file
from training.scenario_bank import (
    BankEntry,
    bank_coverage,
    check_bank,
    check_entry,
    outcome_changes,
    parse_entry,
    read_bank,
)

POLICY = policy_from_file()


def entry(**overrides) -> BankEntry:
    values = {
        "key": "V1-900",
        "title": "Suggestive video of a teenager",
        "text": "@user_4821 reposts a video of a 15-year-old that presents her in a sexually suggestive way.",
        "facts": V1_FACTS,
        "intended_clause": "V1",
    }
    return BankEntry(**{**values, **overrides})


def test_it_accepts_an_entry_whose_intention_matches_the_engine():
    assert check_entry(POLICY, entry()) == []


def test_it_names_the_scenario_both_clauses_and_the_rule_when_the_intention_differs():
    problems = check_entry(POLICY, entry(intended_clause="V2"))

    assert [str(problem) for problem in problems] == [
        "V1-900: the author intends V2 but the engine decides V1 (rule R-V1-real-depiction)"
    ]


def test_it_says_no_clause_when_the_author_intends_none_but_a_clause_applies():
    problems = check_entry(POLICY, entry(intended_clause=""))

    assert [str(problem) for problem in problems] == [
        "V1-900: the author intends no clause but the engine decides V1 (rule R-V1-real-depiction)"
    ]


def test_it_refuses_an_intended_action_the_engine_does_not_decide():
    problems = check_entry(POLICY, entry(intended_action="remove_and_temporary_lock"))

    assert len(problems) == 1
    assert problems[0].where == "V1-900"
    assert problems[0].message.startswith(
        "the author intends action remove_and_temporary_lock but the engine decides permanent_suspension (rule E-"
    )


def test_it_refuses_an_intended_route_the_engine_does_not_decide():
    problems = check_entry(POLICY, entry(intended_route="inhope_hotline"))

    assert [problem.message for problem in problems] == [
        "the author intends route inhope_hotline but the engine decides in_product_form (rule RR-on-platform)"
    ]


def test_it_refuses_an_unknown_fact_by_name():
    problems = check_entry(POLICY, entry(facts={**V1_FACTS, "mood": "grim"}))

    assert len(problems) == 1
    assert problems[0].message.startswith("facts.mood: unknown fact; known facts: ")


def test_it_refuses_a_value_outside_the_vocabulary():
    problems = check_entry(POLICY, entry(facts={**V1_FACTS, "content_form": "hologram"}))

    assert len(problems) == 1
    assert problems[0].message.startswith("facts.content_form: 'hologram' is not one of photo_or_video")


@pytest.mark.parametrize(
    ("unsafe", "code_words"),
    [
        ("It links to https://real-site.com/folder.", 'Link to "https://real-site.com/folder" is not allowed'),
        ("It says <b>look</b>.", 'HTML tag "<b>" is not allowed'),
        ("It gives the number 020 7946 0123.", 'Phone number "020 7946 0123" is not allowed'),
        ("It gives the address someone@gmail.com.", 'E-mail address "someone@gmail.com" is not allowed'),
    ],
)
def test_it_refuses_unsafe_text_naming_the_span(unsafe, code_words):
    problems = check_entry(POLICY, entry(text=unsafe))

    assert len(problems) >= 1
    assert problems[0].where == "V1-900"
    assert problems[0].message.startswith("text: " + code_words)


def test_it_checks_titles_with_the_guard_too():
    problems = check_entry(POLICY, entry(title="See www.real-site.com"))

    assert [problem.message.split(":")[0] for problem in problems] == ["title"]


def test_it_parses_a_raw_entry_with_null_intended_clause_as_no_clause():
    parsed, problems = parse_entry(
        {
            "key": "DECOY-1",
            "title": "A",
            "kind": "case",
            "difficulty": "easy",
            "facts": BENIGN_FACTS,
            "text": "B",
            "intended_clause": None,
        },
        "entry 1",
    )

    assert problems == []
    assert parsed.intended_clause == ""


def test_it_lists_every_shape_problem_of_a_raw_entry():
    _, problems = parse_entry({"key": "X-1", "kind": "poem", "difficulty": "hard", "colour": "red"}, "entry 1")

    assert problems == [
        Problem("X-1", "missing title, facts, text"),
        Problem(
            "X-1",
            "unknown field(s) colour; an entry may have key, title, kind, difficulty, facts, text, tags, "
            "intended_clause, intended_action, intended_route, worked_example, revision",
        ),
        Problem("X-1", 'kind "poem" is not one of case, reporting'),
    ]


def test_it_reports_duplicate_keys_across_files(tmp_path):
    raw = [entry().as_dict()]
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(raw))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(raw))

    entries, problems = read_bank([tmp_path])

    assert len(entries) == 2
    assert problems == [Problem("V1-900", "this key is used by more than one entry")]


def test_it_reports_a_file_that_is_not_yaml_with_its_line(tmp_path):
    (tmp_path / "broken.yaml").write_text("- key: A\n  title: [unclosed\n")

    _, problems = read_bank([tmp_path])

    assert len(problems) == 1
    assert problems[0].where.startswith("broken.yaml:")
    assert problems[0].message.startswith("not valid YAML")


def test_entries_round_trip_through_their_bank_file_form():
    original = entry(
        tags=("depiction", "repost"), worked_example=True, intended_action="permanent_suspension", revision=3
    )

    parsed, problems = parse_entry(original.as_dict(), "entry 1")

    assert problems == []
    assert parsed == original


def test_coverage_counts_entries_by_the_engines_clause():
    entries = [
        entry(),
        entry(key="V1-901", difficulty="hard"),
        entry(key="P3-900", facts=P3_FACTS, intended_clause="P3"),
        entry(key="N-1", facts=BENIGN_FACTS, intended_clause=""),
    ]

    coverage = bank_coverage(POLICY, entries)

    assert coverage.per_clause["V1"] == 2
    assert coverage.hard_per_clause["V1"] == 1
    assert coverage.per_clause["P3"] == 1
    assert coverage.no_clause == 1


def test_outcome_changes_lists_only_cases_whose_answer_changes_when_rules_are_reordered():
    document = shipped_policy_document()
    rules = {rule["id"]: rule for rule in document["rules"]}
    order = [rule["id"] for rule in document["rules"]]
    # The draft reads the photo rule (V1) before the link rule (V4).
    order.remove("R-V1-real-depiction")
    order.insert(order.index("R-V4-link-to-material"), "R-V1-real-depiction")
    document["rules"] = [rules[rule_id] for rule_id in order]
    draft = parse_policy(document)
    linked_photo = {**V1_FACTS, "links_to_material": True}

    changes = outcome_changes(POLICY, draft, [("V4-1", "t", linked_photo), ("V1-1", "t", V1_FACTS)])

    assert [(change.key, change.changed) for change in changes] == [("V4-1", ("clause_id", "rule_id"))]
    assert (changes[0].before.clause_id, changes[0].after.clause_id) == ("V4", "V1")


def test_outcome_changes_sees_a_changed_ncmec_report():
    document = shipped_policy_document()
    for clause in document["clauses"]:
        if clause["id"] == "B5":
            clause["report_to_ncmec"] = True
    draft = parse_policy(document)

    changes = outcome_changes(POLICY, draft, [("B5-1", "t", B5_FACTS), ("V1-1", "t", V1_FACTS)])

    assert [(change.key, change.changed) for change in changes] == [("B5-1", ("report_to_ncmec",))]


def test_outcome_changes_reports_facts_that_no_longer_fit_the_draft():
    document = shipped_policy_document()
    document["facts"]["setting"]["values"].remove("commercial")
    draft = parse_policy(document)

    changes = outcome_changes(POLICY, draft, [("V1-1", "t", {**V1_FACTS, "setting": "commercial"})])

    assert len(changes) == 1
    assert changes[0].changed == ("facts",)
    assert changes[0].after is None
    assert changes[0].problem.startswith("after: facts.setting: 'commercial' is not one of")


def test_a_bank_with_one_bad_entry_names_only_that_entry():
    problems = check_bank(POLICY, [entry(), entry(key="V1-901", intended_clause="B5")])

    assert [problem.where for problem in problems] == ["V1-901"]
