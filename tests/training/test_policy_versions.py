import pytest
from django.db import IntegrityError

from tests.training.factories import PolicyVersionFactory
from training.models import PolicyVersion
from training.policy import PolicyInvalid
from training.services import (
    PolicyVersionError,
    policy_version_create_draft,
    policy_version_publish,
    policy_version_update_draft,
)


def test_a_new_draft_starts_as_a_copy_of_the_latest_version(published_policy, policy_member):
    draft = policy_version_create_draft(policy="cse", version="2026-12", created_by=policy_member)

    assert draft.status == PolicyVersion.Status.DRAFT
    assert draft.based_on == published_policy
    assert draft.document == {**published_policy.document, "version": "2026-12"}


def test_a_draft_label_cannot_be_reused(published_policy, policy_member):
    with pytest.raises(PolicyVersionError, match='Version label "2020-10" is already used'):
        policy_version_create_draft(policy="cse", version="2020-10", created_by=policy_member)


def test_a_published_version_never_changes(published_policy):
    document = {**published_policy.document, "title": "Changed"}

    with pytest.raises(PolicyVersionError, match="is not a draft"):
        policy_version_update_draft(version=published_policy, document=document)

    published_policy.refresh_from_db()
    assert published_policy.document["title"] == "Child sexual exploitation policy"


def test_an_invalid_draft_edit_is_refused_and_changes_nothing(published_policy, policy_member):
    draft = policy_version_create_draft(policy="cse", version="2026-12", created_by=policy_member)
    broken = {**draft.document, "rules": draft.document["rules"][:-1]}

    with pytest.raises(PolicyInvalid, match="no rule decides some facts"):
        policy_version_update_draft(version=draft, document=broken)

    draft.refresh_from_db()
    assert len(draft.document["rules"]) == 19


def test_publishing_a_draft_retires_the_published_version(published_policy, policy_member):
    draft = policy_version_create_draft(policy="cse", version="2026-12", created_by=policy_member)

    policy_version_publish(version=draft, published_by=policy_member)

    published_policy.refresh_from_db()
    draft.refresh_from_db()
    assert (published_policy.status, draft.status, draft.published_by) == ("retired", "published", policy_member)


def test_only_a_draft_can_be_published(published_policy, policy_member):
    with pytest.raises(PolicyVersionError, match="Only a draft can be published"):
        policy_version_publish(version=published_policy, published_by=policy_member)


@pytest.mark.django_db(transaction=True)
def test_the_database_allows_one_published_version_per_policy():
    PolicyVersionFactory(version="a", status=PolicyVersion.Status.PUBLISHED)

    with pytest.raises(IntegrityError):
        PolicyVersionFactory(version="b", status=PolicyVersion.Status.PUBLISHED)
