"""Time the policy engine, and check its static validation against a brute-force reference.

    python benchmarks/policy_engine.py [--repeats 7] [--free conduct,content_form,...] [--full]

1. ``evaluate``: decides the facts of every shipped scenario (training/scenarios/*.yaml) under the
   shipped policy, many passes, and reports cases per second (best of N repeats).
2. ``check_policy_document``: parses and validates the whole shipped policy (best of N).
3. Reachability, two ways, on a REDUCED vocabulary: every fact a rule tests is fixed to one value
   except the ``--free`` ones (by default six for the rules list, and the four facts besides the
   outcome that the enforcement and reporting lists test), for each ordered list (rules, enforcement_rules,
   reporting_rules):

   * box method: ``training.policy.validation.check_decision_list``, the algorithm
     ``check_policy_document`` uses (region subtraction over boxes of fact values);
   * brute force: enumerate the full cartesian product of the reduced domains, find the first
     rule that matches each point, and collect the rules that ever fire.

   Both must name the same rules; the script exits 1 if they do not. ``--full`` also brute-forces
   the rules list over the complete vocabulary (about 1.2 million points; some seconds).

Pure Python: no database and no Django settings.
"""

from __future__ import annotations

import argparse
import itertools
import math
import platform
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from training.policy import (
    DEFAULT_POLICY_FILE,
    Policy,
    Rule,
    check_policy_document,
    evaluate,
    parse_policy,
    read_policy_file,
)
from training.policy.parsing import condition_domains
from training.policy.validation import _fold_outcome_conditions, check_decision_list
from training.scenario_bank import bank_files, read_bank

BANK_DIR = Path(__file__).resolve().parent.parent / "training" / "scenarios"
# Six facts of the rules list, and the four facts the enforcement and reporting lists test besides
# the outcome: each list keeps free the ones it uses.
DEFAULT_FREE = (
    "conduct",
    "content_form",
    "sexual_context",
    "subject_is_minor",
    "stance",
    "setting",
    "found_where",
    "malicious_intent",
    "prior_violations",
    "host_country",
)
# Values for the facts that are not free: chosen so that many rules stay in play.
FIXED = {
    "minor_involved": "yes",
    "subject_is_minor": "yes",
    "figure": "human",
    "recipient_is_minor": False,
    "links_to_material": False,
    "nudity": False,
    "self_disclosure": False,
    "found_where": "on_platform",
    "malicious_intent": "identified",
    "prior_violations": "none",
    "host_country": "unknown",
}


def best_of(repeats: int, function: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time in seconds over `repeats` calls after one untimed warm-up, and the last result."""
    result = function()
    best = math.inf
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


# --- Reachability two ways -----------------------------------------------------------------------


def decision_lists(policy: Policy) -> dict[str, tuple[Sequence[Rule], dict[str, tuple[Any, ...]]]]:
    """The three ordered lists with the domains their conditions range over, as validation sees them:
    enforcement and reporting rules test the outcome as one fact of (verdict, clause) pairs."""
    domains = dict(condition_domains(policy.facts))
    _, reachable = check_decision_list("rules", policy.rules, domains)
    outcomes = tuple(sorted({rule.decision for rule in policy.rules if rule.id in reachable}, key=repr))
    lists = {"rules": (policy.rules, domains)}
    for section, rules in (
        ("enforcement_rules", policy.enforcement_rules),
        ("reporting_rules", policy.reporting_rules),
    ):
        folded = [_fold_outcome_conditions(rule, outcomes) for rule in rules]
        lists[section] = (folded, {**domains, "_outcome": outcomes})
    return lists


def reduce_domains(
    rules: Sequence[Rule], domains: Mapping[str, tuple[Any, ...]], free: Sequence[str]
) -> dict[str, tuple[Any, ...]]:
    """The domains of the facts `rules` test, each fact not in `free` fixed to one value."""
    used = sorted({condition.fact for rule in rules for condition in rule.conditions})
    reduced = {}
    for fact in used:
        values = tuple(domains[fact])
        if fact in free or fact == "_outcome":
            reduced[fact] = values
        else:
            fixed = FIXED.get(fact, values[0])
            reduced[fact] = (fixed,) if fixed in values else values[:1]
    return reduced


def reachable_by_boxes(rules: Sequence[Rule], domains: Mapping[str, tuple[Any, ...]]) -> set[str]:
    _, reachable = check_decision_list("benchmark", rules, domains)
    return reachable


def reachable_by_brute_force(rules: Sequence[Rule], domains: Mapping[str, tuple[Any, ...]]) -> set[str]:
    """The naive way: every point of the product, first matching rule."""
    facts = list(domains)
    fired = set()
    for values in itertools.product(*(domains[fact] for fact in facts)):
        point = dict(zip(facts, values, strict=True))
        for rule in rules:
            if all(point[condition.fact] in condition.accepted for condition in rule.conditions):
                fired.add(rule.id)
                break
    return fired


# --- Reporting -----------------------------------------------------------------------------------


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--passes", type=int, default=20, help="passes over the bank per timed evaluate run")
    parser.add_argument("--free", default=",".join(DEFAULT_FREE), help="comma-separated facts left free")
    parser.add_argument("--full", action="store_true", help="also brute-force the rules over the whole vocabulary")
    options = parser.parse_args(argv)
    free = [name for name in options.free.split(",") if name]

    document = read_policy_file(DEFAULT_POLICY_FILE)
    policy = parse_policy(document)
    entries, problems = read_bank(bank_files(BANK_DIR))
    if problems:
        print("The shipped bank does not load:", *problems, sep="\n  ")
        return 1
    cases = [entry.facts for entry in entries]

    print(f"Python {platform.python_version()} on {platform.machine()}, best of {options.repeats} repeats")
    print(f"Policy {policy.slug} {policy.version}: {len(policy.rules)} rules, {len(policy.facts)} facts")
    print()

    def evaluate_all() -> int:
        for _ in range(options.passes):
            for facts in cases:
                evaluate(policy, facts)
        return options.passes * len(cases)

    seconds, decided = best_of(options.repeats, evaluate_all)
    print(
        f"evaluate: {len(cases)} shipped scenarios x {options.passes} passes = {decided} cases in "
        f"{seconds * 1000:.1f} ms: {decided / seconds:,.0f} cases/s ({seconds / decided * 1e6:.1f} us per case)"
    )
    validate_seconds, (checked, check_problems) = best_of(options.repeats, lambda: check_policy_document(document))
    if checked is None:
        print("The shipped policy does not validate:", *check_problems, sep="\n  ")
        return 1
    print(f"check_policy_document (whole policy, full vocabulary): {validate_seconds * 1000:.2f} ms")
    print()

    rows = [["list", "free facts", "points", "boxes (ms)", "brute force (ms)", "ratio", "rules firing", "agree"]]
    disagreements = []
    for section, (rules, domains) in decision_lists(policy).items():
        reduced = reduce_domains(rules, domains, free)
        points = math.prod(len(values) for values in reduced.values())
        box_seconds, by_boxes = best_of(options.repeats, lambda r=rules, d=reduced: reachable_by_boxes(r, d))
        brute_seconds, by_brute = best_of(
            max(1, options.repeats // 3), lambda r=rules, d=reduced: reachable_by_brute_force(r, d)
        )
        agree = by_boxes == by_brute
        if not agree:
            disagreements.append(
                f"{section}: only boxes {sorted(by_boxes - by_brute)}, only brute force {sorted(by_brute - by_boxes)}"
            )
        free_here = [fact for fact in reduced if len(reduced[fact]) > 1]
        rows.append(
            [
                section,
                ", ".join(free_here),
                f"{points:,}",
                f"{box_seconds * 1000:.3f}",
                f"{brute_seconds * 1000:.3f}",
                f"{brute_seconds / box_seconds:,.0f}x",
                f"{len(by_boxes)} of {len(rules)}",
                "yes" if agree else "NO",
            ]
        )
    print("Reachability on the reduced vocabulary (ratio = brute force / boxes; > 1 means boxes are faster):")
    print(table(rows))

    rules, domains = decision_lists(policy)["rules"]
    used = {condition.fact for rule in rules for condition in rule.conditions}
    full = {fact: tuple(domains[fact]) for fact in sorted(used)}
    full_points = math.prod(len(values) for values in full.values())
    reduced_rules = reduce_domains(rules, domains, free)
    reduced_points = math.prod(len(values) for values in reduced_rules.values())
    brute_rate = reduced_points / best_of(1, lambda: reachable_by_brute_force(rules, reduced_rules))[0]
    print()
    print(
        f"Whole vocabulary for the rules list: {full_points:,} points; brute force at {brute_rate:,.0f} points/s "
        f"would take about {full_points / brute_rate:.1f} s, "
        f"{full_points / brute_rate / validate_seconds:,.0f}x the whole check_policy_document."
    )
    if options.full:
        started = time.perf_counter()
        by_brute = reachable_by_brute_force(rules, full)
        full_seconds = time.perf_counter() - started
        by_boxes = reachable_by_boxes(rules, full)
        agree = by_boxes == by_brute
        print(
            f"--full: brute force over all {full_points:,} points took {full_seconds:.1f} s; "
            f"{len(by_brute)} of {len(rules)} rules fire; agrees with the box method: {'yes' if agree else 'NO'}"
        )
        if not agree:
            disagreements.append(f"rules (full): boxes {sorted(by_boxes)}, brute force {sorted(by_brute)}")

    if disagreements:
        print()
        print("DISAGREEMENT between the box method and brute force:", *disagreements, sep="\n  ")
        return 1
    print()
    print("Both methods agree on which rules can fire.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
