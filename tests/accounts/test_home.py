import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("client_name", "destination"),
    [
        ("trainee_client", "quiz:trainee-home"),
        ("lead_client", "analytics:lead-dashboard"),
        ("policy_client", "training:policy-detail"),
        ("admin_client_", "training:policy-detail"),
    ],
)
def test_home_sends_each_role_to_its_work(request, client_name, destination):
    response = request.getfixturevalue(client_name).get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse(destination)


def test_home_asks_anonymous_users_to_log_in(anonymous_client):
    response = anonymous_client.get(reverse("home"))

    assert response.url == "/login/?next=/"


def test_logging_in_with_a_wrong_password_shows_an_error(anonymous_client, trainee):
    response = anonymous_client.post(reverse("login"), {"username": "tara", "password": "wrong"})

    assert response.status_code == 400
    assert b"Please enter a correct username and password" in response.content


def test_logging_in_sends_the_user_home(anonymous_client, trainee):
    response = anonymous_client.post(reverse("login"), {"username": "tara", "password": "pw-for-tests-only"})

    assert response.url == reverse("home")


def test_a_user_changes_their_password(trainee_client, trainee):
    response = trainee_client.post(
        "/password/",
        {
            "old_password": "pw-for-tests-only",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )

    trainee.refresh_from_db()
    assert response.url == "/password/done/"
    assert trainee.check_password("a-new-long-passphrase")


def test_a_wrong_old_password_is_a_form_error_and_changes_nothing(trainee_client, trainee):
    response = trainee_client.post(
        "/password/",
        {"old_password": "wrong", "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )

    trainee.refresh_from_db()
    assert response.context["form"].errors["old_password"] == [
        "Your old password was entered incorrectly. Please enter it again."
    ]
    assert trainee.check_password("pw-for-tests-only")


def test_anonymous_users_must_log_in_to_change_a_password(anonymous_client):
    assert anonymous_client.get("/password/").url == "/login/?next=/password/"
