from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import STAFF_ROLES, role_required
from accounts.models import Role

from ..forms import DraftPolicyVersionForm
from ..models import PolicyVersion
from ..selectors import (
    engine_policy,
    policy_version_diff,
    policy_version_get,
    policy_versions,
    published_policy_version,
)
from ..services import PolicyVersionError, policy_version_create_draft

ALL_ROLES = (Role.TRAINEE, Role.TEAM_LEAD, Role.POLICY_TEAM, Role.ADMIN)


@role_required(*ALL_ROLES)
def policy_detail(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The encoded policy, readable: clauses, rules in order, enforcement, reporting, interpretations.

    Everyone may read the published version; drafts and retired versions are for the policy team.
    """
    if pk is None:
        version = published_policy_version()
        if version is None:
            raise Http404("No policy version is published yet.")
    else:
        version = policy_version_get(pk=pk)
        if (
            version.status != PolicyVersion.Status.PUBLISHED
            and request.user.role not in STAFF_ROLES
            and not request.user.is_superuser
        ):
            raise Http404("No such policy version.")
    policy = engine_policy(version)
    return render(
        request,
        "training/policy_detail.html",
        {
            "version": version,
            "policy": policy,
            "clause_groups": [
                ("Violating content", [c for c in policy.clauses.values() if c.kind == "violating_content"]),
                ("Prohibited behaviours", [c for c in policy.clauses.values() if c.kind == "prohibited_behaviour"]),
                ("Permitted", [c for c in policy.clauses.values() if c.kind == "permitted"]),
            ],
            "facts": list(policy.input_facts.values()),
        },
    )


@role_required(*STAFF_ROLES)
def policy_version_list(request: HttpRequest) -> HttpResponse:
    form = DraftPolicyVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = policy_version_create_draft(
                policy=form.cleaned_data["policy"],
                version=form.cleaned_data["version"],
                created_by=request.user,
                change_note=form.cleaned_data["change_note"],
            )
        except PolicyVersionError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(
                request, f"Draft {draft.version} created as a copy of the latest version. Edit it in the admin."
            )
            return redirect("training:policy-version-list")
    # Reached on a POST only when the form or the service refused the input.
    status = 400 if request.method == "POST" else 200
    return render(
        request, "training/policy_version_list.html", {"versions": policy_versions(), "form": form}, status=status
    )


@role_required(*STAFF_ROLES)
def policy_version_compare(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    before, after = policy_version_get(pk=pk), policy_version_get(pk=other_pk)
    return render(
        request,
        "training/policy_diff.html",
        {"before": before, "after": after, "diff": policy_version_diff(before, after)},
    )
