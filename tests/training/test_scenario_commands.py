"""import_scenarios and export_scenarios, driven through call_command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from tests.training.factories import V1_FACTS
from training.models import Scenario

TEXT = "@user_4821 reposts a video of a 15-year-old that presents her in a sexually suggestive way."


def write_bank(path, **overrides):
    entry = {
        "key": "V1-900",
        "title": "Suggestive repost",
        "kind": "case",
        "difficulty": "easy",
        "tags": ["depiction"],
        "intended_clause": "V1",
        "worked_example": False,
        "facts": V1_FACTS,
        "text": TEXT,
        **overrides,
    }
    path.write_text(yaml.safe_dump([entry]))
    return path


def test_import_loads_a_bank_file_and_is_idempotent(published_policy, tmp_path, policy_member):
    bank = write_bank(tmp_path / "bank.yaml")
    first, second = StringIO(), StringIO()

    call_command("import_scenarios", str(bank), author=policy_member.username, stdout=first)
    call_command("import_scenarios", str(bank), stdout=second)

    assert first.getvalue().splitlines()[-1] == "Imported: 1 created, 0 revised, 0 unchanged."
    assert second.getvalue().splitlines()[-1] == "Imported: 0 created, 0 revised, 1 unchanged."
    assert Scenario.objects.get().author == policy_member


def test_import_fails_naming_the_scenario_and_both_clauses(published_policy, tmp_path):
    bank = write_bank(tmp_path / "bank.yaml", intended_clause="V2")
    err = StringIO()

    with pytest.raises(CommandError, match=r"The bank has 1 problem\(s\); nothing was imported."):
        call_command("import_scenarios", str(bank), stderr=err)

    assert err.getvalue() == "V1-900: the author intends V2 but the engine decides V1 (rule R-V1-real-depiction)\n"
    assert Scenario.objects.count() == 0


def test_import_refuses_unsafe_text(published_policy, tmp_path):
    bank = write_bank(tmp_path / "bank.yaml", text="Posted at www.real-site.com today.")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_scenarios", str(bank), stderr=err)

    assert err.getvalue().startswith('V1-900: text: Link to "www.real-site.com" is not allowed')
    assert Scenario.objects.count() == 0


def test_check_validates_without_writing(published_policy, tmp_path):
    out = StringIO()

    call_command("import_scenarios", str(write_bank(tmp_path / "bank.yaml")), check=True, stdout=out)

    assert out.getvalue().splitlines()[-1] == "All 1 entries are valid under policy 2020-10."
    assert Scenario.objects.count() == 0


def test_import_needs_a_published_policy(db, tmp_path):
    with pytest.raises(CommandError, match="No policy version is published yet"):
        call_command("import_scenarios", str(write_bank(tmp_path / "bank.yaml")))


def test_import_refuses_a_missing_path(published_policy, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_scenarios", str(tmp_path / "nope.yaml"))


def test_export_writes_what_import_reads(published_policy, tmp_path):
    call_command("import_scenarios", str(write_bank(tmp_path / "bank.yaml")), stdout=StringIO())
    out = StringIO()

    call_command("export_scenarios", format="json", output=str(tmp_path / "export.json"), stdout=out)
    again = StringIO()
    call_command("import_scenarios", str(tmp_path / "export.json"), stdout=again)

    assert out.getvalue() == f"Exported 1 scenarios to {tmp_path / 'export.json'}.\n"
    assert json.loads((tmp_path / "export.json").read_text())[0]["key"] == "V1-900"
    assert again.getvalue().splitlines()[-1] == "Imported: 0 created, 0 revised, 1 unchanged."


def test_export_prints_yaml_by_default(published_policy, tmp_path):
    call_command("import_scenarios", str(write_bank(tmp_path / "bank.yaml")), stdout=StringIO())
    out = StringIO()

    call_command("export_scenarios", stdout=out)

    assert [entry["key"] for entry in yaml.safe_load(out.getvalue())] == ["V1-900"]


@pytest.mark.django_db
def test_imported_scenarios_get_ids_that_do_not_follow_their_clause_keys(published_policy):
    from training.scenario_bank import bank_files, read_bank
    from training.services import scenario_bank_import

    entries, _ = read_bank(bank_files("training/scenarios"))
    scenario_bank_import(entries=entries, actor=None)

    keys_in_id_order = list(Scenario.objects.order_by("pk").values_list("key", flat=True))
    assert keys_in_id_order != sorted(keys_in_id_order)
    assert keys_in_id_order[:3] != [entry.key for entry in entries[:3]]


def test_import_shows_its_progress_through_the_shipped_bank(published_policy):
    out = StringIO()

    call_command("import_scenarios", stdout=out)

    lines = out.getvalue().splitlines()
    total = Scenario.objects.count()
    assert lines[1] == f"Checking {total} entries against the content guard and the engine…"
    assert f"Writing: 25/{total} entries." in lines
    assert f"Writing: {total}/{total} entries." in lines
