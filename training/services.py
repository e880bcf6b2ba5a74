"""Writes for the encoded policy (loading, drafting, publishing, retiring versions) and for scenarios."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.access import STAFF_ROLES, user_has_role
from accounts.models import User
from analytics.tasks import enqueue_on_commit, refresh_after_publish

from .content_guard import check_text
from .models import SCENARIO_CONTENT_FIELDS, PolicyVersion, Scenario
from .policy import Policy, PolicyInvalid, Problem, check_policy_document
from .scenario_bank import (
    KEY_PATTERN,
    BankEntry,
    BankInvalid,
    check_bank,
    check_content,
    guard_problems,
    parse_entry,
)
from .selectors import engine_policy, published_policy_version


class PolicyVersionError(ValueError):
    """A change to a policy version that the rules for versions do not allow. ``field`` names the
    input at fault, for forms."""

    def __init__(self, message: str, *, field: str = "version") -> None:
        super().__init__(message)
        self.field = field


CHANGE_NOTE_MAX_LENGTH = 2000


def _checked_change_note(change_note: str) -> str:
    """A change note follows the content rules like every other text people write here."""
    change_note = change_note.strip()
    problems = check_text(change_note, max_length=CHANGE_NOTE_MAX_LENGTH)
    if problems:
        raise PolicyVersionError(
            "This change note cannot be saved: " + " ".join(problem.message for problem in problems),
            field="change_note",
        )
    return change_note


def _checked_document(document: dict[str, Any]) -> dict[str, Any]:
    policy, problems = check_policy_document(document)
    if policy is None:
        raise PolicyInvalid(problems)
    return document


def _effective_date(document: dict[str, Any]) -> dt.date:
    try:
        return dt.date.fromisoformat(str(document["effective_date"]))
    except ValueError as error:
        raise PolicyInvalid([Problem("effective_date", "must be a date written as YYYY-MM-DD")]) from error


@transaction.atomic
def policy_version_load(
    *, document: dict[str, Any], publish: bool = False, created_by: User | None = None, change_note: str = ""
) -> tuple[PolicyVersion, bool]:
    """Store a validated policy document as a version; return (version, created).

    Loading the same document again changes nothing (idempotent). A different document
    under a label that is already published is refused: published versions never change.
    """
    _checked_document(document)
    change_note = _checked_change_note(change_note)
    slug, label = str(document["policy"]), str(document["version"])
    existing = PolicyVersion.objects.select_for_update().filter(policy=slug, version=label).first()
    if existing is not None:
        if existing.document == document:
            if publish and existing.status == PolicyVersion.Status.DRAFT:
                existing = policy_version_publish(version=existing, published_by=created_by)
            return existing, False
        if not existing.is_editable:
            raise PolicyVersionError(
                f"Version {slug} {label} is {existing.get_status_display().lower()} and cannot change; "
                "give the new document another version label."
            )
        existing.document = document
        existing.title = str(document["title"])
        existing.effective_date = _effective_date(document)
        existing.save(update_fields=["document", "title", "effective_date", "updated_at"])
        if publish:
            existing = policy_version_publish(version=existing, published_by=created_by)
        return existing, False
    version = PolicyVersion.objects.create(
        policy=slug,
        version=label,
        title=str(document["title"]),
        effective_date=_effective_date(document),
        document=document,
        created_by=created_by,
        change_note=change_note,
    )
    if publish:
        version = policy_version_publish(version=version, published_by=created_by)
    return version, True


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion, published_by: User | None) -> PolicyVersion:
    """Publish a draft; the version published before it is retired in the same transaction."""
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PolicyVersion.Status.DRAFT:
        raise PolicyVersionError(f"Only a draft can be published; {version} is not a draft.")
    _checked_document(version.document)
    now = timezone.now()
    PolicyVersion.objects.filter(policy=version.policy, status=PolicyVersion.Status.PUBLISHED).update(
        status=PolicyVersion.Status.RETIRED, retired_at=now
    )
    version.status = PolicyVersion.Status.PUBLISHED
    version.published_at = now
    version.published_by = published_by
    version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    # Measurement follows what is taught: figures that compare with the gold answer are refreshed.
    enqueue_on_commit(refresh_after_publish, version.pk)
    return version


@transaction.atomic
def policy_version_create_draft(
    *, policy: str, version: str, created_by: User | None, change_note: str = ""
) -> PolicyVersion:
    """Start a new draft as a copy of the latest version of the policy."""
    change_note = _checked_change_note(change_note)
    latest = PolicyVersion.objects.filter(policy=policy).order_by("-created_at").first()
    if latest is None:
        raise PolicyVersionError(f'There is no version of policy "{policy}" to copy; load one first.')
    if PolicyVersion.objects.filter(policy=policy, version=version).exists():
        raise PolicyVersionError(f'Version label "{version}" is already used for policy "{policy}".')
    document = copy.deepcopy(latest.document)
    document["version"] = version
    return PolicyVersion.objects.create(
        policy=policy,
        version=version,
        title=latest.title,
        effective_date=latest.effective_date,
        document=document,
        based_on=latest,
        created_by=created_by,
        change_note=change_note,
    )


@transaction.atomic
def policy_version_update_draft(*, version: PolicyVersion, document: dict[str, Any]) -> PolicyVersion:
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_editable:
        raise PolicyVersionError(f"{version} is not a draft: published and retired versions never change.")
    if str(document.get("policy")) != version.policy or str(document.get("version")) != version.version:
        raise PolicyInvalid(
            [Problem("version", f"the document must keep policy {version.policy} and version {version.version}")]
        )
    _checked_document(document)
    version.document = document
    version.title = str(document["title"])
    version.effective_date = _effective_date(document)
    version.save(update_fields=["document", "title", "effective_date", "updated_at"])
    return version


def policy_version_retire(*, version: PolicyVersion) -> PolicyVersion:
    if version.status != PolicyVersion.Status.PUBLISHED:
        raise PolicyVersionError("Only the published version can be retired.")
    version.status = PolicyVersion.Status.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at", "updated_at"])
    return version


# --- Scenarios ----------------------------------------------------------------------------------
#
# A scenario is written as a draft, submitted for review, and approved (published) by a different
# policy-team member. A published revision is never edited: a change is a new revision that
# supersedes it, and publishing the new revision retires the old one, so answers given to the old
# revision keep their meaning. Every write checks the texts with the content guard, the facts
# against the published policy's vocabulary, and the author's intended clause against the engine.


class ScenarioError(ValueError):
    """A change to a scenario that its workflow does not allow (wrong status, wrong person)."""


class ScenarioInvalid(ValueError):
    """A scenario whose content fails a check; `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, messages in errors.items() for message in messages))


@dataclass(frozen=True)
class ImportReport:
    created: list[str]
    revised: list[str]
    unchanged: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revised)

    def summary(self) -> str:
        return f"{len(self.created)} created, {len(self.revised)} revised, {len(self.unchanged)} unchanged."


def _policy_for_checks(version: PolicyVersion | None = None) -> tuple[PolicyVersion, Policy]:
    version = version or published_policy_version()
    if version is None:
        raise ScenarioError("No policy version is published yet: run `python manage.py load_policy --publish` first.")
    return version, engine_policy(version)


def _state(scenario: Scenario) -> str:
    return f"{scenario.key} r{scenario.revision} is {scenario.get_status_display().lower()}"


def _require_policy_team(user: User | None, doing: str) -> None:
    if not user_has_role(user, STAFF_ROLES):
        raise ScenarioError(f"Only a member of the policy team may {doing}.")


def _check_content(scenario_fields: dict[str, Any], version: PolicyVersion | None = None) -> None:
    """Raise ScenarioInvalid with every problem of the content, field by field."""
    _, policy = _policy_for_checks(version)
    _, problems = check_content(
        policy,
        title=scenario_fields["title"],
        text=scenario_fields["text"],
        facts=scenario_fields["facts"],
        intended_clause=scenario_fields["intended_clause"],
        intended_action=scenario_fields["intended_action"],
        intended_route=scenario_fields["intended_route"],
    )
    for index, tag in enumerate(scenario_fields["tags"]):
        problems += [Problem("tags", f"tag {index + 1}: {problem.message}") for problem in guard_problems("tags", tag)]
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.where, []).append(problem.message)
        raise ScenarioInvalid(errors)


def _content_of(scenario: Scenario) -> dict[str, Any]:
    return {name: getattr(scenario, name) for name in SCENARIO_CONTENT_FIELDS}


def _clean_tags(tags: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        tag = " ".join(str(tag).split()).lower()
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _next_key(prefix: str) -> str:
    numbers = [
        int(key.rsplit("-", 1)[1])
        for key in Scenario.objects.filter(key__startswith=f"{prefix}-").values_list("key", flat=True)
        if key.rsplit("-", 1)[1].isdigit()
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def _save(scenario: Scenario, actor: User | None, update_fields: list[str] | None = None) -> None:
    # simple-history records who made the change; outside a request the middleware cannot tell it.
    scenario._history_user = actor
    if update_fields is None:
        scenario.save()
    else:
        scenario.save(update_fields=[*update_fields, "updated_at"])


@transaction.atomic
def scenario_create(
    *,
    author: User,
    title: str,
    text: str,
    facts: dict[str, Any],
    kind: str = Scenario.Kind.CASE,
    difficulty: str = Scenario.Difficulty.MEDIUM,
    tags: Sequence[str] = (),
    intended_clause: str = "",
    intended_action: str = "",
    intended_route: str = "",
    is_worked_example: bool = False,
    key: str = "",
) -> Scenario:
    """Write a new scenario as a draft. Without a key, the next free key for its clause is used (V1-007)."""
    _require_policy_team(author, "write scenarios")
    content = {
        "title": title.strip(),
        "text": text.strip(),
        "kind": kind,
        "difficulty": difficulty,
        "tags": _clean_tags(tags),
        "facts": dict(facts),
        "intended_clause": intended_clause,
        "intended_action": intended_action,
        "intended_route": intended_route,
        "is_worked_example": is_worked_example,
    }
    _check_content(content)
    key = key.strip()
    if key and not KEY_PATTERN.match(key):
        raise ScenarioInvalid({"key": ["a key is up to 40 letters, digits, dots, dashes or underscores, e.g. V1-004"]})
    if key and Scenario.objects.filter(key=key).exists():
        raise ScenarioInvalid({"key": [f"{key} is already used; to change that scenario, start a revision of it"]})
    scenario = Scenario(key=key or _next_key(intended_clause or "NC"), revision=1, author=author, **content)
    _save(scenario, author)
    return scenario


@transaction.atomic
def scenario_update_draft(*, scenario: Scenario, editor: User, **changes: Any) -> Scenario:
    """Change a draft's content. Only drafts change; a published revision is revised instead."""
    _require_policy_team(editor, "edit scenarios")
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.status != Scenario.Status.DRAFT:
        raise ScenarioError(
            f"{scenario.key} r{scenario.revision} is {scenario.get_status_display().lower()}: only drafts can be edited"
            + ("; start a revision instead." if scenario.is_published else ".")
        )
    unknown = set(changes) - set(SCENARIO_CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"scenario_update_draft() cannot change {', '.join(sorted(unknown))}")
    content = {**_content_of(scenario), **changes}
    content["title"], content["text"] = content["title"].strip(), content["text"].strip()
    content["tags"] = _clean_tags(content["tags"])
    _check_content(content)
    for name, value in content.items():
        setattr(scenario, name, value)
    _save(scenario, editor, list(SCENARIO_CONTENT_FIELDS))
    return scenario


@transaction.atomic
def scenario_submit_for_review(*, scenario: Scenario, actor: User) -> Scenario:
    _require_policy_team(actor, "submit scenarios for review")
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.status != Scenario.Status.DRAFT:
        raise ScenarioError(f"Only a draft can be submitted for review; {_state(scenario)}.")
    _check_content(_content_of(scenario))
    scenario.status = Scenario.Status.IN_REVIEW
    scenario.submitted_at = timezone.now()
    _save(scenario, actor, ["status", "submitted_at"])
    return scenario


@transaction.atomic
def scenario_approve(*, scenario: Scenario, reviewer: User) -> Scenario:
    """Publish a scenario in review. The reviewer is a policy-team member other than its author.
    The revision published before it (same key) is retired in the same transaction."""
    _require_policy_team(reviewer, "approve scenarios")
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.status != Scenario.Status.IN_REVIEW:
        raise ScenarioError(f"Only a scenario in review can be approved; {_state(scenario)}.")
    if scenario.author_id is not None and scenario.author_id == reviewer.pk:
        raise ScenarioError("You wrote this scenario: a different member of the policy team must approve it.")
    _check_content(_content_of(scenario))
    now = timezone.now()
    for previous in Scenario.objects.select_for_update().filter(key=scenario.key, status=Scenario.Status.PUBLISHED):
        previous.status = Scenario.Status.RETIRED
        previous.retired_at = now
        _save(previous, reviewer, ["status", "retired_at"])
    scenario.status = Scenario.Status.PUBLISHED
    scenario.reviewer = reviewer
    scenario.published_at = now
    scenario.review_note = ""
    _save(scenario, reviewer, ["status", "reviewer", "published_at", "review_note"])
    return scenario


@transaction.atomic
def scenario_reject(*, scenario: Scenario, reviewer: User, note: str) -> Scenario:
    """Send a scenario in review back to its author as a draft, with a note saying what to change."""
    _require_policy_team(reviewer, "review scenarios")
    note = note.strip()
    if not note:
        raise ScenarioInvalid({"note": ["say what the author should change"]})
    problems = guard_problems("note", note)
    if problems:
        raise ScenarioInvalid({"note": [problem.message for problem in problems]})
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.status != Scenario.Status.IN_REVIEW:
        raise ScenarioError(f"Only a scenario in review can be sent back; {_state(scenario)}.")
    if scenario.author_id is not None and scenario.author_id == reviewer.pk:
        raise ScenarioError("You wrote this scenario: a different member of the policy team must review it.")
    scenario.status = Scenario.Status.DRAFT
    scenario.review_note = note
    scenario.submitted_at = None
    _save(scenario, reviewer, ["status", "review_note", "submitted_at"])
    return scenario


@transaction.atomic
def scenario_revise(*, scenario: Scenario, author: User) -> Scenario:
    """Start a new draft revision of a published scenario, copying its content. The published
    revision stays in quizzes until the new one is approved."""
    _require_policy_team(author, "revise scenarios")
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if not scenario.is_published:
        raise ScenarioError(f"Only a published scenario can be revised; {_state(scenario)}.")
    revisions = Scenario.objects.select_for_update().filter(key=scenario.key)
    open_revision = revisions.filter(status__in=[Scenario.Status.DRAFT, Scenario.Status.IN_REVIEW]).first()
    if open_revision is not None:
        raise ScenarioError(
            f"{scenario.key} already has revision r{open_revision.revision} "
            f"({open_revision.get_status_display().lower()}); finish or retire it first."
        )
    revision = Scenario(
        key=scenario.key,
        revision=max(revisions.values_list("revision", flat=True)) + 1,
        supersedes=scenario,
        author=author,
        **_content_of(scenario),
    )
    _save(revision, author)
    return revision


@transaction.atomic
def scenario_retire(*, scenario: Scenario, actor: User) -> Scenario:
    """Take a scenario out of use. It is kept (answers point at it) and never comes back; a
    retired scenario is replaced by writing or revising another."""
    _require_policy_team(actor, "retire scenarios")
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if scenario.status == Scenario.Status.RETIRED:
        raise ScenarioError(f"{scenario.key} r{scenario.revision} is already retired.")
    scenario.status = Scenario.Status.RETIRED
    scenario.retired_at = timezone.now()
    _save(scenario, actor, ["status", "retired_at"])
    return scenario


def _entry_of(scenario: Scenario) -> BankEntry:
    return BankEntry(
        key=scenario.key,
        revision=scenario.revision,
        title=scenario.title,
        text=scenario.text,
        kind=scenario.kind,
        difficulty=scenario.difficulty,
        tags=tuple(scenario.tags),
        facts=scenario.facts,
        intended_clause=scenario.intended_clause,
        intended_action=scenario.intended_action,
        intended_route=scenario.intended_route,
        worked_example=scenario.is_worked_example,
    )


def _content_from_entry(entry: BankEntry) -> dict[str, Any]:
    return {
        "title": entry.title,
        "text": entry.text,
        "kind": entry.kind,
        "difficulty": entry.difficulty,
        "tags": list(entry.tags),
        "facts": dict(entry.facts),
        "intended_clause": entry.intended_clause,
        "intended_action": entry.intended_action,
        "intended_route": entry.intended_route,
        "is_worked_example": entry.worked_example,
    }


PROGRESS_EVERY = 25


@transaction.atomic
def scenario_bank_import(
    *,
    entries: Sequence[BankEntry | Mapping[str, Any]],
    policy_version: PolicyVersion | None = None,
    actor: User | None = None,
    reviewer: User | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import bank entries as published scenarios; all or nothing. ``progress`` hears how far it is.

    Every entry is checked (guard, facts, intended clause/action/route against the engine under
    `policy_version`, the published version by default) before anything is written; any problem
    raises BankInvalid naming each scenario. An entry equal to the latest revision of its key
    changes nothing, so importing twice is harmless. A changed entry for a published key becomes a
    new revision that supersedes (and retires) the published one. Entries come in through review
    of the bank files themselves, so they are published directly.
    """
    _, policy = _policy_for_checks(policy_version)
    parsed: list[BankEntry] = []
    problems: list[Problem] = []
    for index, raw in enumerate(entries):
        if isinstance(raw, BankEntry):
            parsed.append(raw)
            continue
        entry, entry_problems = parse_entry(raw, f"entry {index + 1}")
        problems += entry_problems
        if entry is not None:
            parsed.append(entry)
    say = progress or (lambda message: None)
    say(f"Checking {len(parsed)} entries against the content guard and the engine…")
    problems += check_bank(policy, parsed)
    latest: dict[str, Scenario] = {}
    for scenario in (
        Scenario.objects.select_for_update().filter(key__in=[entry.key for entry in parsed]).order_by("key", "revision")
    ):
        latest[scenario.key] = scenario
    for entry in parsed:
        current = latest.get(entry.key)
        if current is None or _entry_of(current).content() == entry.content():
            continue
        if current.status in (Scenario.Status.DRAFT, Scenario.Status.IN_REVIEW):
            problems.append(
                Problem(
                    entry.key,
                    f"revision r{current.revision} is {current.get_status_display().lower()} in Concordance; "
                    "finish or retire it before importing a change",
                )
            )
    if problems:
        raise BankInvalid(problems)

    report = ImportReport(created=[], revised=[], unchanged=[])
    now = timezone.now()
    # Rows are written in an order unrelated to the keys, so database ids do not group scenarios
    # by clause (keys are named after the intended clause; ids reach trainees in quiz items).
    for done, entry in enumerate(sorted(parsed, key=lambda entry: hashlib.sha256(entry.key.encode()).hexdigest()), 1):
        if done % PROGRESS_EVERY == 0 or done == len(parsed):
            say(f"Writing: {done}/{len(parsed)} entries.")
        current = latest.get(entry.key)
        if current is not None and _entry_of(current).content() == entry.content():
            report.unchanged.append(entry.key)
            continue
        if current is not None and current.is_published:
            current.status = Scenario.Status.RETIRED
            current.retired_at = now
            _save(current, actor, ["status", "retired_at"])
        scenario = Scenario(
            key=entry.key,
            revision=current.revision + 1 if current is not None else entry.revision or 1,
            supersedes=current,
            status=Scenario.Status.PUBLISHED,
            author=actor,
            reviewer=reviewer if reviewer is not None and reviewer != actor else None,
            submitted_at=now,
            published_at=now,
            **_content_from_entry(entry),
        )
        _save(scenario, actor)
        (report.created if current is None else report.revised).append(entry.key)
    position = {entry.key: index for index, entry in enumerate(parsed)}
    for keys in (report.created, report.revised, report.unchanged):
        keys.sort(key=position.__getitem__)
    return report


def scenario_bank_export() -> list[dict[str, Any]]:
    """The published bank in bank-file form, ordered by key; importing it gives the same bank."""
    scenarios = Scenario.objects.filter(status=Scenario.Status.PUBLISHED).order_by("key")
    return [_entry_of(scenario).as_dict() for scenario in scenarios]
