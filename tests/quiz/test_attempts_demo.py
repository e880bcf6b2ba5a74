"""The demo quizzes load once and are assigned to the demo teams; running again changes nothing."""

import pytest

from accounts.demo import demo_accounts_create
from quiz.demo.quizzes import demo_quizzes_create
from quiz.models import Assignment, Quiz

pytestmark = pytest.mark.django_db


def test_demo_quizzes_are_created_once_and_assigned_to_each_team():
    users = demo_accounts_create()

    demo_quizzes_create(users)
    demo_quizzes_create(users)

    assert sorted(Quiz.objects.values_list("mode", flat=True)) == ["adaptive", "assessment", "practice"]
    assert sorted(Assignment.objects.values_list("quiz__mode", "team__name")) == [
        ("assessment", "Trust & Safety North"),
        ("assessment", "Trust & Safety South"),
        ("practice", "Trust & Safety North"),
        ("practice", "Trust & Safety South"),
    ]
