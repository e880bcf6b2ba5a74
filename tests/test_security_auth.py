"""Security review: how people log in and stay logged in. Session-only API authentication (no
Basic auth), CSRF on session writes, safe redirects after login, sessions that end with the
browser, the admin for staff only, and production settings. Login lockout: test_security_lockout.py."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"

# --- API authentication ------------------------------------------------------------------------


def test_the_api_refuses_basic_auth_even_with_the_right_password(anonymous_client, trainee, published_policy):
    credentials = base64.b64encode(f"tara:{PASSWORD}".encode()).decode()

    response = anonymous_client.get("/api/policy/", HTTP_AUTHORIZATION=f"Basic {credentials}")

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Authentication credentials were not provided."},
    )


def test_an_api_write_from_a_session_needs_the_csrf_token(trainee, published_policy):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)

    response = client.post("/api/attempts/", {"quiz": 1}, content_type="application/json")

    assert (response.status_code, response.json(), Attempt.objects.count()) == (
        403,
        {"detail": "CSRF Failed: CSRF cookie not set."},
        0,
    )


def test_an_oversized_json_body_is_refused_before_anything_is_done(trainee_client, published_policy):
    body = json.dumps({"quiz": 1, "padding": "x" * (3 * 1024 * 1024)})

    response = trainee_client.post("/api/attempts/", body, content_type="application/json")

    assert (response.status_code, Attempt.objects.count()) == (400, 0)


# --- Redirects after login -----------------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_login_never_redirects_off_site(anonymous_client, trainee, target):
    response = anonymous_client.post(
        f"{reverse('login')}?next={target}", {"username": "tara", "password": PASSWORD, "next": target}
    )

    assert (response.status_code, response.url) == (302, "/")


# --- Sessions and cookies ------------------------------------------------------------------------


def test_the_session_cookie_ends_with_the_browser_and_scripts_cannot_read_it(anonymous_client, trainee):
    response = anonymous_client.post(reverse("login"), {"username": "tara", "password": PASSWORD})
    cookie = response.cookies["sessionid"]

    assert (cookie["expires"], cookie["max-age"], cookie["httponly"], cookie["samesite"]) == ("", "", True, "Lax")


def test_a_session_lasts_at_most_a_working_shift(settings):
    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE) == (12 * 60 * 60, True)


def test_pages_refuse_to_be_framed_and_do_not_leak_the_referrer(trainee_client):
    response = trainee_client.get(reverse("quiz:trainee-home"))

    assert (response["X-Frame-Options"], response["Referrer-Policy"], response["X-Content-Type-Options"]) == (
        "DENY",
        "same-origin",
        "nosniff",
    )


# --- The admin -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["trainee_client", "lead_client"])
def test_the_admin_sends_non_staff_to_its_login(request, persona):
    response = request.getfixturevalue(persona).get("/admin/")

    assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


def test_the_policy_team_opens_the_admin_but_not_the_user_admin(policy_member):
    from accounts.services import user_role_assign

    user_role_assign(user=policy_member, role="policy_team")
    client = Client()
    client.force_login(policy_member)

    assert (client.get("/admin/").status_code, client.get("/admin/accounts/user/").status_code) == (200, 403)


# --- Production settings -------------------------------------------------------------------------


def test_production_settings_are_locked_down():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS, "
        "s.SECURE_REFERRER_POLICY, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
        "s.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES']]))"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "concordance.example",
        "PATH": "/usr/bin:/bin",
    }

    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)

    assert json.loads(result.stdout) == [
        False,
        True,
        True,
        True,
        31536000,
        True,
        True,
        "DENY",
        "same-origin",
        True,
        ["rest_framework.authentication.SessionAuthentication"],
    ]
