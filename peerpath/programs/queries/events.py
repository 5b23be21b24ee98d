"""Reads about program events: lists with their counts, waitlist positions and attendance rosters."""

import datetime
import zoneinfo

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from peerpath.accounts.models import Organization, User
from peerpath.programs.models import RSVP, Attendance, Event, Participant, Program

GOING = RSVP.Status.GOING
WAITLISTED = RSVP.Status.WAITLISTED

# The order of the waitlist: when each person joined it. An RSVP row is only saved when its status
# changes, so `updated` of a waitlisted row is the moment it joined the waitlist (a person who
# cancelled and comes back queues again at the end, not at the time of their first answer).
WAITLIST_ORDER = ("updated", "id")


def organization_zone(organization: Organization) -> zoneinfo.ZoneInfo:
    """The time zone an organization's events are entered and shown in."""
    try:
        return zoneinfo.ZoneInfo(organization.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def with_going_count(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(going_count=Count("rsvps", filter=Q(rsvps__status=GOING)))


def events_of_program(
    program: Program, *, user: User, past: bool = False, now: datetime.datetime | None = None
) -> QuerySet[Event]:
    """Upcoming (not yet ended, soonest first) or past (latest first) events of a program, each with
    the number of people going and `my_status`, the RSVP status of `user` (or None)."""
    now = now or timezone.now()
    events = Event.objects.filter(program=program).select_related("cohort")
    if past:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "id")
    my_status = RSVP.objects.filter(event=OuterRef("pk"), user_id=user.pk).values("status")[:1]
    return with_going_count(events).annotate(my_status=Subquery(my_status))


def event_for_page(queryset: QuerySet[Event]) -> QuerySet[Event]:
    """What the event pages need in one query: the program, its organization, the cohort, counts."""
    return with_going_count(queryset.select_related("program__organization", "cohort")).annotate(
        waitlist_count=Count("rsvps", filter=Q(rsvps__status=WAITLISTED))
    )


def upcoming_events_of_program(program: Program, now: datetime.datetime | None = None) -> QuerySet[Event]:
    return Event.objects.filter(program=program, ends_at__gte=now or timezone.now()).order_by(
        "starts_at", "id"
    )


def rsvp_of(event: Event, user: User | AnonymousUser) -> RSVP | None:
    if not isinstance(user, User):
        return None  # an anonymous visitor has no answer
    return RSVP.objects.filter(event=event, user=user).first()


def waitlist(event: Event) -> QuerySet[RSVP]:
    """The waitlisted RSVPs of an event, first in line first."""
    return RSVP.objects.filter(event=event, status=WAITLISTED).order_by(*WAITLIST_ORDER)


def waitlist_position(rsvp: RSVP) -> int | None:
    """1 for the first person in line; None when the RSVP is not on the waitlist."""
    if rsvp.status != WAITLISTED:
        return None
    ahead = waitlist(rsvp.event).filter(Q(updated__lt=rsvp.updated) | Q(updated=rsvp.updated, id__lt=rsvp.id))
    return ahead.count() + 1


def attendance_roster(event: Event) -> QuerySet[User]:
    """Who attendance is taken for: people going, the cohort's enrolled participants and anyone whose
    attendance was already recorded. Each person carries `present` (None when not recorded yet) and
    `is_going`. One query, whatever the size of the roster."""
    expected = Q(pk__in=RSVP.objects.filter(event=event, status=GOING).values("user_id")) | Q(
        pk__in=Attendance.objects.filter(event=event).values("user_id")
    )
    if event.cohort_id is not None:
        expected |= Q(
            pk__in=Participant.objects.filter(
                cohort_id=event.cohort_id, status=Participant.Status.ENROLLED
            ).values("user_id")
        )
    present = Attendance.objects.filter(event=event, user=OuterRef("pk")).values("present")[:1]
    going = RSVP.objects.filter(event=event, user=OuterRef("pk"), status=GOING)
    return (
        User.objects.filter(expected)
        .annotate(present=Subquery(present, output_field=BooleanField()), is_going=Exists(going))
        .order_by("last_name", "first_name", "username")
    )
