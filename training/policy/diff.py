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
            elif section.endswith("rules") and _relative_order_changed(old, new, entry_id):
                changes.append(EntryChange(section, entry_id, "moved", (), old_position, position))
    for key in ("facts", "actions", "reporting_routes", "definitions"):
        if before.get(key) != after.get(key):
            changes.append(EntryChange(key, key, "changed", (FieldChange(key, before.get(key), after.get(key)),)))
    return PolicyDiff(tuple(changes))


def _relative_order_changed(
    old: Mapping[str, tuple[int, Any]], new: Mapping[str, tuple[int, Any]], entry_id: str
) -> bool:
    """A rule moved if the set of shared rules before it changed (so insertions alone do not count)."""
    shared = set(old) & set(new)
    before_old = {other for other in shared if old[other][0] < old[entry_id][0]}
    before_new = {other for other in shared if new[other][0] < new[entry_id][0]}
    return before_old != before_new
