"""Impact of a policy change: which published scenarios a draft version would answer differently."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import STAFF_ROLES, role_required

from ..models import PolicyVersion
from ..scenario_bank import COMPARED
from ..selectors import policy_impact, policy_version_diff, policy_version_get, published_policy_version

FIELD_TITLES = {
    "verdict": "Verdict",
    "clause_id": "Clause",
    "action": "Action",
    "report_to_ncmec": "NCMEC report",
    "report_route": "Reporting route",
    "rule_id": "Deciding rule",
}


@role_required(*STAFF_ROLES)
def policy_impact_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = policy_version_get(pk=pk)
    if draft.status != PolicyVersion.Status.DRAFT:
        raise Http404("Impact is shown for draft versions; this version is not a draft.")
    published = published_policy_version(draft.policy)
    if published is None:
        raise Http404("No version is published to compare the draft with.")
    changes = policy_impact(draft=draft, published=published)
    rows = [
        {
            "change": change,
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
