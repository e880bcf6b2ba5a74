"""Typed, immutable view of an encoded policy document. No Django here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    VIOLATING = "violating"
    NOT_VIOLATING = "not_violating"


class ClauseKind(StrEnum):
    VIOLATING_CONTENT = "violating_content"
    PROHIBITED_BEHAVIOUR = "prohibited_behaviour"
    PERMITTED = "permitted"

    @property
    def verdict(self) -> Verdict:
        if self is ClauseKind.PERMITTED:
            return Verdict.NOT_VIOLATING
        return Verdict.VIOLATING


class FactType(StrEnum):
    CHOICE = "choice"
    BOOL = "bool"
    AGE = "age"


UNKNOWN_AGE = "unknown"
MAX_AGE = 130


@dataclass(frozen=True)
class FactSpec:
    name: str
    summary: str
    type: FactType
    values: tuple[Any, ...]
    default: Any
    derived: bool = False

    def accepts(self, value: Any) -> bool:
        if self.type is FactType.AGE:
            if value == UNKNOWN_AGE:
                return True
            return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_AGE
        if self.type is FactType.BOOL:
            return isinstance(value, bool)
        return value in self.values

    def describe_values(self) -> str:
        if self.type is FactType.AGE:
            return f'a whole number of years from 0 to {MAX_AGE}, or "{UNKNOWN_AGE}"'
        return ", ".join(str(value).lower() if isinstance(value, bool) else str(value) for value in self.values)


@dataclass(frozen=True)
class Clause:
    id: str
    kind: ClauseKind
    title: str
    summary: str
    source: str
    differs_from: str = ""
    report_to_ncmec: bool = False

    @property
    def verdict(self) -> Verdict:
        return self.kind.verdict


@dataclass(frozen=True)
class Condition:
    fact: str
    accepted: frozenset[Any]

    def holds(self, facts: dict[str, Any]) -> bool:
        return facts[self.fact] in self.accepted


@dataclass(frozen=True)
class Rule:
    """One entry of an ordered decision list: the first rule whose conditions all hold decides."""

    id: str
    conditions: tuple[Condition, ...]
    explanation: str
    decision: Any
    source: str = ""

    def matches(self, facts: dict[str, Any]) -> bool:
        return all(condition.holds(facts) for condition in self.conditions)


@dataclass(frozen=True)
class Interpretation:
    id: str
    topic: str
    reading: str
    why: str


@dataclass(frozen=True)
class Choice:
    """An enforcement action or a reporting route, as the policy names it."""

    id: str
    title: str
    summary: str
    source: str = ""


@dataclass(frozen=True)
class Policy:
    slug: str
    version: str
    title: str
    effective_date: str
    minor_age_below: int
    facts: dict[str, FactSpec]
    clauses: dict[str, Clause]
    rules: tuple[Rule, ...]
    enforcement_rules: tuple[Rule, ...]
    reporting_rules: tuple[Rule, ...]
    actions: dict[str, Choice]
    reporting_routes: dict[str, Choice]
    interpretations: tuple[Interpretation, ...] = ()
    definitions: dict[str, Any] = field(default_factory=dict)

    @property
    def input_facts(self) -> dict[str, FactSpec]:
        return {name: spec for name, spec in self.facts.items() if not spec.derived}

    def clauses_of_kind(self, kind: ClauseKind) -> list[Clause]:
        return [clause for clause in self.clauses.values() if clause.kind is kind]


@dataclass(frozen=True)
class Outcome:
    """What the policy says about one case: the gold answer."""

    verdict: Verdict
    clause_id: str | None
    action: str
    report_to_ncmec: bool
    report_route: str
    rule_id: str
    enforcement_rule_id: str
    reporting_rule_id: str
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": str(self.verdict),
            "clause_id": self.clause_id,
            "action": self.action,
            "report_to_ncmec": self.report_to_ncmec,
            "report_route": self.report_route,
            "rule_id": self.rule_id,
            "enforcement_rule_id": self.enforcement_rule_id,
            "reporting_rule_id": self.reporting_rule_id,
            "explanation": self.explanation,
        }
