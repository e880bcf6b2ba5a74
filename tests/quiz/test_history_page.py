"""A trainee's history lists their attempts newest first, 25 to a page, at a fixed query cost."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.quiz.factories import AttemptFactory, QuizFactory


@pytest.fixture
def thirty_attempts(trainee, published_policy):
    quiz = QuizFactory(title="Weekly set")
    start = timezone.now() - dt.timedelta(days=40)
    return [
        AttemptFactory(user=trainee, quiz=quiz, started_at=start + dt.timedelta(days=day), status="submitted")
        for day in range(30)
    ]


def test_the_first_page_shows_the_25_newest_attempts(trainee_client, thirty_attempts):
    response = trainee_client.get(reverse("quiz:history"))

    shown = list(response.context["attempts"])
    assert shown == list(reversed(thirty_attempts))[:25]
    assert b"Page 1 of 2" in response.content


def test_the_second_page_shows_the_oldest_attempts(trainee_client, thirty_attempts):
    response = trainee_client.get(reverse("quiz:history"), {"page": 2})

    assert list(response.context["attempts"]) == list(reversed(thirty_attempts))[25:]


def test_a_page_number_out_of_range_shows_the_last_page(trainee_client, thirty_attempts):
    response = trainee_client.get(reverse("quiz:history"), {"page": 99})

    assert response.context["page"].number == 2


def test_the_history_page_runs_a_fixed_number_of_queries(trainee_client, thirty_attempts, django_assert_num_queries):
    # session, user, count of attempts (paginator), the page of attempts with quiz, policy and counts
    with django_assert_num_queries(4):
        trainee_client.get(reverse("quiz:history"))


def test_another_trainees_attempts_are_not_listed(second_trainee_client, thirty_attempts):
    response = second_trainee_client.get(reverse("quiz:history"))

    assert list(response.context["attempts"]) == []
