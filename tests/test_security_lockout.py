"""Security review: login lockout (django-axes, accounts.lockout). Failed log-ins count per username
*and* client address, so a stranger who fails on purpose locks out only themselves; usernames are
compared normalised (NFKC, case-folded), for log-in and lockout alike; the lock page says what to do,
and what it says works: a password reset by an administrator lifts the lock; admins see the locks."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.lockout import client_ip_address
from accounts.models import User
from accounts.services import user_role_assign
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"
NEW_PASSWORD = "a-new-pw-for-tests-only-7"
ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address, raise_request_exception=False)


def _fail(client: Client, username: str, times: int, url: str = "/login/") -> None:
    for _ in range(times):
        client.post(url, {"username": username, "password": "wrong"})


def _log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def _logged_in_as(client: Client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


@pytest.fixture
def fatima(db):
    return UserFactory(username="fatima")


@pytest.fixture
def hana(db):
    return UserFactory(username="hana")


# --- Who is locked out ---------------------------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address_even_for_the_right_password(fatima):
    attacker = _client(ATTACKER)
    _fail(attacker, "fatima", 5)

    response = _log_in(attacker, "fatima")

    assert (response.status_code, _logged_in_as(attacker)) == (429, None)


def test_a_stranger_failing_on_purpose_does_not_lock_the_owner_out(fatima):
    _fail(_client(ATTACKER), "fatima", 20)
    owner = _client(OWNER)

    response = _log_in(owner, "fatima")

    assert (response.status_code, response.url, _logged_in_as(owner)) == (302, "/", "fatima")


def test_four_failures_still_let_the_right_password_in_and_reset_the_count(fatima):
    client = _client(OWNER)
    _fail(client, "fatima", 4)
    _log_in(client, "fatima")
    client.post(reverse("logout"))
    _fail(client, "fatima", 4)

    response = _log_in(client, "fatima")

    assert (response.status_code, _logged_in_as(client)) == (302, "fatima")


def test_a_locked_username_does_not_lock_another_username_from_the_same_address(fatima, hana):
    client = _client(ATTACKER)
    _fail(client, "fatima", 5)

    response = _log_in(client, "hana")

    assert (response.status_code, _logged_in_as(client)) == (302, "hana")


@pytest.mark.parametrize(("typed", "locked"), [("FATIMA", "fatima"), ("ｈａｎａ", "hana"), (" Fatima ", "fatima")])
def test_capitals_and_full_width_letters_count_toward_the_same_username(fatima, hana, typed, locked):
    client = _client(ATTACKER)
    _fail(client, typed, 3)
    _fail(client, locked, 2)

    response = _log_in(client, locked)

    assert (response.status_code, _logged_in_as(client)) == (429, None)
    # The five failures and the refused try during the lock, all under the normalised username.
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [(locked, 6)]


def test_the_lock_also_holds_on_the_admin_login(policy_member):
    client = _client(ATTACKER)
    _fail(client, "priya", 5, url="/admin/login/")

    response = client.post("/admin/login/?next=/admin/", {"username": "priya", "password": PASSWORD, "next": "/admin/"})

    assert (response.status_code, _logged_in_as(client)) == (429, None)


def test_the_lock_lifts_when_its_fifteen_minutes_are_over(fatima):
    client = _client(ATTACKER)
    _fail(client, "fatima", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    response = _log_in(client, "fatima")

    assert (response.status_code, _logged_in_as(client)) == (302, "fatima")


def test_each_try_during_the_lock_starts_its_fifteen_minutes_again(fatima):
    client = _client(ATTACKER)
    _fail(client, "fatima", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=10))
    _fail(client, "fatima", 1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=10))

    response = _log_in(client, "fatima")

    assert (response.status_code, _logged_in_as(client)) == (429, None)


# --- What the locked person reads, and what they can do -----------------------------------------


def test_the_lock_page_says_why_and_what_to_do(fatima):
    client = _client(ATTACKER)
    _fail(client, "fatima", 5)

    response = _log_in(client, "fatima")

    body = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Log-in paused for this username</h1>" in body
    assert "There were 5 failed log-ins for this username from your network" in body
    assert "paused for 15 minutes" in body
    assert "Log-ins from other places are not affected." in body
    assert 'Forgotten your password? <a href="/password/reset/">Reset it by e-mail</a>, or ask an administrator' in body


def test_an_admins_password_reset_in_the_admin_lifts_the_lock(fatima, admin_user):
    locked = _client(ATTACKER)
    _fail(locked, "fatima", 5)
    admin = Client()
    admin.force_login(admin_user)

    reset = admin.post(
        reverse("admin:auth_user_password_change", args=[fatima.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    response = _log_in(locked, "fatima", NEW_PASSWORD)

    assert (reset.status_code, AccessAttempt.objects.count()) == (302, 0)
    assert (response.status_code, _logged_in_as(locked)) == (302, "fatima")


def test_set_password_then_save_lifts_every_lock_on_the_username(fatima):
    _fail(_client(ATTACKER), "fatima", 5)
    _fail(_client(OWNER), "FATIMA", 5)
    _fail(_client(OWNER), "someone-else", 2)

    fatima.set_password(NEW_PASSWORD)
    fatima.save()

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["someone-else"]


def test_admins_see_the_current_locks_and_the_policy_team_does_not(fatima, admin_user, policy_member):
    _fail(_client(ATTACKER), "fatima", 5)
    admin = Client()
    admin.force_login(admin_user)
    policy = Client()
    policy.force_login(user_role_assign(user=policy_member, role="policy_team"))

    listing = admin.get("/admin/axes/accessattempt/")

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list.values_list("username", "ip_address")) == [("fatima", ATTACKER)]
    assert "Locked Out" in listing.content.decode()
    assert policy.get("/admin/axes/accessattempt/").status_code == 403


# --- One rule for usernames -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Fatima", "FATIMA", "ｆａｔｉｍａ", " fatima "])
def test_log_in_finds_the_account_whatever_the_case_or_width_of_the_username(fatima, typed):
    client = _client(OWNER)

    response = _log_in(client, typed)

    assert (response.status_code, _logged_in_as(client)) == (302, "fatima")


def test_an_account_stored_with_capitals_before_the_rule_still_logs_in(db):
    legacy = UserFactory(username="legacy-user")
    User.objects.filter(pk=legacy.pk).update(username="Legacy")
    client = _client(OWNER)

    response = _log_in(client, "LEGACY")

    assert (response.status_code, _logged_in_as(client)) == (302, "Legacy")


def test_new_usernames_are_stored_normalised():
    assert User.normalize_username("ＦＡＴＩＭＡ２") == "fatima2"


def test_the_admin_refuses_a_username_that_differs_only_in_case(fatima, admin_user):
    admin = Client()
    admin.force_login(admin_user)

    response = admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "FATIMA",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "role": "trainee",
        },
    )

    assert response.status_code == 200  # the admin's own answer to a refused form
    assert response.context["adminform"].form.errors["username"] == ["A user with that username already exists."]
    assert list(User.objects.filter(username__iexact="fatima").values_list("username", flat=True)) == ["fatima"]


def test_a_refused_log_in_answers_400_with_the_reason(fatima):
    response = _log_in(_client(OWNER), "fatima", "wrong")

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]


# --- Client addresses behind a proxy ---------------------------------------------------------------


class _Request:
    def __init__(self, **meta):
        self.META = meta


def test_without_a_trusted_proxy_the_address_is_the_connections(settings):
    settings.CONCORDANCE = {**settings.CONCORDANCE, "TRUSTED_PROXY_COUNT": 0}

    address = client_ip_address(_Request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4"))

    assert address == "10.0.0.2"


def test_behind_one_trusted_proxy_the_address_is_the_one_it_appended(settings):
    settings.CONCORDANCE = {**settings.CONCORDANCE, "TRUSTED_PROXY_COUNT": 1}

    spoofed = client_ip_address(_Request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"))
    garbage = client_ip_address(_Request(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address"))

    assert (spoofed, garbage) == ("203.0.113.9", "10.0.0.2")
