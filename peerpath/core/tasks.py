"""Background tasks (Django Tasks; django-tasks-db's db_worker runs them, ImmediateBackend in tests)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    body: str,
    reply_to: list[str] | None = None,
    attachments: list[list[str]] | None = None,
) -> int:
    """Arguments are plain strings: tasks must be JSON-serialisable. Attachments are
    [filename, text content, mimetype] triples (a calendar invitation, say)."""
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to, reply_to=reply_to or []
    )
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    return message.send()
