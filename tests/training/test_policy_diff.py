from tests.training.factories import shipped_policy_document
from training.policy import diff_policies


def test_identical_documents_have_no_changes():
    assert diff_policies(shipped_policy_document(), shipped_policy_document()).is_empty


def test_a_changed_clause_lists_the_changed_fields():
    after = shipped_policy_document()
    after["clauses"][4]["report_to_ncmec"] = True

    assert diff_policies(shipped_policy_document(), after).summary_lines() == ["clauses: B1 changed (report_to_ncmec)"]


def test_added_and_removed_rules_are_listed():
    after = shipped_policy_document()
    removed = after["rules"].pop(9)
    after["rules"].insert(
        0, {"id": "R-new", "clause": "B2", "when": {"conduct": "seeks_material"}, "explanation": "New."}
    )

    lines = diff_policies(shipped_policy_document(), after).summary_lines()

    assert lines == [f"rules: {removed['id']} removed", "rules: R-new added"]


def test_a_rule_moved_in_the_order_is_listed_as_moved():
    after = shipped_policy_document()
    after["rules"].insert(0, after["rules"].pop(5))

    lines = diff_policies(shipped_policy_document(), after).summary_lines()

    assert lines == ["rules: R-B5-sexual-conversation moved from position 6 to 1"]


def test_inserting_a_rule_does_not_count_the_rules_after_it_as_moved():
    after = shipped_policy_document()
    new_rule = {"id": "R-new", "clause": "B2", "when": {"conduct": "seeks_material"}, "explanation": "New."}
    after["rules"].insert(3, new_rule)

    assert diff_policies(shipped_policy_document(), after).summary_lines() == ["rules: R-new added"]
