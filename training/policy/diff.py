"""What changed between two policy documents: clauses, rules and interpretations added, removed, changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SECTIONS = ("clauses", "rules", "enforcement_rules", "reporting_rules", "interpretations")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class EntryChange:
    section: str
    id: str
    change: str  # "added", "removed", "changed", "moved"
    fields: tuple[FieldChange, ...] = ()
    before_position: int | None = None
    after_position: int | None = None


@dataclass(frozen=True)
class PolicyDiff:
    changes: tuple[EntryChange, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def in_section(self, section: str) -> list[EntryChange]:
        return [change for change in self.changes if change.section == section]

    def summary_lines(self) -> list[str]:
        lines = []
        for change in self.changes:
            line = f"{change.section}: {change.id} {change.change}"
            if change.change == "moved":
                line += f" from position {change.before_position + 1} to {change.after_position + 1}"
            if change.fields:
                line += " (" + ", ".join(item.field for item in change.fields) + ")"
            lines.append(line)
        return lines


def _entries(document: Mapping[str, Any], section: str) -> dict[str, tuple[int, Mapping[str, Any]]]:
    return {
        str(entry["id"]): (position, entry)
        for position, entry in enumerate(document.get(section) or ())
        if isinstance(entry, Mapping) and "id" in entry
    }


def diff_policies(before: Mapping[str, Any], after: Mapping[str, Any]) -> PolicyDiff:
    """Compare two policy documents entry by entry (by id), including the order of decision lists."""
    changes: list[EntryChange] = []
    for section in SECTIONS:
        old, new = _entries(before, section), _entries(after, section)
        moved = _moved_ids(old, new) if section.endswith("rules") else set()
        for entry_id, (position, _) in old.items():
            if entry_id not in new:
                changes.append(EntryChange(section, entry_id, "removed", before_position=position))
        for entry_id, (position, entry) in new.items():
            if entry_id not in old:
                changes.append(EntryChange(section, entry_id, "added", after_position=position))
                continue
            old_position, old_entry = old[entry_id]
            fields = tuple(
                FieldChange(key, old_entry.get(key), entry.get(key))
                for key in sorted(set(old_entry) | set(entry))
                if old_entry.get(key) != entry.get(key)
            )
            if fields:
                changes.append(EntryChange(section, entry_id, "changed", fields, old_position, position))
            elif entry_id in moved:
                changes.append(EntryChange(section, entry_id, "moved", (), old_position, position))
    for key in ("facts", "actions", "reporting_routes", "definitions"):
        if before.get(key) != after.get(key):
            changes.append(EntryChange(key, key, "changed", (FieldChange(key, before.get(key), after.get(key)),)))
    return PolicyDiff(tuple(changes))


def _moved_ids(old: Mapping[str, tuple[int, Any]], new: Mapping[str, tuple[int, Any]]) -> set[str]:
    """Entries that changed place: those outside the longest run of shared entries kept in order.

    Moving one rule to the top then reports that rule alone, not every rule it jumped over.
    """
    shared = set(old) & set(new)
    before = sorted(shared, key=lambda entry_id: old[entry_id][0])
    after = sorted(shared, key=lambda entry_id: new[entry_id][0])
    lengths = [[0] * (len(after) + 1) for _ in range(len(before) + 1)]
    for i, left in enumerate(before):
        for j, right in enumerate(after):
            lengths[i + 1][j + 1] = lengths[i][j] + 1 if left == right else max(lengths[i][j + 1], lengths[i + 1][j])
    kept: set[str] = set()
    i, j = len(before), len(after)
    while i and j:
        if before[i - 1] == after[j - 1]:
            kept.add(before[i - 1])
            i, j = i - 1, j - 1
        elif lengths[i - 1][j] >= lengths[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return shared - kept
