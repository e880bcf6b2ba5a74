"""Static checks of a decision list: rules that can never fire, clauses no rule reaches,
and combinations of facts that no rule decides.

A rule's conditions describe a box in the space of fact values (one accepted set per
fact). Walking the ordered list, we keep the region not yet decided as a list of
disjoint boxes and subtract each rule's box from it. A rule whose box meets none of
the remaining region can never fire; whatever region is left at the end is decided by
no rule. The space is small (tens of facts, a handful of values each), so this is exact
and instant, unlike enumerating every combination.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .model import Condition, Policy, Rule, Verdict
from .parsing import OUTCOME_FACTS, Problem, condition_domains

Box = dict[str, frozenset[Any]]


def _intersect(box: Box, rule: Rule) -> Box | None:
    result = dict(box)
    for condition in rule.conditions:
        common = result[condition.fact] & condition.accepted
        if not common:
            return None
        result[condition.fact] = common
    return result


def _subtract(box: Box, rule: Rule) -> list[Box]:
    """The parts of `box` where `rule` does not hold, as disjoint boxes."""
    if _intersect(box, rule) is None:
        return [box]
    pieces = []
    remaining = dict(box)
    for condition in rule.conditions:
        outside = remaining[condition.fact] - condition.accepted
        if outside:
            pieces.append({**remaining, condition.fact: outside})
        remaining[condition.fact] = remaining[condition.fact] & condition.accepted
    return pieces


def _example(box: Box) -> str:
    def pick(values: frozenset[Any]) -> Any:
        return sorted(values, key=repr)[0]

    return ", ".join(f"{fact}={pick(values)}" for fact, values in sorted(box.items()))


def check_decision_list(
    section: str,
    rules: Sequence[Rule],
    domains: Mapping[str, Sequence[Any]],
) -> tuple[list[Problem], set[str]]:
    """Return the problems of one ordered list and the ids of the rules that can fire."""
    used = {condition.fact for rule in rules for condition in rule.conditions}
    undecided: list[Box] = [{fact: frozenset(domains[fact]) for fact in sorted(used)}]
    problems: list[Problem] = []
    reachable: set[str] = set()
    for index, rule in enumerate(rules):
        if not any(_intersect(box, rule) is not None for box in undecided):
            problems.append(
                Problem(
                    f"{section}[{index}] ({rule.id})",
                    "this rule can never fire: the rules before it decide every case it matches",
                )
            )
            continue
        reachable.add(rule.id)
        undecided = [piece for box in undecided for piece in _subtract(box, rule)]
    if undecided:
        problems.append(
            Problem(
                section,
                f"no rule decides some facts, for example {_example(undecided[0])}; add a rule or a final catch-all",
            )
        )
    return problems, reachable


def validate(policy: Policy) -> list[Problem]:
    """Every reason the policy cannot be trusted to decide cases, as readable problems."""
    domains: dict[str, tuple[Any, ...]] = condition_domains(policy.facts)
    problems, reachable_rules = check_decision_list("rules", policy.rules, domains)

    reached_clauses = {rule.decision[1] for rule in policy.rules if rule.id in reachable_rules}
    for clause_id in policy.clauses:
        if clause_id not in reached_clauses:
            problems.append(Problem(f"clauses ({clause_id})", "no rule that can fire decides this clause"))

    # Enforcement and reporting see the outcome as one fact of (verdict, clause) pairs, so
    # that "verdict: violating" and "clause: P1" are never treated as compatible.
    outcomes = sorted({rule.decision for rule in policy.rules if rule.id in reachable_rules}, key=repr)
    for section, rules in (
        ("enforcement_rules", policy.enforcement_rules),
        ("reporting_rules", policy.reporting_rules),
    ):
        folded = [_fold_outcome_conditions(rule, outcomes) for rule in rules]
        section_domains = {**domains, "_outcome": tuple(outcomes)}
        section_problems, _ = check_decision_list(section, folded, section_domains)
        problems.extend(section_problems)

    used_facts = {
        condition.fact
        for rules in (policy.rules, policy.enforcement_rules, policy.reporting_rules)
        for rule in rules
        for condition in rule.conditions
    }
    feeds_derived = {"subject", "subject_age", "subject_appears_minor", "links_to_material", "recipient_is_minor"}
    for name, spec in policy.facts.items():
        if not spec.derived and name not in used_facts and name not in feeds_derived:
            problems.append(Problem(f"facts.{name}", "no rule uses this fact, so it can never change an outcome"))
    return problems


def _fold_outcome_conditions(rule: Rule, outcomes: Sequence[tuple[Verdict, str | None]]) -> Rule:
    accepted = set(outcomes)
    other = []
    for condition in rule.conditions:
        if condition.fact == "verdict":
            accepted &= {outcome for outcome in outcomes if outcome[0] in condition.accepted}
        elif condition.fact == "clause":
            accepted &= {outcome for outcome in outcomes if outcome[1] in condition.accepted}
        else:
            other.append(condition)
    if any(condition.fact in OUTCOME_FACTS for condition in rule.conditions):
        other.append(Condition(fact="_outcome", accepted=frozenset(accepted)))
    return Rule(id=rule.id, conditions=tuple(other), explanation=rule.explanation, decision=rule.decision)
