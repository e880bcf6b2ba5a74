"""Shapes of scenarios in the API. Two shapes: one for everybody (no facts, no intended clause,
no gold answer), one for the policy team (with them). No business rule lives here."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import SCENARIO_CONTENT_FIELDS, Scenario


class PublishedScenarioSerializer(serializers.ModelSerializer):
    """What a reviewer may see before answering: the case, never its answer. Not even its key: keys
    are named after the intended clause (V1-004), so a key would give the answer away; nor its tags,
    which authors write by topic and boundary ("P1-boundary")."""

    class Meta:
        model = Scenario
        fields = ["id", "revision", "title", "text", "kind", "difficulty"]
        read_only_fields = fields


class GoldSerializer(serializers.Serializer):
    verdict = serializers.CharField()
    clause_id = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    report_to_ncmec = serializers.BooleanField()
    report_route = serializers.CharField()
    rule_id = serializers.CharField()
    enforcement_rule_id = serializers.CharField()
    reporting_rule_id = serializers.CharField()
    explanation = serializers.CharField()


class PolicyTeamScenarioSerializer(serializers.ModelSerializer):
    """Everything about a revision, with the engine's answer under the published policy.

    `gold` is null when the facts no longer fit the published vocabulary; `gold_problem` says why.
    """

    gold = serializers.SerializerMethodField()
    gold_problem = serializers.SerializerMethodField()
    author = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who wrote this revision."
    )
    reviewer = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who reviewed it; null until reviewed."
    )
    supersedes = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The revision this one replaces; null for a first revision."
    )

    class Meta:
        model = Scenario
        fields = [
            "id",
            "key",
            "revision",
            "status",
            *SCENARIO_CONTENT_FIELDS,
            "gold",
            "gold_problem",
            "supersedes",
            "author",
            "reviewer",
            "review_note",
            "created_at",
            "submitted_at",
            "published_at",
            "retired_at",
        ]
        read_only_fields = fields

    # The view attaches `gold` (selectors.attach_gold) before serializing; these only read it.
    @extend_schema_field(GoldSerializer(allow_null=True))
    def get_gold(self, scenario: Scenario) -> dict | None:
        outcome = scenario.gold.outcome
        return GoldSerializer(outcome.as_dict()).data if outcome else None

    def get_gold_problem(self, scenario: Scenario) -> str:
        return scenario.gold.problem
