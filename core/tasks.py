"""Background tasks shared by every app."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email; queued so a slow or absent mail server loses nothing."""
    return send_mail(subject, body, None, to, fail_silently=False)
