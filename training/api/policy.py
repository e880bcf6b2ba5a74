"""Read the encoded policy, compare versions and try facts against it through the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import STAFF_ROLES, has_role, user_has_role
from accounts.models import Role
from config.schema import NOT_FOUND

from ..models import PolicyVersion
from ..policy import FactsInvalid
from ..selectors import gold_outcome, policy_version_diff, policy_versions, published_policy_version
from .fields import FactsField

ALL_ROLES = (Role.TRAINEE, Role.TEAM_LEAD, Role.POLICY_TEAM, Role.ADMIN)


class PolicyVersionSerializer(serializers.ModelSerializer):
    published_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who published it; null when not recorded."
    )

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "policy",
            "version",
            "title",
            "status",
            "effective_date",
            "published_at",
            "published_by",
            "change_note",
            "based_on",
            "document",
        ]


class PolicyVersionSummarySerializer(PolicyVersionSerializer):
    class Meta(PolicyVersionSerializer.Meta):
        fields = [field for field in PolicyVersionSerializer.Meta.fields if field != "document"]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class EntryChangeSerializer(serializers.Serializer):
    section = serializers.CharField(help_text="The part of the document: clauses, rules, actions, ...")
    id = serializers.CharField(help_text="The id of the entry within its section.")
    change = serializers.ChoiceField(choices=["added", "removed", "changed", "moved"])
    fields = FieldChangeSerializer(many=True, help_text="What changed in a changed entry.")
    before_position = serializers.IntegerField(allow_null=True)
    after_position = serializers.IntegerField(allow_null=True)


class PolicyDiffSerializer(serializers.Serializer):
    changes = EntryChangeSerializer(many=True)


def _version_for(request: Request, pk: int) -> PolicyVersion:
    """Everyone may read the published version; drafts and retired versions only the policy team."""
    version = PolicyVersion.objects.filter(pk=pk).first()
    if version is None:
        raise NotFound("No such policy version.")
    if version.status != PolicyVersion.Status.PUBLISHED and not user_has_role(request.user, STAFF_ROLES):
        raise NotFound("No such policy version.")
    return version


class PublishedPolicyView(APIView):
    permission_classes = [has_role(*ALL_ROLES)]

    @extend_schema(
        responses={200: PolicyVersionSerializer, 404: NOT_FOUND}, summary="The published version of the CSE policy"
    )
    def get(self, request: Request) -> Response:
        version = published_policy_version()
        if version is None:
            raise NotFound("No policy version is published yet.")
        return Response(PolicyVersionSerializer(version).data)


class PolicyVersionListView(APIView):
    permission_classes = [has_role(*STAFF_ROLES)]

    @extend_schema(
        responses=PolicyVersionSummarySerializer(many=True), summary="Every version: drafts, published, retired"
    )
    def get(self, request: Request) -> Response:
        return Response(PolicyVersionSummarySerializer(policy_versions(), many=True).data)


class PolicyVersionDetailView(APIView):
    permission_classes = [has_role(*ALL_ROLES)]

    @extend_schema(responses=PolicyVersionSerializer, summary="One version with its document")
    def get(self, request: Request, pk: int) -> Response:
        return Response(PolicyVersionSerializer(_version_for(request, pk)).data)


class PolicyVersionDiffView(APIView):
    permission_classes = [has_role(*STAFF_ROLES)]

    @extend_schema(responses=PolicyDiffSerializer, summary="What changed between two versions")
    def get(self, request: Request, pk: int, other_pk: int) -> Response:
        diff = policy_version_diff(_version_for(request, pk), _version_for(request, other_pk))
        return Response(PolicyDiffSerializer(diff).data)


class EvaluateFactsSerializer(serializers.Serializer):
    facts = FactsField(help_text="Facts in the policy's vocabulary; facts left out take their default.")
    version = serializers.IntegerField(required=False, help_text="A policy version id; the published one if left out.")


class EvaluateFactsView(APIView):
    """What the engine decides for a set of facts. For the policy team only: trainees never get a gold oracle."""

    permission_classes = [has_role(*STAFF_ROLES)]

    @extend_schema(
        request=EvaluateFactsSerializer,
        responses={
            200: inline_serializer(
                "Outcome",
                {
                    "verdict": serializers.CharField(),
                    "clause_id": serializers.CharField(allow_null=True),
                    "action": serializers.CharField(),
                    "report_to_ncmec": serializers.BooleanField(),
                    "report_route": serializers.CharField(),
                    "rule_id": serializers.CharField(),
                    "enforcement_rule_id": serializers.CharField(),
                    "reporting_rule_id": serializers.CharField(),
                    "explanation": serializers.CharField(),
                },
            ),
            404: NOT_FOUND,
        },
        summary="Decide a case described by facts",
    )
    def post(self, request: Request) -> Response:
        serializer = EvaluateFactsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "version" in serializer.validated_data:
            version = _version_for(request, serializer.validated_data["version"])
        else:
            version = published_policy_version()
            if version is None:
                raise NotFound("No policy version is published yet.")
        try:
            outcome = gold_outcome(version, serializer.validated_data["facts"])
        except FactsInvalid as error:
            raise serializers.ValidationError({"facts": [str(problem) for problem in error.problems]}) from error
        return Response(outcome.as_dict())
