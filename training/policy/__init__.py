"""The policy engine: the encoded policy as data, and the functions that decide cases with it.

Plain typed Python with no Django import, so it can be read, tested and benchmarked
without a database. Everything else in Concordance consumes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .diff import PolicyDiff, diff_policies
from .engine import FactsInvalid, evaluate, resolve_facts
from .model import Clause, ClauseKind, FactSpec, FactType, Outcome, Policy, Rule, Verdict
from .parsing import PolicyInvalid, Problem, parse_policy_document
from .validation import validate

POLICIES_DIR = Path(__file__).resolve().parent.parent / "policies"
DEFAULT_POLICY_FILE = POLICIES_DIR / "cse-2020-10.yaml"

__all__ = [
    "Clause",
    "ClauseKind",
    "FactSpec",
    "FactType",
    "FactsInvalid",
    "Outcome",
    "Policy",
    "PolicyDiff",
    "PolicyInvalid",
    "Problem",
    "Rule",
    "Verdict",
    "check_policy_document",
    "diff_policies",
    "evaluate",
    "parse_policy",
    "policy_from_file",
    "read_policy_file",
    "resolve_facts",
]


def check_policy_document(data: Mapping[str, Any]) -> tuple[Policy | None, list[Problem]]:
    """Parse and validate a document; return the policy (None when invalid) and every problem found."""
    policy, problems = parse_policy_document(data)
    if policy is None:
        return None, problems
    problems = validate(policy)
    return (None if problems else policy), problems


def parse_policy(data: Mapping[str, Any]) -> Policy:
    policy, problems = check_policy_document(data)
    if policy is None:
        raise PolicyInvalid(problems)
    return policy


def read_policy_file(path: Path | str) -> dict[str, Any]:
    """Read a YAML or JSON policy file into a document; raises PolicyInvalid on unreadable input."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyInvalid([Problem(str(path), f"cannot read the file: {error.strerror}")]) from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise PolicyInvalid([Problem(where, f"not valid YAML: {getattr(error, 'problem', error)}")]) from error
    if not isinstance(data, dict):
        raise PolicyInvalid([Problem(str(path), "the file must hold a mapping at the top level")])
    return data


@lru_cache(maxsize=8)
def policy_from_file(path: Path | str = DEFAULT_POLICY_FILE) -> Policy:
    return parse_policy(read_policy_file(path))
