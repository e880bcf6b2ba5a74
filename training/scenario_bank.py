"""The scenario bank as data: reading bank files, checking entries against the engine and the
content guard, and comparing scenario outcomes between two policy versions.

Pure Python, no Django: the services, the management commands and the tests call these.
A bank file is a YAML (or JSON) list of entries::

    - key: V1-004
      title: ...
      kind: case            # case | reporting
      difficulty: easy      # easy | medium | hard
      tags: [depiction]
      intended_clause: V1   # null when no clause applies
      intended_action: permanent_suspension   # optional
      intended_route: in_product_form         # optional
      worked_example: false
      facts: {subject_age: 15, ...}
      text: ...

Gold answers are never part of an entry: the engine decides them from the facts. The intended
clause (and action and route, when given) only states what the author expects, so that an entry
whose facts do not say what its author meant is caught when the bank loads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .content_guard import check_text
from .policy import FactsInvalid, Outcome, Policy, Problem, evaluate, resolve_facts

KINDS = ("case", "reporting")
DIFFICULTIES = ("easy", "medium", "hard")
BANK_SUFFIXES = (".yaml", ".yml", ".json")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
REQUIRED = ("key", "title", "kind", "difficulty", "facts", "text")
OPTIONAL = ("tags", "intended_clause", "intended_action", "intended_route", "worked_example", "revision")
# The parts of an outcome an impact report compares, in the order it shows them.
COMPARED = ("verdict", "clause_id", "action", "report_to_ncmec", "report_route", "rule_id")


class BankInvalid(ValueError):
    """A bank that cannot be loaded; carries every problem found, each naming its scenario."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class BankEntry:
    key: str
    title: str
    text: str
    kind: str = "case"
    difficulty: str = "medium"
    tags: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    intended_clause: str = ""  # "" when the author intends that no clause applies
    intended_action: str = ""
    intended_route: str = ""
    worked_example: bool = False
    revision: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The entry in bank-file form (what export writes and import reads)."""
        data: dict[str, Any] = {
            "key": self.key,
            "revision": self.revision,
            "title": self.title,
            "kind": self.kind,
            "difficulty": self.difficulty,
            "tags": list(self.tags),
            "intended_clause": self.intended_clause or None,
        }
        if self.intended_action:
            data["intended_action"] = self.intended_action
        if self.intended_route:
            data["intended_route"] = self.intended_route
        data["worked_example"] = self.worked_example
        data["facts"] = dict(self.facts)
        data["text"] = self.text
        if self.revision is None:
            del data["revision"]
        return data

    def content(self) -> tuple[Any, ...]:
        """Everything a revision is made of: two entries with the same content are the same revision."""
        return (
            self.title,
            self.text,
            self.kind,
            self.difficulty,
            tuple(self.tags),
            json.dumps(dict(self.facts), sort_keys=True),
            self.intended_clause,
            self.intended_action,
            self.intended_route,
            self.worked_example,
        )


def _text(raw: Mapping[str, Any], name: str, where: str, problems: list[Problem]) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem(where, f"{name} must be text"))
        return ""
    return value.strip()


def parse_entry(raw: Any, where: str) -> tuple[BankEntry | None, list[Problem]]:
    """Shape-check one raw entry (a mapping from a bank file); return the entry or the problems."""
    if not isinstance(raw, Mapping):
        return None, [Problem(where, "an entry must be a mapping with key, title, kind, difficulty, facts and text")]
    problems: list[Problem] = []
    key = raw.get("key")
    if isinstance(key, str) and KEY_PATTERN.match(key):
        where = key
    else:
        problems.append(
            Problem(where, "key must be up to 40 letters, digits, dots, dashes or underscores, e.g. V1-004")
        )
    missing = [name for name in REQUIRED if raw.get(name) in (None, "")]
    if missing:
        problems.append(Problem(where, f"missing {', '.join(missing)}"))
    unknown = sorted(str(name) for name in raw if name not in REQUIRED and name not in OPTIONAL)
    if unknown:
        problems.append(
            Problem(where, f"unknown field(s) {', '.join(unknown)}; an entry may have {', '.join(REQUIRED + OPTIONAL)}")
        )
    kind = raw.get("kind", "case")
    if kind not in KINDS:
        problems.append(Problem(where, f'kind "{kind}" is not one of {", ".join(KINDS)}'))
    difficulty = raw.get("difficulty", "medium")
    if difficulty not in DIFFICULTIES:
        problems.append(Problem(where, f'difficulty "{difficulty}" is not one of {", ".join(DIFFICULTIES)}'))
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
        problems.append(Problem(where, "tags must be a list of words"))
        tags = []
    facts = raw.get("facts")
    if facts is not None and not isinstance(facts, Mapping):
        problems.append(Problem(where, "facts must be a mapping of fact name to value"))
    worked = raw.get("worked_example", False)
    if not isinstance(worked, bool):
        problems.append(Problem(where, "worked_example must be true or false"))
    revision = raw.get("revision")
    if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int) or revision < 1):
        problems.append(Problem(where, "revision must be a whole number from 1"))
    texts = {
        name: _text(raw, name, where, problems)
        for name in ("title", "text", "intended_clause", "intended_action", "intended_route")
    }
    if problems:
        return None, problems
    return (
        BankEntry(
            key=key,
            title=texts["title"],
            text=texts["text"],
            kind=kind,
            difficulty=difficulty,
            tags=tuple(tag.strip() for tag in tags),
            facts=dict(facts or {}),
            intended_clause=texts["intended_clause"],
            intended_action=texts["intended_action"],
            intended_route=texts["intended_route"],
            worked_example=worked,
            revision=revision,
        ),
        [],
    )


def parse_entries(raw_entries: Any, source: str) -> tuple[list[BankEntry], list[Problem]]:
    if not isinstance(raw_entries, list):
        return [], [Problem(source, "a bank file must hold a list of entries")]
    entries, problems = [], []
    for index, raw in enumerate(raw_entries):
        entry, entry_problems = parse_entry(raw, f"{source} entry {index + 1}")
        problems.extend(entry_problems)
        if entry is not None:
            entries.append(entry)
    return entries, problems


def read_bank_file(path: Path | str) -> tuple[list[BankEntry], list[Problem]]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return [], [Problem(str(path), f"cannot read the file: {error.strerror}")]
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}" if mark else path.name
        return [], [
            Problem(
                where, f"not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {getattr(error, 'problem', error)}"
            )
        ]
    return parse_entries(data if data is not None else [], path.name)


def bank_files(directory: Path | str) -> list[Path]:
    directory = Path(directory)
    return sorted(path for path in directory.iterdir() if path.suffix in BANK_SUFFIXES and path.is_file())


def read_bank(paths: Iterable[Path | str]) -> tuple[list[BankEntry], list[Problem]]:
    """Read bank files (directories are read file by file); duplicate keys across files are problems."""
    entries: list[BankEntry] = []
    problems: list[Problem] = []
    for path in paths:
        for file in bank_files(path) if Path(path).is_dir() else [Path(path)]:
            file_entries, file_problems = read_bank_file(file)
            entries.extend(file_entries)
            problems.extend(file_problems)
    return entries, problems + duplicate_key_problems(entries)


def duplicate_key_problems(entries: Sequence[BankEntry]) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for entry in entries:
        if entry.key in seen:
            problems.append(Problem(entry.key, "this key is used by more than one entry"))
        seen.add(entry.key)
    return problems


def guard_problems(where: str, text: str) -> list[Problem]:
    """The content guard's refusals of one text; each message names the span it refuses."""
    return [Problem(where, violation.message) for violation in check_text(text)]


def facts_problems(policy: Policy, facts: Mapping[str, Any]) -> list[Problem]:
    try:
        resolve_facts(policy, facts)
    except FactsInvalid as error:
        return list(error.problems)
    return []


def describe_clause(clause_id: str | None) -> str:
    return clause_id or "no clause"


def intent_problems(
    policy: Policy, outcome: Outcome, *, intended_clause: str, intended_action: str = "", intended_route: str = ""
) -> list[Problem]:
    """Where the author's intention and the engine's decision differ, each naming both and the deciding rule."""
    problems = []
    if intended_clause and intended_clause not in policy.clauses:
        problems.append(
            Problem(
                "intended_clause",
                f'"{intended_clause}" is not a clause of this policy; clauses: {", ".join(policy.clauses)}',
            )
        )
    elif (intended_clause or None) != outcome.clause_id:
        problems.append(
            Problem(
                "intended_clause",
                f"the author intends {describe_clause(intended_clause or None)} but the engine decides "
                f"{describe_clause(outcome.clause_id)} (rule {outcome.rule_id})",
            )
        )
    if intended_action and intended_action not in policy.actions:
        problems.append(
            Problem(
                "intended_action",
                f'"{intended_action}" is not an action of this policy; actions: {", ".join(policy.actions)}',
            )
        )
    elif intended_action and intended_action != outcome.action:
        problems.append(
            Problem(
                "intended_action",
                f"the author intends action {intended_action} but the engine decides {outcome.action} "
                f"(rule {outcome.enforcement_rule_id})",
            )
        )
    if intended_route and intended_route not in policy.reporting_routes:
        problems.append(
            Problem(
                "intended_route",
                f'"{intended_route}" is not a reporting route of this policy; '
                f"routes: {', '.join(policy.reporting_routes)}",
            )
        )
    elif intended_route and intended_route != outcome.report_route:
        problems.append(
            Problem(
                "intended_route",
                f"the author intends route {intended_route} but the engine decides {outcome.report_route} "
                f"(rule {outcome.reporting_rule_id})",
            )
        )
    return problems


def check_content(
    policy: Policy,
    *,
    title: str,
    text: str,
    facts: Mapping[str, Any],
    intended_clause: str = "",
    intended_action: str = "",
    intended_route: str = "",
) -> tuple[Outcome | None, list[Problem]]:
    """Every check a scenario must pass to be stored: the guard on its texts, its facts against the
    vocabulary, and its intention against the engine. Problems name the field (title, text,
    facts.<name>, intended_clause, intended_action, intended_route)."""
    problems = guard_problems("title", title) + guard_problems("text", text)
    if not title.strip():
        problems.append(Problem("title", "a scenario needs a title"))
    if not text.strip():
        problems.append(Problem("text", "a scenario needs a text"))
    fact_errors = facts_problems(policy, facts)
    if fact_errors:
        return None, problems + fact_errors
    outcome = evaluate(policy, facts)
    problems += intent_problems(
        policy, outcome, intended_clause=intended_clause, intended_action=intended_action, intended_route=intended_route
    )
    return outcome, problems


def check_entry(policy: Policy, entry: BankEntry) -> list[Problem]:
    """Problems of one entry, each naming the scenario: `V1-004: the author intends V2 but ...`."""
    _, problems = check_content(
        policy,
        title=entry.title,
        text=entry.text,
        facts=entry.facts,
        intended_clause=entry.intended_clause,
        intended_action=entry.intended_action,
        intended_route=entry.intended_route,
    )
    return [
        Problem(
            entry.key,
            problem.message if problem.where.startswith("intended_") else f"{problem.where}: {problem.message}",
        )
        for problem in problems
    ]


def check_bank(policy: Policy, entries: Sequence[BankEntry]) -> list[Problem]:
    problems = duplicate_key_problems(entries)
    for entry in entries:
        problems.extend(check_entry(policy, entry))
    return problems


@dataclass(frozen=True)
class BankCoverage:
    per_clause: dict[str, int]
    hard_per_clause: dict[str, int]
    no_clause: int
    worked_examples: dict[str, int]


def bank_coverage(policy: Policy, entries: Sequence[BankEntry]) -> BankCoverage:
    """How many entries the engine assigns to each clause (and how many of them are hard)."""
    per_clause = dict.fromkeys(policy.clauses, 0)
    hard = dict.fromkeys(policy.clauses, 0)
    worked = dict.fromkeys(policy.clauses, 0)
    no_clause = 0
    for entry in entries:
        clause_id = evaluate(policy, entry.facts).clause_id
        if clause_id is None:
            no_clause += 1
            continue
        per_clause[clause_id] += 1
        hard[clause_id] += entry.difficulty == "hard"
        worked[clause_id] += entry.worked_example
    return BankCoverage(per_clause, hard, no_clause, worked)


@dataclass(frozen=True)
class OutcomeChange:
    """One scenario whose gold answer differs between two policy versions."""

    key: str
    title: str
    before: Outcome | None
    after: Outcome | None
    changed: tuple[str, ...]  # which of COMPARED differ; ("facts",) when the facts do not fit a version
    problem: str = ""


def outcome_changes(
    before: Policy, after: Policy, cases: Iterable[tuple[str, str, Mapping[str, Any]]]
) -> list[OutcomeChange]:
    """Which cases (key, title, facts) get a different gold answer under `after` than under `before`.

    Compares verdict, clause, action, NCMEC report, reporting route and the deciding rule. A case
    whose facts no longer fit the new vocabulary is reported with the reason instead of an outcome.
    """
    changes = []
    for key, title, facts in cases:
        try:
            old = evaluate(before, facts)
        except FactsInvalid as error:
            changes.append(OutcomeChange(key, title, None, None, ("facts",), f"before: {error}"))
            continue
        try:
            new = evaluate(after, facts)
        except FactsInvalid as error:
            changes.append(OutcomeChange(key, title, old, None, ("facts",), f"after: {error}"))
            continue
        differing = tuple(name for name in COMPARED if getattr(old, name) != getattr(new, name))
        if differing:
            changes.append(OutcomeChange(key, title, old, new, differing))
    return changes
