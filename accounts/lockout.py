"""Login lockout, through django-axes: after too many failed log-ins for one username from one client
address, that username is locked for that address for a while (AXES_* settings).

Per username *and* address, so that a stranger who fails on purpose locks out only themselves: the
owner, from their own address, still logs in. Usernames are compared the way they are stored
(accounts.usernames: NFKC and case folded), so ``FATIMA`` and ``fatima`` typed in full-width
letters count toward ``fatima``. Changing a user's password (an admin's reset, the user's own change, any later
e-mail reset) lifts every lock on that username, from every address.

The functions here are the callables the AXES_* settings name; the validator is listed in
AUTH_PASSWORD_VALIDATORS, Django's documented hook on every password change.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .usernames import username_normalise


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username a log-in attempt counts toward."""
    field = get_username_field()
    if credentials:
        username = credentials.get(field)
    else:
        data = getattr(request, "data", None) or request.POST
        username = data.get(field)
    return username_normalise(username) if isinstance(username, str) else None


def get_username_field() -> str:
    from django.contrib.auth import get_user_model

    return get_user_model().USERNAME_FIELD


def client_ip_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address. Behind TRUSTED_PROXY_COUNT reverse proxies, each
    of which appends the address it saw to X-Forwarded-For, the client is that many entries from the
    end (entries further left are whatever the client sent, so they are never trusted)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.CONCORDANCE.get("TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def lockout_lift(*, username: str) -> int:
    """Lift every lock and forget every failure counted toward a username, from every address."""
    return reset(username=username_normalise(username))


class PasswordChangeLiftsLockout:
    """Not a rule on passwords: Django calls `password_changed` on every validator whenever a password
    is saved (the admin's reset form, `set_password` then `save`, the user's own change, an e-mail
    reset). A new password is the way out of a lock, so it lifts every lock on the username."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None and user.get_username():
            lockout_lift(username=user.get_username())

    def get_help_text(self) -> str:
        return "A new password also lifts any log-in lock on the account."


def lockout_minutes() -> int:
    from axes.helpers import get_cool_off

    cool_off = get_cool_off()
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page a locked log-in gets (429), saying why and what to do."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": lockout_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
