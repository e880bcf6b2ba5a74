from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import Role

HOME_BY_ROLE = {
    Role.TRAINEE: "quiz:trainee-home",
    Role.TEAM_LEAD: "quiz:lead-dashboard",
    Role.POLICY_TEAM: "training:policy-detail",
    Role.ADMIN: "training:policy-detail",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own work."""
    role = Role.ADMIN if request.user.is_superuser else request.user.role
    return redirect(HOME_BY_ROLE[role])
