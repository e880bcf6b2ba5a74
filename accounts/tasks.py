"""Mail goes out through the task queue, so a slow or failing mail server never slows a page: the page
enqueues, a worker sends, and a failure is logged and retried (config.background)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from config.background import run_with_retries


@task()
def send_mail(subject: str, body: str, from_email: str, to: list[str], html: str | None = None, tries: int = 1) -> None:
    def work() -> None:
        message = EmailMultiAlternatives(subject, body, from_email, to)
        if html:
            message.attach_alternative(html, "text/html")
        message.send()

    run_with_retries(send_mail, work, (subject, body, from_email, to, html), tries)
