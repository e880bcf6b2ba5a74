"""Writing, reviewing, revising, retiring, importing and exporting scenarios."""

from __future__ import annotations

import re

import pytest

from tests.training.factories import B5_FACTS, BENIGN_FACTS, V1_FACTS, ScenarioFactory
from training.models import Scenario
from training.scenario_bank import BankInvalid
from training.services import (
    ScenarioError,
    ScenarioInvalid,
    scenario_approve,
    scenario_bank_export,
    scenario_bank_import,
    scenario_create,
    scenario_reject,
    scenario_retire,
    scenario_revise,
    scenario_submit_for_review,
    scenario_update_draft,
)

TEXT = "@user_4821 reposts a video of a 15-year-old that presents her in a sexually suggestive way."


def draft(author, **overrides):
    values = {"title": "Suggestive repost", "text": TEXT, "facts": V1_FACTS, "intended_clause": "V1"}
    return scenario_create(author=author, **{**values, **overrides})


def in_review(author, **overrides):
    return scenario_submit_for_review(scenario=draft(author, **overrides), actor=author)


def bank_entry(**overrides):
    values = {
        "key": "V1-900",
        "title": "Suggestive repost",
        "kind": "case",
        "difficulty": "easy",
        "tags": ["depiction"],
        "intended_clause": "V1",
        "worked_example": False,
        "facts": V1_FACTS,
        "text": TEXT,
    }
    return {**values, **overrides}


def test_a_policy_team_member_writes_a_draft_with_the_next_key_for_its_clause(published_policy, policy_member):
    ScenarioFactory(key="V1-004", intended_clause="V1", facts=V1_FACTS)

    scenario = draft(policy_member, tags=["Depiction", " repost", "depiction"])

    assert (scenario.key, scenario.revision, scenario.status) == ("V1-005", 1, Scenario.Status.DRAFT)
    assert scenario.tags == ["depiction", "repost"]
    assert scenario.author == policy_member
    assert scenario.history.first().history_user == policy_member


def test_a_trainee_cannot_write_a_scenario(published_policy, trainee):
    with pytest.raises(ScenarioError, match=re.escape("Only a member of the policy team may write scenarios.")):
        draft(trainee)

    assert Scenario.objects.count() == 0


def test_the_guard_refuses_unsafe_text_and_names_the_span(published_policy, policy_member):
    with pytest.raises(ScenarioInvalid) as caught:
        draft(policy_member, text="It links to https://real-site.com/folder.")

    assert caught.value.errors == {
        "text": [
            'Link to "https://real-site.com/folder" is not allowed: use a reserved domain such as example.com, '
            "example.org or *.example / *.invalid / *.test."
        ]
    }
    assert Scenario.objects.count() == 0


def test_an_intention_the_engine_does_not_share_is_refused_with_both_clauses(published_policy, policy_member):
    with pytest.raises(ScenarioInvalid) as caught:
        draft(policy_member, intended_clause="V2")

    assert caught.value.errors == {
        "intended_clause": ["the author intends V2 but the engine decides V1 (rule R-V1-real-depiction)"]
    }


def test_an_unknown_fact_is_a_field_error(published_policy, policy_member):
    with pytest.raises(ScenarioInvalid) as caught:
        draft(policy_member, facts={**V1_FACTS, "mood": "grim"})

    assert list(caught.value.errors) == ["facts.mood"]


def test_a_used_key_is_refused(published_policy, policy_member):
    ScenarioFactory(key="V1-004", intended_clause="V1", facts=V1_FACTS)

    with pytest.raises(ScenarioInvalid) as caught:
        draft(policy_member, key="V1-004")

    assert caught.value.errors == {"key": ["V1-004 is already used; to change that scenario, start a revision of it"]}


def test_a_draft_can_be_edited_and_is_checked_again(published_policy, policy_member):
    scenario = draft(policy_member)

    scenario_update_draft(scenario=scenario, editor=policy_member, title="Suggestive repost, edited")
    with pytest.raises(ScenarioInvalid):
        scenario_update_draft(scenario=scenario, editor=policy_member, text="Call 020 7946 0123.")

    scenario.refresh_from_db()
    assert (scenario.title, scenario.text) == ("Suggestive repost, edited", TEXT)


def test_a_second_member_approves_and_publishes(published_policy, policy_member, second_policy_member):
    scenario = in_review(policy_member)

    scenario_approve(scenario=scenario, reviewer=second_policy_member)

    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.PUBLISHED
    assert scenario.reviewer == second_policy_member
    assert scenario.published_at is not None


def test_the_author_cannot_approve_their_own_scenario(published_policy, policy_member):
    scenario = in_review(policy_member)

    with pytest.raises(
        ScenarioError,
        match=re.escape("You wrote this scenario: a different member of the policy team must approve it."),
    ):
        scenario_approve(scenario=scenario, reviewer=policy_member)

    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.IN_REVIEW


def test_a_team_lead_cannot_approve(published_policy, policy_member, team_lead):
    scenario = in_review(policy_member)

    with pytest.raises(ScenarioError, match=re.escape("Only a member of the policy team may approve scenarios.")):
        scenario_approve(scenario=scenario, reviewer=team_lead)


def test_a_draft_cannot_be_approved_without_review(published_policy, policy_member, second_policy_member):
    scenario = draft(policy_member)

    with pytest.raises(ScenarioError, match=re.escape("Only a scenario in review can be approved")):
        scenario_approve(scenario=scenario, reviewer=second_policy_member)


def test_the_database_refuses_an_author_reviewing_their_own_scenario(published_policy, policy_member):
    from django.db import IntegrityError, transaction

    scenario = draft(policy_member)
    scenario.reviewer = policy_member
    with pytest.raises(IntegrityError), transaction.atomic():
        scenario.save()


def test_rejecting_sends_the_draft_back_with_a_note(published_policy, policy_member, second_policy_member):
    scenario = in_review(policy_member)

    scenario_reject(scenario=scenario, reviewer=second_policy_member, note="Say where the video was found.")

    scenario.refresh_from_db()
    assert (scenario.status, scenario.review_note, scenario.submitted_at) == (
        Scenario.Status.DRAFT,
        "Say where the video was found.",
        None,
    )


def test_a_review_note_goes_through_the_guard(published_policy, policy_member, second_policy_member):
    scenario = in_review(policy_member)

    with pytest.raises(ScenarioInvalid) as caught:
        scenario_reject(scenario=scenario, reviewer=second_policy_member, note="Compare with <i>this</i>")

    assert list(caught.value.errors) == ["note"]
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.IN_REVIEW


def test_a_revision_is_a_new_draft_and_publishing_it_retires_the_old(
    published_policy, policy_member, second_policy_member
):
    original = ScenarioFactory(key="V1-010", intended_clause="V1", facts=V1_FACTS, text=TEXT)

    revision = scenario_revise(scenario=original, author=policy_member)
    scenario_update_draft(scenario=revision, editor=policy_member, title="Clearer title")
    scenario_submit_for_review(scenario=revision, actor=policy_member)
    scenario_approve(scenario=revision, reviewer=second_policy_member)

    original.refresh_from_db()
    revision.refresh_from_db()
    assert (revision.key, revision.revision, revision.supersedes, revision.status) == (
        "V1-010",
        2,
        original,
        Scenario.Status.PUBLISHED,
    )
    assert original.status == Scenario.Status.RETIRED
    assert original.title != "Clearer title"


def test_a_published_scenario_is_never_edited_in_place(published_policy, policy_member):
    published = ScenarioFactory()

    with pytest.raises(ScenarioError, match=re.escape("only drafts can be edited; start a revision instead.")):
        scenario_update_draft(scenario=published, editor=policy_member, title="Changed")


def test_only_one_open_revision_at_a_time(published_policy, policy_member):
    published = ScenarioFactory(key="V4-050")
    scenario_revise(scenario=published, author=policy_member)

    with pytest.raises(
        ScenarioError, match=re.escape("V4-050 already has revision r2 (draft); finish or retire it first.")
    ):
        scenario_revise(scenario=published, author=policy_member)


def test_retiring_takes_a_scenario_out_of_use(published_policy, policy_member):
    published = ScenarioFactory()

    scenario_retire(scenario=published, actor=policy_member)

    published.refresh_from_db()
    assert published.status == Scenario.Status.RETIRED
    assert published.retired_at is not None


def test_import_creates_published_scenarios(published_policy, policy_member, second_policy_member):
    report = scenario_bank_import(
        entries=[
            bank_entry(),
            bank_entry(
                key="N-1",
                facts=BENIGN_FACTS,
                intended_clause=None,
                title="School run",
                text="A parent posts a school run photo.",
            ),
        ],
        actor=policy_member,
        reviewer=second_policy_member,
    )

    assert (report.created, report.revised, report.unchanged) == (["V1-900", "N-1"], [], [])
    scenario = Scenario.objects.get(key="V1-900")
    assert (scenario.status, scenario.author, scenario.reviewer, scenario.tags) == (
        Scenario.Status.PUBLISHED,
        policy_member,
        second_policy_member,
        ["depiction"],
    )


def test_importing_the_same_bank_again_changes_nothing(published_policy):
    scenario_bank_import(entries=[bank_entry()])

    report = scenario_bank_import(entries=[bank_entry()])

    assert (report.created, report.revised, report.unchanged) == ([], [], ["V1-900"])
    assert Scenario.objects.count() == 1


def test_a_changed_entry_becomes_a_new_revision(published_policy):
    scenario_bank_import(entries=[bank_entry()])

    report = scenario_bank_import(entries=[bank_entry(text=TEXT + " It has no caption.")])

    assert report.revised == ["V1-900"]
    old, new = Scenario.objects.filter(key="V1-900").order_by("revision")
    assert (old.status, new.status, new.revision, new.supersedes_id) == (
        Scenario.Status.RETIRED,
        Scenario.Status.PUBLISHED,
        2,
        old.pk,
    )


def test_import_is_all_or_nothing_and_names_each_scenario(published_policy):
    with pytest.raises(BankInvalid) as caught:
        scenario_bank_import(entries=[bank_entry(), bank_entry(key="B5-900", facts=B5_FACTS, intended_clause="V3")])

    assert [str(problem) for problem in caught.value.problems] == [
        "B5-900: the author intends V3 but the engine decides B5 (rule R-B5-sexual-conversation)"
    ]
    assert Scenario.objects.count() == 0


def test_import_refuses_a_change_to_a_key_with_an_open_draft(published_policy, policy_member):
    scenario_bank_import(entries=[bank_entry()])
    scenario_revise(scenario=Scenario.objects.get(key="V1-900"), author=policy_member)

    with pytest.raises(BankInvalid) as caught:
        scenario_bank_import(entries=[bank_entry(title="Changed")])

    assert [str(problem) for problem in caught.value.problems] == [
        "V1-900: revision r2 is draft in Concordance; finish or retire it before importing a change"
    ]


def test_export_then_import_gives_the_same_bank(published_policy):
    scenario_bank_import(
        entries=[bank_entry(), bank_entry(key="V1-901", worked_example=True, intended_action="permanent_suspension")]
    )
    scenario_bank_import(entries=[bank_entry(title="Revised title")])
    exported = scenario_bank_export()

    assert scenario_bank_import(entries=exported).unchanged == ["V1-900", "V1-901"]
    Scenario.objects.update(supersedes=None)
    Scenario.objects.all().delete()
    scenario_bank_import(entries=exported)

    assert scenario_bank_export() == exported
    assert exported[0]["revision"] == 2
