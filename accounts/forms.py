from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .throttle import locked_message, login_locked


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, saying plainly when a username is locked after too many failures (the
    backend refuses it either way)."""

    def clean(self):
        if login_locked(username=self.cleaned_data.get("username")):
            raise forms.ValidationError(locked_message(), code="locked")
        return super().clean()
