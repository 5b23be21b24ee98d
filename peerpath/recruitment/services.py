"""Writes with business meaning for recruitment. Views, the API and commands all call these."""

import datetime
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from peerpath.core.audit import record_audit
from peerpath.core.email import queue_email
from peerpath.programs.models import Cohort, Participant
from peerpath.recruitment.models import Application, Nomination

Status = Application.Status

# Allowed moves of the application status machine. A declined or withdrawn application must be
# reopened (back to screening) before it can be approved.
TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.SCREENING, Status.DECLINED, Status.WAITLISTED, Status.WITHDRAWN},
    Status.SCREENING: {
        Status.INTERVIEW,
        Status.APPROVED,
        Status.DECLINED,
        Status.WAITLISTED,
        Status.WITHDRAWN,
    },
    Status.INTERVIEW: {Status.APPROVED, Status.DECLINED, Status.WAITLISTED, Status.WITHDRAWN},
    Status.WAITLISTED: {Status.SCREENING, Status.APPROVED, Status.DECLINED, Status.WITHDRAWN},
    Status.APPROVED: {Status.WITHDRAWN},
    Status.DECLINED: {Status.SCREENING},
    Status.WITHDRAWN: {Status.SCREENING},
}
DECISIONS = {Status.APPROVED, Status.DECLINED, Status.WAITLISTED}
# The applicant hears about these; internal steps (screening, interview scheduling) need no e-mail.
NOTIFY = {Status.APPROVED, Status.DECLINED, Status.WAITLISTED, Status.INTERVIEW}


class RecruitmentError(Exception):
    """A request that breaks a recruitment rule; the message is shown to the user as it is."""


class IllegalTransition(RecruitmentError):
    pass


class ApplicationsClosed(RecruitmentError):
    pass


class AlreadyApplied(RecruitmentError):
    def __init__(self, message: str, application: Application) -> None:
        super().__init__(message)
        self.application = application


def allowed_next_statuses(application: Application) -> list[str]:
    return [status for status in Status.values if status in TRANSITIONS[application.status]]


def set_application_status(
    *,
    application: Application,
    status: str,
    actor: Any,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Application:
    """The one place an application's status changes: validate, save, audit, notify on commit."""
    old = application.status
    if status not in TRANSITIONS.get(old, set()):
        raise IllegalTransition(
            _("An application that is %(old)s cannot become %(new)s.")
            % {"old": Status(old).label.lower(), "new": Status(status).label.lower()}
            + (
                " " + _("Reopen it for screening first.")
                if old in {Status.DECLINED, Status.WITHDRAWN}
                else ""
            )
        )
    with transaction.atomic():
        application.status = status
        fields = ["status", "updated"]
        if status in DECISIONS:
            application.decided_at = timezone.now()
            application.decision_reason = reason
            fields += ["decided_at", "decision_reason"]
        application.save(update_fields=fields)
        if status == Status.APPROVED:
            Participant.objects.update_or_create(
                cohort=application.cohort,
                user=application.applicant,
                role=application.role,
                defaults={"status": Participant.Status.ENROLLED, "source": Participant.Source.APPLICATION},
            )
        elif old == Status.APPROVED:
            Participant.objects.filter(
                cohort=application.cohort, user=application.applicant, role=application.role
            ).update(status=Participant.Status.WITHDRAWN)
        record_audit(
            action="application.status_changed",
            actor=actor,
            target=application,
            organization_id=application.cohort.program.organization_id,
            detail={"from": old, "to": status, "reason": reason},
            request=request,
        )
        if status in NOTIFY:
            queue_email(
                to=application.applicant,
                template="recruitment/email/application_status",
                context={"application": application, "program": application.cohort.program, "reason": reason},
            )
    return application


def submit_application(
    *,
    cohort: Cohort,
    applicant: Any,
    role: str,
    answers: dict[str, Any],
    profile: dict[str, Any] | None = None,
    source: str = Application.Source.OTHER,
    submit_token: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Record an application. The same form posted twice (two tabs, a double click) creates one row."""
    existing = Application.objects.filter(cohort=cohort, applicant=applicant, role=role).first()
    if existing is not None:
        if submit_token is not None and existing.submit_token == submit_token:
            return existing
        raise AlreadyApplied(
            _("You have already applied to this program for %(cohort)s.") % {"cohort": cohort.name}, existing
        )
    if not cohort.accepts_applications(now):
        deadline = cohort.application_deadline
        if deadline is not None and (now or timezone.now()) > deadline:
            raise ApplicationsClosed(
                _("Applications closed on %(deadline)s.")
                % {"deadline": formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")}
            )
        raise ApplicationsClosed(_("Applications for this program are not open yet."))
    nomination = (
        Nomination.objects.filter(program=cohort.program, nominee=applicant, role=role)
        .order_by("-created")
        .first()
    )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort,
                applicant=applicant,
                role=role,
                answers=answers,
                source=Application.Source.NOMINATION if nomination else source,
                nomination=nomination,
                submit_token=submit_token or uuid.uuid4(),
                **(profile or {}),
            )
    except IntegrityError:
        # The other tab won the race: hand back its row.
        winner = Application.objects.get(cohort=cohort, applicant=applicant, role=role)
        if submit_token is not None and winner.submit_token == submit_token:
            return winner
        raise AlreadyApplied(
            _("You have already applied to this program for %(cohort)s.") % {"cohort": cohort.name}, winner
        ) from None
    record_audit(
        action="application.submitted",
        actor=applicant,
        target=application,
        organization_id=cohort.program.organization_id,
        request=request,
    )
    queue_email(
        to=applicant,
        template="recruitment/email/application_received",
        context={"application": application, "program": cohort.program},
    )
    return application
