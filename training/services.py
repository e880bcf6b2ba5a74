"""Writes for the encoded policy: loading, drafting, publishing and retiring versions."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import PolicyVersion
from .policy import PolicyInvalid, Problem, check_policy_document


class PolicyVersionError(ValueError):
    """A change to a policy version that the rules for versions do not allow."""


def _checked_document(document: dict[str, Any]) -> dict[str, Any]:
    policy, problems = check_policy_document(document)
    if policy is None:
        raise PolicyInvalid(problems)
    return document


def _effective_date(document: dict[str, Any]) -> dt.date:
    try:
        return dt.date.fromisoformat(str(document["effective_date"]))
    except ValueError as error:
        raise PolicyInvalid([Problem("effective_date", "must be a date written as YYYY-MM-DD")]) from error


@transaction.atomic
def policy_version_load(
    *, document: dict[str, Any], publish: bool = False, created_by: User | None = None, change_note: str = ""
) -> tuple[PolicyVersion, bool]:
    """Store a validated policy document as a version; return (version, created).

    Loading the same document again changes nothing (idempotent). A different document
    under a label that is already published is refused: published versions never change.
    """
    _checked_document(document)
    slug, label = str(document["policy"]), str(document["version"])
    existing = PolicyVersion.objects.select_for_update().filter(policy=slug, version=label).first()
    if existing is not None:
        if existing.document == document:
            if publish and existing.status == PolicyVersion.Status.DRAFT:
                policy_version_publish(version=existing, published_by=created_by)
            return existing, False
        if not existing.is_editable:
            raise PolicyVersionError(
                f"Version {slug} {label} is {existing.get_status_display().lower()} and cannot change; "
                "give the new document another version label."
            )
        existing.document = document
        existing.title = str(document["title"])
        existing.effective_date = _effective_date(document)
        existing.save(update_fields=["document", "title", "effective_date", "updated_at"])
        if publish:
            policy_version_publish(version=existing, published_by=created_by)
        return existing, False
    version = PolicyVersion.objects.create(
        policy=slug,
        version=label,
        title=str(document["title"]),
        effective_date=_effective_date(document),
        document=document,
        created_by=created_by,
        change_note=change_note,
    )
    if publish:
        policy_version_publish(version=version, published_by=created_by)
    return version, True


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion, published_by: User | None) -> PolicyVersion:
    """Publish a draft; the version published before it is retired in the same transaction."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PolicyVersion.Status.DRAFT:
        raise PolicyVersionError(f"Only a draft can be published; {version} is not a draft.")
    _checked_document(version.document)
    now = timezone.now()
    PolicyVersion.objects.filter(policy=version.policy, status=PolicyVersion.Status.PUBLISHED).update(
        status=PolicyVersion.Status.RETIRED, retired_at=now
    )
    version.status = PolicyVersion.Status.PUBLISHED
    version.published_at = now
    version.published_by = published_by
    version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return version


@transaction.atomic
def policy_version_create_draft(
    *, policy: str, version: str, created_by: User | None, change_note: str = ""
) -> PolicyVersion:
    """Start a new draft as a copy of the latest version of the policy."""
    latest = PolicyVersion.objects.filter(policy=policy).order_by("-created_at").first()
    if latest is None:
        raise PolicyVersionError(f'There is no version of policy "{policy}" to copy; load one first.')
    if PolicyVersion.objects.filter(policy=policy, version=version).exists():
        raise PolicyVersionError(f'Version label "{version}" is already used for policy "{policy}".')
    document = copy.deepcopy(latest.document)
    document["version"] = version
    return PolicyVersion.objects.create(
        policy=policy,
        version=version,
        title=latest.title,
        effective_date=latest.effective_date,
        document=document,
        based_on=latest,
        created_by=created_by,
        change_note=change_note,
    )


@transaction.atomic
def policy_version_update_draft(*, version: PolicyVersion, document: dict[str, Any]) -> PolicyVersion:
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_editable:
        raise PolicyVersionError(f"{version} is not a draft: published and retired versions never change.")
    if str(document.get("policy")) != version.policy or str(document.get("version")) != version.version:
        raise PolicyInvalid([Problem("version", f"the document must keep policy {version.policy} and version {version.version}")])
    _checked_document(document)
    version.document = document
    version.title = str(document["title"])
    version.effective_date = _effective_date(document)
    version.save(update_fields=["document", "title", "effective_date", "updated_at"])
    return version


def policy_version_retire(*, version: PolicyVersion) -> PolicyVersion:
    if version.status != PolicyVersion.Status.PUBLISHED:
        raise PolicyVersionError("Only the published version can be retired.")
    version.status = PolicyVersion.Status.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at", "updated_at"])
    return version
