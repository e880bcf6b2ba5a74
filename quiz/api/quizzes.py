"""The quiz API: list quizzes, start an attempt, answer, submit, read results; leads assign quizzes.

The gold answer of an item is in a response only when the mode allows it: after the item is
answered in practice, after submission in an assessment.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import LEAD_ROLES, STAFF_ROLES, has_role
from accounts.models import Role
from config.schema import CONFLICT, NOT_FOUND
from quiz.api.fields import BoundedDateTimeField
from quiz.models.quizzes import Answer, Assignment, Attempt, AttemptItem, Quiz, Verdict
from quiz.selectors.quizzes import (
    attempt_get_for_owner,
    attempt_get_for_viewer,
    attempt_id_for_owner,
    attempt_items_with_answers,
    clause_breakdown,
    quiz_get_for_trainee,
    quizzes_assignable_by,
    quizzes_available_to,
    teams_led_by,
    trainees_led_by,
)
from quiz.services.attempts import (
    FINAL_ANSWER_MODES,
    RATIONALE_MAX_LENGTH,
    AnswerFinal,
    AttemptClosed,
    InputInvalid,
    QuizError,
    assignment_create,
    attempt_expire_if_due,
    attempt_start,
    attempt_submit,
    item_answer_record,
)
from training.api.fields import ActionField, ClauseField, RouteField, VerdictField
from training.models import Scenario

TRAINEES = has_role(Role.TRAINEE)
VIEWERS = has_role(Role.TRAINEE, *LEAD_ROLES, *STAFF_ROLES)
SETTERS = has_role(*LEAD_ROLES, *STAFF_ROLES)


class QuizSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quiz
        fields = ["id", "title", "description", "mode", "question_count", "time_limit_minutes", "pass_mark_percent"]


# The serializers of an answered item declare their fields rather than being ModelSerializers: they are
# built on every answer, and a ModelSerializer works its fields out from the model each time (a tenth of
# an answer's cost). Their schema is the same as the ModelSerializers'.
class GivenSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices, allow_blank=True, required=False)
    clause_id = serializers.CharField(
        allow_blank=True, max_length=10, required=False, help_text="Blank means no clause applies."
    )
    action = serializers.CharField(allow_blank=True, max_length=40, required=False)
    report_to_ncmec = serializers.BooleanField(allow_null=True, required=False)
    report_route = serializers.CharField(allow_blank=True, max_length=40, required=False)
    confidence = serializers.IntegerField(allow_null=True, min_value=0, max_value=9223372036854775807, required=False)
    rationale = serializers.CharField(allow_blank=True, required=False, style={"base_template": "textarea.html"})
    answered_at = serializers.DateTimeField()


class ExpectedSerializer(serializers.Serializer):
    """The engine's answer an answer was scored against."""

    verdict = serializers.CharField()
    clause_id = serializers.CharField(help_text="Empty when no clause applies.")
    action = serializers.CharField()
    report_to_ncmec = serializers.BooleanField()
    report_route = serializers.CharField()
    rule_id = serializers.CharField()
    explanation = serializers.CharField()


class PartResultSerializer(serializers.Serializer):
    given = serializers.JSONField()
    expected = serializers.JSONField()
    correct = serializers.BooleanField()
    points = serializers.FloatField()
    max_points = serializers.FloatField()


class FeedbackSerializer(serializers.Serializer):
    expected = ExpectedSerializer()
    points = serializers.FloatField(required=False)
    max_points = serializers.FloatField(required=False)
    part_results = serializers.DictField(child=PartResultSerializer(), help_text="Per scored part of the answer.")
    is_correct = serializers.BooleanField(required=False, help_text="Every asked part matches the gold answer.")
    is_critical_miss = serializers.BooleanField(
        required=False, help_text="Answered not violating when the case violates."
    )


class ScenarioPublicSerializer(serializers.Serializer):
    """What a trainee may see of a scenario before answering: never its facts or intended clause."""

    id = serializers.BigIntegerField(label="ID", read_only=True)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(style={"base_template": "textarea.html"})
    kind = serializers.ChoiceField(choices=Scenario.Kind.choices, required=False)
    difficulty = serializers.ChoiceField(choices=Scenario.Difficulty.choices, required=False)


class AttemptItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    scenario = ScenarioPublicSerializer()
    answer = GivenSerializer(allow_null=True, help_text="Null until the item is answered.")
    feedback = FeedbackSerializer(
        allow_null=True,
        help_text="The gold answer and the score: in practice once the item is answered, otherwise once the "
        "attempt is over; null before.",
    )


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=Quiz.Mode.choices)
    status = serializers.CharField(help_text="in_progress, submitted or expired.")
    policy_version = serializers.CharField(help_text="The policy version the attempt is scored under.")
    started_at = serializers.DateTimeField()
    deadline_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    answered = serializers.IntegerField()
    total = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text="Share of available points, 0 to 1; null while open.")
    critical_misses = serializers.IntegerField(allow_null=True, help_text="Null while the attempt is open.")
    passed = serializers.BooleanField(allow_null=True, help_text="Null while open; set only for assessments.")
    items = AttemptItemSerializer(many=True)


class ClauseResultSerializer(serializers.Serializer):
    clause = serializers.CharField(help_text="The expected clause, or the label for no clause.")
    items = serializers.IntegerField()
    correct = serializers.IntegerField()
    points = serializers.FloatField()
    max_points = serializers.FloatField()


class AttemptResultsSerializer(AttemptSerializer):
    user = serializers.CharField(help_text="The username of whoever took the attempt.")
    by_clause = ClauseResultSerializer(many=True)


class QuizListItemSerializer(QuizSerializer):
    assigned = serializers.BooleanField(help_text="Assigned to the trainee or their team, not only open to all.")

    class Meta(QuizSerializer.Meta):
        fields = [*QuizSerializer.Meta.fields, "assigned"]


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assignment
        fields = ["id", "quiz", "trainee", "team", "due_at"]
        read_only_fields = fields


def _item_payload(item: AttemptItem, attempt: Attempt) -> dict[str, Any]:
    answer = item.answer
    gold_visible = answer is not None and (attempt.mode in FINAL_ANSWER_MODES or not attempt.is_open)
    return {
        "position": item.position,
        "scenario": item.scenario,
        "answer": answer,
        "feedback": answer if gold_visible else None,
    }


def _attempt_payload(attempt: Attempt) -> dict[str, Any]:
    items = attempt_items_with_answers(attempt)
    finished = not attempt.is_open
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "mode": attempt.mode,
        "status": attempt.status,
        "policy_version": attempt.policy_version.version,
        "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at,
        "submitted_at": attempt.submitted_at,
        "answered": sum(1 for item in items if item.answer is not None),
        "total": len(items),
        "score": attempt.score if finished else None,
        "critical_misses": attempt.critical_misses if finished else None,
        "passed": attempt.passed if finished else None,
        "items": [_item_payload(item, attempt) for item in items],
    }


def _error(error: QuizError) -> Response:
    if isinstance(error, InputInvalid):
        return Response(error.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(error, AttemptClosed | AnswerFinal):
        return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
    return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)


class QuizListApi(APIView):
    permission_classes = [TRAINEES]

    @extend_schema(responses=QuizListItemSerializer(many=True))
    def get(self, request: Request) -> Response:
        quizzes = quizzes_available_to(request.user).order_by("title")
        assigned = set(
            Assignment.objects.filter(Q(trainee=request.user) | Q(team__memberships__user=request.user)).values_list(
                "quiz_id", flat=True
            )
        )
        for quiz in quizzes:
            quiz.assigned = quiz.pk in assigned
        return Response(QuizListItemSerializer(quizzes, many=True).data)


class AttemptStartApi(APIView):
    permission_classes = [TRAINEES]

    class AttemptStartInputSerializer(serializers.Serializer):
        quiz = serializers.IntegerField()

    @extend_schema(request=AttemptStartInputSerializer, responses={201: AttemptSerializer, 404: NOT_FOUND})
    def post(self, request: Request) -> Response:
        data = self.AttemptStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quiz = quiz_get_for_trainee(user=request.user, pk=data.validated_data["quiz"])
        try:
            attempt = attempt_start(user=request.user, quiz=quiz)
        except QuizError as error:
            return _error(error)
        return Response(AttemptSerializer(_attempt_payload(attempt)).data, status=status.HTTP_201_CREATED)


class AttemptDetailApi(APIView):
    permission_classes = [TRAINEES]

    @extend_schema(responses=AttemptSerializer)
    def get(self, request: Request, pk: int) -> Response:
        attempt = attempt_expire_if_due(attempt=attempt_get_for_owner(user=request.user, pk=pk))
        return Response(AttemptSerializer(_attempt_payload(attempt)).data)


class AnswerInputSerializer(serializers.Serializer):
    """A reviewer's answer to one scenario, in a quiz or a calibration round, as `answer_record` takes it."""

    scenario = serializers.IntegerField()
    verdict = VerdictField(required=False, allow_blank=True, default="")
    clause_id = ClauseField(required=False, allow_blank=True, default="")
    action = ActionField(required=False, allow_blank=True, default="")
    report_to_ncmec = serializers.BooleanField(required=False, allow_null=True, default=None)
    report_route = RouteField(required=False, allow_blank=True, default="")
    confidence = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=5)
    rationale = serializers.CharField(required=False, allow_blank=True, default="", max_length=RATIONALE_MAX_LENGTH)


class AnswerApi(APIView):
    permission_classes = [TRAINEES]

    @extend_schema(request=AnswerInputSerializer, responses={201: AttemptItemSerializer, 409: CONFLICT})
    def post(self, request: Request, pk: int) -> Response:
        attempt_id = attempt_id_for_owner(user=request.user, pk=pk)
        data = AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            item = item_answer_record(attempt=attempt_id, scenario=values.pop("scenario"), user=request.user, **values)
        except QuizError as error:
            return _error(error)
        return Response(AttemptItemSerializer(_item_payload(item, item.attempt)).data, status=status.HTTP_201_CREATED)


class SubmitApi(APIView):
    permission_classes = [TRAINEES]

    @extend_schema(request=None, responses=AttemptSerializer)
    def post(self, request: Request, pk: int) -> Response:
        attempt = attempt_get_for_owner(user=request.user, pk=pk)
        attempt = attempt_submit(attempt=attempt, user=request.user)
        return Response(AttemptSerializer(_attempt_payload(attempt)).data)


class ResultsApi(APIView):
    permission_classes = [VIEWERS]

    @extend_schema(responses={200: AttemptResultsSerializer, 409: CONFLICT})
    def get(self, request: Request, pk: int) -> Response:
        attempt = attempt_expire_if_due(attempt=attempt_get_for_viewer(user=request.user, pk=pk))
        if attempt.is_open:
            return Response({"detail": "This attempt has not been submitted yet."}, status=status.HTTP_409_CONFLICT)
        payload = _attempt_payload(attempt)
        payload["by_clause"] = clause_breakdown(Answer.objects.filter(attempt=attempt))
        payload["user"] = attempt.user.username
        return Response(AttemptResultsSerializer(payload).data)


class AssignmentCreateApi(APIView):
    permission_classes = [SETTERS]

    class AssignmentInputSerializer(serializers.Serializer):
        quiz = serializers.IntegerField()
        due_at = BoundedDateTimeField()
        trainee = serializers.IntegerField(required=False, allow_null=True, default=None)
        team = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(request=AssignmentInputSerializer, responses={201: AssignmentSerializer})
    def post(self, request: Request) -> Response:
        data = self.AssignmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        quiz = quizzes_assignable_by(request.user).filter(pk=values["quiz"]).first()
        if quiz is None:
            return Response({"quiz": "No such quiz that you may assign."}, status=status.HTTP_400_BAD_REQUEST)
        # Looked up among the caller's own teams and trainees only, so that an id cannot be probed.
        trainee = trainees_led_by(request.user).filter(pk=values["trainee"]).first() if values["trainee"] else None
        team = teams_led_by(request.user).filter(pk=values["team"]).first() if values["team"] else None
        if values["trainee"] and trainee is None:
            return Response({"trainee": "No such trainee in a team you lead."}, status=status.HTTP_400_BAD_REQUEST)
        if values["team"] and team is None:
            return Response({"team": "No such team that you lead."}, status=status.HTTP_400_BAD_REQUEST)
        try:
            assignment = assignment_create(
                assigned_by=request.user, quiz=quiz, due_at=values["due_at"], trainee=trainee, team=team
            )
        except QuizError as error:
            return _error(error)
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)
