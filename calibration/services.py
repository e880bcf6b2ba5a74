"""Calibration rounds: a lead asks a cohort to answer the same scenarios blind, closes the round,
and the answers are compared with each other and with the gold answers.

Blindness is a rule of these services and the selectors that read them: nobody sees another
reviewer's answers, the distribution or the gold answer before the round is closed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Team, TeamMembership, User
from analytics.snapshots import round_snapshot_compute
from analytics.tasks import enqueue_on_commit, refresh_after_round
from calibration.models import CalibrationRound, DiscussionNote, RoundItem
from calibration.selectors import round_is_managed_by, teams_led_by
from quiz.models import Answer, Attempt, AttemptItem
from quiz.selectors.exposure import scenario_ids_not_blind_for
from quiz.services.attempts import InputInvalid, QuizError, answer_record
from quiz.services.exposure import round_results_exposures_record
from training.content_guard import ContentGuardError, assert_safe
from training.models import PolicyVersion, Scenario
from training.selectors import published_policy_version

CALIBRATION_MODE = "calibration"
MAX_ROUND_SCENARIOS = 50
NOTE_MAX_LENGTH = 4000


class RoundError(ValueError):
    """A request the round rules refuse. ``field`` names the input at fault, for forms and the API."""

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.errors = errors or ({field: message} if field else {})


def _require_manager(calibration_round: CalibrationRound, user: User | None, doing: str) -> None:
    """The views check this too; the services check it again so that no caller can skip it."""
    if user is None or not round_is_managed_by(calibration_round, user):
        raise PermissionDenied(f"Only the team's leads {doing} this round.")


def round_state(calibration_round: CalibrationRound, *, now: dt.datetime | None = None) -> str:
    """scheduled, open, overdue, closed or cancelled. A round past its closing time ("overdue") takes
    no more answers, but its results stay hidden until the lead closes it (the lead may want to chase
    late answers and extend it). A cancelled round never shows results."""
    now = now or timezone.now()
    if calibration_round.cancelled_at is not None:
        return "cancelled"
    if calibration_round.closed_at is not None:
        return "closed"
    if now < calibration_round.opens_at:
        return "scheduled"
    if now >= calibration_round.closes_at:
        return "overdue"
    return "open"


def answerable_scenarios() -> Any:
    """Scenarios a round may use: published cases that are not worked examples (those show their answer)."""
    return Scenario.objects.filter(status=Scenario.Status.PUBLISHED, is_worked_example=False)


def _stratum(scenario: Scenario) -> str:
    return scenario.intended_clause or "none"


def round_scenarios_pick(
    *, count: int, seed: int, exclude_ids: Iterable[int] = (), allow_fewer: bool = False
) -> list[Scenario]:
    """A stratified pick: take scenarios in turn from each intended clause (benign cases are their
    own stratum), so that a round covers as many clauses as it has room for. When the pool cannot
    fill ``count``, the lead is told how many scenarios each stratum has left, unless ``allow_fewer``."""
    if count < 1:
        raise RoundError("Pick at least one scenario.", field="auto_count")
    pool = list(answerable_scenarios().exclude(pk__in=list(exclude_ids)).order_by("key", "pk"))
    rng = random.Random(seed)
    strata: dict[str, list[Scenario]] = defaultdict(list)
    for scenario in pool:
        strata[_stratum(scenario)].append(scenario)
    available = {key: len(members) for key, members in sorted(strata.items())}
    for members in strata.values():
        rng.shuffle(members)
    order = sorted(strata)
    rng.shuffle(order)
    picked: list[Scenario] = []
    while len(picked) < count and any(strata[key] for key in order):
        for key in order:
            if strata[key] and len(picked) < count:
                picked.append(strata[key].pop())
    if len(picked) < count and not allow_fewer:
        per_stratum = ", ".join(f"{key} {n}" for key, n in available.items()) or "none in any clause"
        raise RoundError(
            f"Only {len(picked)} scenario(s) are still blind for this cohort (nobody in it has seen their gold "
            f"answer): {per_stratum}. Ask for {len(picked)} or fewer, or take fewer.",
            field="auto_count",
        )
    return picked


@transaction.atomic
def round_create(
    *,
    team: Team,
    title: str,
    created_by: User,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    cohort: Sequence[User],
    scenarios: Sequence[Scenario] = (),
    auto_count: int | None = None,
    policy_version: PolicyVersion | None = None,
    seed: int | None = None,
    allow_fewer: bool = False,
) -> CalibrationRound:
    """Create a round for ``team``: hand-picked ``scenarios``, or ``auto_count`` picked by clause
    strata (both together: the pick tops up the hand-picked ones). The cohort must be members of the team,
    and every scenario must be blind for all of them (``allow_fewer``: an automatic pick may come short)."""
    if not teams_led_by(created_by).filter(pk=team.pk).exists():
        raise RoundError("You do not lead this team.", field="team")
    title = title.strip()
    if not title:
        raise RoundError("Give the round a title.", field="title")
    try:
        assert_safe(title, max_length=200)
    except ContentGuardError as error:
        raise RoundError(f"This title cannot be saved: {error}", field="title") from error
    if closes_at <= opens_at:
        raise RoundError("The round must close after it opens.", field="closes_at")
    if not cohort:
        raise RoundError("Choose at least two reviewers for the cohort.", field="cohort")
    members = set(
        TeamMembership.objects.filter(team=team, kind=TeamMembership.Kind.MEMBER).values_list("user_id", flat=True)
    )
    outsiders = sorted(user.username for user in cohort if user.pk not in members)
    if outsiders:
        raise RoundError(f"Not reviewers in {team.name}: {', '.join(outsiders)}.", field="cohort")
    if len({user.pk for user in cohort}) < 2:
        raise RoundError("Choose at least two reviewers for the cohort: agreement needs two.", field="cohort")
    chosen = list(dict.fromkeys(scenarios))
    allowed = set(answerable_scenarios().filter(pk__in=[s.pk for s in chosen]).values_list("pk", flat=True))
    refused = [s.key for s in chosen if s.pk not in allowed]
    if refused:
        raise RoundError(
            f"Only published scenarios that are not worked examples can be used: {', '.join(refused)}.",
            field="scenarios",
        )
    # Blind means blind: no cohort member may have seen the gold of a round scenario, nor be due to
    # see it when an attempt in progress or another open round ends.
    not_blind = scenario_ids_not_blind_for([user.pk for user in cohort])
    seen = [s.key for s in chosen if s.pk in not_blind]
    if seen:
        raise RoundError(
            f"Not blind for this cohort: {', '.join(seen)}. Someone in the cohort has seen the gold answer "
            "(in practice, a quiz's results or a closed round), or will when an open quiz or round ends. "
            "Choose scenarios marked as blind.",
            field="scenarios",
        )
    if auto_count:
        chosen += round_scenarios_pick(
            count=auto_count,
            seed=seed if seed is not None else int(opens_at.timestamp()),
            exclude_ids=allowed | not_blind,
            allow_fewer=allow_fewer,
        )
    if not chosen:
        raise RoundError("Choose scenarios, or ask for an automatic pick.", field="scenarios")
    if len(chosen) > MAX_ROUND_SCENARIOS:
        raise RoundError(f"A round holds at most {MAX_ROUND_SCENARIOS} scenarios.", field="scenarios")
    version = policy_version or published_policy_version()
    if version is None:
        raise RoundError("No policy version is published, so there is no gold answer to compare with.")
    calibration_round = CalibrationRound.objects.create(
        team=team,
        title=title,
        policy_version=version,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=created_by,
    )
    calibration_round.cohort.set(cohort)
    RoundItem.objects.bulk_create(
        RoundItem(calibration_round=calibration_round, scenario=scenario, position=position)
        for position, scenario in enumerate(chosen, start=1)
    )
    return calibration_round


def _require_reviewer(calibration_round: CalibrationRound, user: User) -> None:
    if not calibration_round.cohort.filter(pk=user.pk).exists():
        raise RoundError("You are not in this round's cohort.")


def _require_open(calibration_round: CalibrationRound) -> None:
    state = round_state(calibration_round)
    if state == "scheduled":
        raise RoundError(f"This round opens at {calibration_round.opens_at:%Y-%m-%d %H:%M}.")
    if state == "cancelled":
        raise RoundError("This round was cancelled: answers can no longer be given.")
    if state in ("overdue", "closed"):
        raise RoundError("This round is closed: answers can no longer be given.")


@transaction.atomic
def round_attempt_start(*, calibration_round: CalibrationRound, user: User) -> Attempt:
    """The reviewer's attempt at the round, created on first use with the round's scenarios in order."""
    _require_reviewer(calibration_round, user)
    existing = Attempt.objects.filter(calibration_round=calibration_round, user=user).first()
    if existing is not None:
        return existing
    _require_open(calibration_round)
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                calibration_round=calibration_round,
                mode=CALIBRATION_MODE,
                policy_version=calibration_round.policy_version,
                seed=calibration_round.pk,
                started_at=now,
                deadline_at=calibration_round.closes_at,
            )
    except IntegrityError:
        # The reviewer's first answers arrived together (two tabs, a double click): another request
        # created the attempt a moment ago, and it is the one attempt.
        return Attempt.objects.get(calibration_round=calibration_round, user=user)
    AttemptItem.objects.bulk_create(
        AttemptItem(attempt=attempt, scenario_id=scenario_id, position=position)
        for position, scenario_id in calibration_round.items.order_by("position").values_list("position", "scenario_id")
    )
    return attempt


@transaction.atomic
def round_answer_submit(
    *,
    calibration_round: CalibrationRound,
    user: User,
    scenario: Scenario,
    verdict: str,
    clause_id: str = "",
    action: str = "",
    report_to_ncmec: bool | None = None,
    report_route: str = "",
    confidence: int | None = None,
    rationale: str = "",
) -> Answer:
    """Record one blind answer in an open round. An answer is final. When the reviewer has answered
    every scenario, their attempt is submitted. Nothing about the gold answer is returned to show."""
    _require_reviewer(calibration_round, user)
    # Answers share the round's row lock and closing takes it whole, so an answer is either in the
    # round before it closes (and counted) or refused after: never left in a closed round uncounted.
    calibration_round = _round_locked_for_answers(calibration_round.pk)
    _require_open(calibration_round)
    if not calibration_round.items.filter(scenario=scenario).exists():
        raise RoundError("That scenario is not in this round.", field="scenario")
    attempt = round_attempt_start(calibration_round=calibration_round, user=user)
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not attempt.is_open:
        raise RoundError("You have already submitted this round.")
    if Answer.objects.filter(attempt=attempt, scenario=scenario).exists():
        raise RoundError("You have already answered this scenario; round answers are final.", field="scenario")
    try:
        answer = answer_record(
            attempt=attempt,
            scenario=scenario,
            user=user,
            verdict=verdict,
            clause_id=clause_id,
            action=action,
            report_to_ncmec=report_to_ncmec,
            report_route=report_route,
            confidence=confidence,
            rationale=rationale,
        )
    except InputInvalid as error:
        raise RoundError(str(error), errors=error.errors) from error
    except QuizError as error:
        raise RoundError(str(error)) from error
    answered = Answer.objects.filter(attempt=attempt).count()
    if answered >= calibration_round.items.count():
        _attempt_finish(attempt, status=Attempt.Status.SUBMITTED)
    return answer


def _round_locked_for_answers(pk: int) -> CalibrationRound:
    """The round, re-read under a shared row lock (PostgreSQL ``FOR SHARE``): answers to one round do
    not wait for each other, but wait for a close in progress, and a close waits for them. SQLite
    serialises every write anyway."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(CalibrationRound._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [pk])
    return CalibrationRound.objects.select_related("policy_version").get(pk=pk)


def _attempt_finish(attempt: Attempt, *, status: str) -> None:
    totals = list(Answer.objects.filter(attempt=attempt).values_list("points", "max_points"))
    available = sum(maximum for _, maximum in totals)
    attempt.status = status
    attempt.submitted_at = timezone.now()
    attempt.score = (sum(points for points, _ in totals) / available) if available else None
    attempt.critical_misses = Answer.objects.filter(attempt=attempt, is_critical_miss=True).count()
    attempt.save(update_fields=["status", "submitted_at", "score", "critical_misses"])


@transaction.atomic
def round_close(*, calibration_round: CalibrationRound, closed_by: User) -> CalibrationRound:
    """Close the round: unfinished attempts are submitted as they stand (expired when empty), and the
    round's agreement is measured once and stored. Closing twice is refused."""
    _require_manager(calibration_round, closed_by, "close")
    locked = CalibrationRound.objects.select_for_update().get(pk=calibration_round.pk)
    if locked.cancelled_at is not None:
        raise RoundError("This round was cancelled, so it has no results to show.")
    if locked.closed_at is not None:
        raise RoundError("This round is already closed.")
    if timezone.now() < locked.opens_at:
        raise RoundError("This round has not opened yet; change its dates instead of closing it.")
    for attempt in Attempt.objects.filter(calibration_round=locked, status=Attempt.Status.IN_PROGRESS):
        has_answers = Answer.objects.filter(attempt=attempt).exists()
        _attempt_finish(attempt, status=Attempt.Status.SUBMITTED if has_answers else Attempt.Status.EXPIRED)
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    round_results_exposures_record(calibration_round=locked, shown_at=locked.closed_at)
    # The round's own figures are measured now, for its results page; the teams' trends follow.
    round_snapshot_compute(calibration_round=locked)
    enqueue_on_commit(refresh_after_round, locked.pk)
    calibration_round.closed_at = locked.closed_at
    return locked


@transaction.atomic
def round_cancel(*, calibration_round: CalibrationRound, cancelled_by: User) -> CalibrationRound:
    """Cancel a round that has not been closed. Nothing is measured and nothing is deleted: the
    answers already given stay stored and blind, unfinished attempts end as expired, and the round
    stays listed as cancelled. Agreement history is untouched because only closed rounds count."""
    _require_manager(calibration_round, cancelled_by, "cancel")
    locked = CalibrationRound.objects.select_for_update().get(pk=calibration_round.pk)
    if locked.cancelled_at is not None:
        raise RoundError("This round is already cancelled.")
    if locked.closed_at is not None:
        raise RoundError("This round is closed; a closed round's results are kept and it cannot be cancelled.")
    now = timezone.now()
    Attempt.objects.filter(calibration_round=locked, status=Attempt.Status.IN_PROGRESS).update(
        status=Attempt.Status.EXPIRED, submitted_at=now
    )
    locked.cancelled_at = now
    locked.cancelled_by = cancelled_by
    locked.save(update_fields=["cancelled_at", "cancelled_by"])
    enqueue_on_commit(refresh_after_round, locked.pk)
    calibration_round.cancelled_at = locked.cancelled_at
    calibration_round.cancelled_by = cancelled_by
    return locked


@transaction.atomic
def round_extend(*, calibration_round: CalibrationRound, closes_at: dt.datetime, extended_by: User) -> CalibrationRound:
    """Move the closing time of a round that is neither closed nor cancelled later. An overdue round
    extended into the future takes answers again; reviewers' open attempts get the new deadline."""
    _require_manager(calibration_round, extended_by, "extend")
    locked = CalibrationRound.objects.select_for_update().get(pk=calibration_round.pk)
    if locked.cancelled_at is not None:
        raise RoundError("This round was cancelled; create a new round instead.")
    if locked.closed_at is not None:
        raise RoundError("This round is closed; its results are final.")
    if closes_at <= locked.closes_at:
        raise RoundError(
            f"Choose a closing time after the current one ({timezone.localtime(locked.closes_at):%Y-%m-%d %H:%M}).",
            field="closes_at",
        )
    if closes_at <= timezone.now():
        raise RoundError("Choose a closing time in the future.", field="closes_at")
    locked.closes_at = closes_at
    locked.save(update_fields=["closes_at"])
    Attempt.objects.filter(calibration_round=locked, status=Attempt.Status.IN_PROGRESS).update(deadline_at=closes_at)
    calibration_round.closes_at = closes_at
    return locked


@transaction.atomic
def round_note_add(
    *, calibration_round: CalibrationRound, author: User, text: str, scenario: Scenario | None = None
) -> DiscussionNote:
    """Record what the discussion concluded, for the round or one of its scenarios. Notes follow the
    content rules like every other text: describe the reasoning, never the material."""
    _require_manager(calibration_round, author, "write notes on")
    text = text.strip()
    if not text:
        raise RoundError("Write the note first.", field="text")
    if calibration_round.closed_at is None:
        raise RoundError("Notes are for the discussion after the round closes.")
    if scenario is not None and not calibration_round.items.filter(scenario=scenario).exists():
        raise RoundError("That scenario is not in this round.", field="scenario")
    try:
        assert_safe(text, max_length=NOTE_MAX_LENGTH)
    except ContentGuardError as error:
        raise RoundError(str(error), field="text") from error
    return DiscussionNote.objects.create(
        calibration_round=calibration_round, author=author, text=text, scenario=scenario
    )
