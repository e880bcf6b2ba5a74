"""Friendly error pages: 403, 404, 500 and an expired form render in the house style with DEBUG off,
say what happened and where to go next, and the 500 page needs neither a request nor the database."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


# Used by the 500 tests through pytest.mark.urls: the real URLs plus one view that fails.
urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_a_missing_page_is_a_friendly_404_in_the_site_layout(trainee_client):
    response = trainee_client.get("/no-such-page/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "<title>Page not found · Concordance</title>" in body
    assert "<h1>We can’t find that page</h1>" in body
    assert "Nothing is at <code>/no-such-page/</code>" in body
    assert f'<a class="button" href="{reverse("home")}">Go to your start page</a>' in body
    assert 'aria-label="Main"' in body


def test_a_404_never_shows_the_internal_reason(trainee_client):
    response = trainee_client.get(reverse("quiz:attempt-results", args=[999999]))

    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>We can’t find that page</h1>" in body
    assert "matches the given query" not in body


def test_an_anonymous_visitor_on_a_404_is_offered_the_login_page(anonymous_client):
    response = anonymous_client.get("/no-such-page/")

    assert response.status_code == 404
    assert f'<a class="button" href="{reverse("login")}">Log in</a>' in response.content.decode()


def test_a_wrong_role_gets_a_friendly_403_naming_the_account_and_the_reason(trainee_client, trainee):
    response = trainee_client.get(reverse("training:scenario-list"))

    assert response.status_code == 403
    body = response.content.decode()
    assert "<title>Not allowed · Concordance</title>" in body
    assert "<h1>You can’t do this with your account</h1>" in body
    assert "<p>Your role does not allow this page.</p>" in body
    assert f"You are logged in as <strong>{trainee.username}</strong> (Trainee)." in body
    assert f'<a class="button" href="{reverse("home")}">Go to your start page</a>' in body


@pytest.mark.urls("tests.test_error_pages")
def test_a_server_error_is_a_friendly_500_page(db):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "<title>Something went wrong · Concordance</title>" in body
    assert "<h1>Something went wrong on our side</h1>" in body
    assert '<a href="/">Go to your start page</a>' in body
    assert "a bug in a view" not in body


def test_the_500_page_renders_without_a_request_context_or_the_database():
    # No db fixture: pytest-django fails any query, so rendering proves the page needs no database.
    from django.template import loader

    template = loader.get_template("500.html")
    body = template.render()

    # base.html needs a request (nav, user); the 500 page may only build on the standalone layout.
    assert '{% extends "base.html" %}' not in template.template.source
    assert "<h1>Something went wrong on our side</h1>" in body


def test_an_expired_form_is_explained_instead_of_a_bare_csrf_error(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "someone", "password": "secret"})

    assert response.status_code == 403
    body = response.content.decode()
    assert "<title>Form expired · Concordance</title>" in body
    assert "<h1>This form has expired</h1>" in body
    assert "Nothing was saved. Go back, reload the page and send the form again." in body
