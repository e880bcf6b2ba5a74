"""Temporary: pages whose issue is in progress. Each is replaced by its real view."""

from django.http import Http404, HttpRequest, HttpResponse

from accounts.access import role_required
from accounts.models import Role


@role_required(Role.TRAINEE, Role.TEAM_LEAD, Role.POLICY_TEAM, Role.ADMIN)
def not_built_yet(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404("This page is not built yet.")
