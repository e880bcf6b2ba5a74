"""The stored policy document keeps the order the policy team wrote, on every database."""

from tests.training.factories import PolicyVersionFactory, shipped_policy_document
from training.models import PolicyVersion


def test_a_stored_policy_document_keeps_the_order_of_its_mappings(db):
    written = shipped_policy_document()
    version = PolicyVersionFactory(document=written)

    stored = PolicyVersion.objects.get(pk=version.pk).document

    assert list(stored["facts"]) == list(written["facts"])
    assert list(stored["actions"]) == ["no_action", "remove_and_temporary_lock", "permanent_suspension"]
    assert list(stored["reporting_routes"]) == list(written["reporting_routes"])


def test_a_stored_policy_document_round_trips_unchanged(db):
    written = shipped_policy_document()
    version = PolicyVersionFactory(document=written)

    assert PolicyVersion.objects.get(pk=version.pk).document == written
