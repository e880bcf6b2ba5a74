"""Security review: response headers. A Content-Security-Policy on every response (scripts, styles and
images from our own origin only, never framed), templates with no inline script, style or event
handler for it to block, the API docs page allowed only what Swagger UI needs, and signed-in users'
pages and API answers never stored by a cache (results pages show gold answers)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.strip().split(" ", 1) for part in header.split(";") if part.strip()]
    return {name: value for name, value in directives}


# --- Content-Security-Policy ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("anonymous_client", "/login/", 200),
        ("anonymous_client", "/no-such-page/", 404),
        ("anonymous_client", "/api/policy/", 403),
        ("trainee_client", "/quiz/me/", 200),
        ("trainee_client", "/api/quizzes/", 200),
        ("trainee_client", "/training/scenarios/", 403),
        ("lead_client", "/quiz/teams/", 200),
        ("policy_client", "/training/policy/", 200),
        ("admin_client_", "/admin/", 200),
    ],
)
def test_every_response_carries_the_content_security_policy(persona, path, status, request, published_policy):
    response = request.getfixturevalue(persona).get(path)

    assert (response.status_code, _policy(response)) == (status, POLICY)


def test_a_server_error_carries_the_policy_too(db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.test_error_pages"
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert (response.status_code, _policy(response)) == (500, POLICY)


def test_a_static_file_carries_the_policy_too(anonymous_client):
    response = anonymous_client.get("/static/css/concordance.css")

    assert _policy(response)["script-src"] == "'self'"


def _template_files() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates", *sorted(Path(settings.BASE_DIR).glob("*/templates"))]
    return sorted(path for root in roots for path in root.rglob("*.html"))


INLINE = [
    ("an inline <script>", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)),
    ("a <style> element", re.compile(r"<style\b", re.IGNORECASE)),
    ("a style attribute", re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)),
    ("an event-handler attribute", re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)),
    ("a javascript: URL", re.compile(r"javascript:", re.IGNORECASE)),
]


def test_no_template_has_inline_script_style_or_event_handlers():
    """The policy blocks them, so a page would silently lose its behaviour or looks. Data for scripts
    goes in json_script blocks (not executed), code and styles in static/."""
    files = _template_files()
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in files
        for what, pattern in INLINE
        if pattern.search(re.sub(r"{#.*?#}", "", path.read_text()))
    ]
    assert len(files) > 30
    assert offenders == []


def test_the_api_docs_page_runs_its_start_up_script_from_a_file_and_only_adds_data_images(policy_client):
    page = policy_client.get("/api/docs/")
    script = policy_client.get("/api/docs/?script=")

    body = page.content.decode()
    assert page.status_code == 200
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert "<style" not in body
    assert '<script src="/api/docs/?script="></script>' in body
    assert _policy(page) == {**POLICY, "img-src": "'self' data:"}
    assert (script.status_code, script["Content-Type"]) == (200, "application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_only_the_api_docs_page_allows_data_images(policy_client, published_policy):
    assert _policy(policy_client.get("/training/policy/"))["img-src"] == "'self'"


# --- Caching ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("trainee_client", "/quiz/me/"),
        ("trainee_client", "/api/quizzes/"),
        ("trainee_client", "/api/policy/"),
        ("lead_client", "/quiz/teams/"),
        ("policy_client", "/api/policy-team/scenarios/"),
        ("admin_client_", "/admin/"),
    ],
)
def test_signed_in_users_pages_and_api_answers_are_never_stored(persona, path, request, published_policy):
    response = request.getfixturevalue(persona).get(path)

    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    # The admin's own never_cache adds more; ours is exactly these two.
    expected = {"private", "no-store"} if path != "/admin/" else {"private", "no-store", "no-cache"}
    assert (response.status_code, directives >= expected) == (200, True)
    if path != "/admin/":
        assert response["Cache-Control"] == "private, no-store"


def test_a_redirect_or_a_refusal_for_a_signed_in_user_is_never_stored_either(trainee_client):
    redirect = trainee_client.get("/")
    refused = trainee_client.get(reverse("training:scenario-list"))

    assert (redirect["Cache-Control"], refused["Cache-Control"]) == ("private, no-store", "private, no-store")


def test_pages_for_anonymous_visitors_are_left_to_their_views(anonymous_client):
    response = anonymous_client.get("/no-such-page/")

    assert (response.status_code, response.headers.get("Cache-Control")) == (404, None)
