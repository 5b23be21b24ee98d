"""The one place a participant's status changes. Recruitment (approving or withdrawing an application,
re-enrolling a mentee) and any page, API view or command that withdraws someone all call it.
"""

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.core.audit import record_audit
from peerpath.programs.models import Participant

Status = Participant.Status

# Allowed moves: an enrolled participant may withdraw, and a withdrawn one may come back.
TRANSITIONS: dict[str, set[str]] = {
    Status.ENROLLED: {Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.ENROLLED},
}


class IllegalParticipantTransition(Exception):
    """A status move the participant machine does not allow; the message is shown as it is."""


def set_participant_status(
    *,
    participant: Participant,
    status: str,
    actor: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Participant:
    """Validate the move, save with update_fields and write the audit log (with from, to and reason)."""
    old = participant.status
    if status not in TRANSITIONS.get(old, set()):
        raise IllegalParticipantTransition(
            _("A participant who is %(old)s cannot become %(new)s.")
            % {"old": Status(old).label.lower(), "new": Status(status).label.lower()}
        )
    with transaction.atomic():
        participant.status = status
        participant.save(update_fields=["status", "updated"])
        record_audit(
            action="participant.status_changed",
            actor=actor,
            target=participant,
            organization_id=participant.cohort.program.organization_id,
            detail={"from": old, "to": status, "reason": reason, "role": participant.role},
            request=request,
        )
    return participant
