from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from tests.training.factories import shipped_policy_document
from training.models import PolicyVersion


def _write(tmp_path, document, name="policy.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@pytest.mark.django_db
def test_it_loads_and_publishes_the_shipped_policy():
    out = StringIO()

    call_command("load_policy", publish=True, stdout=out)

    version = PolicyVersion.objects.get()
    assert (version.policy, version.version, version.status) == ("cse", "2020-10", "published")
    assert out.getvalue() == "Loaded cse 2020-10 (published).\n"


@pytest.mark.django_db
def test_loading_the_same_file_twice_changes_nothing():
    call_command("load_policy", publish=True, stdout=StringIO())
    out = StringIO()

    call_command("load_policy", publish=True, stdout=out)

    assert PolicyVersion.objects.count() == 1
    assert out.getvalue() == "Already loaded cse 2020-10 (published).\n"


@pytest.mark.django_db
def test_a_bad_file_is_refused_with_one_line_per_problem_and_nothing_written(tmp_path):
    document = shipped_policy_document()
    document["rules"][6]["when"]["sexual_context"] = ["spicy"]
    document["enforcement_rules"][0]["action"] = "shrug"
    path = _write(tmp_path, document)
    err = StringIO()

    with pytest.raises(CommandError, match=r"is not a valid policy \(2 problem\(s\)\); nothing was written"):
        call_command("load_policy", str(path), stderr=err)

    assert err.getvalue().splitlines() == [
        f"{path}: rules[6] (R-V1-real-depiction): unknown value 'spicy' for fact \"sexual_context\"; "
        "accepted: none, suggestive, explicit",
        f'{path}: enforcement_rules[0] (E-not-violating): unknown action "shrug"; '
        "known: no_action, remove_and_temporary_lock, permanent_suspension",
    ]
    assert PolicyVersion.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_file_is_refused_in_one_line(tmp_path):
    with pytest.raises(CommandError, match="is not a valid policy"):
        call_command("load_policy", str(tmp_path / "nope.yaml"), stderr=StringIO())

    assert PolicyVersion.objects.count() == 0


@pytest.mark.django_db
def test_check_only_validates(tmp_path):
    out = StringIO()

    call_command("load_policy", check=True, stdout=out)

    assert out.getvalue().endswith("valid (16 clauses, 19 rules).\n")
    assert PolicyVersion.objects.count() == 0


@pytest.mark.django_db
def test_a_changed_document_under_a_published_label_is_refused(tmp_path):
    call_command("load_policy", publish=True, stdout=StringIO())
    document = shipped_policy_document()
    document["title"] = "Changed title"

    with pytest.raises(CommandError, match="cse 2020-10 is published and cannot change"):
        call_command("load_policy", str(_write(tmp_path, document)))

    assert PolicyVersion.objects.get().title == "Child sexual exploitation policy"


@pytest.mark.django_db
def test_publishing_a_new_version_retires_the_previous_one(tmp_path):
    call_command("load_policy", publish=True, stdout=StringIO())
    document = shipped_policy_document()
    document["version"] = "2026-11"

    call_command("load_policy", str(_write(tmp_path, document)), publish=True, stdout=StringIO())

    statuses = dict(PolicyVersion.objects.values_list("version", "status"))
    assert statuses == {"2020-10": "retired", "2026-11": "published"}
