"""Role rules for views and API endpoints. Every view states which roles may use it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission

from .models import Role

STAFF_ROLES = (Role.POLICY_TEAM, Role.ADMIN)
LEAD_ROLES = (Role.TEAM_LEAD, Role.ADMIN)


def user_has_role(user: Any, roles: Iterable[str]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    allowed = set(roles)
    if user.is_superuser:
        return Role.ADMIN in allowed
    return user.role in allowed


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Log in first (redirect for anonymous users), then 403 unless the user has one of the roles."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not user_has_role(request.user, roles):
                raise PermissionDenied("Your role does not allow this page.")
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def has_role(*roles: str) -> type[BasePermission]:
    """A DRF permission class admitting authenticated users with one of the roles."""

    class HasRole(BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request: Any, view: Any) -> bool:
            return user_has_role(request.user, roles)

    HasRole.__name__ = "HasRole_" + "_".join(str(role) for role in roles)
    return HasRole
