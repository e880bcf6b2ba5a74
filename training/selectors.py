"""Reads for the encoded policy. The engine's Policy objects are cached per stored version."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from django.http import Http404

from .models import PolicyVersion
from .policy import Outcome, Policy, diff_policies, evaluate, parse_policy
from .policy.diff import PolicyDiff

DEFAULT_POLICY = "cse"


def published_policy_version(policy: str = DEFAULT_POLICY) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(policy=policy, status=PolicyVersion.Status.PUBLISHED).first()


def policy_versions(policy: str = DEFAULT_POLICY) -> list[PolicyVersion]:
    return list(PolicyVersion.objects.filter(policy=policy).select_related("published_by", "created_by"))


def policy_version_get(*, pk: int) -> PolicyVersion:
    try:
        return PolicyVersion.objects.get(pk=pk)
    except PolicyVersion.DoesNotExist as error:
        raise Http404("No such policy version.") from error


@lru_cache(maxsize=64)
def _parsed(pk: int, stamp: str) -> Policy:
    # `stamp` (updated_at) is part of the key so that an edited draft is parsed again.
    return parse_policy(PolicyVersion.objects.get(pk=pk).document)


def engine_policy(version: PolicyVersion) -> Policy:
    """The engine's view of a stored version, parsed once per change."""
    return _parsed(version.pk, version.updated_at.isoformat())


def gold_outcome(version: PolicyVersion, facts: Mapping[str, Any]) -> Outcome:
    """The gold answer for a set of facts: always the engine's outcome, never typed by hand."""
    return evaluate(engine_policy(version), facts)


def policy_version_diff(before: PolicyVersion, after: PolicyVersion) -> PolicyDiff:
    return diff_policies(before.document, after.document)
