"""Reads for the encoded policy. The engine's Policy objects are cached per stored version."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import STAFF_ROLES, user_has_role

from .models import PolicyVersion, Scenario
from .policy import Clause, FactsInvalid, Outcome, Policy, Rule, diff_policies, evaluate, parse_policy
from .policy.diff import PolicyDiff
from .scenario_bank import OutcomeChange, outcome_changes

DEFAULT_POLICY = "cse"


def published_policy_version(policy: str = DEFAULT_POLICY) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(policy=policy, status=PolicyVersion.Status.PUBLISHED).first()


def policy_versions(policy: str = DEFAULT_POLICY) -> list[PolicyVersion]:
    return list(PolicyVersion.objects.filter(policy=policy).select_related("published_by", "created_by"))


def policy_version_get(*, pk: int) -> PolicyVersion:
    try:
        return PolicyVersion.objects.get(pk=pk)
    except PolicyVersion.DoesNotExist as error:
        raise Http404("No such policy version.") from error


@lru_cache(maxsize=64)
def _parsed(pk: int, stamp: str) -> Policy:
    # `stamp` (updated_at) is part of the key so that an edited draft is parsed again; a published
    # version never changes, so it is fetched and parsed once per process.
    return parse_policy(PolicyVersion.objects.values_list("document", flat=True).get(pk=pk))


def engine_policy(version: PolicyVersion) -> Policy:
    """The engine's view of a stored version, parsed once per change (per pk and updated_at).

    Only the version's pk and updated_at are read, so callers on hot paths may load versions with
    ``.defer("document")`` (or ``.defer("policy_version__document")`` through a relation): the
    document is then fetched once per process, here, rather than with every row."""
    return _parsed(version.pk, version.updated_at.isoformat())


def gold_outcome(version: PolicyVersion, facts: Mapping[str, Any]) -> Outcome:
    """The gold answer for a set of facts: always the engine's outcome, never typed by hand."""
    return evaluate(engine_policy(version), facts)


def policy_version_diff(before: PolicyVersion, after: PolicyVersion) -> PolicyDiff:
    return diff_policies(before.document, after.document)


# --- Scenarios ----------------------------------------------------------------------------------


def scenarios_for_policy_team() -> QuerySet[Scenario]:
    """Every revision of every scenario, with the people involved (one query with its joins)."""
    return Scenario.objects.select_related("author", "reviewer").order_by("key", "-revision")


def published_scenarios() -> QuerySet[Scenario]:
    return Scenario.objects.filter(status=Scenario.Status.PUBLISHED).order_by("key")


def quiz_scenarios() -> QuerySet[Scenario]:
    """The scenarios quizzes may draw: published, and not worked examples (those show their answers
    on lesson pages)."""
    return published_scenarios().filter(is_worked_example=False)


def scenario_get_for_user(*, user: Any, pk: int) -> Scenario:
    """A scenario the user may see: the policy team sees every revision; everyone else only
    published ones (404 for the rest, so their existence does not leak)."""
    queryset = Scenario.objects.select_related("author", "reviewer", "supersedes")
    if not user_has_role(user, STAFF_ROLES):
        queryset = queryset.filter(status=Scenario.Status.PUBLISHED)
    try:
        return queryset.get(pk=pk)
    except Scenario.DoesNotExist as error:
        raise Http404("No such scenario.") from error


def scenario_revisions(*, key: str) -> list[Scenario]:
    return list(Scenario.objects.filter(key=key).select_related("author", "reviewer").order_by("-revision"))


def scenario_history(*, scenario: Scenario) -> list[Any]:
    """Every recorded change of this revision, newest first, with who made it."""
    return list(scenario.history.select_related("history_user").order_by("-history_date", "-history_id"))


@dataclass(frozen=True)
class Gold:
    """The engine's answer for a scenario's facts, or why it cannot give one."""

    outcome: Outcome | None
    problem: str = ""

    @property
    def clause_id(self) -> str | None:
        return self.outcome.clause_id if self.outcome else None


def scenario_gold(version: PolicyVersion, facts: Mapping[str, Any]) -> Gold:
    try:
        return Gold(gold_outcome(version, facts))
    except FactsInvalid as error:
        return Gold(None, str(error))


def attach_gold(scenarios: Iterable[Scenario], version: PolicyVersion | None) -> list[Scenario]:
    """Set `scenario.gold` (a Gold) on each scenario, computed by the engine; no query."""
    scenarios = list(scenarios)
    for scenario in scenarios:
        scenario.gold = (
            scenario_gold(version, scenario.facts) if version else Gold(None, "No policy version is published yet.")
        )
    return scenarios


def scenario_tags() -> list[str]:
    tags: set[str] = set()
    for scenario_tags_ in Scenario.objects.exclude(status=Scenario.Status.RETIRED).values_list("tags", flat=True):
        tags.update(scenario_tags_ or [])
    return sorted(tags)


# --- Lessons ------------------------------------------------------------------------------------

CLAUSE_ID_PATTERN = re.compile(r"\b([VBP][0-9]+)\b")


@dataclass(frozen=True)
class WorkedExample:
    scenario: Scenario
    outcome: Outcome


@dataclass(frozen=True)
class Lesson:
    clause: Clause
    rules: list[Rule]
    neighbours: list[Clause]
    examples: list[WorkedExample]


@dataclass(frozen=True)
class LessonSummary:
    clause: Clause
    example_count: int


def lesson_summaries(version: PolicyVersion) -> list[LessonSummary]:
    """One entry per clause, in policy order, with how many worked examples its lesson shows."""
    policy = engine_policy(version)
    counts: dict[str, int] = {}
    for scenario in published_scenarios().filter(is_worked_example=True).only("facts"):
        gold = scenario_gold(version, scenario.facts)
        if gold.clause_id:
            counts[gold.clause_id] = counts.get(gold.clause_id, 0) + 1
    return [LessonSummary(clause, counts.get(clause.id, 0)) for clause in policy.clauses.values()]


def lesson_for_clause(version: PolicyVersion, clause_id: str) -> Lesson:
    """A clause's lesson: its summary, the rules that decide it, the clauses it is told apart
    from (named in `differs_from`), and the published worked examples the engine assigns to it."""
    policy = engine_policy(version)
    clause = policy.clauses.get(clause_id)
    if clause is None:
        raise Http404("No such clause.")
    neighbour_ids = [
        found for found in dict.fromkeys(CLAUSE_ID_PATTERN.findall(clause.differs_from)) if found != clause.id
    ]
    examples = []
    for scenario in published_scenarios().filter(is_worked_example=True):
        gold = scenario_gold(version, scenario.facts)
        if gold.outcome is not None and gold.clause_id == clause.id:
            examples.append(WorkedExample(scenario, gold.outcome))
    return Lesson(
        clause=clause,
        rules=[rule for rule in policy.rules if rule.decision[1] == clause.id],
        neighbours=[policy.clauses[found] for found in neighbour_ids if found in policy.clauses],
        examples=examples,
    )


# --- Impact of a policy change ------------------------------------------------------------------


def policy_impact(*, draft: PolicyVersion, published: PolicyVersion) -> list[OutcomeChange]:
    """Published scenarios whose gold answer would change if `draft` replaced `published`."""
    cases = [
        (scenario.key, scenario.title, scenario.facts)
        for scenario in published_scenarios().only("key", "title", "facts")
    ]
    return outcome_changes(engine_policy(published), engine_policy(draft), cases)


def scenario_ids_with_changed_gold(version_id: int) -> set[int]:
    """Published scenarios whose gold answer the published version ``version_id`` changed compared
    with the version it replaced (the one retired when it was published). Empty for a first version."""
    version = PolicyVersion.objects.get(pk=version_id)
    replaced = (
        PolicyVersion.objects.filter(policy=version.policy, status=PolicyVersion.Status.RETIRED)
        .exclude(pk=version.pk)
        .order_by("-retired_at")
        .first()
    )
    if replaced is None:
        return set()
    scenarios = list(published_scenarios().only("pk", "key", "title", "facts"))
    changed = {
        change.key
        for change in outcome_changes(
            engine_policy(replaced), engine_policy(version), [(s.key, s.title, s.facts) for s in scenarios]
        )
    }
    return {scenario.pk for scenario in scenarios if scenario.key in changed}


def policy_version_by_label_or_pk(value: str, policy: str = DEFAULT_POLICY) -> PolicyVersion | None:
    queryset = PolicyVersion.objects.filter(policy=policy)
    found = queryset.filter(version=value).first()
    if found is None and value.isdigit():
        found = queryset.filter(pk=int(value)).first()
    return found
