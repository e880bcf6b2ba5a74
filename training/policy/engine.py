"""Decide a case: `evaluate(policy, facts) -> Outcome`. Pure, deterministic, no Django."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import UNKNOWN_AGE, Outcome, Policy, Rule, Verdict
from .parsing import DERIVED_MINOR, DERIVED_SUBJECT_MINOR, Problem


class FactsInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def resolve_facts(policy: Policy, facts: Mapping[str, Any]) -> dict[str, Any]:
    """Check the given facts against the vocabulary, fill in defaults and derive the rest."""
    problems = []
    for name, value in facts.items():
        spec = policy.facts.get(name)
        if spec is None:
            problems.append(
                Problem(f"facts.{name}", f"unknown fact; known facts: {', '.join(sorted(policy.input_facts))}")
            )
        elif spec.derived:
            problems.append(Problem(f"facts.{name}", "this fact is derived by the engine and cannot be given"))
        elif not spec.accepts(value):
            problems.append(Problem(f"facts.{name}", f"{value!r} is not one of {spec.describe_values()}"))
    if problems:
        raise FactsInvalid(problems)
    resolved = {name: facts.get(name, spec.default) for name, spec in policy.input_facts.items()}
    subject_is_minor = is_subject_minor(policy, resolved)
    resolved[DERIVED_SUBJECT_MINOR] = "yes" if subject_is_minor else "no"
    minor_involved = subject_is_minor or resolved["links_to_material"] or resolved["recipient_is_minor"]
    resolved[DERIVED_MINOR] = "yes" if minor_involved else "no"
    return resolved


def is_subject_minor(policy: Policy, facts: Mapping[str, Any]) -> bool:
    """Whether the person depicted, discussed or addressed is a minor (interpretation I1 for unknown ages)."""
    if facts["subject"] == "children_generally":
        return True
    if facts["subject"] == "nobody":
        return False
    age = facts["subject_age"]
    if age == UNKNOWN_AGE:
        return bool(facts["subject_appears_minor"])
    return age < policy.minor_age_below


def _first_match(rules: tuple[Rule, ...], facts: Mapping[str, Any]) -> Rule:
    for rule in rules:
        if rule.matches(facts):
            return rule
    # Validation refuses a policy whose lists leave any facts undecided.
    raise LookupError("no rule decides these facts")


def evaluate(policy: Policy, facts: Mapping[str, Any]) -> Outcome:
    resolved = resolve_facts(policy, facts)
    rule = _first_match(policy.rules, resolved)
    verdict, clause_id = rule.decision
    with_outcome = {**resolved, "verdict": verdict.value, "clause": clause_id}
    enforcement = _first_match(policy.enforcement_rules, with_outcome)
    reporting = _first_match(policy.reporting_rules, with_outcome)
    clause = policy.clauses.get(clause_id) if clause_id else None
    report_to_ncmec = bool(
        clause and clause.report_to_ncmec and verdict is Verdict.VIOLATING and resolved["found_where"] == "on_platform"
    )
    return Outcome(
        verdict=verdict,
        clause_id=clause_id,
        action=enforcement.decision,
        report_to_ncmec=report_to_ncmec,
        report_route=reporting.decision,
        rule_id=rule.id,
        enforcement_rule_id=enforcement.id,
        reporting_rule_id=reporting.id,
        explanation=_explain(policy, rule, enforcement, reporting, report_to_ncmec),
    )


def _explain(policy: Policy, rule: Rule, enforcement: Rule, reporting: Rule, report_to_ncmec: bool) -> str:
    verdict, clause_id = rule.decision
    parts = [f"Rule {rule.id} decided: {rule.explanation}"]
    if clause_id:
        clause = policy.clauses[clause_id]
        parts.append(f"It implements clause {clause.id}, {clause.title} (source: {clause.source}).")
    else:
        parts.append("No clause applies.")
    action = policy.actions[enforcement.decision]
    parts.append(f"Action: {action.title} (rule {enforcement.id}).")
    if verdict is Verdict.VIOLATING:
        # The platform's own report and where a person who comes across it reports it are two answers.
        if report_to_ncmec:
            parts.append("The platform reports it to NCMEC (interpretation I3).")
        elif clause_id and policy.clauses[clause_id].report_to_ncmec:
            parts.append("The platform files no report to NCMEC: it was found elsewhere, not on the platform.")
        else:
            parts.append("The platform files no report to NCMEC: this clause carries none (interpretation I3).")
        route = policy.reporting_routes[reporting.decision]
        parts.append(f"Whoever comes across it reports it through: {route.title} (rule {reporting.id}).")
    return " ".join(parts)
