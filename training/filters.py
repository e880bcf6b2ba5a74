"""Filters for scenario lists (the policy team's pages and the API), built on django-filter."""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .models import Scenario
from .policy import ClauseKind, Policy, Verdict


def tag_lookup(tag: str) -> Q:
    """Scenarios carrying `tag`. Tags are a JSON list; matching its quoted form works on SQLite and
    PostgreSQL alike (`contains` on JSON is PostgreSQL only)."""
    return Q(tags__icontains=json.dumps(tag.strip().lower()))


class PublishedScenarioFilter(django_filters.FilterSet):
    """What anyone may filter published scenarios by: nothing that would reveal a gold answer.
    Not tags either: authors tag by topic and boundary ("P1-boundary", "seeking")."""

    q = django_filters.CharFilter(method="filter_text", label="Search")
    difficulty = django_filters.ChoiceFilter(choices=Scenario.Difficulty.choices)

    class Meta:
        model = Scenario
        fields = ["q", "difficulty"]

    def filter_text(self, queryset: QuerySet[Scenario], name: str, value: str) -> QuerySet[Scenario]:
        # Title and text only: keys are named after the intended clause, so searching them
        # ("V1-") would list a clause's scenarios.
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))


class ScenarioFilter(PublishedScenarioFilter):
    """The policy team's filters: also clause, verdict and status.

    Clause and verdict filter on the author's intended clause, which the engine confirmed under the
    published policy when the scenario was written; the pages show the engine's live answer beside it.
    Give `policy` (the published policy) so that the clause choices need no query.
    """

    clause = django_filters.ChoiceFilter(method="filter_clause", label="Clause")
    verdict = django_filters.ChoiceFilter(
        choices=[(Verdict.VIOLATING.value, "Violating"), (Verdict.NOT_VIOLATING.value, "Not violating")],
        method="filter_verdict",
        label="Verdict",
    )
    status = django_filters.ChoiceFilter(choices=Scenario.Status.choices)
    tag = django_filters.CharFilter(method="filter_tag", label="Tag")

    class Meta:
        model = Scenario
        fields = ["q", "clause", "verdict", "difficulty", "status", "tag"]

    def __init__(self, *args: Any, policy: Policy | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.policy = policy
        clauses = list(policy.clauses.values()) if policy else []
        self.filters["clause"].extra["choices"] = [
            *[(clause.id, f"{clause.id} · {clause.title}") for clause in clauses],
            ("none", "No clause"),
        ]

    def filter_text(self, queryset: QuerySet[Scenario], name: str, value: str) -> QuerySet[Scenario]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(key__icontains=value) | Q(title__icontains=value) | Q(text__icontains=value))

    def filter_tag(self, queryset: QuerySet[Scenario], name: str, value: str) -> QuerySet[Scenario]:
        return queryset.filter(tag_lookup(value)) if value.strip() else queryset

    def filter_clause(self, queryset: QuerySet[Scenario], name: str, value: str) -> QuerySet[Scenario]:
        return queryset.filter(intended_clause="" if value == "none" else value)

    def filter_verdict(self, queryset: QuerySet[Scenario], name: str, value: str) -> QuerySet[Scenario]:
        if self.policy is None:
            return queryset.none()
        violating = [clause.id for clause in self.policy.clauses.values() if clause.kind is not ClauseKind.PERMITTED]
        if value == Verdict.VIOLATING:
            return queryset.filter(intended_clause__in=violating)
        return queryset.exclude(intended_clause__in=violating)
