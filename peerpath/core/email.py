"""Queue e-mail after the transaction commits, rendered in the recipient's language.

Nothing is sent for a change that rolls back, and a slow mail server never holds up a page.
"""

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from peerpath.core.tasks import send_email


def queue_email(
    *,
    to: Any,
    template: str,
    context: dict[str, Any],
    language: str = "",
    attachments: list[list[str]] | None = None,
) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them once the transaction commits.

    `to` is a user (their address and saved language are used) or an e-mail address. `attachments` are
    [filename, text content, mimetype] triples.
    """
    address = getattr(to, "email", to)
    if not address:
        return
    language = language or getattr(to, "preferred_language", "") or translation.get_language() or "en"
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    transaction.on_commit(
        lambda: send_email.enqueue(to=[address], subject=subject, body=body, attachments=attachments)
    )
