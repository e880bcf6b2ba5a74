"""REST API for calibration rounds and agreement figures. Thin: validate, call a service or a
selector, serialize. Blindness: a reviewer only ever reads their own answers; the distribution and
the figures are served only once the round is closed."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import LEAD_ROLES, STAFF_ROLES, has_role
from accounts.models import Role, Team, User
from quiz.models import AgreementSnapshot, Granularity
from quiz.selectors.analytics import contested_scenarios
from quiz.selectors.calibration import (
    reviewer_round_answers,
    round_distribution,
    round_for_user_get,
    round_is_managed_by,
    rounds_for_user,
    team_for_lead_get,
    teams_led_by,
)
from quiz.services.calibration import (
    RoundError,
    answerable_scenarios,
    round_answer_submit,
    round_close,
    round_create,
    round_state,
)

ALL_ROLES = (Role.TRAINEE, Role.TEAM_LEAD, Role.POLICY_TEAM, Role.ADMIN)


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


def _bad_request(error: RoundError) -> Response:
    body = {field: [message] for field, message in error.errors.items()} or {"detail": str(error)}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(read_only=True)
    state = serializers.SerializerMethodField()
    cohort = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    scenarios = serializers.PrimaryKeyRelatedField(queryset=answerable_scenarios(), many=True, required=False)
    auto_count = serializers.IntegerField(required=False, min_value=1, max_value=50, write_only=True)

    def get_state(self, obj: Any) -> str:
        return round_state(obj)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["scenarios"] = [item.scenario_id for item in instance.items.all()]
        return data


class RoundListApi(APIView):
    permission_classes = [has_role(*ALL_ROLES)]

    @extend_schema(responses=RoundSerializer(many=True))
    def get(self, request: Request) -> Response:
        rounds = rounds_for_user(request.user).prefetch_related("items", "cohort").order_by("-opens_at")
        return Response(RoundSerializer(rounds, many=True).data)

    @extend_schema(request=RoundSerializer, responses={201: RoundSerializer})
    def post(self, request: Request) -> Response:
        if request.user.role not in LEAD_ROLES and not request.user.is_superuser:
            raise PermissionDenied("Only team leads create rounds.")
        serializer = RoundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not teams_led_by(request.user).filter(pk=data["team"].pk).exists():
            return Response({"team": ["You do not lead this team."]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            calibration_round = round_create(
                team=data["team"],
                title=data["title"],
                created_by=request.user,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                cohort=data["cohort"],
                scenarios=data.get("scenarios", []),
                auto_count=data.get("auto_count"),
            )
        except RoundError as error:
            return _bad_request(error)
        return Response(RoundSerializer(calibration_round).data, status=status.HTTP_201_CREATED)


class RoundDetailApi(APIView):
    permission_classes = [has_role(*ALL_ROLES)]

    @extend_schema(responses=RoundSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(RoundSerializer(round_for_user_get(request.user, pk)).data)


class RoundCloseApi(APIView):
    permission_classes = [has_role(*LEAD_ROLES)]

    @extend_schema(request=None, responses=RoundSerializer)
    def post(self, request: Request, pk: int) -> Response:
        calibration_round = round_for_user_get(request.user, pk)
        if not round_is_managed_by(calibration_round, request.user):
            raise PermissionDenied("Only the team's leads close this round.")
        try:
            calibration_round = round_close(calibration_round=calibration_round, closed_by=request.user)
        except RoundError as error:
            return _bad_request(error)
        return Response(RoundSerializer(calibration_round).data)


class RoundAnswerSerializer(serializers.Serializer):
    """A reviewer's own answer. Nothing about gold or scoring is in it."""

    scenario = serializers.IntegerField()
    verdict = serializers.CharField(allow_blank=True, required=False, default="")
    clause_id = serializers.CharField(allow_blank=True, required=False, default="")
    action = serializers.CharField(allow_blank=True, required=False, default="")
    report_to_ncmec = serializers.BooleanField(allow_null=True, required=False, default=None)
    report_route = serializers.CharField(allow_blank=True, required=False, default="")
    confidence = serializers.IntegerField(allow_null=True, required=False, default=None)
    rationale = serializers.CharField(allow_blank=True, required=False, default="")


class RoundAnswersApi(APIView):
    """GET: a reviewer reads their own answers; a lead reads the distribution once the round is
    closed. POST: a reviewer in the cohort submits their own answer."""

    permission_classes = [has_role(*ALL_ROLES)]

    @extend_schema(responses=RoundAnswerSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        calibration_round = round_for_user_get(request.user, pk)
        if calibration_round.cohort.filter(pk=request.user.pk).exists():
            answers = reviewer_round_answers(calibration_round, request.user).values()
            return Response(
                [
                    {
                        "scenario": a.scenario_id,
                        "verdict": a.verdict,
                        "clause_id": a.clause_id,
                        "action": a.action,
                        "report_to_ncmec": a.report_to_ncmec,
                        "report_route": a.report_route,
                        "confidence": a.confidence,
                        "rationale": a.rationale,
                    }
                    for a in sorted(answers, key=lambda a: a.scenario_id)
                ]
            )
        if calibration_round.closed_at is None:
            raise PermissionDenied("Answers stay blind until the round is closed.")
        return Response(round_distribution(calibration_round))

    @extend_schema(request=RoundAnswerSerializer, responses={201: RoundAnswerSerializer})
    def post(self, request: Request, pk: int) -> Response:
        calibration_round = round_for_user_get(request.user, pk)
        if not calibration_round.cohort.filter(pk=request.user.pk).exists():
            raise PermissionDenied("Only reviewers in the round's cohort answer it.")
        serializer = RoundAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = calibration_round.items.select_related("scenario").filter(scenario_id=data.pop("scenario")).first()
        if item is None:
            return Response({"scenario": ["That scenario is not in this round."]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            round_answer_submit(calibration_round=calibration_round, user=request.user, scenario=item.scenario, **data)
        except RoundError as error:
            return _bad_request(error)
        return Response({"scenario": item.scenario_id, **data}, status=status.HTTP_201_CREATED)


SNAPSHOT_FIELDS = (
    "n_raters",
    "n_units",
    "percent_agreement",
    "fleiss_kappa",
    "alpha",
    "alpha_low",
    "alpha_high",
    "ac1",
    "warnings",
)


def _snapshot_data(snapshot: AgreementSnapshot) -> dict[str, Any]:
    data = {name: getattr(snapshot, name) for name in SNAPSHOT_FIELDS}
    if snapshot.period_start:
        data.update(period_start=snapshot.period_start, period_end=snapshot.period_end)
    return data


class RoundFiguresApi(APIView):
    permission_classes = [has_role(*ALL_ROLES)]

    @extend_schema(responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        calibration_round = round_for_user_get(request.user, pk)
        if calibration_round.closed_at is None:
            raise PermissionDenied("Figures are shown once the round is closed.")
        snapshot = AgreementSnapshot.objects.filter(
            scope=AgreementSnapshot.Scope.ROUND, calibration_round=calibration_round
        ).first()
        if snapshot is None:
            raise Http404("This round has not been measured yet.")
        return Response(_snapshot_data(snapshot))


class TeamTrendApi(APIView):
    permission_classes = [has_role(*LEAD_ROLES)]

    @extend_schema(responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        team = team_for_lead_get(request.user, pk)
        granularity = request.query_params.get("granularity", Granularity.WEEK)
        if granularity not in Granularity.values:
            return Response({"granularity": ["Choose week or month."]}, status=status.HTTP_400_BAD_REQUEST)
        snapshots = AgreementSnapshot.objects.filter(
            scope=AgreementSnapshot.Scope.TEAM_PERIOD, team=team, granularity=granularity
        ).order_by("period_start")
        return Response(
            {"team": team.name, "granularity": granularity, "periods": [_snapshot_data(s) for s in snapshots]}
        )


class ContestedApi(APIView):
    permission_classes = [has_role(*STAFF_ROLES)]

    @extend_schema(responses=dict)
    def get(self, request: Request) -> Response:
        analysis = contested_scenarios()
        return Response(
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
                    "draft_changes": [
                        {"part": c.part, "before": c.before, "after": c.after} for c in item.draft_changes
                    ],
                    "answers": item.stats.n_answers,
                    "agreement": _finite(item.stats.agreement),
                    "facility": _finite(item.stats.facility),
                    "distribution": dict(item.stats.distribution),
                }
                for item in analysis.items
            ]
        )
