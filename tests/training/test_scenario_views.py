"""The policy team's scenario pages: role rules, filters, the authoring form and the review actions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.training.factories import BENIGN_FACTS, P3_FACTS, V1_FACTS, ScenarioFactory
from training.models import Scenario
from training.services import scenario_create, scenario_submit_for_review

TEXT = "@user_4821 reposts a video of a 15-year-old that presents her in a sexually suggestive way."


def form_data(**overrides):
    data = {
        "key": "",
        "title": "Suggestive repost",
        "text": TEXT,
        "kind": "case",
        "difficulty": "medium",
        "tags": "depiction, repost",
        "intended_clause": "V1",
        "intended_action": "",
        "intended_route": "",
        "fact__subject": "specific_person",
        "fact__subject_age": "15",
        "fact__content_form": "photo_or_video",
        "fact__figure": "human",
        "fact__sexual_context": "suggestive",
        "fact__setting": "personal",
        "fact__conduct": "shares_content",
        "fact__stance": "neutral",
        "fact__malicious_intent": "identified",
        "fact__prior_violations": "none",
        "fact__found_where": "on_platform",
        "fact__host_country": "unknown",
    }
    return {**data, **overrides}


@pytest.fixture
def scenario(published_policy):
    return ScenarioFactory(key="V4-001")


# --- Role rules ---------------------------------------------------------------------------------

STAFF_PAGES = ["training:scenario-list", "training:scenario-create", "training:scenario-export"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(anonymous_client, published_policy, name):
    response = anonymous_client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize("client_name", ["trainee_client", "lead_client"])
def test_trainees_and_leads_may_not_use_scenario_pages(request, published_policy, name, client_name):
    assert request.getfixturevalue(client_name).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize("client_name", ["policy_client", "admin_client_"])
def test_the_policy_team_and_admins_may_use_scenario_pages(request, published_policy, name, client_name):
    assert request.getfixturevalue(client_name).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("action", ["submit", "approve", "reject", "revise", "retire"])
def test_trainees_may_not_act_on_scenarios(trainee_client, scenario, action):
    response = trainee_client.post(reverse(f"training:scenario-{action}", args=[scenario.pk]), {"note": "x"})

    assert response.status_code == 403
    scenario.refresh_from_db()
    assert scenario.status == Scenario.Status.PUBLISHED


def test_the_detail_page_is_for_the_policy_team(trainee_client, policy_client, scenario):
    assert trainee_client.get(reverse("training:scenario-detail", args=[scenario.pk])).status_code == 403
    assert policy_client.get(reverse("training:scenario-detail", args=[scenario.pk])).status_code == 200


def test_an_unknown_scenario_is_404(policy_client, published_policy):
    assert policy_client.get(reverse("training:scenario-detail", args=[999999])).status_code == 404


def test_actions_only_accept_post(policy_client, scenario):
    assert policy_client.get(reverse("training:scenario-retire", args=[scenario.pk])).status_code == 405


# --- The list -----------------------------------------------------------------------------------


def test_the_list_runs_a_fixed_number_of_queries(policy_client, published_policy, django_assert_num_queries):
    for index in range(30):
        ScenarioFactory(key=f"V4-{index:03d}")
    policy_client.get(reverse("training:scenario-list"))  # parse the policy once (cached per version)

    # 1 session, 2 user, 3 published policy version, 4 count for the paginator,
    # 5 the page of scenarios with author and reviewer joined.
    with django_assert_num_queries(5):
        response = policy_client.get(reverse("training:scenario-list"))

    assert response.status_code == 200
    assert len(response.context["scenarios"]) == 25


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"clause": "V1"}, ["V1-001"]),
        ({"clause": "none"}, ["N-001"]),
        ({"verdict": "violating"}, ["V1-001", "V4-001"]),
        ({"verdict": "not_violating"}, ["N-001", "P3-001"]),
        ({"difficulty": "hard"}, ["P3-001"]),
        ({"status": "draft"}, ["N-001"]),
        ({"tag": "advocacy"}, ["P3-001"]),
        ({"q": "school"}, ["N-001"]),
    ],
)
def test_the_list_filters(policy_client, published_policy, query, expected):
    ScenarioFactory(key="V4-001")
    ScenarioFactory(key="V1-001", facts=V1_FACTS, intended_clause="V1", tags=["depiction"])
    ScenarioFactory(key="P3-001", facts=P3_FACTS, intended_clause="P3", difficulty="hard", tags=["advocacy"])
    ScenarioFactory(key="N-001", facts=BENIGN_FACTS, intended_clause="", status="draft", title="School run photo")

    response = policy_client.get(reverse("training:scenario-list"), query)

    assert [scenario.key for scenario in response.context["scenarios"]] == expected


def test_the_list_shows_the_engines_answer(policy_client, scenario):
    response = policy_client.get(reverse("training:scenario-list"))

    assert response.context["scenarios"][0].gold.clause_id == "V4"


# --- Writing and reviewing ----------------------------------------------------------------------


def test_writing_a_scenario_saves_a_draft_and_shows_the_engines_decision(
    policy_client, published_policy, policy_member
):
    response = policy_client.post(reverse("training:scenario-create"), form_data(), follow=True)

    scenario = Scenario.objects.get()
    assert (scenario.key, scenario.status, scenario.author, scenario.tags) == (
        "V1-001",
        "draft",
        policy_member,
        ["depiction", "repost"],
    )
    assert scenario.facts["subject_age"] == 15
    assert scenario.facts["nudity"] is False
    assert response.context["gold"].clause_id == "V1"
    assert "rule <code>R-V1-real-depiction</code>" in response.content.decode()


def test_a_guard_refusal_is_a_form_error_on_the_text_naming_the_span(policy_client, published_policy):
    response = policy_client.post(reverse("training:scenario-create"), form_data(text="See https://real-site.com/a."))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "text": [
            'Link to "https://real-site.com/a" is not allowed: use a reserved domain such as example.com, '
            "example.org or *.example / *.invalid / *.test."
        ]
    }
    assert Scenario.objects.count() == 0


def test_an_intention_the_engine_does_not_share_is_a_form_error(policy_client, published_policy):
    response = policy_client.post(reverse("training:scenario-create"), form_data(intended_clause="V2"))

    assert response.context["form"].errors == {
        "intended_clause": ["the author intends V2 but the engine decides V1 (rule R-V1-real-depiction)"]
    }


def test_an_age_must_be_a_number_or_unknown(policy_client, published_policy):
    response = policy_client.post(reverse("training:scenario-create"), form_data(fact__subject_age="teen"))

    assert response.context["form"].errors == {"fact__subject_age": ['Give a whole number of years, or "unknown".']}


def test_the_form_has_no_upload_field(policy_client, published_policy):
    body = policy_client.get(reverse("training:scenario-create")).content.decode()

    assert 'type="file"' not in body
    assert "multipart" not in body


def test_editing_a_published_scenario_redirects_with_an_explanation(policy_client, scenario):
    response = policy_client.get(reverse("training:scenario-edit", args=[scenario.pk]), follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "V4-001 r1 is published; only drafts can be edited. Start a revision to change it."
    ]


def test_the_author_submits_and_another_member_approves(
    policy_client, second_policy_client, published_policy, policy_member, second_policy_member
):
    scenario = scenario_create(author=policy_member, title="Repost", text=TEXT, facts=V1_FACTS, intended_clause="V1")

    policy_client.post(reverse("training:scenario-submit", args=[scenario.pk]), follow=True)
    own = policy_client.post(reverse("training:scenario-approve", args=[scenario.pk]), follow=True)
    scenario.refresh_from_db()
    assert scenario.status == "in_review"
    assert [str(message) for message in own.context["messages"]] == [
        "You wrote this scenario: a different member of the policy team must approve it."
    ]

    second_policy_client.post(reverse("training:scenario-approve", args=[scenario.pk]))
    scenario.refresh_from_db()
    assert (scenario.status, scenario.reviewer) == ("published", second_policy_member)


def test_sending_back_needs_a_note(second_policy_client, published_policy, policy_member):
    scenario = scenario_submit_for_review(
        scenario=scenario_create(author=policy_member, title="Repost", text=TEXT, facts=V1_FACTS, intended_clause="V1"),
        actor=policy_member,
    )

    second_policy_client.post(reverse("training:scenario-reject", args=[scenario.pk]), {"note": ""})
    scenario.refresh_from_db()
    assert scenario.status == "in_review"

    second_policy_client.post(
        reverse("training:scenario-reject", args=[scenario.pk]), {"note": "Add where it was found."}
    )
    scenario.refresh_from_db()
    assert (scenario.status, scenario.review_note) == ("draft", "Add where it was found.")


def test_starting_a_revision_opens_the_new_draft(policy_client, scenario):
    response = policy_client.post(reverse("training:scenario-revise", args=[scenario.pk]))

    revision = Scenario.objects.get(key="V4-001", revision=2)
    assert response.url == reverse("training:scenario-detail", args=[revision.pk])


# --- Export -------------------------------------------------------------------------------------


def test_the_bank_exports_as_json(policy_client, scenario):
    response = policy_client.get(reverse("training:scenario-export"), {"format": "json"})

    assert response["Content-Disposition"] == 'attachment; filename="scenario-bank.json"'
    assert response.json() == [
        {
            "key": "V4-001",
            "revision": 1,
            "title": scenario.title,
            "kind": "case",
            "difficulty": "easy",
            "tags": ["link"],
            "intended_clause": "V4",
            "worked_example": False,
            "facts": scenario.facts,
            "text": scenario.text,
        }
    ]


def test_an_unknown_export_format_is_a_400(policy_client, published_policy):
    response = policy_client.get(reverse("training:scenario-export"), {"format": "xml"})

    assert (response.status_code, response.content) == (400, b'Unknown format: use "yaml" or "json".')
