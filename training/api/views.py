"""Read-only scenario endpoints.

- /api/scenarios/: published scenarios for any authenticated role, without key, facts, intended
  clause or gold answer (a reviewer must never see an answer before giving one).
- /api/policy-team/scenarios/: every revision for the policy team and admins, with facts,
  intended clause, status and the engine's gold answer under the published policy.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from accounts.access import STAFF_ROLES, has_role
from accounts.models import Role

from ..filters import PublishedScenarioFilter, ScenarioFilter
from ..models import Scenario
from ..selectors import (
    attach_gold,
    engine_policy,
    published_policy_version,
    published_scenarios,
    scenarios_for_policy_team,
)
from .serializers import PolicyTeamScenarioSerializer, PublishedScenarioSerializer

ALL_ROLES = (Role.TRAINEE, Role.TEAM_LEAD, Role.POLICY_TEAM, Role.ADMIN)


@extend_schema_view(
    list=extend_schema(summary="Published scenarios (no answers)"),
    retrieve=extend_schema(summary="One published scenario (no answer)"),
)
class PublishedScenarioViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [has_role(*ALL_ROLES)]
    serializer_class = PublishedScenarioSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PublishedScenarioFilter

    def get_queryset(self) -> QuerySet[Scenario]:
        # By title, not by key or id: both follow the bank's clause order, so neighbours would hint
        # at each other's answers.
        return published_scenarios().order_by("title", "pk")


class _PolicyTeamFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):  # type: ignore[no-untyped-def]
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        version = published_policy_version()
        kwargs["policy"] = engine_policy(version) if version else None
        return kwargs


@extend_schema_view(
    list=extend_schema(
        summary="Every scenario revision, with the engine's gold answer",
        parameters=[OpenApiParameter("clause", str, description='A clause id, or "none" for no clause.')],
    ),
    retrieve=extend_schema(summary="One scenario revision, with the engine's gold answer"),
)
class PolicyTeamScenarioViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [has_role(*STAFF_ROLES)]
    serializer_class = PolicyTeamScenarioSerializer
    filter_backends = [_PolicyTeamFilterBackend]
    filterset_class = ScenarioFilter

    def get_queryset(self) -> QuerySet[Scenario]:
        return scenarios_for_policy_team()

    def paginate_queryset(self, queryset):  # type: ignore[no-untyped-def]
        page = super().paginate_queryset(queryset)
        return attach_gold(page, published_policy_version()) if page is not None else None

    def get_object(self) -> Scenario:
        scenario = super().get_object()
        attach_gold([scenario], published_policy_version())
        return scenario
