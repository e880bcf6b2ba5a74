"""Demo quizzes: a practice quiz, an assessment and an adaptive quiz, assigned to the demo teams.

Idempotent: quizzes are found by title and assignments by quiz and team, so running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Team, TeamMembership, User
from quiz.models.quizzes import Assignment, Quiz

DEMO_QUIZZES = (
    {
        "title": "Practice: the CSE policy, clause by clause",
        "description": "Immediate feedback after every answer, with the rule that decided it and a link to the lesson.",
        "mode": Quiz.Mode.PRACTICE,
        "question_count": 8,
        "open_to_all_trainees": True,
        "due_in_days": 7,
    },
    {
        "title": "CSE policy certification",
        "description": "20 minutes, pass mark 80% and no critical miss. Feedback after you submit.",
        "mode": Quiz.Mode.ASSESSMENT,
        "question_count": 10,
        "time_limit_minutes": 20,
        "pass_mark_percent": 80,
        "cooldown_hours": 24,
        "due_in_days": 14,
    },
    {
        "title": "Adaptive practice: your weakest clauses",
        "description": "Draws from the clauses you find hardest and brings back questions you missed.",
        "mode": Quiz.Mode.ADAPTIVE,
        "question_count": 8,
        "open_to_all_trainees": True,
        "due_in_days": None,
    },
)


@transaction.atomic
def demo_quizzes_create(users: dict[str, User]) -> None:
    author = users.get("policy")
    now = timezone.now()
    for spec in DEMO_QUIZZES:
        values = {key: value for key, value in spec.items() if key not in ("title", "due_in_days")}
        quiz, _ = Quiz.objects.get_or_create(
            title=spec["title"], defaults={**values, "created_by": author, "is_shared": True}
        )
        if spec["due_in_days"] is None:
            continue
        for team in Team.objects.filter(memberships__kind=TeamMembership.Kind.LEAD).distinct():
            lead = (
                User.objects.filter(memberships__team=team, memberships__kind=TeamMembership.Kind.LEAD)
                .order_by("pk")
                .first()
            )
            Assignment.objects.get_or_create(
                quiz=quiz,
                team=team,
                defaults={"due_at": now + dt.timedelta(days=spec["due_in_days"]), "assigned_by": lead},
            )
