"""Impact of a policy change: which published scenarios a draft version would answer differently."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import STAFF_ROLES, role_required
from quiz.selectors.quizzes import answer_value_label

from ..models import PolicyVersion
from ..scenario_bank import COMPARED
from ..selectors import engine_policy, policy_impact, policy_version_diff, policy_version_get, published_policy_version

FIELD_TITLES = {
    "verdict": "Verdict",
    "clause_id": "Clause",
    "action": "Action",
    "report_to_ncmec": "NCMEC report",
    "report_route": "Reporting route",
    "rule_id": "Deciding rule",
}


def _label(policy, name: str, value) -> str | None:
    """A gold part as a person reads it; the deciding rule keeps its id, a missing outcome stays empty."""
    if value is None and name != "report_to_ncmec":
        return None
    if name == "rule_id":
        return value
    return answer_value_label(policy, name, value)


@role_required(*STAFF_ROLES)
def policy_impact_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = policy_version_get(pk=pk)
    if draft.status != PolicyVersion.Status.DRAFT:
        raise Http404("Impact is shown for draft versions; this version is not a draft.")
    published = published_policy_version(draft.policy)
    if published is None:
        raise Http404("No version is published to compare the draft with.")
    changes = policy_impact(draft=draft, published=published)
    before_policy, after_policy = engine_policy(published), engine_policy(draft)
    rows = [
        {
            "change": change,
            # What the page shows: each part by its policy title ("Permanent suspension", not the id).
            "cells": [
                {
                    "before": _label(before_policy, name, getattr(change.before, name, None)),
                    "after": _label(after_policy, name, getattr(change.after, name, None)),
                    "changed": name in change.changed,
                }
                for name in COMPARED
            ],
            "fields": [
                (
                    FIELD_TITLES[name],
                    getattr(change.before, name, None),
                    getattr(change.after, name, None),
                    name in change.changed,
                )
                for name in COMPARED
            ],
        }
        for change in changes
    ]
    return render(
        request,
        "training/impact.html",
        {
            "draft": draft,
            "published": published,
            "rows": rows,
            "diff": policy_version_diff(published, draft),
            "field_titles": [FIELD_TITLES[name] for name in COMPARED],
        },
    )
