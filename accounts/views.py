from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string

from config.background import enqueue_on_commit

from .models import Role
from .tasks import send_mail

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


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the mail sent by the task queue. Only active users with a usable
    password get a link (Django's rule), and the page says the same whether or not the address is
    known, so it tells nobody which addresses have accounts."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        html = render_to_string(html_email_template_name, context) if html_email_template_name else None
        enqueue_on_commit(send_mail, subject, body, from_email or settings.DEFAULT_FROM_EMAIL, [to_email], html)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    extra_context = {"reset_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password here lifts any log-in pause on the username (accounts.lockout)."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)
