"""Turn a policy document (the parsed YAML/JSON mapping) into a Policy, collecting every problem.

Problems are returned, not raised one at a time, so that a policy author sees the whole
list at once; `parse_policy` raises PolicyInvalid carrying all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import (
    Choice,
    Clause,
    ClauseKind,
    Condition,
    FactSpec,
    FactType,
    Interpretation,
    Policy,
    Rule,
    Verdict,
)

# Facts about the outcome so far, which enforcement and reporting rules may test.
OUTCOME_FACTS = ("verdict", "clause")
DERIVED_MINOR = "minor_involved"
DERIVED_SUBJECT_MINOR = "subject_is_minor"


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class PolicyInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _parse_facts(data: Mapping[str, Any], problems: list[Problem]) -> dict[str, FactSpec]:
    facts: dict[str, FactSpec] = {}
    raw_facts = data.get("facts")
    if not isinstance(raw_facts, Mapping) or not raw_facts:
        problems.append(Problem("facts", "the policy must declare its facts as a mapping of name to definition"))
        return facts
    for name, raw in raw_facts.items():
        where = f"facts.{name}"
        if not isinstance(raw, Mapping):
            problems.append(Problem(where, "a fact must be a mapping with a summary and values or a type"))
            continue
        declared_type = raw.get("type")
        if declared_type == "bool":
            fact_type, values = FactType.BOOL, (True, False)
        elif declared_type == "age":
            fact_type, values = FactType.AGE, ()
        elif declared_type is None:
            fact_type = FactType.CHOICE
            values = tuple(raw.get("values") or ())
            if not values:
                problems.append(Problem(where, "a choice fact needs a non-empty list of values"))
                continue
            if len(set(values)) != len(values):
                problems.append(Problem(where, "values are listed more than once"))
        else:
            problems.append(Problem(where, f'unknown type "{declared_type}"; use bool, age, or give values'))
            continue
        spec = FactSpec(
            name=name,
            summary=str(raw.get("summary", "")),
            type=fact_type,
            values=values,
            default=raw.get("default"),
            derived=bool(raw.get("derived", False)),
        )
        if not spec.derived and not spec.accepts(spec.default):
            problems.append(Problem(where, f"default {spec.default!r} is not one of {spec.describe_values()}"))
        facts[name] = spec
    for derived in (DERIVED_SUBJECT_MINOR, DERIVED_MINOR):
        if derived not in facts or not facts[derived].derived:
            problems.append(Problem(f"facts.{derived}", "the engine derives this fact: declare it with derived: true"))
    for needed in ("subject", "subject_age", "subject_appears_minor", "links_to_material", "recipient_is_minor"):
        if needed not in facts:
            problems.append(
                Problem(
                    f"facts.{needed}",
                    f"the engine needs this fact to derive {DERIVED_SUBJECT_MINOR} and {DERIVED_MINOR}",
                )
            )
    return facts


def _parse_clauses(data: Mapping[str, Any], problems: list[Problem]) -> dict[str, Clause]:
    clauses: dict[str, Clause] = {}
    for index, raw in enumerate(data.get("clauses") or ()):
        where = f"clauses[{index}]"
        if not isinstance(raw, Mapping) or not raw.get("id"):
            problems.append(Problem(where, "a clause needs an id"))
            continue
        clause_id = str(raw["id"])
        where = f"clauses[{index}] ({clause_id})"
        if clause_id in clauses:
            problems.append(Problem(where, "this clause id is used twice"))
            continue
        try:
            kind = ClauseKind(raw.get("kind"))
        except ValueError:
            problems.append(
                Problem(
                    where,
                    f'unknown kind "{raw.get("kind")}"; use one of {", ".join(kind.value for kind in ClauseKind)}',
                )
            )
            continue
        missing = [key for key in ("title", "summary", "source") if not raw.get(key)]
        if missing:
            problems.append(Problem(where, f"missing {', '.join(missing)}"))
            continue
        clauses[clause_id] = Clause(
            id=clause_id,
            kind=kind,
            title=str(raw["title"]),
            summary=" ".join(str(raw["summary"]).split()),
            source=str(raw["source"]),
            differs_from=" ".join(str(raw.get("differs_from", "")).split()),
            report_to_ncmec=bool(raw.get("report_to_ncmec", False)),
        )
    if not clauses:
        problems.append(Problem("clauses", "the policy must list at least one clause"))
    return clauses


def _parse_conditions(
    raw_when: Any,
    where: str,
    allowed: Mapping[str, tuple[Any, ...]],
    problems: list[Problem],
) -> tuple[Condition, ...] | None:
    if raw_when is None:
        raw_when = {}
    if not isinstance(raw_when, Mapping):
        problems.append(Problem(where, "`when` must be a mapping of fact to value or list of values"))
        return None
    conditions = []
    ok = True
    for fact, raw_value in raw_when.items():
        if fact not in allowed:
            problems.append(Problem(where, f'unknown fact "{fact}"; known facts: {", ".join(sorted(allowed))}'))
            ok = False
            continue
        values = raw_value if isinstance(raw_value, list) else [raw_value]
        domain = allowed[fact]
        unknown = [value for value in values if value not in domain]
        if unknown:
            shown = ", ".join(repr(value) for value in unknown)
            accepted = ", ".join(str(value) for value in domain)
            problems.append(Problem(where, f'unknown value {shown} for fact "{fact}"; accepted: {accepted}'))
            ok = False
            continue
        if not values:
            problems.append(Problem(where, f'fact "{fact}" has an empty list of values, so the rule can never fire'))
            ok = False
            continue
        conditions.append(Condition(fact=fact, accepted=frozenset(values)))
    return tuple(conditions) if ok else None


def _parse_rule_list(
    data: Mapping[str, Any],
    section: str,
    allowed: Mapping[str, tuple[Any, ...]],
    decide: Any,
    problems: list[Problem],
) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: set[str] = set()
    raw_rules = data.get(section)
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(Problem(section, "the policy must give this decision list"))
        return ()
    for index, raw in enumerate(raw_rules):
        where = f"{section}[{index}]"
        if not isinstance(raw, Mapping) or not raw.get("id"):
            problems.append(Problem(where, "a rule needs an id"))
            continue
        rule_id = str(raw["id"])
        where = f"{section}[{index}] ({rule_id})"
        if rule_id in seen:
            problems.append(Problem(where, "this rule id is used twice"))
            continue
        seen.add(rule_id)
        if not raw.get("explanation"):
            problems.append(Problem(where, "a rule needs an explanation that a trainee can read"))
        conditions = _parse_conditions(raw.get("when"), where, allowed, problems)
        decision = decide(raw, where)
        if conditions is None or decision is None:
            continue
        rules.append(
            Rule(
                id=rule_id,
                conditions=conditions,
                explanation=" ".join(str(raw.get("explanation", "")).split()),
                decision=decision,
                source=str(raw.get("source", "")),
            )
        )
    return tuple(rules)


def _parse_choices(data: Mapping[str, Any], section: str, problems: list[Problem]) -> dict[str, Choice]:
    raw_choices = data.get(section)
    if not isinstance(raw_choices, Mapping) or not raw_choices:
        problems.append(Problem(section, "the policy must name these as a mapping of id to title and summary"))
        return {}
    choices = {}
    for choice_id, raw in raw_choices.items():
        if not isinstance(raw, Mapping) or not raw.get("title"):
            problems.append(Problem(f"{section}.{choice_id}", "needs a title and a summary"))
            continue
        choices[choice_id] = Choice(
            id=str(choice_id),
            title=str(raw["title"]),
            summary=" ".join(str(raw.get("summary", "")).split()),
            source=str(raw.get("source", "")),
        )
    return choices


def condition_domains(facts: Mapping[str, FactSpec]) -> dict[str, tuple[Any, ...]]:
    """Facts that rules may test, with every value each can take. Ages are tested through minor_involved."""
    return {name: spec.values for name, spec in facts.items() if spec.type is not FactType.AGE}


def parse_policy_document(data: Mapping[str, Any]) -> tuple[Policy | None, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        return None, [Problem("policy", "the document must be a mapping at the top level")]
    for key in ("policy", "version", "title", "effective_date"):
        if not data.get(key):
            problems.append(Problem(key, "missing"))
    definitions = data.get("definitions") or {}
    minor_age_below = definitions.get("minor_age_below") if isinstance(definitions, Mapping) else None
    if not isinstance(minor_age_below, int) or isinstance(minor_age_below, bool) or not 1 <= minor_age_below <= 30:
        problems.append(Problem("definitions.minor_age_below", "must be a whole number of years (18 in the source)"))
        minor_age_below = 18

    facts = _parse_facts(data, problems)
    clauses = _parse_clauses(data, problems)
    actions = _parse_choices(data, "actions", problems)
    routes = _parse_choices(data, "reporting_routes", problems)
    domains = condition_domains(facts)
    outcome_domains = {
        **domains,
        "verdict": tuple(verdict.value for verdict in Verdict),
        "clause": (*clauses.keys(), None),
    }

    def decide_clause(raw: Mapping[str, Any], where: str) -> tuple[Verdict, str | None] | None:
        clause_id = raw.get("clause")
        if clause_id is None:
            if raw.get("verdict") != Verdict.NOT_VIOLATING:
                problems.append(Problem(where, "a rule without a clause must say verdict: not_violating"))
                return None
            return Verdict.NOT_VIOLATING, None
        if clause_id not in clauses:
            problems.append(Problem(where, f'unknown clause "{clause_id}"'))
            return None
        return clauses[clause_id].verdict, clause_id

    def decide_action(raw: Mapping[str, Any], where: str) -> str | None:
        if raw.get("action") not in actions:
            problems.append(Problem(where, f'unknown action "{raw.get("action")}"; known: {", ".join(actions)}'))
            return None
        return str(raw["action"])

    def decide_route(raw: Mapping[str, Any], where: str) -> str | None:
        if raw.get("route") not in routes:
            problems.append(Problem(where, f'unknown route "{raw.get("route")}"; known: {", ".join(routes)}'))
            return None
        return str(raw["route"])

    rules = _parse_rule_list(data, "rules", domains, decide_clause, problems)
    enforcement_rules = _parse_rule_list(data, "enforcement_rules", outcome_domains, decide_action, problems)
    reporting_rules = _parse_rule_list(data, "reporting_rules", outcome_domains, decide_route, problems)

    interpretations = []
    for index, raw in enumerate(data.get("interpretations") or ()):
        if not isinstance(raw, Mapping) or not all(raw.get(key) for key in ("id", "topic", "reading", "why")):
            problems.append(Problem(f"interpretations[{index}]", "needs an id, a topic, a reading and why"))
            continue
        interpretations.append(
            Interpretation(
                id=str(raw["id"]),
                topic=str(raw["topic"]),
                reading=" ".join(str(raw["reading"]).split()),
                why=" ".join(str(raw["why"]).split()),
            )
        )

    if problems:
        return None, problems
    policy = Policy(
        slug=str(data["policy"]),
        version=str(data["version"]),
        title=str(data["title"]),
        effective_date=str(data["effective_date"]),
        minor_age_below=minor_age_below,
        facts=facts,
        clauses=clauses,
        rules=rules,
        enforcement_rules=enforcement_rules,
        reporting_rules=reporting_rules,
        actions=actions,
        reporting_routes=routes,
        interpretations=tuple(interpretations),
        definitions=dict(definitions),
    )
    return policy, problems
