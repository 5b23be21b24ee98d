"""Program events: list, create and edit, RSVP with a waitlist, attendance, calendar files.

Times on these pages are shown and entered in the time zone of the school that runs the program:
an event happens at a place, and a district admin elsewhere must see the same 4 pm as the students.
"""

import datetime
from collections.abc import Iterable
from typing import Any

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404 as get_row_or_404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.programs.forms.events import EventForm
from peerpath.programs.models import Event, Program
from peerpath.programs.queries.events import (
    event_for_page,
    events_of_program,
    organization_zone,
    rsvp_of,
    upcoming_events_of_program,
    waitlist_position,
)
from peerpath.programs.services.events import (
    EventError,
    cancel_event,
    cancel_rsvp,
    create_event,
    rsvp_to_event,
    update_event,
)

EVENT_PAGE_SIZE = 20


def _get_program(request: HttpRequest, program_pk: int, action: str = "view") -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), action, pk=program_pk
    )


def _get_event(request: HttpRequest, pk: int, action: str = "view") -> Event:
    return policy.get_object_or_404(request.user, event_for_page(Event.objects.all()), action, pk=pk)


def _get_event_for_oversight(request: HttpRequest, pk: int) -> Event:
    """An event whose attendance this person takes: staff of the school or of the program."""
    event = get_row_or_404(event_for_page(Event.objects.all()), pk=pk)
    policy.get_object_or_404(request.user, Program, "oversee", pk=event.program_id)
    return event


def render_in_zone(
    request: HttpRequest, program: Program, template: str, context: dict[str, Any]
) -> HttpResponse:
    zone = organization_zone(program.organization)
    with timezone.override(zone):
        return render(request, template, {"program": program, "time_zone": zone.key, **context})


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


# Listing and editing -------------------------------------------------------------------------------


@login_required
def event_list(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk)
    past = request.GET.get("show") == "past"
    events = events_of_program(program, user=request.user, past=past)
    page = Paginator(events, EVENT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_in_zone(
        request,
        program,
        "programs/events/list.html",
        {
            "page": page,
            "past": past,
            "query": "show=past" if past else "",
            "can_manage": policy.can(request.user, "manage", program),
        },
    )


@login_required
def event_create(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "manage")
    with timezone.override(organization_zone(program.organization)):
        form = EventForm(request.POST if request.method == "POST" else None, program=program)
        if request.method == "POST" and form.is_valid():
            event = create_event(program=program, actor=request.user, data=form.cleaned_data, request=request)
            messages.success(request, _("The event is created."))
            return redirect("event_detail", pk=event.pk)
    return render_in_zone(request, program, "programs/events/form.html", {"form": form, "event": None})


@login_required
def event_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk, "manage")
    program = event.program
    with timezone.override(organization_zone(program.organization)):
        form = EventForm(request.POST if request.method == "POST" else None, instance=event, program=program)
        if request.method == "POST" and form.is_valid():
            update_event(event=event, actor=request.user, data=form.cleaned_data, request=request)
            messages.success(request, _("The event is saved."))
            return redirect("event_detail", pk=event.pk)
    return render_in_zone(request, program, "programs/events/form.html", {"form": form, "event": event})


@login_required
def event_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancelling an event asks first; everyone who answered is told by e-mail."""
    event = _get_event(request, pk, "manage")
    if request.method == "POST":
        cancel_event(event=event, actor=request.user, request=request)
        messages.success(request, _("The event is cancelled."))
        return redirect("event_list", program_pk=event.program_id)
    return render_in_zone(request, event.program, "programs/events/delete.html", {"event": event})


# The event page and RSVPs --------------------------------------------------------------------------


def _event_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    rsvp = rsvp_of(event, request.user)
    seats_left = None if event.capacity is None else max(event.capacity - event.going_count, 0)  # type: ignore[attr-defined]
    return {
        "event": event,
        "rsvp": rsvp,
        "waitlist_position": waitlist_position(rsvp) if rsvp else None,
        "seats_left": seats_left,
        "has_started": event.starts_at <= timezone.now(),
    }


@login_required
def event_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    context = _event_context(request, event)
    context["can_manage"] = policy.can(request.user, "manage", event.program)
    context["can_oversee"] = policy.can(request.user, "oversee", event.program)
    return render_in_zone(request, event.program, "programs/events/detail.html", context)


def _after_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx swaps the RSVP box in place; without JavaScript the page reloads."""
    if not _is_htmx(request):
        return redirect("event_detail", pk=pk)
    event = _get_event(request, pk)
    return render_in_zone(
        request, event.program, "programs/events/detail.html#rsvp", _event_context(request, event)
    )


@login_required
@require_POST
def event_rsvp(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    try:
        rsvp = rsvp_to_event(event=event, user=request.user, request=request)
    except EventError as error:
        messages.error(request, str(error))
    else:
        # The answer box says "You are going" or the waitlist position: a message would say it twice.
        if rsvp.status == rsvp.Status.WAITLISTED:
            messages.info(request, _("The event is full."))
    return _after_rsvp(request, pk)


@login_required
@require_POST
def event_rsvp_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    try:
        cancel_rsvp(event=event, user=request.user, request=request)
    except EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your RSVP is cancelled."))
    return _after_rsvp(request, pk)


# Attendance ----------------------------------------------------------------------------------------


# Calendar files ------------------------------------------------------------------------------------


def _calendar_response(
    request: HttpRequest, events: Iterable[Event], *, uid: str, name: str, filename: str
) -> HttpResponse:
    now = timezone.now()
    calendar = icalendar.Calendar.new(
        prodid="-//PeerPath//Program events//EN",
        uid=uid,
        name=name,
        subcomponents=[
            icalendar.Event.new(
                uid=f"event-{event.pk}@peerpath",
                stamp=now,
                last_modified=event.updated.astimezone(datetime.UTC),
                start=event.starts_at.astimezone(datetime.UTC),
                end=event.ends_at.astimezone(datetime.UTC),
                summary=event.title,
                location=event.location or None,
                description=event.description or None,
                status=icalendar.STATUS.CANCELLED if event.cancelled_at else icalendar.STATUS.CONFIRMED,
                url=request.build_absolute_uri(reverse("event_detail", args=[event.pk])),
            )
            for event in events
        ],
    )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def event_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    return _calendar_response(
        request,
        [event],
        uid=f"calendar-event-{event.pk}@peerpath",
        name=event.title,
        filename=f"event-{event.pk}.ics",
    )


@login_required
def program_events_ics(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk)
    events: QuerySet[Event] = upcoming_events_of_program(program)
    return _calendar_response(
        request,
        events,
        uid=f"program-{program.pk}-events@peerpath",
        name=program.name,
        filename=f"program-{program.pk}-events.ics",
    )
