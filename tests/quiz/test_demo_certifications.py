"""The demo shows certification at work: reviewers sat the certification assessment, those who passed
are certified, and its statistics page has attempts to read."""

import io

import pytest
from django.core.management import call_command

from quiz.models import Attempt, Certification, Quiz

pytestmark = pytest.mark.django_db


def test_the_demo_certifies_exactly_the_reviewers_who_passed_the_assessment():
    call_command("load_demo", stdout=io.StringIO())
    assessment = Quiz.objects.get(title="CSE policy certification")
    sittings = Attempt.objects.filter(quiz=assessment, status=Attempt.Status.SUBMITTED)

    certified = set(Certification.objects.values_list("attempt_id", flat=True))

    assert certified == set(sittings.filter(passed=True).values_list("pk", flat=True))
    assert 0 < len(certified) < sittings.count()
