"""The lead's quiz form carries the rubric: prefilled with the default, checked by `rubric_from_dict`."""

import pytest
from django.urls import reverse

from quiz.models import Quiz
from quiz.scoring import DEFAULT_RUBRIC

pytestmark = pytest.mark.django_db

BASE = {"title": "Weighted", "mode": "practice", "question_count": 5, "pass_mark_percent": 80, "cooldown_hours": 24}
DEFAULTS = {f"rubric_{part}": value for part, value in DEFAULT_RUBRIC.as_dict().items()}


def test_the_form_is_prefilled_with_the_default_rubric(lead_client, published_policy):
    content = lead_client.get(reverse("quiz:quiz-create")).content.decode()

    for part, value in DEFAULT_RUBRIC.as_dict().items():
        assert f'name="rubric_{part}" value="{value}"' in content
    assert "<legend>Scoring rubric (points)</legend>" in content


def test_a_lead_sets_a_rubric_and_the_quiz_keeps_it(lead_client, published_policy):
    response = lead_client.post(
        reverse("quiz:quiz-create"), {**BASE, **DEFAULTS, "rubric_clause": 4, "rubric_ncmec": 0}
    )

    assert (response.status_code, Quiz.objects.get().rubric) == (
        302,
        {**DEFAULT_RUBRIC.as_dict(), "clause": 4.0, "ncmec": 0.0},
    )


def test_an_empty_rubric_part_takes_the_default(lead_client, published_policy):
    lead_client.post(reverse("quiz:quiz-create"), {**BASE, **DEFAULTS, "rubric_critical_miss_penalty": ""})

    assert Quiz.objects.get().rubric == DEFAULT_RUBRIC.as_dict()


def test_a_weight_out_of_range_is_a_field_error_and_creates_nothing(lead_client, published_policy):
    response = lead_client.post(reverse("quiz:quiz-create"), {**BASE, **DEFAULTS, "rubric_verdict": 150})

    assert response.status_code == 400
    assert response.context["form"].errors == {"rubric_verdict": ["Must be from 0 to 100, not 150."]}
    assert Quiz.objects.count() == 0


def test_a_rubric_worth_nothing_is_a_form_error_and_creates_nothing(lead_client, published_policy):
    zeros = {"rubric_verdict": 0, "rubric_clause": 0, "rubric_action": 0, "rubric_ncmec": 0}

    response = lead_client.post(reverse("quiz:quiz-create"), {**BASE, **DEFAULTS, **zeros})

    assert response.context["form"].errors == {"__all__": ["A case item must be worth more than 0 points."]}
    assert "A case item must be worth more than 0 points." in response.content.decode()
    assert Quiz.objects.count() == 0


def test_a_weight_that_is_not_a_number_is_a_field_error(lead_client, published_policy):
    response = lead_client.post(reverse("quiz:quiz-create"), {**BASE, **DEFAULTS, "rubric_action": "lots"})

    assert response.context["form"].errors == {"rubric_action": ["Enter a number."]}
    assert Quiz.objects.count() == 0
