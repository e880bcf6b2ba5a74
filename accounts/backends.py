"""The authentication backend: Django's, with login throttling (accounts.throttle) in front of it.
It guards every password log-in, the product's login page and the admin's alike."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .throttle import locked_message, login_failure_record, login_locked, login_success_record


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if login_locked(username=username):
            # PermissionDenied stops Django trying further backends, even with the right password.
            raise PermissionDenied(locked_message())
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(username=username)
        else:
            login_success_record(username=username)
        return user
