"""Lesson pages: one per clause, for every role, with worked examples and the rule deciding them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.training.factories import V1_FACTS, ScenarioFactory


@pytest.fixture
def worked_example(published_policy):
    return ScenarioFactory(
        key="V1-001", facts=V1_FACTS, intended_clause="V1", is_worked_example=True, title="Worked repost"
    )


def test_the_lesson_url_is_stable_for_quiz_feedback():
    assert reverse("training:lesson-detail", args=["V1"]) == "/training/lessons/V1/"


def test_anonymous_visitors_are_sent_to_log_in(anonymous_client, published_policy):
    response = anonymous_client.get("/training/lessons/V1/")

    assert (response.status_code, response.url.startswith("/login/")) == (302, True)


@pytest.mark.parametrize("client_name", ["trainee_client", "lead_client", "policy_client", "admin_client_"])
def test_every_role_reads_lessons(request, worked_example, client_name):
    client = request.getfixturevalue(client_name)

    assert client.get(reverse("training:lesson-list")).status_code == 200
    assert client.get(reverse("training:lesson-detail", args=["V1"])).status_code == 200


def test_an_unknown_clause_is_404(trainee_client, published_policy):
    assert trainee_client.get("/training/lessons/Z9/").status_code == 404


def test_a_lesson_shows_the_summary_neighbours_and_worked_examples_with_their_rule(trainee_client, worked_example):
    ScenarioFactory(key="V1-002", facts=V1_FACTS, intended_clause="V1", title="Quiz-only repost")
    ScenarioFactory(key="V4-009", is_worked_example=True, title="Worked link")

    response = trainee_client.get("/training/lessons/V1/")

    lesson = response.context["lesson"]
    assert lesson.clause.id == "V1"
    assert [example.scenario.key for example in lesson.examples] == ["V1-001"]
    assert lesson.examples[0].outcome.rule_id == "R-V1-real-depiction"
    assert [neighbour.id for neighbour in lesson.neighbours] == ["V2", "P4"]
    assert [rule.id for rule in lesson.rules] == ["R-V1-real-depiction"]
    body = response.content.decode()
    assert "Worked repost" in body
    assert "Quiz-only repost" not in body


def test_the_lesson_list_counts_worked_examples_per_clause(trainee_client, worked_example):
    response = trainee_client.get(reverse("training:lesson-list"))

    counts = {item.clause.id: item.example_count for _, items in response.context["groups"] for item in items}
    assert counts["V1"] == 1
    assert counts["V2"] == 0
    assert len(counts) == 16
