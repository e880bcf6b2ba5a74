"""Reads for quizzes, attempts and their results, and the access helpers that fetch them for a user.

Access helpers raise Http404 when the user may not see the resource at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.access import STAFF_ROLES, user_has_role
from accounts.models import Role, Team, TeamMembership, User
from calibration.models import CalibrationRound, RoundItem
from quiz.composition import Candidate, MasteryRecord, Retry, mastery_by_clause
from quiz.memory import ClauseMemory, Review, clause_memories, confusions_from
from quiz.models.quizzes import Answer, Assignment, Attempt, AttemptItem, Certification, Quiz
from training.models import PolicyVersion, Scenario
from training.policy import FactsInvalid, Policy
from training.selectors import gold_outcome

NO_CLAUSE_LABEL = "none"


# --- Labels: what a person reads for an answer's ids ------------------------------------------
# The one place that turns stored ids (`permanent_suspension`, `True`, `in_product_form`) into the
# titles of the policy version the answer was scored under. Views, the API-free templates and the
# `answer_label` template tag all call these.

PART_TITLES = {
    "verdict": "Verdict",
    "clause": "Clause",
    "action": "Enforcement action",
    "ncmec": "NCMEC report",
    "route": "Reporting route",
}
# Answer fields and scoring parts name the same things differently.
_PART_OF_FIELD = {"clause_id": "clause", "report_to_ncmec": "ncmec", "report_route": "route"}
VERDICT_TITLES = {"violating": "Violating", "not_violating": "Not violating"}
NCMEC_TITLES = {True: "Due", False: "Not due"}
NO_CLAUSE_TITLE = "No clause applies"
NOT_GIVEN = "—"


def answer_value_label(policy: Policy, part: str, value: Any) -> str:
    """The title of one part of an answer (or of a gold answer) under `policy`.

    `part` is a scoring part (verdict, clause, action, ncmec, route) or an answer field name
    (clause_id, report_to_ncmec, report_route). Ids the policy does not know read as themselves, so
    an answer scored under an older version still shows what was stored.
    """
    part = _PART_OF_FIELD.get(part, part)
    if part == "ncmec":
        return NCMEC_TITLES.get(value, NOT_GIVEN) if isinstance(value, bool) or value is None else str(value)
    if part == "clause":
        if not value or value == NO_CLAUSE_LABEL:
            return NO_CLAUSE_TITLE
        clause = policy.clauses.get(value)
        return f"{clause.id} · {clause.title}" if clause else str(value)
    if value in ("", None):
        return NOT_GIVEN
    if part == "verdict":
        return VERDICT_TITLES.get(str(value), str(value))
    if part == "action":
        choice = policy.actions.get(value)
        return choice.title if choice else str(value)
    if part == "route":
        choice = policy.reporting_routes.get(value)
        return choice.title if choice else str(value)
    raise ValueError(f"Unknown answer part {part!r}.")


def part_rows(policy: Policy, part_results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """An answer's scored parts as rows a person reads: part title, given and expected titles, points."""
    return [
        {
            "name": name,
            "title": PART_TITLES.get(name, name),
            "given": answer_value_label(policy, name, part["given"]),
            "expected": answer_value_label(policy, name, part["expected"]),
            "correct": part["correct"],
            "points": part["points"] if part["correct"] else 0.0,
            "max_points": part["max_points"],
        }
        for name, part in part_results.items()
    ]


def expected_labels(policy: Policy, expected: dict[str, Any]) -> dict[str, str]:
    """The gold answer stored on an Answer, each part as its title."""
    return {
        "verdict": answer_value_label(policy, "verdict", expected.get("verdict")),
        "clause": answer_value_label(policy, "clause", expected.get("clause_id")),
        "action": answer_value_label(policy, "action", expected.get("action")),
        "ncmec": answer_value_label(policy, "ncmec", expected.get("report_to_ncmec")),
        "route": answer_value_label(policy, "route", expected.get("report_route")),
    }


def is_staff(user: User) -> bool:
    return user_has_role(user, STAFF_ROLES)


# --- Which scenarios may be drawn -------------------------------------------------------------


def quiz_scenarios_drawable() -> QuerySet[Scenario]:
    """Only published scenarios that are not worked examples (those are shown with their answers)."""
    return Scenario.objects.filter(status=Scenario.Status.PUBLISHED, is_worked_example=False)


def scenario_ids_blind_for(user: User) -> set[int]:
    """Scenarios the user still owes a blind answer: those of the calibration rounds they are in that
    are not closed or cancelled yet, and those of their assessments in progress. A quiz never draws
    them for this user: practice shows an answer at once, and a second assessment's results would
    show the gold of the first one's items before it is submitted (two queries)."""
    in_rounds = RoundItem.objects.filter(
        calibration_round__cohort=user,
        calibration_round__closed_at__isnull=True,
        calibration_round__cancelled_at__isnull=True,
    )
    in_assessments = AttemptItem.objects.filter(
        attempt__user=user, attempt__status=Attempt.Status.IN_PROGRESS, attempt__mode=Quiz.Mode.ASSESSMENT
    )
    return set(in_rounds.values_list("scenario_id", flat=True)) | set(
        in_assessments.values_list("scenario_id", flat=True)
    )


def quiz_candidates(*, version: PolicyVersion, scenarios: Iterable[Scenario] | None = None) -> list[Candidate]:
    """Drawable scenarios with the engine's outcome under `version`.

    Scenarios whose facts the version cannot decide are left out."""
    candidates = []
    for scenario in scenarios if scenarios is not None else quiz_scenarios_drawable():
        try:
            outcome = gold_outcome(version, scenario.facts)
        except FactsInvalid:
            continue
        candidates.append(
            Candidate(
                id=scenario.pk,
                verdict=outcome.verdict.value,
                clause=outcome.clause_id or "",
                difficulty=scenario.difficulty,
                rule=outcome.rule_id,
            )
        )
    return candidates


# --- Quizzes and assignments --------------------------------------------------------------------


def team_ids_of(user: User) -> list[int]:
    return list(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))


def led_team_ids(user: User) -> list[int]:
    return list(
        TeamMembership.objects.filter(user=user, kind=TeamMembership.Kind.LEAD).values_list("team_id", flat=True)
    )


def quizzes_available_to(user: User) -> QuerySet[Quiz]:
    """Active quizzes a trainee may take: open practice quizzes and those assigned to them or their team."""
    return (
        Quiz.objects.filter(is_active=True)
        .filter(
            Q(open_to_all_trainees=True) | Q(assignments__trainee=user) | Q(assignments__team__memberships__user=user)
        )
        .distinct()
    )


def quiz_get_for_trainee(*, user: User, pk: int) -> Quiz:
    quiz = quizzes_available_to(user).filter(pk=pk).first()
    if quiz is None:
        raise Http404("No such quiz.")
    return quiz


def quizzes_assignable_by(user: User) -> QuerySet[Quiz]:
    """Staff may assign any active quiz; a lead their own quizzes and the shared ones (the policy team's),
    never another lead's private quiz. Ordered shared first, then by title."""
    quizzes = Quiz.objects.filter(is_active=True).select_related("created_by").order_by("-is_shared", "title")
    if is_staff(user):
        return quizzes
    if not user_has_role(user, [Role.TEAM_LEAD]):
        return quizzes.none()
    return quizzes.filter(Q(created_by=user) | Q(is_shared=True))


def quizzes_archived_by(user: User) -> QuerySet[Quiz]:
    """Archived quizzes the user may restore: any for staff, a lead's own."""
    quizzes = Quiz.objects.filter(is_active=False).order_by("title")
    return quizzes if is_staff(user) else quizzes.filter(created_by=user)


def quiz_archivable_get(user: User, pk: int) -> Quiz:
    """A quiz the user may archive or restore; 404 for any other."""
    quiz = Quiz.objects.filter(pk=pk).first()
    if quiz is None or not (is_staff(user) or quiz.created_by_id == user.pk):
        raise Http404("No such quiz.")
    return quiz


def teams_led_by(user: User) -> QuerySet[Team]:
    if is_staff(user):
        return Team.objects.all()
    return Team.objects.filter(memberships__user=user, memberships__kind=TeamMembership.Kind.LEAD).distinct()


def trainees_led_by(user: User) -> QuerySet[User]:
    users = User.objects.filter(role=Role.TRAINEE)
    if is_staff(user):
        return users.order_by("username")
    return users.filter(memberships__team__in=teams_led_by(user)).distinct().order_by("username")


@dataclass
class AssignmentRow:
    assignment: Assignment
    trainees: list[dict[str, Any]] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(1 for row in self.trainees if row["completed"])

    @property
    def overdue(self) -> bool:
        return self.assignment.due_at < timezone.now()


def assignments_for_trainee(user: User) -> list[Assignment]:
    return list(
        Assignment.objects.filter(Q(trainee=user) | Q(team__memberships__user=user))
        .select_related("quiz", "team")
        .distinct()
        .order_by("due_at")
    )


def lead_assignment_rows(user: User) -> list[AssignmentRow]:
    """Assignments on the lead's own teams and members, with each trainee's completion and best score.

    Three queries: the assignments, the memberships of their teams, the submitted attempts.
    """
    team_ids = list(teams_led_by(user).values_list("pk", flat=True))
    assignments = list(
        Assignment.objects.filter(Q(team_id__in=team_ids) | Q(trainee__memberships__team_id__in=team_ids))
        .select_related("quiz", "team", "trainee")
        .distinct()
        .order_by("due_at", "pk")
    )
    memberships = TeamMembership.objects.filter(
        team_id__in={a.team_id for a in assignments if a.team_id}, kind=TeamMembership.Kind.MEMBER
    ).select_related("user")
    members_by_team: dict[int, list[User]] = defaultdict(list)
    for membership in memberships:
        members_by_team[membership.team_id].append(membership.user)
    trainee_ids = {u.pk for users in members_by_team.values() for u in users} | {
        a.trainee_id for a in assignments if a.trainee_id
    }
    attempts = Attempt.objects.filter(
        user_id__in=trainee_ids,
        quiz_id__in={a.quiz_id for a in assignments},
        status__in=[Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED],
    ).order_by("submitted_at")
    by_user_quiz: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_user_quiz[(attempt.user_id, attempt.quiz_id)].append(attempt)
    rows = []
    for assignment in assignments:
        people = [assignment.trainee] if assignment.trainee_id else members_by_team[assignment.team_id]
        row = AssignmentRow(assignment=assignment)
        for person in sorted(people, key=lambda p: p.username):
            done = [a for a in by_user_quiz[(person.pk, assignment.quiz_id)] if a.submitted_at >= assignment.created_at]
            best = max(done, key=lambda a: a.score or 0, default=None)
            row.trainees.append(
                {
                    "user": person,
                    "completed": bool(done),
                    "attempts": len(done),
                    "best": best,
                    "late": bool(done) and done[0].submitted_at > assignment.due_at,
                }
            )
        rows.append(row)
    return rows


# --- Attempts ----------------------------------------------------------------------------------


def attempt_get_for_owner(*, user: User, pk: int) -> Attempt:
    """The user's own quiz attempt; 404 for anyone else's."""
    attempt = (
        Attempt.objects.select_related("quiz", "policy_version").filter(pk=pk, user=user, quiz__isnull=False).first()
    )
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def attempt_id_for_owner(*, user: User, pk: int) -> int:
    """The id of the user's own quiz attempt (one light query, for writes that load it themselves);
    404 for anyone else's."""
    if not Attempt.objects.filter(pk=pk, user=user, quiz__isnull=False).values_list("pk", flat=True):
        raise Http404("No such attempt.")
    return pk


def attempt_get_for_viewer(*, user: User, pk: int) -> Attempt:
    """An attempt its owner, a lead of the owner's team, or the policy team may see; 404 otherwise."""
    attempt = Attempt.objects.select_related("quiz", "policy_version", "user").filter(pk=pk, quiz__isnull=False).first()
    if attempt is None:
        raise Http404("No such attempt.")
    if attempt.user_id == user.pk or is_staff(user):
        return attempt
    if (
        user_has_role(user, [Role.TEAM_LEAD])
        and TeamMembership.objects.filter(user_id=attempt.user_id, team_id__in=led_team_ids(user)).exists()
    ):
        return attempt
    raise Http404("No such attempt.")


def attempt_items_with_answers(attempt: Attempt) -> list[AttemptItem]:
    """Items in order, each with `.answer` (or None). Two queries: items with scenarios, answers."""
    items = list(AttemptItem.objects.filter(attempt=attempt).select_related("scenario").order_by("position"))
    answers = {answer.scenario_id: answer for answer in Answer.objects.filter(attempt=attempt)}
    for item in items:
        item.answer = answers.get(item.scenario_id)
    return items


def attempts_for_trainee(user: User) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(user=user, quiz__isnull=False)
        .select_related("quiz", "policy_version")
        .annotate(answered=Count("answers", distinct=True), item_count=Count("items", distinct=True))
    )


def open_rounds_for_reviewer(user: User, *, now: Any = None) -> list[CalibrationRound]:
    """Calibration rounds the user still has to answer: in the cohort, open now (opened, not past closing,
    neither closed nor cancelled) and with scenarios left. Each has `n_items` and `n_answered`. One query.

    Reads calibration rounds only; answering stays with the calibration pages.
    """
    now = now or timezone.now()
    answered = (
        Answer.objects.filter(attempt__calibration_round=OuterRef("pk"), attempt__user=user)
        .order_by()
        .values("attempt__calibration_round")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        CalibrationRound.objects.filter(
            cohort=user,
            opens_at__lte=now,
            closes_at__gt=now,
            closed_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .select_related("team")
        .annotate(
            n_items=Count("items", distinct=True),
            n_answered=Coalesce(Subquery(answered, output_field=IntegerField()), Value(0)),
        )
        .filter(n_answered__lt=F("n_items"))
        .order_by("closes_at", "pk")
    )


def certifications_for(user: User) -> QuerySet[Certification]:
    return Certification.objects.filter(user=user).select_related("policy_version", "attempt__quiz")


def _answers_with_gold_shown(user: User) -> QuerySet[Answer]:
    """The user's quiz answers whose gold answer they have already been shown: every answer of a
    finished attempt, and practice answers (final once given, with feedback at once). An open
    assessment's answers are left out: counting them would reveal, through mastery per clause or
    an adaptive retry, the expected clause and whether the answer was right before submission."""
    return Answer.objects.filter(attempt__user=user, attempt__quiz__isnull=False).filter(
        Q(attempt__status__in=[Attempt.Status.SUBMITTED, Attempt.Status.EXPIRED])
        | Q(attempt__mode__in=[Quiz.Mode.PRACTICE, Quiz.Mode.ADAPTIVE])
    )


def mastery_for(user: User) -> dict[str, float]:
    """Share of correct answers per expected clause across the user's quiz answers whose gold they
    have seen (one query)."""
    records = (
        MasteryRecord(clause=expected.get("clause_id") or "", is_correct=is_correct)
        for expected, is_correct in _answers_with_gold_shown(user).values_list("expected", "is_correct")
    )
    return mastery_by_clause(records)


def retries_for(user: User) -> list[Retry]:
    """Items the user answered wrong in a quiz (and was shown so) and has not answered right since,
    oldest mistake first, each with the rule that decides it: an adaptive session brings the rule
    back with another scenario."""
    latest: dict[int, bool] = {}
    first_wrong: dict[int, Any] = {}
    rules: dict[int, str] = {}
    for scenario_id, is_correct, answered_at, expected in (
        _answers_with_gold_shown(user)
        .order_by("answered_at", "pk")
        .values_list("scenario_id", "is_correct", "answered_at", "expected")
    ):
        latest[scenario_id] = is_correct
        rules[scenario_id] = (expected or {}).get("rule_id") or ""
        if not is_correct:
            first_wrong.setdefault(scenario_id, answered_at)
    wrong = sorted((sid for sid, correct in latest.items() if not correct), key=lambda sid: (first_wrong[sid], sid))
    return [Retry(missed=sid, rule=rules[sid]) for sid in wrong]


@dataclass(frozen=True)
class PracticeHistory:
    """What a reviewer's answers (those whose gold they were shown) say about their practice."""

    mastery: dict[str, float]  # share fully correct per expected clause
    memory: dict[str, ClauseMemory]  # each clause's FSRS card (quiz.memory)
    confusions: dict[str, str]  # each clause's most confused partner


def practice_history_for(user: User, now: dt.datetime) -> PracticeHistory:
    """Mastery, memory schedule and confusions from the user's answers whose gold they have seen; one query."""
    rows = list(_answers_with_gold_shown(user).values_list("expected", "is_correct", "answered_at", "clause_id"))
    expected = [(gold or {}).get("clause_id") or "" for gold, _, _, _ in rows]
    return PracticeHistory(
        mastery=mastery_by_clause(MasteryRecord(clause, row[1]) for clause, row in zip(expected, rows, strict=True)),
        memory=clause_memories(
            (Review(clause, row[1], row[2]) for clause, row in zip(expected, rows, strict=True)), now
        ),
        confusions=confusions_from((clause, row[3]) for clause, row in zip(expected, rows, strict=True) if not row[1]),
    )


def clause_breakdown(answers: Iterable[Answer]) -> list[dict[str, Any]]:
    """Per expected clause: items, correct, points and max points."""
    rows: dict[str, dict[str, Any]] = {}
    for answer in answers:
        clause = answer.expected.get("clause_id") or NO_CLAUSE_LABEL
        row = rows.setdefault(clause, {"clause": clause, "items": 0, "correct": 0, "points": 0.0, "max_points": 0.0})
        row["items"] += 1
        row["correct"] += int(answer.is_correct)
        row["points"] += answer.points
        row["max_points"] += answer.max_points
    return [rows[key] for key in sorted(rows)]


def attempt_with_prefetched_items(pk: int) -> Attempt:
    return Attempt.objects.prefetch_related(
        Prefetch("items", queryset=AttemptItem.objects.select_related("scenario").order_by("position"))
    ).get(pk=pk)
