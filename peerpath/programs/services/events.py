"""Writes with business meaning for program events: the events themselves, RSVPs with capacity and a
waitlist, and attendance. Views, the API and commands all call these.

Every change to who holds a seat happens with the event row locked (`select_for_update`), so two
people taking the last seat at the same moment cannot both get it.
"""

from collections.abc import Collection, Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.core.audit import record_audit
from peerpath.core.email import queue_email
from peerpath.programs.models import RSVP, Attendance, Event, Program
from peerpath.programs.queries.events import attendance_roster, organization_zone, waitlist

Status = RSVP.Status

EVENT_FIELDS = ("kind", "title", "description", "location", "starts_at", "ends_at", "capacity", "cohort")

# Allowed moves of an RSVP. A new RSVP starts as going or waitlisted; a cancelled one may come back.
TRANSITIONS: dict[str, set[str]] = {
    Status.GOING: {Status.CANCELLED},
    Status.WAITLISTED: {Status.GOING, Status.CANCELLED},
    Status.CANCELLED: {Status.GOING, Status.WAITLISTED},
}


class EventError(Exception):
    """A request that breaks an event rule; the message is shown to the user as it is."""


class IllegalTransition(EventError):
    pass


class EventFull(EventError):
    pass


class EventStarted(EventError):
    pass


# Events --------------------------------------------------------------------------------------------


def create_event(
    *, program: Program, actor: User, data: Mapping[str, Any], request: HttpRequest | None = None
) -> Event:
    """A new event of `program`; `data` holds the validated EVENT_FIELDS."""
    with transaction.atomic():
        event = Event.objects.create(program=program, **{name: data[name] for name in EVENT_FIELDS})
        record_audit(
            action="event.created",
            actor=actor,
            target=event,
            organization_id=program.organization_id,
            request=request,
        )
    return event


def update_event(
    *, event: Event, actor: User, data: Mapping[str, Any], request: HttpRequest | None = None
) -> Event:
    """Change an event's details. When the capacity grows, the first people waiting get the new seats."""
    with transaction.atomic():
        locked = _lock(event)
        changed = [name for name in EVENT_FIELDS if getattr(locked, name) != data[name]]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, data[name])
        locked.save(update_fields=[*changed, "updated"])
        record_audit(
            action="event.updated",
            actor=actor,
            target=locked,
            organization_id=locked.program.organization_id,
            detail={"fields": changed},
            request=request,
        )
        if "capacity" in changed:
            fill_open_seats(event=locked, actor=actor, request=request)
    return locked


def cancel_event(*, event: Event, actor: User, request: HttpRequest | None = None) -> Event:
    """Cancel an event: everyone going or waiting hears about it. The event, its RSVPs and any
    attendance stay on record, marked cancelled."""
    with transaction.atomic():
        locked = _lock(event)
        if locked.cancelled_at is not None:
            return locked
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at", "updated"])
        if locked.starts_at > locked.cancelled_at:
            rsvps = RSVP.objects.filter(event=locked, status__in=[Status.GOING, Status.WAITLISTED])
            for rsvp in rsvps.select_related("user"):
                _queue_event_email(rsvp.user, "programs/events/email/cancelled", locked, request)
        record_audit(
            action="event.cancelled",
            actor=actor,
            target=locked,
            organization_id=locked.program.organization_id,
            detail={"title": locked.title, "starts_at": locked.starts_at.isoformat()},
            request=request,
        )
    return locked


# RSVPs ---------------------------------------------------------------------------------------------


def rsvp_to_event(*, event: Event, user: User, request: HttpRequest | None = None) -> RSVP:
    """Going when a seat is free, otherwise on the waitlist. Answering again changes nothing."""
    with transaction.atomic():
        locked = _lock(event)
        _refuse_if_started(locked)
        rsvp = RSVP.objects.filter(event=locked, user=user).first()
        if rsvp is not None and rsvp.status != Status.CANCELLED:
            return rsvp
        status = Status.GOING if _has_free_seat(locked) else Status.WAITLISTED
        if rsvp is None:
            rsvp = RSVP.objects.create(event=locked, user=user, status=status)
            _audit_rsvp(rsvp, old="", actor=user, request=request)
        else:
            rsvp.event = locked
            set_rsvp_status(rsvp=rsvp, status=status, actor=user, request=request)
    return rsvp


def cancel_rsvp(*, event: Event, user: User, request: HttpRequest | None = None) -> RSVP | None:
    """Withdraw an RSVP. A freed seat goes to the first person on the waitlist, who is told by e-mail."""
    with transaction.atomic():
        locked = _lock(event)
        _refuse_if_started(locked)
        rsvp = RSVP.objects.filter(event=locked, user=user).first()
        if rsvp is None or rsvp.status == Status.CANCELLED:
            return rsvp
        rsvp.event = locked
        was_going = rsvp.status == Status.GOING
        set_rsvp_status(rsvp=rsvp, status=Status.CANCELLED, actor=user, request=request)
        if was_going:
            fill_open_seats(event=locked, actor=user, request=request)
    return rsvp


def fill_open_seats(*, event: Event, actor: User, request: HttpRequest | None = None) -> list[RSVP]:
    """Give free seats to the people waiting, first in line first. The caller holds the event's lock."""
    if event.starts_at <= timezone.now():
        return []
    seats = _free_seats(event)
    waiting = waitlist(event).select_related("user")
    promoted = list(waiting if seats is None else waiting[:seats])
    for rsvp in promoted:
        rsvp.event = event
        set_rsvp_status(rsvp=rsvp, status=Status.GOING, actor=actor, request=request)
    return promoted


def set_rsvp_status(*, rsvp: RSVP, status: str, actor: User, request: HttpRequest | None = None) -> RSVP:
    """The one place an RSVP's status changes: validate, save, audit, and e-mail a promoted person.

    Call it inside a transaction that holds the event's lock (`select_for_update`), as the services
    above do: that lock is what keeps the count of people going within the capacity.
    """
    old = rsvp.status
    if status not in TRANSITIONS.get(old, set()):
        raise IllegalTransition(
            _("An RSVP that is %(old)s cannot become %(new)s.")
            % {"old": Status(old).label.lower(), "new": Status(status).label.lower()}
        )
    if status == Status.GOING and not _has_free_seat(rsvp.event):
        raise EventFull(_("This event is full."))
    rsvp.status = status
    rsvp.save(update_fields=["status", "updated"])
    _audit_rsvp(rsvp, old=old, actor=actor, request=request)
    if old == Status.WAITLISTED and status == Status.GOING:
        _queue_event_email(rsvp.user, "programs/events/email/promoted", rsvp.event, request)
    return rsvp


# Attendance ----------------------------------------------------------------------------------------


def record_attendance(
    *,
    event: Event,
    present_user_ids: Collection[int],
    recorded_by: User,
    request: HttpRequest | None = None,
) -> list[Attendance]:
    """Mark everyone on the event's roster present or absent. Ids not on the roster are ignored."""
    present = set(present_user_ids)
    records = []
    with transaction.atomic():
        for person in attendance_roster(event):
            record, _created = Attendance.objects.update_or_create(
                event=event,
                user=person,
                defaults={"present": person.pk in present, "recorded_by": recorded_by},
            )
            records.append(record)
        record_audit(
            action="event.attendance_recorded",
            actor=recorded_by,
            target=event,
            organization_id=event.program.organization_id,
            detail={
                "present": sum(record.present for record in records),
                "absent": sum(not record.present for record in records),
            },
            request=request,
        )
    return records


# Helpers -------------------------------------------------------------------------------------------


def _lock(event: Event) -> Event:
    return (
        Event.objects.select_for_update(of=("self",)).select_related("program__organization").get(pk=event.pk)
    )


def _free_seats(event: Event) -> int | None:
    """Seats left (None: no limit). Exact only while the event's lock is held."""
    if event.capacity is None:
        return None
    going = RSVP.objects.filter(event=event, status=Status.GOING).count()
    return max(event.capacity - going, 0)


def _has_free_seat(event: Event) -> bool:
    seats = _free_seats(event)
    return seats is None or seats > 0


def _refuse_if_started(event: Event) -> None:
    if event.cancelled_at is not None:
        raise EventStarted(_("This event was cancelled; RSVPs are closed."))
    if event.starts_at <= timezone.now():
        raise EventStarted(_("This event has already started; RSVPs are closed."))


def _audit_rsvp(rsvp: RSVP, *, old: str, actor: User, request: HttpRequest | None) -> None:
    record_audit(
        action="rsvp.status_changed",
        actor=actor,
        target=rsvp,
        organization_id=rsvp.event.program.organization_id,
        detail={"event": rsvp.event_id, "from": old, "to": rsvp.status},
        request=request,
    )


def _queue_event_email(user: User, template: str, event: Event, request: HttpRequest | None) -> None:
    path = reverse("event_detail", args=[event.pk])
    context = {
        "user": user,
        "event": event,
        "program": event.program,
        "event_url": request.build_absolute_uri(path) if request is not None else path,
    }
    # Times in the e-mail are those of the school where the event happens.
    with timezone.override(organization_zone(event.program.organization)):
        queue_email(to=user, template=template, context=context)
