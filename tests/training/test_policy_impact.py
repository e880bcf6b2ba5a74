"""Impact of a draft policy version on the published bank: the page and the command."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.training.factories import B5_FACTS, V1_FACTS, PolicyVersionFactory, ScenarioFactory, shipped_policy_document


def draft_with(change) -> object:
    document = shipped_policy_document()
    change(document)
    return PolicyVersionFactory(version="2026-12-draft", document={**document, "version": "2026-12-draft"})


def ncmec_for_b5(document):
    for clause in document["clauses"]:
        if clause["id"] == "B5":
            clause["report_to_ncmec"] = True


def v1_before_v4(document):
    rules = {rule["id"]: rule for rule in document["rules"]}
    order = [rule["id"] for rule in document["rules"]]
    order.remove("R-V1-real-depiction")
    order.insert(order.index("R-V4-link-to-material"), "R-V1-real-depiction")
    document["rules"] = [rules[rule_id] for rule_id in order]


@pytest.fixture
def bank(published_policy):
    return [
        ScenarioFactory(key="B5-001", facts=B5_FACTS, intended_clause="B5"),
        ScenarioFactory(key="V1-001", facts=V1_FACTS, intended_clause="V1"),
        ScenarioFactory(key="V4-001", facts={**V1_FACTS, "links_to_material": True}, intended_clause="V4"),
    ]


def test_the_page_is_for_the_policy_team(anonymous_client, trainee_client, lead_client, policy_client, bank):
    url = reverse("training:policy-impact", args=[draft_with(ncmec_for_b5).pk])

    assert anonymous_client.get(url).status_code == 302
    assert trainee_client.get(url).status_code == 403
    assert lead_client.get(url).status_code == 403
    assert policy_client.get(url).status_code == 200


def test_the_page_is_404_for_a_version_that_is_not_a_draft(policy_client, bank, published_policy):
    assert policy_client.get(reverse("training:policy-impact", args=[published_policy.pk])).status_code == 404


def test_the_page_lists_scenarios_whose_ncmec_report_would_change(policy_client, bank):
    response = policy_client.get(reverse("training:policy-impact", args=[draft_with(ncmec_for_b5).pk]))

    rows = response.context["rows"]
    assert [row["change"].key for row in rows] == ["B5-001"]
    assert [field for field in rows[0]["fields"] if field[3]] == [("NCMEC report", False, True, True)]


def test_the_page_lists_scenarios_a_rule_reordering_would_change(policy_client, bank):
    response = policy_client.get(reverse("training:policy-impact", args=[draft_with(v1_before_v4).pk]))

    rows = response.context["rows"]
    assert [row["change"].key for row in rows] == ["V4-001"]
    assert [field for field in rows[0]["fields"] if field[3]] == [
        ("Clause", "V4", "V1", True),
        ("Deciding rule", "R-V4-link-to-material", "R-V1-real-depiction", True),
    ]


def test_the_command_prints_a_table_and_a_count(bank):
    draft = draft_with(v1_before_v4)
    out = StringIO()

    call_command("policy_impact", draft.version, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "Impact of cse 2026-12-draft (draft) against 2020-10 (published):"
    assert lines[1].split() == ["scenario", "verdict", "clause", "action", "ncmec", "route", "rule"]
    assert lines[2].split() == [
        "V4-001",
        "violating",
        "V4",
        "->",
        "V1",
        "permanent_suspension",
        "yes",
        "in_product_form",
        "R-V4-link-to-material",
        "->",
        "R-V1-real-depiction",
    ]
    assert lines[-1] == "1 scenario(s) would get a different gold answer."


def test_the_command_accepts_the_draft_id(bank):
    out = StringIO()

    call_command("policy_impact", str(draft_with(ncmec_for_b5).pk), stdout=out)

    assert out.getvalue().splitlines()[-1] == "1 scenario(s) would get a different gold answer."


def test_the_command_refuses_a_published_version(bank):
    with pytest.raises(CommandError, match=r"cse 2020-10 \(Published\) is not a draft"):
        call_command("policy_impact", "2020-10")


def test_the_command_refuses_an_unknown_version(bank):
    with pytest.raises(CommandError, match=re.escape('No policy version "nope".')):
        call_command("policy_impact", "nope")
