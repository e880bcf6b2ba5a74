"""Login throttling: after too many failed log-ins for one username, that username is locked for a
while. Counts live in Django's cache (a fixed window per username), so they need no table.

Why per username and not per address: behind a reverse proxy every person shares the proxy's
address, and a lock on it would lock everyone out. The price is that someone who knows a username
can keep it locked by failing on purpose; the lock lifts by itself when the window ends, and the
lockout is logged so that an admin can see it. Production should use a cache shared by every
worker (CACHES); with the default local-memory cache each worker counts on its own.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("concordance.security")

DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class ThrottleSettings:
    max_failures: int
    window_seconds: int

    @property
    def window_minutes(self) -> int:
        return max(1, round(self.window_seconds / 60))


def throttle_settings() -> ThrottleSettings:
    configured = getattr(settings, "CONCORDANCE", {}).get("LOGIN_THROTTLE", {})
    return ThrottleSettings(
        max_failures=int(configured.get("MAX_FAILURES", DEFAULT_MAX_FAILURES)),
        window_seconds=int(configured.get("WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS)),
    )


def _key(username: str) -> str:
    # Hashed so that any username (spaces, long, unicode) makes a valid cache key.
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"login-failures:{digest}"


def login_locked(*, username: str | None) -> bool:
    if not username:
        return False
    return cache.get(_key(username), 0) >= throttle_settings().max_failures


def login_failure_record(*, username: str | None) -> int:
    """Count one failed log-in; return the count in the current window."""
    if not username:
        return 0
    limits = throttle_settings()
    key = _key(username)
    cache.add(key, 0, timeout=limits.window_seconds)
    try:
        failures = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=limits.window_seconds)
        failures = 1
    if failures == limits.max_failures:
        logger.warning("Log-in locked for %d minutes after %d failures.", limits.window_minutes, failures)
    return failures


def login_success_record(*, username: str | None) -> None:
    if username:
        cache.delete(_key(username))


def locked_message() -> str:
    return (
        "Too many failed log-ins for this username. "
        f"Try again in {throttle_settings().window_minutes} minutes, or ask an administrator to reset your password."
    )
