"""REST API for calibration rounds and their figures. Thin: validate, call a service or a
selector, serialize. Blindness: a reviewer only ever reads their own answers; every reviewer's
answers (for the team's leads and the policy team), the distribution and the figures are served
only once the round is closed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import LEAD_ROLES, has_role
from accounts.models import Role, Team, User
from analytics.api import AgreementFiguresSerializer
from analytics.models import AGREEMENT_FIGURE_FIELDS, AgreementSnapshot
from calibration.selectors import (
    cohort_candidates,
    is_staff_reader,
    round_answers,
    round_distribution,
    round_for_user_get,
    round_is_managed_by,
    rounds_for_user,
    teams_led_by,
)
from calibration.services import (
    RoundError,
    answerable_scenarios,
    round_answer_submit,
    round_close,
    round_create,
    round_state,
)
from config.schema import BAD_REQUEST
from quiz.api.fields import BoundedDateTimeField
from quiz.api.quizzes import AnswerInputSerializer

ALL_ROLES = (Role.TRAINEE, Role.TEAM_LEAD, Role.POLICY_TEAM, Role.ADMIN)
# What round_state returns.
ROUND_STATES = ("scheduled", "open", "overdue", "closed", "cancelled")


def _bad_request(error: RoundError) -> Response:
    body = {field: [message] for field, message in error.errors.items()} or {"detail": str(error)}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    opens_at = BoundedDateTimeField()
    closes_at = BoundedDateTimeField()
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Null until a lead closes it.")
    state = serializers.SerializerMethodField()
    cohort = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)
    scenarios = serializers.PrimaryKeyRelatedField(queryset=answerable_scenarios(), many=True, required=False)
    auto_count = serializers.IntegerField(required=False, min_value=1, max_value=50, write_only=True)
    allow_fewer = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text="Create the round with fewer scenarios when the bank has fewer blind ones than auto_count asks.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.context.get("user")
        if user is not None:
            # Only the caller's own teams and their reviewers can be named: any other id gets the
            # same answer whether it exists or not, so ids cannot be probed for teams or usernames.
            teams = teams_led_by(user)
            self.fields["team"].queryset = teams
            self.fields["team"].error_messages["does_not_exist"] = "You do not lead this team."
            cohort = self.fields["cohort"].child_relation
            cohort.queryset = cohort_candidates(teams)
            cohort.error_messages["does_not_exist"] = 'User "{pk_value}" is not a reviewer in a team you lead.'

    @extend_schema_field(serializers.ChoiceField(choices=ROUND_STATES))
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
        serializer = RoundSerializer(data=request.data, context={"user": request.user})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
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
                allow_fewer=data.get("allow_fewer", False),
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

    @extend_schema(request=None, responses={200: RoundSerializer, 400: BAD_REQUEST})
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
    """An answer given in a round, with who gave it. Nothing about gold or scoring is in it."""

    reviewer = serializers.CharField(source="attempt.user.username", help_text="The reviewer's username.")
    scenario = serializers.IntegerField(source="scenario_id")
    verdict = serializers.CharField()
    clause_id = serializers.CharField()
    action = serializers.CharField()
    report_to_ncmec = serializers.BooleanField(allow_null=True)
    report_route = serializers.CharField()
    confidence = serializers.IntegerField(allow_null=True)
    rationale = serializers.CharField()
    answered_at = serializers.DateTimeField()


class RoundAnswersApi(APIView):
    """GET: the round's answers. A reviewer in the cohort reads only their own, at any time; the
    team's leads and the policy team read every reviewer's, once the round is closed.
    POST: a reviewer in the cohort submits their own answer."""

    permission_classes = [has_role(*ALL_ROLES)]

    @extend_schema(
        responses=RoundAnswerSerializer(many=True),
        description="A reviewer's own answers; every reviewer's for the team's leads and the policy team, "
        "once the round is closed (403 before). Ordered by reviewer, then the round's order.",
    )
    def get(self, request: Request, pk: int) -> Response:
        calibration_round = round_for_user_get(request.user, pk)
        if calibration_round.cohort.filter(pk=request.user.pk).exists():
            answers = round_answers(calibration_round, reviewer=request.user)
        elif not (is_staff_reader(request.user) or round_is_managed_by(calibration_round, request.user)):
            raise PermissionDenied("Only the team's leads and the policy team read a round's answers.")
        elif calibration_round.closed_at is None:
            raise PermissionDenied("Answers stay blind until the round is closed.")
        else:
            answers = round_answers(calibration_round)
        return Response(RoundAnswerSerializer(answers, many=True).data)

    @extend_schema(request=AnswerInputSerializer, responses={201: RoundAnswerSerializer})
    def post(self, request: Request, pk: int) -> Response:
        calibration_round = round_for_user_get(request.user, pk)
        if not calibration_round.cohort.filter(pk=request.user.pk).exists():
            raise PermissionDenied("Only reviewers in the round's cohort answer it.")
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = calibration_round.items.select_related("scenario").filter(scenario_id=data.pop("scenario")).first()
        if item is None:
            return Response({"scenario": ["That scenario is not in this round."]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            answer = round_answer_submit(
                calibration_round=calibration_round, user=request.user, scenario=item.scenario, **data
            )
        except RoundError as error:
            return _bad_request(error)
        answer.attempt.user = request.user
        return Response(RoundAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)


class ScenarioDistributionSerializer(serializers.Serializer):
    scenario = serializers.IntegerField(help_text="The scenario's id.")
    key = serializers.CharField(help_text="The scenario's key.")
    distribution = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='How many reviewers chose each decision: a clause id, or "none" for no clause.',
    )


class RoundFiguresSerializer(AgreementFiguresSerializer):
    scenarios = ScenarioDistributionSerializer(
        many=True, help_text="Per scenario, in the round's order: the answer counts, without names."
    )


class RoundFiguresApi(APIView):
    permission_classes = [has_role(*ALL_ROLES)]

    @extend_schema(
        responses=RoundFiguresSerializer,
        description="The round's agreement and each scenario's answer distribution, once it is closed (403 before).",
    )
    def get(self, request: Request, pk: int) -> Response:
        calibration_round = round_for_user_get(request.user, pk)
        if calibration_round.closed_at is None:
            raise PermissionDenied("Figures are shown once the round is closed.")
        snapshot = AgreementSnapshot.objects.filter(
            scope=AgreementSnapshot.Scope.ROUND, calibration_round=calibration_round
        ).first()
        if snapshot is None:
            raise Http404("This round has not been measured yet.")
        figures = {name: getattr(snapshot, name) for name in AGREEMENT_FIGURE_FIELDS}
        figures["scenarios"] = round_distribution(calibration_round)
        return Response(RoundFiguresSerializer(figures).data)
