"""Writes for quizzes: create quizzes and assignments, start attempts, record answers, submit, rescore.

`answer_record` is the one place an answer is validated, scored against the engine under the
attempt's policy version and rubric, and saved. Calibration rounds reuse it: any Attempt with
AttemptItems (quiz or calibration round) can take answers through it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import LEAD_ROLES, STAFF_ROLES, user_has_role
from accounts.models import Team, User
from analytics import tasks
from analytics.tasks import enqueue_on_commit
from quiz.composition import compose, compose_adaptive, compose_preferring_unseen
from quiz.memory import clauses_by_urgency, interleave_confusions
from quiz.models.quizzes import Answer, Assignment, Attempt, AttemptItem, Certification, Quiz, QuizItem
from quiz.scoring import (
    NOT_VIOLATING,
    VIOLATING,
    AnswerKey,
    Rubric,
    RubricInvalid,
    ScoreResult,
    attempt_score,
    passes,
    rubric_from_dict,
    score_answer,
)
from quiz.selectors.exposure import seen_graded_by
from quiz.selectors.quizzes import (
    practice_history_for,
    quiz_candidates,
    quiz_scenarios_drawable,
    quizzes_assignable_by,
    retries_for,
    scenario_ids_blind_for,
    teams_led_by,
    trainees_led_by,
)
from quiz.services.exposure import attempt_results_exposures_record, practice_feedback_exposure_record
from training.content_guard import check_text
from training.models import PolicyVersion, Scenario
from training.policy import Outcome
from training.selectors import engine_policy, gold_outcome, published_policy_version

RATIONALE_MAX_LENGTH = 2000
QUIZ_DESCRIPTION_MAX_LENGTH = 2000
FINAL_ANSWER_MODES = (Quiz.Mode.PRACTICE, Quiz.Mode.ADAPTIVE)


class QuizError(Exception):
    """A refused quiz action; the message is shown to the user as it is."""


class QuizUnavailable(QuizError):
    pass


class CooldownActive(QuizError):
    pass


class AttemptClosed(QuizError):
    """The attempt is submitted or its time limit has passed."""


class AnswerFinal(QuizError):
    """A practice answer, once given (and its feedback shown), cannot change."""


class InputInvalid(QuizError):
    """Field-level problems: `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(f"{name}: {message}" for name, message in errors.items()))


# --- Quizzes and assignments --------------------------------------------------------------------


@transaction.atomic
@transaction.atomic
def quiz_archive(*, quiz: Quiz, actor: User, archived: bool = True) -> Quiz:
    """Archive a quiz (or restore it): an archived quiz can no longer be started or assigned, and its
    attempts, results and certifications stay as they are. The policy team and admins archive any quiz;
    a lead only their own."""
    if not (user_has_role(actor, STAFF_ROLES) or (quiz.created_by_id == actor.pk and user_has_role(actor, LEAD_ROLES))):
        raise PermissionDenied("Only the quiz's author or the policy team may archive it.")
    quiz.is_active = not archived
    quiz.save(update_fields=["is_active"])
    return quiz


def quiz_create(
    *,
    created_by: User,
    title: str,
    mode: str,
    question_count: int,
    pass_mark_percent: int = 80,
    time_limit_minutes: int | None = None,
    cooldown_hours: int = 24,
    description: str = "",
    scenarios: Sequence[Scenario] = (),
    rubric: dict[str, Any] | None = None,
    policy_version: PolicyVersion | None = None,
    open_to_all_trainees: bool = False,
) -> Quiz:
    if not user_has_role(created_by, (*LEAD_ROLES, *STAFF_ROLES)):
        raise PermissionDenied("Only team leads and the policy team set quizzes.")
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the quiz a title."
    if mode not in Quiz.Mode.values:
        errors["mode"] = f"Choose one of: {', '.join(Quiz.Mode.values)}."
    if not 1 <= question_count <= 200:
        errors["question_count"] = "Ask between 1 and 200 questions."
    if not 0 <= pass_mark_percent <= 100:
        errors["pass_mark_percent"] = "The pass mark is a percentage from 0 to 100."
    if time_limit_minutes is not None and not 1 <= time_limit_minutes <= 600:
        errors["time_limit_minutes"] = "The time limit is from 1 to 600 minutes."
    for name, text, limit in (("title", title, 200), ("description", description, QUIZ_DESCRIPTION_MAX_LENGTH)):
        problems = check_text(text, max_length=limit)
        if problems and name not in errors:
            errors[name] = f"This {name} cannot be saved: " + " ".join(problem.message for problem in problems)
    drawable = set(quiz_scenarios_drawable().filter(pk__in=[s.pk for s in scenarios]).values_list("pk", flat=True))
    refused = [s.key for s in scenarios if s.pk not in drawable]
    if refused:
        errors["scenarios"] = (
            "Only published scenarios that are not worked examples can be used: " + ", ".join(refused) + "."
        )
    try:
        rubric_value = rubric_from_dict(rubric or {}).as_dict() if rubric else {}
    except RubricInvalid as error:
        errors["rubric"] = str(error)
        rubric_value = {}
    if errors:
        raise InputInvalid(errors)
    quiz = Quiz.objects.create(
        title=title.strip(),
        description=description,
        mode=mode,
        question_count=len(scenarios) if scenarios else question_count,
        pass_mark_percent=pass_mark_percent,
        time_limit_minutes=time_limit_minutes,
        cooldown_hours=cooldown_hours,
        rubric=rubric_value,
        policy_version=policy_version,
        open_to_all_trainees=open_to_all_trainees,
        # The policy team's quizzes are templates for every lead; a lead's quiz stays theirs.
        is_shared=user_has_role(created_by, STAFF_ROLES),
        created_by=created_by,
    )
    QuizItem.objects.bulk_create(
        QuizItem(quiz=quiz, scenario=scenario, position=position) for position, scenario in enumerate(scenarios, 1)
    )
    return quiz


def assignment_create(
    *, assigned_by: User, quiz: Quiz, due_at: dt.datetime, trainee: User | None = None, team: Team | None = None
) -> Assignment:
    """Assign a quiz to one trainee or one team. A lead may assign only to their own teams and members."""
    errors: dict[str, str] = {}
    if (trainee is None) == (team is None):
        errors["target"] = "Choose either a trainee or a team."
    elif team is not None and not teams_led_by(assigned_by).filter(pk=team.pk).exists():
        errors["team"] = "You can only assign quizzes to teams you lead."
    elif trainee is not None and not trainees_led_by(assigned_by).filter(pk=trainee.pk).exists():
        errors["trainee"] = "You can only assign quizzes to trainees in teams you lead."
    if not quiz.is_active:
        errors["quiz"] = "This quiz is no longer active."
    elif not quizzes_assignable_by(assigned_by).filter(pk=quiz.pk).exists():
        errors["quiz"] = "You can assign your own quizzes and the shared ones, not another lead's."
    if due_at <= timezone.now():
        errors["due_at"] = "The due date must be in the future."
    if errors:
        raise InputInvalid(errors)
    return Assignment.objects.create(quiz=quiz, trainee=trainee, team=team, due_at=due_at, assigned_by=assigned_by)


# --- Starting an attempt ------------------------------------------------------------------------


def _draw(
    *, quiz: Quiz, user: User, version: PolicyVersion, seed: int, seen: Collection[int], now: dt.datetime
) -> list[int]:
    # Scenarios the user still owes a blind answer (an open round, an assessment in progress) are
    # never drawn for them: practice would show their gold before the blind answer is given.
    blind = scenario_ids_blind_for(user)
    fixed = list(quiz_scenarios_drawable().filter(pk__in=QuizItem.objects.filter(quiz=quiz).values("scenario_id")))
    if fixed:
        positions = dict(QuizItem.objects.filter(quiz=quiz).values_list("scenario_id", "position"))
        ordered = sorted(fixed, key=lambda s: positions[s.pk])
        return [s.pk for s in ordered if s.pk not in blind and quiz_candidates(version=version, scenarios=[s])]
    candidates = quiz_candidates(version=version, scenarios=quiz_scenarios_drawable().exclude(pk__in=blind))
    if quiz.mode == Quiz.Mode.ADAPTIVE:
        clauses = sorted({candidate.clause for candidate in candidates})
        history = practice_history_for(user, now)
        urgent_first = clauses_by_urgency(history.memory, clauses, now)
        return compose_adaptive(
            candidates,
            quiz.question_count,
            seed,
            clause_order=interleave_confusions(urgent_first, history.confusions),
            retries=retries_for(user),
        )
    if quiz.mode == Quiz.Mode.ASSESSMENT:
        # An assessment measures judgement, not memory: items whose gold the user has seen come last.
        return compose_preferring_unseen(candidates, quiz.question_count, seed, seen=seen)
    return compose(candidates, quiz.question_count, seed)


def cooldown_ends_at(*, quiz: Quiz, user: User) -> dt.datetime | None:
    """When this user may next start the assessment, or None if they may now (or it is not an assessment)."""
    if quiz.mode != Quiz.Mode.ASSESSMENT or not quiz.cooldown_hours:
        return None
    last = Attempt.objects.filter(quiz=quiz, user=user, submitted_at__isnull=False).order_by("-submitted_at").first()
    if last is None:
        return None
    ends = last.submitted_at + dt.timedelta(hours=quiz.cooldown_hours)
    return ends if ends > timezone.now() else None


@transaction.atomic
def attempt_start(*, user: User, quiz: Quiz, seed: int | None = None, now: dt.datetime | None = None) -> Attempt:
    """Start an attempt, or return the user's attempt already in progress on this quiz.

    The scenarios are drawn once, here, and stored as AttemptItems in order; the seed is kept so
    the draw can be reproduced. Refuses inactive quizzes, assessments in their cooldown, and
    quizzes with nothing to draw.
    """
    now = now or timezone.now()
    open_attempt = Attempt.objects.filter(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS).first()
    if open_attempt is not None:
        open_attempt = attempt_expire_if_due(attempt=open_attempt, now=now)
        if open_attempt.is_open:
            return open_attempt
    if not quiz.is_active:
        raise QuizUnavailable("This quiz is no longer active.")
    ends = cooldown_ends_at(quiz=quiz, user=user)
    if ends is not None:
        raise CooldownActive(f"You can retake this assessment from {timezone.localtime(ends):%d %b %Y %H:%M} UTC.")
    version = quiz.policy_version or published_policy_version()
    if version is None:
        raise QuizUnavailable("No policy version is published yet, so there is nothing to be scored against.")
    seed = secrets.randbelow(2**31) if seed is None else seed
    seen = seen_graded_by(user.pk)
    scenario_ids = _draw(quiz=quiz, user=user, version=version, seed=seed, seen=seen, now=now)
    if not scenario_ids:
        raise QuizUnavailable("No published scenarios are available for this quiz yet.")
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                quiz=quiz,
                mode=quiz.mode,
                policy_version=version,
                rubric=rubric_from_dict(quiz.rubric or {}).as_dict(),
                seed=seed,
                started_at=now,
                deadline_at=now + dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None,
            )
            AttemptItem.objects.bulk_create(
                AttemptItem(attempt=attempt, scenario_id=sid, position=position, seen_before=sid in seen)
                for position, sid in enumerate(scenario_ids, 1)
            )
    except IntegrityError:
        # Another tab started the same quiz at the same moment: use its attempt.
        return Attempt.objects.get(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS)
    return attempt


# --- Answering ----------------------------------------------------------------------------------


def expected_from_outcome(outcome: Outcome) -> dict[str, Any]:
    return {
        "verdict": outcome.verdict.value,
        "clause_id": outcome.clause_id or "",
        "action": outcome.action,
        "report_to_ncmec": outcome.report_to_ncmec,
        "report_route": outcome.report_route,
        "rule_id": outcome.rule_id,
        "explanation": outcome.explanation,
    }


def answer_key(values: dict[str, Any]) -> AnswerKey:
    """An answer, or an expected answer, as the scorer reads it (missing parts empty)."""
    return AnswerKey(
        verdict=values.get("verdict") or "",
        clause_id=values.get("clause_id") or "",
        action=values.get("action") or "",
        report_to_ncmec=values.get("report_to_ncmec"),
        report_route=values.get("report_route") or "",
    )


def answer_score(
    *, version: PolicyVersion, rubric: Rubric, scenario: Scenario, given: dict[str, Any]
) -> tuple[dict[str, Any], ScoreResult]:
    """The engine's expected answer for `scenario` under `version`, and `given` scored against it."""
    expected = expected_from_outcome(gold_outcome(version, scenario.facts))
    return expected, score_answer(answer_key(given), answer_key(expected), rubric, scenario.kind)


def _validate(
    *,
    version: PolicyVersion,
    kind: str,
    verdict: str,
    clause_id: str,
    action: str,
    report_to_ncmec: bool | None,
    report_route: str,
    confidence: int | None,
    rationale: str,
) -> dict[str, Any]:
    policy = engine_policy(version)
    errors: dict[str, str] = {}
    if kind == Scenario.Kind.REPORTING:
        if report_route not in policy.reporting_routes:
            errors["report_route"] = f"Choose a reporting route: {', '.join(sorted(policy.reporting_routes))}."
        cleaned = {"verdict": "", "clause_id": "", "action": "", "report_to_ncmec": None, "report_route": report_route}
    else:
        if verdict not in (VIOLATING, NOT_VIOLATING):
            errors["verdict"] = "Choose a verdict: violating or not violating."
        clause = policy.clauses.get(clause_id) if clause_id else None
        if clause_id and clause is None:
            errors["clause_id"] = f"{clause_id!r} is not a clause of this policy."
        elif verdict == VIOLATING and clause is None:
            errors["clause_id"] = "A violating verdict needs the clause it violates."
        elif verdict == VIOLATING and clause is not None and clause.verdict.value != VIOLATING:
            errors["clause_id"] = (
                f"{clause.id} is a permitted clause; choose a violating clause for a violating verdict."
            )
        elif verdict == NOT_VIOLATING and clause is not None and clause.verdict.value != NOT_VIOLATING:
            errors["clause_id"] = f"{clause.id} is a violating clause; choose a permitted clause or no clause."
        if action not in policy.actions:
            errors["action"] = f"Choose an enforcement action: {', '.join(sorted(policy.actions))}."
        if report_to_ncmec is None:
            errors["report_to_ncmec"] = "Say whether a report to NCMEC is due."
        cleaned = {
            "verdict": verdict,
            "clause_id": clause_id or "",
            "action": action,
            "report_to_ncmec": report_to_ncmec,
            "report_route": "",
        }
    if confidence is not None and not 1 <= confidence <= 5:
        errors["confidence"] = "Confidence is from 1 (unsure) to 5 (certain)."
    problems = check_text(rationale or "", max_length=RATIONALE_MAX_LENGTH)
    if problems:
        errors["rationale"] = "Your rationale cannot be saved: " + " ".join(p.message for p in problems)
    if errors:
        raise InputInvalid(errors)
    return cleaned


def _time_limit_message(attempt: Attempt) -> str:
    return (
        f"The time limit for this attempt passed at {timezone.localtime(attempt.deadline_at):%H:%M} UTC; "
        "answers after it are not recorded."
    )


@transaction.atomic
def item_answer_record(
    *,
    attempt: Attempt | int,
    scenario: Scenario | int,
    user: User,
    verdict: str = "",
    clause_id: str = "",
    action: str = "",
    report_to_ncmec: bool | None = None,
    report_route: str = "",
    confidence: int | None = None,
    rationale: str = "",
    now: dt.datetime | None = None,
) -> AttemptItem:
    """Validate, score against the engine under the attempt's version and rubric, and save one answer
    to the attempt's item for ``scenario``. ``attempt`` and ``scenario`` may be given as ids.

    Locks the attempt row so that two tabs answering at once are serialised. In practice and
    adaptive attempts an answer is final once given; in assessments and calibration rounds it may
    change until the attempt is submitted. Raises AttemptClosed, AnswerFinal or InputInvalid.

    Returns the item, as ``attempt_items_with_answers`` gives them: its ``scenario``, its ``answer``
    and its ``attempt`` (as locked and checked here) are loaded, so showing the result costs no query.
    """
    now = now or timezone.now()
    locked = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("policy_version")
        .defer("policy_version__document")  # the engine's parse of it is cached per version
        .get(pk=attempt.pk if isinstance(attempt, Attempt) else attempt)
    )
    if locked.user_id != user.pk:
        raise QuizUnavailable("This attempt is not yours.")
    if locked.status != Attempt.Status.IN_PROGRESS:
        raise AttemptClosed("This attempt has been submitted; its answers can no longer change.")
    if locked.deadline_at and now > locked.deadline_at:
        raise AttemptClosed(_time_limit_message(locked))
    item = (
        AttemptItem.objects.filter(
            attempt=locked, scenario_id=scenario.pk if isinstance(scenario, Scenario) else scenario
        )
        .select_related("scenario")
        .first()
    )
    if item is None:
        raise InputInvalid({"scenario": "This scenario is not part of this attempt."})
    cleaned = _validate(
        version=locked.policy_version,
        kind=item.scenario.kind,
        verdict=verdict,
        clause_id=clause_id,
        action=action,
        report_to_ncmec=report_to_ncmec,
        report_route=report_route,
        confidence=confidence,
        rationale=rationale,
    )
    rubric = rubric_from_dict(locked.rubric or {})
    expected, result = answer_score(version=locked.policy_version, rubric=rubric, scenario=item.scenario, given=cleaned)
    values = {
        **cleaned,
        "confidence": confidence,
        "rationale": rationale or "",
        "answered_at": now,
        "expected": expected,
        "scored_policy_version": locked.policy_version,
        "scored_rubric": rubric.as_dict(),
        "points": result.points,
        "max_points": result.max_points,
        "part_results": result.parts_as_dict(),
        "is_correct": result.is_correct,
        "is_critical_miss": result.is_critical_miss,
    }
    if locked.mode in FINAL_ANSWER_MODES:
        item.answer = _answer_save_once(locked, item, values)
        practice_feedback_exposure_record(attempt=locked, scenario_id=item.scenario_id, shown_at=now)
    else:
        item.answer = _answer_save_or_replace(locked, item, values)
    item.attempt = locked
    return item


def _answer_save_once(attempt: Attempt, item: AttemptItem, values: dict[str, Any]) -> Answer:
    """Practice: the first answer is final. The attempt is locked, so a second answer to the item can
    only meet the one-answer-per-item constraint; inserting straight away saves reading first."""
    try:
        return Answer.objects.create(attempt=attempt, scenario=item.scenario, **values)
    except IntegrityError:
        # The transaction is spoilt: raising rolls it back (to this call's savepoint when nested).
        raise AnswerFinal(
            "You have already answered this question; in practice an answer is final once given."
        ) from None


def _answer_save_or_replace(attempt: Attempt, item: AttemptItem, values: dict[str, Any]) -> Answer:
    """Assessments and rounds: an answer may change until the attempt is submitted. Every column but
    the keys is rewritten, so only the id of an earlier answer is read."""
    earlier = Answer.objects.filter(attempt=attempt, scenario_id=item.scenario_id).values_list("pk", flat=True)
    answer = Answer(pk=earlier.first(), attempt=attempt, scenario=item.scenario, **values)
    if answer.pk is None:
        answer.save(force_insert=True)
    else:
        answer.save(update_fields=list(values))
    return answer


def answer_record(*, attempt: Attempt | int, scenario: Scenario | int, user: User, **answer: Any) -> Answer:
    """``item_answer_record`` for a caller that needs only the saved answer."""
    return item_answer_record(attempt=attempt, scenario=scenario, user=user, **answer).answer


# --- Finishing ----------------------------------------------------------------------------------


def _finalise(attempt: Attempt, *, status: str, now: dt.datetime) -> Attempt:
    rubric = rubric_from_dict(attempt.rubric or {})
    answers = {a.scenario_id: a for a in Answer.objects.filter(attempt=attempt)}
    points, maxima = [], []
    for item in AttemptItem.objects.filter(attempt=attempt).select_related("scenario"):
        answer = answers.get(item.scenario_id)
        points.append(answer.points if answer else 0.0)
        maxima.append(answer.max_points if answer else rubric.max_points(item.scenario.kind))
    attempt.score = attempt_score(points, maxima)
    attempt.critical_misses = sum(1 for a in answers.values() if a.is_critical_miss)
    attempt.status = status
    attempt.submitted_at = now
    quiz = attempt.quiz
    attempt.passed = (
        passes(attempt.score, attempt.critical_misses, quiz.pass_mark_percent)
        if quiz is not None and attempt.mode == Quiz.Mode.ASSESSMENT
        else None
    )
    attempt.save(update_fields=["score", "critical_misses", "status", "submitted_at", "passed"])
    attempt_results_exposures_record(attempt=attempt, shown_at=now)
    enqueue_on_commit(tasks.refresh_after_attempt, attempt.pk)
    if attempt.passed:
        Certification.objects.get_or_create(
            attempt=attempt,
            defaults={
                "user_id": attempt.user_id,
                "policy_version_id": attempt.policy_version_id,
                "score": attempt.score,
                "certified_at": now,
            },
        )
    return attempt


@transaction.atomic
def attempt_submit(*, attempt: Attempt, user: User, now: dt.datetime | None = None) -> Attempt:
    """Submit and score an attempt. Submitting again returns it unchanged; after the time limit the
    attempt is closed as expired, scored on the answers given in time."""
    now = now or timezone.now()
    locked = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)
    if locked.user_id != user.pk:
        raise QuizUnavailable("This attempt is not yours.")
    if locked.status != Attempt.Status.IN_PROGRESS:
        return locked
    expired = locked.deadline_at is not None and now > locked.deadline_at
    return _finalise(locked, status=Attempt.Status.EXPIRED if expired else Attempt.Status.SUBMITTED, now=now)


def attempt_expire_if_due(*, attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """Close an attempt whose time limit has passed (scored on what was answered in time)."""
    now = now or timezone.now()
    if attempt.status != Attempt.Status.IN_PROGRESS or attempt.deadline_at is None or now <= attempt.deadline_at:
        return attempt
    return _attempt_expire(attempt)


@transaction.atomic
def _attempt_expire(attempt: Attempt) -> Attempt:
    locked = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)
    if locked.status != Attempt.Status.IN_PROGRESS:
        return locked
    return _finalise(locked, status=Attempt.Status.EXPIRED, now=locked.deadline_at)


__all__ = [
    "AnswerFinal",
    "AttemptClosed",
    "CooldownActive",
    "InputInvalid",
    "QuizError",
    "QuizUnavailable",
    "answer_record",
    "assignment_create",
    "attempt_expire_if_due",
    "attempt_start",
    "attempt_submit",
    "quiz_create",
]
