"""The password backend: Django's, finding the user by the username as typed or normalised
(accounts.usernames), so that ``Fatima``, and ``fatima`` typed in full-width
letters, log in as ``fatima``. The lockout backend (django-axes) runs before it (AUTHENTICATION_BACKENDS)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .usernames import username_normalise


def user_for_login(username: str) -> Any | None:
    """The one active-or-not user a typed username names, or None. New usernames are stored
    normalised (User.normalize_username); one stored before that, with capitals, is found too, by
    comparing normalised forms. Two stored usernames that normalise alike (only possible from before)
    make the typed one ambiguous unless it matches one of them exactly."""
    model = get_user_model()
    field = model.USERNAME_FIELD
    wanted = username_normalise(username)
    exact = model._default_manager.filter(**{field: wanted}).first()
    if exact is not None:
        return exact
    # `iexact` narrows the search in the database; the comparison that decides is ours (casefold, NFKC).
    candidates = [
        user
        for user in model._default_manager.filter(**{f"{field}__iexact": wanted})
        if username_normalise(user.get_username()) == wanted
    ]
    if len(candidates) == 1:
        return candidates[0]
    return next((user for user in candidates if user.get_username() == username), None)


class NormalisedUsernameBackend(ModelBackend):
    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any):
        model = get_user_model()
        if username is None:
            username = kwargs.get(model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            # Hash anyway, so that a missing username takes as long as a wrong password.
            model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
