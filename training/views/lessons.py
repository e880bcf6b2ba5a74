"""Lessons: one page per clause, for every role. Trainees reach them from quiz feedback through
`training:lesson-detail` with the clause id (for example /training/lessons/V1/)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import now

from accounts.access import role_required
from accounts.models import Role
from quiz.services.exposure import worked_example_exposures_record

from ..models import PolicyVersion
from ..policy import ClauseKind
from ..selectors import engine_policy, lesson_for_clause, lesson_summaries, published_policy_version

ALL_ROLES = (Role.TRAINEE, Role.TEAM_LEAD, Role.POLICY_TEAM, Role.ADMIN)
GROUPS = (
    (ClauseKind.VIOLATING_CONTENT, "Violating content"),
    (ClauseKind.PROHIBITED_BEHAVIOUR, "Prohibited behaviours"),
    (ClauseKind.PERMITTED, "Permitted"),
)


def _published() -> PolicyVersion:
    version = published_policy_version()
    if version is None:
        raise Http404("No policy version is published yet.")
    return version


@role_required(*ALL_ROLES)
def lesson_list(request: HttpRequest) -> HttpResponse:
    version = _published()
    summaries = lesson_summaries(version)
    groups = [(title, [item for item in summaries if item.clause.kind is kind]) for kind, title in GROUPS]
    return render(request, "training/lessons/list.html", {"version": version, "groups": groups})


@role_required(*ALL_ROLES)
def lesson_detail(request: HttpRequest, clause_id: str) -> HttpResponse:
    version = _published()
    lesson = lesson_for_clause(version, clause_id)
    policy = engine_policy(version)
    # The worked examples show their gold answers: they join the reader's exposure record.
    worked_example_exposures_record(
        user_id=request.user.pk, scenario_ids=[example.scenario.pk for example in lesson.examples], shown_at=now()
    )
    return render(
        request,
        "training/lessons/detail.html",
        {"version": version, "lesson": lesson, "clause": lesson.clause, "policy": policy},
    )
