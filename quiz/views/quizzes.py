"""Trainee pages (home, taking a quiz, results, history) and the lead's assignment page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import LEAD_ROLES, STAFF_ROLES, role_required
from accounts.models import Role
from quiz.forms import AnswerForm, AssignmentForm, QuizForm
from quiz.memory import clauses_by_urgency
from quiz.models.quizzes import Attempt
from quiz.selectors.quizzes import (
    answer_value_label,
    assignments_for_trainee,
    attempt_get_for_owner,
    attempt_get_for_viewer,
    attempt_items_with_answers,
    attempts_for_trainee,
    certifications_for,
    clause_breakdown,
    expected_labels,
    is_staff,
    lead_assignment_rows,
    open_rounds_for_reviewer,
    part_rows,
    practice_history_for,
    quiz_archivable_get,
    quiz_get_for_trainee,
    quiz_scenarios_drawable,
    quizzes_archived_by,
    quizzes_assignable_by,
    quizzes_available_to,
    teams_led_by,
    trainees_led_by,
)
from quiz.services.attempts import (
    FINAL_ANSWER_MODES,
    QuizError,
    answer_record,
    assignment_create,
    attempt_expire_if_due,
    attempt_start,
    attempt_submit,
    cooldown_ends_at,
    quiz_archive,
    quiz_create,
)
from quiz.services.attempts import InputInvalid as ServiceInputInvalid
from training.selectors import engine_policy

QUIZ_SETTERS = (*LEAD_ROLES, *STAFF_ROLES)
HISTORY_PAGE_SIZE = 25


# The service names the policy's ids for API clients; on the page the options already read as titles.
CHOICE_MESSAGES = {
    "action": "Choose an enforcement action.",
    "report_route": "Choose where this should be reported.",
}


@role_required(Role.TRAINEE)
def trainee_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    attempts = list(attempts_for_trainee(user).order_by("-started_at"))
    finished_quiz_ids = {a.quiz_id for a in attempts if not a.is_open}
    assignments = assignments_for_trainee(user)
    now = timezone.now()
    history = practice_history_for(user, now)
    mastery, memory = history.mastery, history.memory
    quizzes = list(quizzes_available_to(user))
    return render(
        request,
        "quiz/quizzes/trainee_home.html",
        {
            "assignments": [
                {"assignment": a, "done": a.quiz_id in finished_quiz_ids, "overdue": a.due_at < timezone.now()}
                for a in assignments
            ],
            "quizzes": [{"quiz": q, "cooldown_ends": cooldown_ends_at(quiz=q, user=user)} for q in quizzes],
            "open_attempts": [a for a in attempts if a.is_open],
            "open_rounds": open_rounds_for_reviewer(user),
            "recent_attempts": [a for a in attempts if not a.is_open][:5],
            "certifications": list(certifications_for(user)),
            "mastery": mastery,
            "mastery_chart": {
                "labels": [clause or "No clause" for clause in mastery],
                "values": [round(value * 100) for value in mastery.values()],
            },
            "reviews": [memory[clause] for clause in clauses_by_urgency(memory, sorted(memory), now)],
            "due_now": [m for m in memory.values() if m.is_due(now)],
            "now": now,
        },
    )


@role_required(Role.TRAINEE)
def history(request: HttpRequest) -> HttpResponse:
    attempts = attempts_for_trainee(request.user).order_by("-started_at", "-pk")
    page = Paginator(attempts, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quiz/quizzes/history.html", {"attempts": page.object_list, "page": page})


@role_required(Role.TRAINEE)
@require_POST
def quiz_start(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = quiz_get_for_trainee(user=request.user, pk=pk)
    try:
        attempt = attempt_start(user=request.user, quiz=quiz)
    except QuizError as error:
        messages.error(request, str(error))
        return redirect("quiz:trainee-home")
    return redirect("quiz:attempt-take", pk=attempt.pk)


def _current_position(items: list[Any], requested: str | None) -> int:
    if requested and requested.isdigit() and 1 <= int(requested) <= len(items):
        return int(requested)
    for item in items:
        if item.answer is None:
            return item.position
    return items[-1].position if items else 1


@role_required(Role.TRAINEE)
def attempt_take(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = attempt_get_for_owner(user=request.user, pk=pk)
    attempt = attempt_expire_if_due(attempt=attempt)
    if not attempt.is_open:
        if attempt.status == Attempt.Status.EXPIRED:
            messages.error(request, "The time limit passed; your attempt was submitted with the answers given in time.")
        return redirect("quiz:attempt-results", pk=attempt.pk)
    items = attempt_items_with_answers(attempt)
    position = _current_position(items, request.POST.get("position") or request.GET.get("item"))
    item = next(i for i in items if i.position == position)
    policy = engine_policy(attempt.policy_version)
    form = AnswerForm(request.POST or None, policy=policy, kind=item.scenario.kind)
    if request.method == "POST" and form.is_valid():
        try:
            answer_record(attempt=attempt, scenario=item.scenario, user=request.user, **form.service_kwargs())
        except ServiceInputInvalid as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, CHOICE_MESSAGES.get(field, message))
        except QuizError as error:
            messages.error(request, str(error))
            return redirect(f"{reverse('quiz:attempt-take', args=[attempt.pk])}?item={position}")
        else:
            if attempt.mode in FINAL_ANSWER_MODES:
                return redirect(f"{reverse('quiz:attempt-take', args=[attempt.pk])}?item={position}")
            messages.success(request, f"Answer to question {position} saved. You can change it until you submit.")
            return redirect("quiz:attempt-take", pk=attempt.pk)
    elif request.method == "GET" and item.answer is not None and attempt.mode not in FINAL_ANSWER_MODES:
        answer = item.answer
        form = AnswerForm(
            initial={
                "verdict": answer.verdict,
                "clause_id": answer.clause_id,
                "action": answer.action,
                "report_to_ncmec": ""
                if answer.report_to_ncmec is None
                else ("yes" if answer.report_to_ncmec else "no"),
                "report_route": answer.report_route,
                "confidence": str(answer.confidence or ""),
                "rationale": answer.rationale,
            },
            policy=policy,
            kind=item.scenario.kind,
        )
    answered = sum(1 for i in items if i.answer is not None)
    show_feedback = item.answer is not None and attempt.mode in FINAL_ANSWER_MODES
    next_unanswered = next((i.position for i in items if i.answer is None), None)
    return render(
        request,
        "quiz/quizzes/attempt_take.html",
        {
            "attempt": attempt,
            "items": items,
            "item": item,
            "form": form,
            "answered": answered,
            "total": len(items),
            "percent": round(100 * answered / len(items)) if items else 0,
            "show_feedback": show_feedback,
            "feedback": _feedback(policy, item.answer) if show_feedback else None,
            "next_unanswered": next_unanswered,
            "answers_are_final": attempt.mode in FINAL_ANSWER_MODES,
            "clause_groups": {"violating": form.violating_clause_ids, "permitted": form.permitted_clause_ids},
        },
        # Reached on a POST only when the form or the service refused the answer.
        status=400 if request.method == "POST" else 200,
    )


def _feedback(policy: Any, answer: Any) -> dict[str, Any]:
    """What the trainee sees once an item's gold may be shown: the answer, the rule and the clause, as titles."""
    expected = answer.expected
    return {
        "answer": answer,
        "expected": expected,
        "labels": expected_labels(policy, expected),
        "clause": policy.clauses.get(expected.get("clause_id") or ""),
        "rows": part_rows(policy, answer.part_results),
    }


@role_required(Role.TRAINEE)
@require_POST
def attempt_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = attempt_get_for_owner(user=request.user, pk=pk)
    attempt = attempt_submit(attempt=attempt, user=request.user)
    if attempt.status == Attempt.Status.EXPIRED:
        messages.error(request, "The time limit had passed; only the answers given in time were scored.")
    return redirect("quiz:attempt-results", pk=attempt.pk)


@role_required(Role.TRAINEE, *QUIZ_SETTERS)
def attempt_results(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = attempt_get_for_viewer(user=request.user, pk=pk)
    attempt = attempt_expire_if_due(attempt=attempt)
    if attempt.is_open:
        if attempt.user_id == request.user.pk:
            return redirect("quiz:attempt-take", pk=attempt.pk)
        raise Http404("This attempt has no results yet.")
    items = attempt_items_with_answers(attempt)
    policy = engine_policy(attempt.policy_version)
    answers = [item.answer for item in items if item.answer is not None]
    breakdown = [
        {**row, "title": answer_value_label(policy, "clause", row["clause"])} for row in clause_breakdown(answers)
    ]
    return render(
        request,
        "quiz/quizzes/attempt_results.html",
        {
            "attempt": attempt,
            "items": [
                {"item": item, "feedback": _feedback(policy, item.answer) if item.answer else None} for item in items
            ],
            "breakdown": breakdown,
            "unanswered": sum(1 for item in items if item.answer is None),
            "correct": sum(1 for answer in answers if answer.is_correct),
            "certification": getattr(attempt, "certification", None) if attempt.passed else None,
            "is_owner": attempt.user_id == request.user.pk,
        },
    )


@role_required(*QUIZ_SETTERS)
def lead_assignments(request: HttpRequest) -> HttpResponse:
    assignable = quizzes_assignable_by(request.user)
    form = AssignmentForm(
        request.POST or None,
        quizzes=assignable,
        teams=teams_led_by(request.user),
        trainees=trainees_led_by(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = assignment_create(
                assigned_by=request.user,
                quiz=data["quiz"],
                due_at=data["due_at"],
                trainee=data.get("trainee"),
                team=data.get("team"),
            )
        except ServiceInputInvalid as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Assigned {assignment.quiz} to {assignment.trainee or assignment.team}.")
            return redirect("quiz:lead-assignments")
    return render(
        request,
        "quiz/quizzes/lead_assignments.html",
        {
            "form": form,
            "rows": lead_assignment_rows(request.user),
            "quizzes": list(assignable),
            "archived": list(quizzes_archived_by(request.user)),
        },
        # Reached on a POST only when the form or the service refused the input.
        status=400 if request.method == "POST" else 200,
    )


@role_required(*QUIZ_SETTERS)
def quiz_create_view(request: HttpRequest) -> HttpResponse:
    scenarios = quiz_scenarios_drawable().order_by("key")
    form = QuizForm(request.POST or None, scenarios=scenarios)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quiz = quiz_create(
                created_by=request.user,
                title=data["title"],
                description=data["description"],
                mode=data["mode"],
                question_count=data["question_count"],
                time_limit_minutes=data["time_limit_minutes"],
                pass_mark_percent=data["pass_mark_percent"],
                cooldown_hours=data["cooldown_hours"],
                scenarios=list(data["scenarios"]),
                rubric=data["rubric"],
            )
        except ServiceInputInvalid as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"Created the quiz “{quiz.title}”. Assign it below.")
            return redirect("quiz:lead-assignments")
    # Reached on a POST only when the form or the service refused the input.
    status = 400 if request.method == "POST" else 200
    return render(
        request, "quiz/quizzes/quiz_form.html", {"form": form, "is_staff": is_staff(request.user)}, status=status
    )


@role_required(*QUIZ_SETTERS)
@require_POST
def quiz_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive a quiz (``archive=1``) or restore it (``archive=0``)."""
    quiz = quiz_archivable_get(request.user, pk)
    archived = request.POST.get("archive", "1") != "0"
    quiz_archive(quiz=quiz, actor=request.user, archived=archived)
    if archived:
        messages.success(request, f"Archived “{quiz.title}”: it can no longer be started or assigned.")
    else:
        messages.success(request, f"Restored “{quiz.title}”.")
    return redirect("quiz:lead-assignments")
