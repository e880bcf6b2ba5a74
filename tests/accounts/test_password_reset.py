"""A forgotten password is reset by e-mail from the log-in page: the mail goes through the task queue,
the page never tells whether an address has an account, a link works once, and a new password lifts a
log-in pause."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-only"
NEW_PASSWORD = "a-new-passphrase-4821"


@pytest.fixture
def fatima(db):
    return UserFactory(username="fatima", email="fatima@example.com")


def _ask(client, email, capture):
    with capture(execute=True):
        return client.post("/password/reset/", {"email": email})


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/password/reset/[^\s]+/)", message.body).group(1)


def test_the_log_in_page_offers_a_reset(client):
    assert 'href="/password/reset/"' in client.get("/login/").content.decode()


def test_a_known_address_gets_one_mail_with_a_link(client, fatima, django_capture_on_commit_callbacks):
    _ask(client, "fatima@example.com", django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [["fatima@example.com"]]
    assert "/password/reset/" in mail.outbox[0].body


def test_the_mail_is_sent_by_the_task_queue_after_the_request_commits(
    client, fatima, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/password/reset/", {"email": "fatima@example.com"})

    assert (len(callbacks), mail.outbox) == (1, [])


def test_an_unknown_address_reads_exactly_like_a_known_one(client, fatima, django_capture_on_commit_callbacks):
    known = _ask(client, "fatima@example.com", django_capture_on_commit_callbacks)
    unknown = _ask(client, "nobody@example.com", django_capture_on_commit_callbacks)

    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1


def test_an_inactive_account_gets_no_link(client, fatima, django_capture_on_commit_callbacks):
    fatima.is_active = False
    fatima.save()

    _ask(client, "fatima@example.com", django_capture_on_commit_callbacks)

    assert mail.outbox == []


def test_a_malformed_address_is_a_form_error(client):
    response = client.post("/password/reset/", {"email": "not an address"})

    assert (response.status_code, list(response.context["form"].errors)) == (400, ["email"])


def test_the_link_sets_a_new_password(client, fatima, django_capture_on_commit_callbacks):
    _ask(client, "fatima@example.com", django_capture_on_commit_callbacks)
    form = client.get(_link(mail.outbox[0]), follow=True)

    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    fatima.refresh_from_db()
    assert (done.status_code, fatima.check_password(NEW_PASSWORD)) == (302, True)


def test_a_link_works_once(client, fatima, django_capture_on_commit_callbacks):
    _ask(client, "fatima@example.com", django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)

    assert again.context["validlink"] is False
    assert "This link no longer works" in again.content.decode()


def test_a_new_password_by_e_mail_lifts_a_log_in_pause(fatima, django_capture_on_commit_callbacks):
    from axes.models import AccessAttempt

    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        attacker.post("/login/", {"username": "fatima", "password": "wrong"})
    owner = Client(REMOTE_ADDR="203.0.113.9")
    _ask(owner, "fatima@example.com", django_capture_on_commit_callbacks)
    form = owner.get(_link(mail.outbox[0]), follow=True)
    owner.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    logged_in = owner.post("/login/", {"username": "fatima", "password": NEW_PASSWORD})

    assert (logged_in.status_code, AccessAttempt.objects.count()) == (302, 0)


def test_a_weak_new_password_is_refused_with_a_form_error(client, fatima, django_capture_on_commit_callbacks):
    _ask(client, "fatima@example.com", django_capture_on_commit_callbacks)
    form = client.get(_link(mail.outbox[0]), follow=True)

    refused = client.post(form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})

    fatima.refresh_from_db()
    assert (refused.status_code, fatima.check_password(PASSWORD)) == (400, True)
