"""REST API for agreement figures: a team's trend and the policy team's contested scenarios."""

from __future__ import annotations

import math

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import LEAD_ROLES, STAFF_ROLES, has_role
from analytics.models import AgreementSnapshot, Granularity
from analytics.selectors import contested_scenarios
from calibration.selectors import team_for_lead_get


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


class AgreementFiguresSerializer(serializers.Serializer):
    """A stored agreement measurement. A statistic is null when it cannot be computed."""

    n_raters = serializers.IntegerField()
    n_units = serializers.IntegerField()
    percent_agreement = serializers.FloatField(allow_null=True)
    fleiss_kappa = serializers.FloatField(allow_null=True)
    alpha = serializers.FloatField(allow_null=True, help_text="Krippendorff's alpha (nominal).")
    alpha_low = serializers.FloatField(allow_null=True, help_text="Lower end of the bootstrap interval of alpha.")
    alpha_high = serializers.FloatField(allow_null=True, help_text="Upper end of the bootstrap interval of alpha.")
    ac1 = serializers.FloatField(allow_null=True, help_text="Gwet's AC1.")
    warnings = serializers.ListField(child=serializers.CharField(), help_text="Caveats for reading the figures.")


class PeriodFiguresSerializer(AgreementFiguresSerializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="Last day of the period, inclusive.")


class TeamTrendSerializer(serializers.Serializer):
    team = serializers.CharField(help_text="The team's name.")
    granularity = serializers.ChoiceField(choices=Granularity.choices)
    periods = PeriodFiguresSerializer(many=True)


class DraftChangeSerializer(serializers.Serializer):
    part = serializers.CharField(help_text="The part of the gold answer: verdict, clause_id, action, ...")
    before = serializers.CharField()
    after = serializers.CharField()


class ContestedScenarioSerializer(serializers.Serializer):
    scenario = serializers.CharField(help_text="The scenario's key.")
    title = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why the scenario is contested.")
    gold = serializers.CharField(help_text="The gold decision label under the published policy.")
    rule_id = serializers.CharField(allow_null=True, help_text="The deciding rule of the gold answer.")
    draft = serializers.CharField(allow_null=True, help_text="The newest draft policy version, if any.")
    draft_gold = serializers.CharField(allow_null=True, help_text="The gold decision under that draft.")
    draft_changes = DraftChangeSerializer(many=True, help_text="Every part of the gold answer the draft changes.")
    answers = serializers.IntegerField(help_text="How many answers the figures rest on.")
    agreement = serializers.FloatField(allow_null=True)
    facility = serializers.FloatField(allow_null=True, help_text="Share of answers that match gold.")
    distribution = serializers.DictField(child=serializers.IntegerField())


class TeamTrendApi(APIView):
    permission_classes = [has_role(*LEAD_ROLES)]

    @extend_schema(
        parameters=[OpenApiParameter("granularity", str, enum=Granularity.values, default=Granularity.WEEK)],
        responses=TeamTrendSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        team = team_for_lead_get(request.user, pk)
        granularity = request.query_params.get("granularity", Granularity.WEEK)
        if granularity not in Granularity.values:
            return Response({"granularity": ["Choose week or month."]}, status=status.HTTP_400_BAD_REQUEST)
        snapshots = AgreementSnapshot.objects.filter(
            scope=AgreementSnapshot.Scope.TEAM_PERIOD, team=team, granularity=granularity
        ).order_by("period_start")
        trend = {"team": team.name, "granularity": granularity, "periods": snapshots}
        return Response(TeamTrendSerializer(trend).data)


class ContestedApi(APIView):
    permission_classes = [has_role(*STAFF_ROLES)]

    @extend_schema(responses=ContestedScenarioSerializer(many=True))
    def get(self, request: Request) -> Response:
        analysis = contested_scenarios()
        return Response(
            ContestedScenarioSerializer(
                [
                    {
                        "scenario": item.scenario.key,
                        "title": item.scenario.title,
                        "reasons": item.reasons,
                        "gold": item.gold_label,
                        "rule_id": item.gold.rule_id if item.gold else None,
                        "draft": analysis.draft.version if analysis.draft else None,
                        "draft_gold": (item.draft_gold.clause_id or str(item.draft_gold.verdict))
                        if item.draft_gold
                        else None,
                        "draft_changes": item.draft_changes,
                        "answers": item.stats.n_answers,
                        "agreement": _finite(item.stats.agreement),
                        "facility": _finite(item.stats.facility),
                        "distribution": dict(item.stats.distribution),
                    }
                    for item in analysis.items
                ],
                many=True,
            ).data
        )
