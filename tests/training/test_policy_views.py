import pytest
from django.urls import reverse

from training.services import policy_version_create_draft


@pytest.fixture
def draft(published_policy, policy_member):
    document_change = policy_version_create_draft(policy="cse", version="2026-12", created_by=policy_member)
    return document_change


def test_anonymous_users_are_sent_to_log_in(anonymous_client, published_policy):
    response = anonymous_client.get(reverse("training:policy-detail"))

    assert response.status_code == 302
    assert response.url == "/login/?next=/training/policy/"


@pytest.mark.parametrize("client_name", ["trainee_client", "lead_client", "policy_client", "admin_client_"])
def test_every_role_reads_the_published_policy(request, client_name, published_policy):
    response = request.getfixturevalue(client_name).get(reverse("training:policy-detail"))

    assert response.status_code == 200
    assert b"R-V4-link-to-material" in response.content
    assert b"Interpretations" in response.content


def test_a_trainee_cannot_read_a_draft(trainee_client, draft):
    response = trainee_client.get(reverse("training:policy-version-detail", args=[draft.pk]))

    assert response.status_code == 404


def test_the_policy_team_reads_a_draft(policy_client, draft):
    response = policy_client.get(reverse("training:policy-version-detail", args=[draft.pk]))

    assert response.status_code == 200
    assert b"2026-12" in response.content


@pytest.mark.parametrize("client_name", ["trainee_client", "lead_client"])
def test_only_the_policy_team_manages_versions(request, client_name, published_policy):
    response = request.getfixturevalue(client_name).get(reverse("training:policy-version-list"))

    assert response.status_code == 403


def test_the_policy_team_starts_a_draft_from_the_version_list(policy_client, published_policy):
    response = policy_client.post(
        reverse("training:policy-version-list"), {"policy": "cse", "version": "2026-12", "change_note": "NCMEC scope"}
    )

    assert response.status_code == 302
    assert published_policy.drafts.get().version == "2026-12"


def test_a_reused_draft_label_is_a_form_error(policy_client, published_policy):
    response = policy_client.post(reverse("training:policy-version-list"), {"policy": "cse", "version": "2020-10"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"version": ['Version label "2020-10" is already used for policy "cse".']}


def test_the_version_list_runs_a_fixed_number_of_queries(
    policy_client, published_policy, draft, django_assert_num_queries
):
    # session, user, versions with their publishers and creators, based_on for the draft row
    with django_assert_num_queries(4):
        policy_client.get(reverse("training:policy-version-list"))


def test_the_compare_page_lists_changed_rules(policy_client, published_policy, draft):
    draft.document["clauses"][4]["report_to_ncmec"] = True
    draft.save()

    response = policy_client.get(reverse("training:policy-version-compare", args=[published_policy.pk, draft.pk]))

    assert response.status_code == 200
    assert b"report_to_ncmec" in response.content


def test_a_trainee_cannot_compare_versions(trainee_client, published_policy, draft):
    response = trainee_client.get(reverse("training:policy-version-compare", args=[published_policy.pk, draft.pk]))

    assert response.status_code == 403
