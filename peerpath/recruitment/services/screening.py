"""Writes of screening: rubric, interviews and scores, references, background checks, bulk decisions.

Application statuses change only through `services.set_application_status`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import icalendar
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.core.audit import record_audit
from peerpath.core.email import queue_email
from peerpath.programs.models import Program
from peerpath.recruitment.models import (
    Application,
    BackgroundCheck,
    Interview,
    InterviewScore,
    Reference,
    RubricCriterion,
)
from peerpath.recruitment.queries.screening import references_due_for_reminder, references_past_expiry
from peerpath.recruitment.services.applications import (
    RecruitmentError,
    allowed_next_statuses,
    set_application_status,
)

REFERENCE_SALT = "peerpath.reference"
REFERENCE_VALID_FOR = datetime.timedelta(days=14)


class ScreeningError(RecruitmentError):
    """A screening request that breaks a rule; the message is shown to the user as it is."""


class InvalidReferenceLink(ScreeningError):
    pass


def _organization_id(application: Application) -> int:
    return application.cohort.program.organization_id


# Rubric --------------------------------------------------------------------------------------------


def add_rubric_criterion(*, program: Program, name: str, description: str = "") -> RubricCriterion:
    last = RubricCriterion.objects.filter(program=program).aggregate(last=Max("order"))["last"]
    return RubricCriterion.objects.create(
        program=program, name=name, description=description, order=0 if last is None else last + 1
    )


def update_rubric_criterion(*, criterion: RubricCriterion, name: str, description: str) -> RubricCriterion:
    criterion.name = name
    criterion.description = description
    criterion.save(update_fields=["name", "description", "updated"])
    return criterion


def delete_rubric_criterion(
    *, criterion: RubricCriterion, actor: User, request: HttpRequest | None = None
) -> None:
    """Deleting a criterion deletes its scores too, so the audit trail keeps a note of it."""
    with transaction.atomic():
        record_audit(
            action="rubric_criterion.deleted",
            actor=actor,
            target=criterion,
            organization_id=criterion.program.organization_id,
            detail={"scores": criterion.scores.count()},
            request=request,
        )
        criterion.delete()


def move_rubric_criterion(*, criterion: RubricCriterion, up: bool) -> None:
    """Swap a criterion with its neighbour; the orders are renumbered 0..n-1 on the way."""
    with transaction.atomic():
        criteria = list(
            RubricCriterion.objects.select_for_update()
            .filter(program_id=criterion.program_id)
            .order_by("order", "id")
        )
        index = next(i for i, c in enumerate(criteria) if c.pk == criterion.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(criteria):
            criteria[index], criteria[other] = criteria[other], criteria[index]
        for order, item in enumerate(criteria):
            if item.order != order:
                item.order = order
                item.save(update_fields=["order", "updated"])


# Interviews ----------------------------------------------------------------------------------------


def schedule_interview(
    *,
    application: Application,
    interviewer: User,
    scheduled_at: datetime.datetime,
    location: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Interview:
    """Schedule an interview; the first one moves a submitted or screening application to interview.

    An interview cannot be dated before the application existed. The applicant gets an invitation that says
    when and where, with a calendar file, unless the interview is recorded after it took place.
    """
    if application.created and scheduled_at < application.created:
        raise ScreeningError(
            _("An interview cannot take place before the application was sent (%(date)s).")
            % {"date": formats.date_format(timezone.localtime(application.created), "SHORT_DATE_FORMAT")}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                interview = Interview.objects.create(
                    application=application,
                    interviewer=interviewer,
                    scheduled_at=scheduled_at,
                    location=location,
                )
        except IntegrityError:
            raise ScreeningError(
                _("%(interviewer)s already has an interview with this applicant.")
                % {"interviewer": interviewer}
            ) from None
        record_audit(
            action="interview.scheduled",
            actor=actor,
            target=interview,
            organization_id=_organization_id(application),
            detail={"interviewer": interviewer.pk, "scheduled_at": scheduled_at.isoformat()},
            request=request,
        )
        # The status machine has no submitted > interview move: go through screening.
        if application.status == Application.Status.SUBMITTED:
            set_application_status(
                application=application, status=Application.Status.SCREENING, actor=actor, request=request
            )
        if application.status == Application.Status.SCREENING:
            set_application_status(
                application=application, status=Application.Status.INTERVIEW, actor=actor, request=request
            )
        if scheduled_at > timezone.now():
            _queue_interview_invitation(interview)
    return interview


INTERVIEW_LENGTH = datetime.timedelta(minutes=30)


def interview_calendar(interview: Interview) -> bytes:
    """The interview as an iCalendar invitation (times in UTC; calendars show them in local time)."""
    application = interview.application
    program = application.cohort.program
    start = interview.scheduled_at.astimezone(datetime.UTC)
    calendar = icalendar.Calendar.new(
        prodid="-//PeerPath//Interviews//EN",
        subcomponents=[
            icalendar.Event.new(
                uid=f"interview-{interview.pk}@peerpath",
                stamp=timezone.now(),
                start=start,
                end=start + INTERVIEW_LENGTH,
                summary=_("Interview: %(program)s") % {"program": program.name},
                location=interview.location or None,
            )
        ],
    )
    return calendar.to_ical()


def _queue_interview_invitation(interview: Interview) -> None:
    application = interview.application
    program = application.cohort.program
    language = application.applicant.preferred_language or translation.get_language() or "en"
    with translation.override(language):
        calendar = interview_calendar(interview).decode()
    queue_email(
        to=application.applicant,
        template="recruitment/email/interview_invitation",
        context={
            "application": application,
            "interview": interview,
            "program": program,
            "time_zone": program.organization.timezone,
        },
        attachments=[["interview.ics", calendar, "text/calendar"]],
    )


def record_interview_scores(
    *,
    interview: Interview,
    scores: dict[int, tuple[int, str]],
    comments: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Interview:
    """Save one score (1–5) and comment per criterion id, and mark the interview completed."""
    if any(not 1 <= score <= 5 for score, _comment in scores.values()):
        raise ScreeningError(_("Scores go from 1 to 5."))
    with transaction.atomic():
        for criterion_id, (score, comment) in scores.items():
            InterviewScore.objects.update_or_create(
                interview=interview, criterion_id=criterion_id, defaults={"score": score, "comment": comment}
            )
        interview.comments = comments
        interview.completed_at = interview.completed_at or timezone.now()
        interview.save(update_fields=["comments", "completed_at", "updated"])
        record_audit(
            action="interview.scored",
            actor=actor,
            target=interview,
            organization_id=_organization_id(interview.application),
            request=request,
        )
    return interview


# Bulk decisions ------------------------------------------------------------------------------------


@dataclass
class BulkResult:
    moved: list[Application] = field(default_factory=list)
    skipped: list[tuple[Application, str]] = field(default_factory=list)


def legal_moves(application: Application) -> list[str]:
    """The statuses `application` may move to next (the status machine's rule, for pages to offer)."""
    return allowed_next_statuses(application)


def legal_bulk_moves(applications: Iterable[Application]) -> list[str]:
    """The statuses at least one of `applications` may move to, in the status machine's order.

    The review page offers only these; its script narrows them to the moves every ticked row allows.
    """
    moves = {status for application in applications for status in allowed_next_statuses(application)}
    return [status for status in Application.Status.values if status in moves]


def bulk_set_application_status(
    *, applications: list[Application], status: str, actor: User, request: HttpRequest | None = None
) -> BulkResult:
    """Move each application through `set_application_status`; illegal moves are skipped and reported."""
    result = BulkResult()
    for application in applications:
        try:
            set_application_status(application=application, status=status, actor=actor, request=request)
        except RecruitmentError as error:
            result.skipped.append((application, str(error)))
        else:
            result.moved.append(application)
    return result


# References ----------------------------------------------------------------------------------------


def reference_token(reference: Reference) -> str:
    return signing.dumps({"reference": reference.pk}, salt=REFERENCE_SALT)


def reference_link(reference: Reference, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("reference_respond", args=[reference_token(reference)])


def reference_from_token(token: str, now: datetime.datetime | None = None) -> Reference:
    """The reference a link is for, if the link is intact, recent and not used yet."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=REFERENCE_SALT, max_age=REFERENCE_VALID_FOR)
        reference_id = int(data["reference"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidReferenceLink from None
    reference = (
        Reference.objects.filter(pk=reference_id, status=Reference.Status.REQUESTED, expires_at__gt=now)
        .select_related("application__applicant", "application__cohort__program")
        .first()
    )
    if reference is None:
        raise InvalidReferenceLink
    return reference


def _send_reference_email(reference: Reference, base_url: str, *, reminder: bool) -> None:
    application = reference.application
    queue_email(
        to=reference.email,
        template="recruitment/screening/email/reference_request",
        context={
            "reference": reference,
            "applicant": application.applicant,
            "program": application.cohort.program,
            "link": reference_link(reference, base_url),
            "reminder": reminder,
        },
    )


def request_reference(
    *,
    application: Application,
    name: str,
    email: str,
    relationship: str,
    actor: User,
    base_url: str,
    request: HttpRequest | None = None,
) -> Reference:
    """Ask someone for a reference: a Reference row and an e-mail with a one-time link valid 14 days."""
    with transaction.atomic():
        reference = Reference.objects.create(
            application=application,
            name=name,
            email=email,
            relationship=relationship,
            expires_at=timezone.now() + REFERENCE_VALID_FOR,
        )
        record_audit(
            action="reference.requested",
            actor=actor,
            target=reference,
            organization_id=_organization_id(application),
            request=request,
        )
        _send_reference_email(reference, base_url, reminder=False)
    return reference


def set_reference_status(
    *,
    reference: Reference,
    status: str,
    actor: User | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> Reference:
    """The one place a reference's status changes: only a requested reference can be received or expire."""
    old = reference.status
    if old != Reference.Status.REQUESTED or status == old:
        raise InvalidReferenceLink(_("This reference is no longer waiting for an answer."))
    with transaction.atomic():
        fields = ["status", "updated"]
        reference.status = status
        if status == Reference.Status.RECEIVED:
            reference.received_at = timezone.now()
            fields += ["received_at", "recommends", "response"]
        reference.save(update_fields=fields)
        record_audit(
            action="reference.status_changed",
            actor=actor,
            actor_label=actor_label,
            target=reference,
            organization_id=_organization_id(reference.application),
            detail={"from": old, "to": status},
            request=request,
        )
    return reference


def record_reference_response(
    *,
    token: str,
    known_for: str,
    known_how: str,
    recommends: bool,
    comments: str,
    request: HttpRequest | None = None,
) -> Reference:
    """Save a referee's answer once; a second submit of the same link finds it used and changes nothing."""
    with transaction.atomic():
        reference = reference_from_token(token)
        # Lock the row so that two submits at once cannot both record an answer.
        reference = (
            Reference.objects.select_for_update()
            .select_related("application__cohort__program")
            .get(pk=reference.pk)
        )
        if reference.status != Reference.Status.REQUESTED:
            raise InvalidReferenceLink
        reference.recommends = recommends
        reference.response = "\n\n".join(
            part
            for part in [
                _("Known the applicant for: %(duration)s") % {"duration": known_for},
                _("How they know the applicant: %(how)s") % {"how": known_how},
                comments,
            ]
            if part.strip()
        )
        return set_reference_status(
            reference=reference,
            status=Reference.Status.RECEIVED,
            actor_label=_("Referee %(name)s") % {"name": reference.name},
            request=request,
        )


@dataclass
class ReminderSummary:
    reminded: int = 0
    expired: int = 0


def send_reference_reminders(
    *, base_url: str, now: datetime.datetime | None = None, dry_run: bool = False
) -> ReminderSummary:
    """Expire references past their date; remind once those asked for more than five days ago."""
    now = now or timezone.now()
    summary = ReminderSummary()
    for reference in references_past_expiry(now):
        summary.expired += 1
        if not dry_run:
            set_reference_status(
                reference=reference, status=Reference.Status.EXPIRED, actor_label="send_reference_reminders"
            )
    for reference in references_due_for_reminder(now):
        summary.reminded += 1
        if dry_run:
            continue
        with transaction.atomic():
            # Claim the reminder first so that two runs at once send one e-mail.
            claimed = Reference.objects.filter(pk=reference.pk, reminded_at__isnull=True).update(
                reminded_at=now, updated=now
            )
            if claimed:
                _send_reference_email(reference, base_url, reminder=True)
            else:
                summary.reminded -= 1
    return summary


# Background checks ---------------------------------------------------------------------------------

CHECK_FIELDS = ("kind", "result", "checked_on", "expires_on", "notes")


def record_background_check(
    *,
    organization_id: int,
    person: User,
    data: dict[str, Any],
    actor: User,
    request: HttpRequest | None = None,
) -> BackgroundCheck:
    """Record the outcome of a check (never the document)."""
    with transaction.atomic():
        check = BackgroundCheck.objects.create(
            organization_id=organization_id,
            person=person,
            recorded_by=actor,
            **{name: data[name] for name in CHECK_FIELDS if name in data},
        )
        record_audit(
            action="background_check.recorded",
            actor=actor,
            target=check,
            organization_id=organization_id,
            detail={"kind": check.kind, "result": check.result},
            request=request,
        )
    return check


def update_background_check(
    *, check: BackgroundCheck, data: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> BackgroundCheck:
    old_result = check.result
    with transaction.atomic():
        for name in CHECK_FIELDS:
            if name in data:
                setattr(check, name, data[name])
        check.recorded_by = actor
        check.save(update_fields=[*CHECK_FIELDS, "recorded_by", "updated"])
        record_audit(
            action="background_check.updated",
            actor=actor,
            target=check,
            organization_id=check.organization_id,
            detail={"from": old_result, "to": check.result},
            request=request,
        )
    return check
