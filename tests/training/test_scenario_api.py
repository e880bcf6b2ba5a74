"""Read-only scenario endpoints: published scenarios without answers for everyone, and every
revision with the engine's gold answer for the policy team."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.training.factories import P3_FACTS, ScenarioFactory


@pytest.fixture
def scenarios(published_policy):
    return {
        "published": ScenarioFactory(key="V4-001", tags=["link"]),
        "p3": ScenarioFactory(key="P3-001", facts=P3_FACTS, intended_clause="P3", difficulty="hard", tags=["advocacy"]),
        "draft": ScenarioFactory(key="V4-002", status="draft", published_at=None),
    }


def test_anonymous_callers_are_refused(anonymous_client, scenarios):
    assert anonymous_client.get("/api/scenarios/").status_code == 403
    assert anonymous_client.get("/api/policy-team/scenarios/").status_code == 403


@pytest.mark.parametrize("client_name", ["trainee_client", "lead_client", "policy_client", "admin_client_"])
def test_every_role_lists_published_scenarios_without_answers(request, scenarios, client_name):
    response = request.getfixturevalue(client_name).get("/api/scenarios/")

    published = scenarios["published"]
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert next(item for item in response.json()["results"] if item["id"] == published.pk) == {
        "id": published.pk,
        "revision": 1,
        "title": published.title,
        "text": published.text,
        "kind": "case",
        "difficulty": "easy",
    }


def test_a_draft_is_not_found_through_the_published_endpoint(trainee_client, scenarios):
    assert trainee_client.get(f"/api/scenarios/{scenarios['draft'].pk}/").status_code == 404


def test_the_published_endpoint_filters_by_difficulty(trainee_client, scenarios):
    by_difficulty = trainee_client.get("/api/scenarios/", {"difficulty": "hard"}).json()

    assert [item["id"] for item in by_difficulty["results"]] == [scenarios["p3"].pk]


def test_the_published_endpoint_ignores_a_tag_filter_that_would_hint_at_answers(trainee_client, scenarios):
    response = trainee_client.get("/api/scenarios/", {"tag": "link"}).json()

    assert response["count"] == 2


def test_the_published_endpoint_ignores_a_clause_filter_that_would_reveal_answers(trainee_client, scenarios):
    response = trainee_client.get("/api/scenarios/", {"clause": "V4"}).json()

    assert response["count"] == 2


@pytest.mark.parametrize("client_name", ["trainee_client", "lead_client"])
def test_trainees_and_leads_may_not_use_the_policy_team_endpoint(request, scenarios, client_name):
    client = request.getfixturevalue(client_name)

    assert client.get("/api/policy-team/scenarios/").status_code == 403
    assert client.get(f"/api/policy-team/scenarios/{scenarios['published'].pk}/").status_code == 403


def test_the_policy_team_sees_gold_answers_computed_by_the_engine(policy_client, scenarios):
    response = policy_client.get(f"/api/policy-team/scenarios/{scenarios['published'].pk}/")

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["intended_clause"], body["facts"]) == ("published", "V4", scenarios["published"].facts)
    assert {
        key: body["gold"][key]
        for key in ("verdict", "clause_id", "action", "report_to_ncmec", "report_route", "rule_id")
    } == {
        "verdict": "violating",
        "clause_id": "V4",
        "action": "permanent_suspension",
        "report_to_ncmec": True,
        "report_route": "in_product_form",
        "rule_id": "R-V4-link-to-material",
    }
    assert body["gold_problem"] == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"status": "draft"}, ["V4-002"]), ({"clause": "P3"}, ["P3-001"]), ({"tag": "advocacy"}, ["P3-001"])],
)
def test_the_policy_team_endpoint_filters(admin_client_, scenarios, query, expected):
    response = admin_client_.get("/api/policy-team/scenarios/", query)

    assert [item["key"] for item in response.json()["results"]] == expected


def test_the_policy_team_list_runs_a_fixed_number_of_queries(policy_client, scenarios, django_assert_num_queries):
    for index in range(10):
        ScenarioFactory(key=f"V4-1{index:02d}")
    policy_client.get("/api/policy-team/scenarios/")

    # 1 session, 2 user, 3 published version (filter choices), 4 count, 5 page with author and
    # reviewer joined, 6 published version (gold answers).
    with django_assert_num_queries(6):
        response = policy_client.get("/api/policy-team/scenarios/")

    assert response.json()["count"] == 13


def test_the_policy_team_sees_who_wrote_reviewed_and_was_replaced_by_a_revision(
    policy_client, published_policy, policy_member, second_policy_member
):
    first = ScenarioFactory(key="V4-010", status="retired", retired_at=timezone.now())
    second = ScenarioFactory(
        key="V4-010", revision=2, supersedes=first, author=policy_member, reviewer=second_policy_member
    )

    first_body = policy_client.get(f"/api/policy-team/scenarios/{first.pk}/").json()
    second_body = policy_client.get(f"/api/policy-team/scenarios/{second.pk}/").json()

    # A first revision loaded from the bank has no author, reviewer or predecessor: all three are null.
    assert [(body["author"], body["reviewer"], body["supersedes"]) for body in (first_body, second_body)] == [
        (None, None, None),
        ("priya", "pavel", first.pk),
    ]
