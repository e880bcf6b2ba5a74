import pytest

from training.services import policy_version_create_draft, policy_version_publish


@pytest.fixture
def draft(published_policy, policy_member):
    return policy_version_create_draft(policy="cse", version="2026-12", created_by=policy_member)


def test_anonymous_users_cannot_read_the_policy(anonymous_client, published_policy):
    response = anonymous_client.get("/api/policy/")

    assert response.status_code == 403


@pytest.mark.parametrize("client_name", ["trainee_client", "lead_client", "policy_client", "admin_client_"])
def test_every_role_reads_the_published_policy(request, client_name, published_policy):
    response = request.getfixturevalue(client_name).get("/api/policy/")

    assert response.status_code == 200
    assert (response.json()["version"], response.json()["status"]) == ("2020-10", "published")


def test_the_published_policy_names_its_publisher_by_username(trainee_client, draft, policy_member):
    policy_version_publish(version=draft, published_by=policy_member)

    response = trainee_client.get("/api/policy/")

    assert (response.json()["version"], response.json()["published_by"]) == ("2026-12", "priya")


def test_a_version_published_without_a_recorded_publisher_has_a_null_publisher(trainee_client, published_policy):
    response = trainee_client.get(f"/api/policy/versions/{published_policy.pk}/")

    assert (response.status_code, response.json()["published_by"]) == (200, None)


def test_a_trainee_does_not_see_drafts_in_the_api(trainee_client, draft):
    response = trainee_client.get(f"/api/policy/versions/{draft.pk}/")

    assert response.status_code == 404


def test_a_trainee_cannot_list_versions(trainee_client, draft):
    assert trainee_client.get("/api/policy/versions/").status_code == 403


def test_the_policy_team_lists_versions_newest_first(policy_client, draft):
    response = policy_client.get("/api/policy/versions/")

    assert [(row["version"], row["status"]) for row in response.json()] == [
        ("2026-12", "draft"),
        ("2020-10", "published"),
    ]


def test_the_policy_team_reads_the_diff_between_versions(policy_client, published_policy, draft):
    draft.document["clauses"][9]["report_to_ncmec"] = True
    draft.save()

    response = policy_client.get(f"/api/policy/versions/{published_policy.pk}/diff/{draft.pk}/")

    assert response.json()["changes"] == [
        {
            "section": "clauses",
            "id": "B6",
            "change": "changed",
            "fields": [{"field": "report_to_ncmec", "before": False, "after": True}],
            "before_position": 9,
            "after_position": 9,
        }
    ]


def test_the_policy_team_evaluates_facts(policy_client, published_policy):
    response = policy_client.post(
        "/api/policy/evaluate/",
        {"facts": {"subject": "children_generally", "conduct": "seeks_material"}},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["clause_id"], response.json()["rule_id"]) == ("B2", "R-B2-seeking-material")


def test_unknown_facts_are_a_400_naming_the_fact(policy_client, published_policy):
    response = policy_client.post(
        "/api/policy/evaluate/", {"facts": {"colour": "red"}}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["facts"][0].startswith("facts.colour: unknown fact")


@pytest.mark.parametrize("client_name", ["trainee_client", "lead_client"])
def test_only_the_policy_team_evaluates_facts(request, client_name, published_policy):
    response = request.getfixturevalue(client_name).post(
        "/api/policy/evaluate/", {"facts": {}}, content_type="application/json"
    )

    assert response.status_code == 403
