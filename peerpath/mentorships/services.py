"""Writes with business meaning for matches."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.core.audit import record_audit
from peerpath.core.email import queue_email
from peerpath.mentorships.models import Match
from peerpath.programs.models import Cohort

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
    *, match: Match, status: str, actor: User, reason: str = "", request: HttpRequest | None = None
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


def propose_match(*, cohort: Cohort, mentor: User, mentee: User, actor: User, subject: str = "") -> Match:
    """A new match in status proposed (from a published round), with e-mails to both people and to a
    minor mentee's guardians, queued for after the commit."""
    match = Match.objects.create(cohort=cohort, mentor=mentor, mentee=mentee, subject=subject)
    record_audit(
        action="match.proposed",
        actor=actor,
        target=match,
        organization_id=cohort.program.organization_id,
        detail={"mentor": mentor.pk, "mentee": mentee.pk, "subject": subject},
    )
    context = {"match": match, "program": cohort.program, "mentor": mentor, "mentee": mentee}
    for person, other in ((mentor, mentee), (mentee, mentor)):
        queue_email(
            to=person,
            template="mentorships/email/match_proposed",
            context={**context, "person": person, "other": other},
        )
    if mentee.is_minor:
        for link in mentee.guardians.select_related("guardian"):
            queue_email(
                to=link.guardian,
                template="mentorships/email/match_proposed_guardian",
                context={**context, "guardian": link.guardian},
            )
    return match


def return_to_pool(
    *, match: Match, actor: User, reason: str = "", request: HttpRequest | None = None
) -> Match:
    """Close an open match so that the mentee is matched again, with priority, in the next round."""
    return set_match_status(
        match=match,
        status=Status.CLOSED,
        actor=actor,
        reason=reason or _("returned to the pool for a new match"),
        request=request,
    )
