from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .models import Role

HOME_BY_ROLE = {
    Role.TRAINEE: "quiz:trainee-home",
    Role.TEAM_LEAD: "analytics:lead-dashboard",
    Role.POLICY_TEAM: "training:policy-detail",
    Role.ADMIN: "training:policy-detail",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own work."""
    role = Role.ADMIN if request.user.is_superuser else request.user.role
    return redirect(HOME_BY_ROLE[role])


class LoginView(auth_views.LoginView):
    """Django's log-in page; a refused log-in answers 400, as every refused form does. Locks after
    repeated failures are django-axes' (accounts.lockout)."""

    redirect_authenticated_user = True

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
