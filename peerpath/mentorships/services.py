"""Writes with business meaning for matches."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.core.audit import record_audit
from peerpath.mentorships.models import Match

Status = Match.Status
TRANSITIONS: dict[str, set[str]] = {
    Status.PROPOSED: {Status.ACTIVE, Status.CLOSED},
    Status.ACTIVE: {Status.PAUSED, Status.CLOSED},
    Status.PAUSED: {Status.ACTIVE, Status.CLOSED},
    Status.CLOSED: set(),
}


class IllegalMatchTransition(Exception):
    """The message is shown to the user as it is."""


def set_match_status(
    *, match: Match, status: str, actor: Any, reason: str = "", request: HttpRequest | None = None
) -> Match:
    """The one place a match's status changes: validate, save, audit."""
    old = match.status
    if status not in TRANSITIONS[old]:
        raise IllegalMatchTransition(
            _("A match that is %(old)s cannot become %(new)s.")
            % {"old": Status(old).label.lower(), "new": Status(status).label.lower()}
        )
    with transaction.atomic():
        match.status = status
        fields = ["status", "updated"]
        if status == Status.ACTIVE and match.started_at is None:
            match.started_at = timezone.now()
            fields.append("started_at")
        if status == Status.CLOSED:
            match.closed_at = timezone.now()
            fields.append("closed_at")
        match.save(update_fields=fields)
        record_audit(
            action="match.status_changed",
            actor=actor,
            target=match,
            organization_id=match.cohort.program.organization_id,
            detail={"from": old, "to": status, "reason": reason},
            request=request,
        )
    return match
