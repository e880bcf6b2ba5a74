import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("client_name", "destination"),
    [
        ("trainee_client", "quiz:trainee-home"),
        ("lead_client", "quiz:lead-dashboard"),
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

    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_logging_in_sends_the_user_home(anonymous_client, trainee):
    response = anonymous_client.post(reverse("login"), {"username": "tara", "password": "pw-for-tests-only"})

    assert response.url == reverse("home")
