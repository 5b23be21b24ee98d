import datetime
import threading
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.programs.models import RSVP, Attendance, Event
from peerpath.programs.services.events import EventStarted, cancel_rsvp, rsvp_to_event
from tests.factories import ParticipantFactory, member

pytestmark = pytest.mark.django_db

GOING, WAITLISTED, CANCELLED = RSVP.Status.GOING, RSVP.Status.WAITLISTED, RSVP.Status.CANCELLED


def make_event(program, *, starts_in=datetime.timedelta(days=3), **fields):
    starts_at = timezone.now() + starts_in
    fields.setdefault("title", "Mentor training night")
    return Event.objects.create(
        program=program, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=2), **fields
    )


@pytest.fixture
def event(program):
    return make_event(program, location="Library", description="Bring a notebook.")


def rsvp(event, user, status=GOING):
    return RSVP.objects.create(event=event, user=user, status=status)


def valid_form(**overrides):
    data = {
        "kind": Event.Kind.WORKSHOP,
        "title": "Active listening",
        "description": "",
        "location": "Room 12",
        "starts_at": "2030-03-04T16:00",
        "ends_at": "2030-03-04T17:30",
        "capacity": "",
        "cohort": "",
    }
    return {**data, **overrides}


def lincoln_event_urls(program, event):
    """Every event page showing Lincoln data, with the method it answers to."""
    return [
        ("get", reverse("event_list", args=[program.pk])),
        ("get", reverse("event_create", args=[program.pk])),
        ("get", reverse("program_events_ics", args=[program.pk])),
        ("get", reverse("event_detail", args=[event.pk])),
        ("get", reverse("event_edit", args=[event.pk])),
        ("get", reverse("event_delete", args=[event.pk])),
        ("post", reverse("event_rsvp", args=[event.pk])),
        ("post", reverse("event_rsvp_cancel", args=[event.pk])),
        ("get", reverse("event_attendance", args=[event.pk])),
        ("get", reverse("event_ics", args=[event.pk])),
    ]


# Authorization -------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_every_lincoln_event_page_is_404_for_dave(client, dave, jefferson_program, program, event, bob):
    rsvp(event, bob)
    client.force_login(dave)
    for method, url in lincoln_event_urls(program, event):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert b"Lincoln" not in response.content
        assert b"Mentor training night" not in response.content
    for url in [reverse("event_edit", args=[event.pk]), reverse("event_delete", args=[event.pk])]:
        assert client.post(url, valid_form()).status_code == 404
    assert client.post(reverse("event_attendance", args=[event.pk]), {"present": [bob.pk]}).status_code == 404
    assert Event.objects.filter(pk=event.pk, title="Mentor training night").exists()
    assert list(RSVP.objects.values_list("user__username", "status")) == [("bob", GOING)]


def test_every_event_page_sends_anonymous_to_login(client, program, event):
    for method, url in lincoln_event_urls(program, event):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_student_cannot_manage_events_or_take_attendance(client, bob, program, event):
    client.force_login(bob)
    assert client.get(reverse("event_create", args=[program.pk])).status_code == 404
    assert client.post(reverse("event_create", args=[program.pk]), valid_form()).status_code == 404
    assert client.get(reverse("event_edit", args=[event.pk])).status_code == 404
    assert client.post(reverse("event_delete", args=[event.pk])).status_code == 404
    assert client.get(reverse("event_attendance", args=[event.pk])).status_code == 404
    assert client.post(reverse("event_attendance", args=[event.pk]), {"present": [bob.pk]}).status_code == 404
    assert Event.objects.count() == 1
    assert not Attendance.objects.exists()


def test_educator_takes_attendance_but_does_not_manage_events(client, frank, program, event):
    client.force_login(frank)
    assert client.get(reverse("event_attendance", args=[event.pk])).status_code == 200
    assert client.get(reverse("event_create", args=[program.pk])).status_code == 404
    assert client.get(reverse("event_edit", args=[event.pk])).status_code == 404


def test_unpublished_program_events_are_404_for_students(client, bob, program, event):
    program.is_published = False
    program.save()
    client.force_login(bob)
    assert client.get(reverse("event_detail", args=[event.pk])).status_code == 404
    assert client.post(reverse("event_rsvp", args=[event.pk])).status_code == 404
    assert not RSVP.objects.exists()


# List ----------------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_event_list_shows_upcoming_first_and_past_separately(client, alice, program):
    later = make_event(program, title="Social", starts_in=datetime.timedelta(days=9))
    sooner = make_event(program, title="Info session", starts_in=datetime.timedelta(days=1))
    past = make_event(program, title="Kick-off", starts_in=-datetime.timedelta(days=5))
    client.force_login(alice)

    upcoming = client.get(reverse("event_list", args=[program.pk]))
    earlier = client.get(reverse("event_list", args=[program.pk]), {"show": "past"})

    assert list(upcoming.context["page"].object_list) == [sooner, later]
    assert list(earlier.context["page"].object_list) == [past]
    assert reverse("event_create", args=[program.pk]) in upcoming.content.decode()


def test_event_list_shows_students_their_answer_and_no_new_event_link(client, bob, program, event):
    rsvp(event, bob, WAITLISTED)
    client.force_login(bob)
    response = client.get(reverse("event_list", args=[program.pk]))
    content = response.content.decode()
    assert "On the waitlist" in content
    assert reverse("event_create", args=[program.pk]) not in content


def test_event_list_paginates(client, alice, program):
    for number in range(23):
        make_event(program, title=f"Study group {number}", starts_in=datetime.timedelta(days=number + 1))
    client.force_login(alice)
    second = client.get(reverse("event_list", args=[program.pk]), {"page": 2})
    assert len(second.context["page"].object_list) == 3
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize("extra", [1, 3])
def test_event_list_queries_do_not_grow_with_events(
    client, alice, bob, program, cohort, django_assert_num_queries, extra
):
    for number in range(extra):
        event = make_event(program, title=f"Event {number}", cohort=cohort, capacity=10)
        rsvp(event, bob)
        rsvp(event, alice)
    client.force_login(alice)
    url = reverse("event_list", args=[program.pk])
    client.get(url)  # warm the session and content-type caches
    with django_assert_num_queries(12):
        response = client.get(url)
    assert [event.going_count for event in response.context["page"].object_list] == [2] * extra


# Create, edit, cancel ------------------------------------------------------------------------------


@pytest.mark.smoke
def test_event_create_reads_times_in_the_schools_time_zone(client, alice, lincoln, program, cohort):
    lincoln.timezone = "America/New_York"
    lincoln.save()
    client.force_login(alice)

    response = client.post(
        reverse("event_create", args=[program.pk]), valid_form(capacity="12", cohort=str(cohort.pk))
    )

    event = Event.objects.get()
    assert response.url == reverse("event_detail", args=[event.pk])
    assert (event.program, event.cohort, event.capacity, event.kind) == (program, cohort, 12, "workshop")
    # 16:00 in New York on 4 March 2030 (standard time, UTC-5).
    assert event.starts_at == datetime.datetime(2030, 3, 4, 21, 0, tzinfo=datetime.UTC)
    assert event.ends_at == datetime.datetime(2030, 3, 4, 22, 30, tzinfo=datetime.UTC)
    assert AuditEntry.objects.filter(action="event.created", target_id=str(event.pk), actor=alice).exists()


def test_event_create_rejects_end_before_start_and_keeps_input(client, alice, program):
    client.force_login(alice)
    response = client.post(
        reverse("event_create", args=[program.pk]),
        valid_form(title="Kept title", ends_at="2030-03-04T15:00"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"] == ["The event must end after it starts."]
    content = response.content.decode()
    assert "The event must end after it starts." in content
    assert 'value="Kept title"' in content
    assert not Event.objects.exists()


def test_event_create_offers_only_this_programs_cohorts(client, alice, program, cohort, jefferson_program):
    client.force_login(alice)
    other_cohort = jefferson_program.cohorts.get()
    response = client.post(reverse("event_create", args=[program.pk]), valid_form(cohort=other_cohort.pk))
    assert "cohort" in response.context["form"].errors
    assert not Event.objects.exists()


def test_event_edit_shows_local_times_and_saves_changes(client, alice, lincoln, program):
    lincoln.timezone = "America/New_York"
    lincoln.save()
    starts = datetime.datetime(2030, 3, 4, 21, 0, tzinfo=datetime.UTC)
    event = Event.objects.create(
        program=program, title="Old", starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
    )
    client.force_login(alice)
    form_page = client.get(reverse("event_edit", args=[event.pk]))
    assert 'value="2030-03-04T16:00"' in form_page.content.decode()

    client.post(reverse("event_edit", args=[event.pk]), valid_form(title="New", location="Gym"))

    event.refresh_from_db()
    assert (event.title, event.location) == ("New", "Gym")
    assert AuditEntry.objects.get(action="event.updated").detail["fields"] == [
        "kind",
        "title",
        "location",
        "ends_at",
    ]


def test_event_edit_growing_capacity_gives_seats_to_the_waitlist(
    client, alice, bob, lincoln, program, django_capture_on_commit_callbacks
):
    event = make_event(program, capacity=1)
    rsvp(event, alice)
    rsvp(event, bob, WAITLISTED)
    client.force_login(alice)
    local_start = timezone.localtime(event.starts_at, zoneinfo.ZoneInfo(lincoln.timezone))
    data = valid_form(
        title=event.title,
        capacity="2",
        starts_at=local_start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(local_start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("event_edit", args=[event.pk]), data)

    assert RSVP.objects.get(user=bob).status == GOING
    assert [message.to for message in mail.outbox] == [[bob.email]]


def test_event_delete_asks_first_then_tells_everyone(
    client, alice, bob, carol, program, django_capture_on_commit_callbacks
):
    event = make_event(program, capacity=1, title="Ice cream social")
    rsvp(event, bob)
    rsvp(event, carol, WAITLISTED)
    client.force_login(alice)

    confirm = client.get(reverse("event_delete", args=[event.pk]))
    assert "Cancel Ice cream social?" in confirm.content.decode()
    assert Event.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("event_delete", args=[event.pk]))

    assert response.url == reverse("event_list", args=[program.pk])
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert RSVP.objects.filter(event=event).count() == 2  # the history stays
    assert sorted(message.to[0] for message in mail.outbox) == sorted([bob.email, carol.email])
    assert mail.outbox[0].subject.endswith("Cancelled: Ice cream social")
    assert AuditEntry.objects.filter(action="event.cancelled", actor=alice).exists()
    listing = client.get(reverse("event_list", args=[program.pk])).content.decode()
    assert "Cancelled" in listing
    refused = client.post(reverse("event_rsvp", args=[event.pk]), follow=True)
    assert "This event was cancelled; RSVPs are closed." in refused.content.decode()


# Event page and RSVPs ------------------------------------------------------------------------------


@pytest.mark.smoke
def test_rsvp_makes_the_student_going_and_twice_keeps_one_row(client, bob, event):
    client.force_login(bob)
    client.post(reverse("event_rsvp", args=[event.pk]))
    client.post(reverse("event_rsvp", args=[event.pk]))

    assert list(RSVP.objects.values_list("user__username", "status")) == [("bob", GOING)]
    page = client.get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "You are going." in page
    assert AuditEntry.objects.filter(action="rsvp.status_changed").count() == 1


def test_rsvp_on_full_event_waitlists_with_position(client, alice, bob, carol, program):
    event = make_event(program, capacity=1)
    rsvp(event, alice)
    rsvp(event, bob, WAITLISTED)
    client.force_login(carol)

    client.post(reverse("event_rsvp", args=[event.pk]))

    assert RSVP.objects.get(user=carol).status == WAITLISTED
    response = client.get(reverse("event_detail", args=[event.pk]))
    assert response.context["seats_left"] == 0
    assert response.context["waitlist_position"] == 2
    assert "number 2 in line" in response.content.decode()


def test_rsvp_with_htmx_swaps_only_the_answer_box(client, bob, event):
    client.force_login(bob)
    response = client.post(reverse("event_rsvp", args=[event.pk]), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "You are going." in content
    assert "<html" not in content
    assert reverse("event_rsvp_cancel", args=[event.pk]) in content


def test_rsvp_with_htmx_updates_the_counts_and_says_going_once(client, bob, program):
    event = make_event(program, capacity=2)
    client.force_login(bob)
    response = client.post(reverse("event_rsvp", args=[event.pk]), headers={"HX-Request": "true"})
    content = response.content.decode()
    # The counts above the answer box come along as an out-of-band swap.
    assert '<dl class="details" id="event-counts" hx-swap-oob="true">' in content
    assert "<dt>Going</dt><dd>1</dd>" in content
    assert "<dt>Spots left</dt><dd>1</dd>" in content
    assert content.count("You are going") == 1


def test_event_page_says_going_once_after_rsvp_without_htmx(client, bob, event):
    client.force_login(bob)
    response = client.post(reverse("event_rsvp", args=[event.pk]), follow=True)
    content = response.content.decode()
    assert content.count("You are going") == 1
    assert 'id="event-counts">' in content
    assert "hx-swap-oob" not in content


def test_event_form_explains_which_kind_counts_for_training(client, alice, program):
    client.force_login(alice)
    content = client.get(reverse("event_create", args=[program.pk])).content.decode()
    assert "Only a “Training” event can be required as a training workshop" in content


@pytest.mark.smoke
def test_rsvp_cancel_promotes_first_waitlisted_and_emails_them(
    client, alice, bob, carol, program, django_capture_on_commit_callbacks
):
    event = make_event(program, capacity=1, title="Peer tutoring kick-off")
    rsvp(event, bob)
    first = rsvp(event, carol, WAITLISTED)
    second = rsvp(event, alice, WAITLISTED)
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("event_rsvp_cancel", args=[event.pk]))

    statuses = dict(RSVP.objects.values_list("user__username", "status"))
    assert statuses == {"bob": CANCELLED, "carol": GOING, "alice": WAITLISTED}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [carol.email]
    assert "you are going to Peer tutoring kick-off" in mail.outbox[0].subject
    assert reverse("event_detail", args=[event.pk]) in mail.outbox[0].body
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (GOING, WAITLISTED)


def test_rsvp_cancel_from_waitlist_promotes_nobody(
    client, alice, bob, carol, program, django_capture_on_commit_callbacks
):
    event = make_event(program, capacity=1)
    rsvp(event, alice)
    rsvp(event, bob, WAITLISTED)
    rsvp(event, carol, WAITLISTED)
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("event_rsvp_cancel", args=[event.pk]))
    assert dict(RSVP.objects.values_list("user__username", "status")) == {
        "alice": GOING,
        "bob": CANCELLED,
        "carol": WAITLISTED,
    }
    assert mail.outbox == []


def test_rsvp_again_after_cancelling_queues_at_the_end(alice, bob, carol, program):
    event = make_event(program, capacity=1)
    rsvp_to_event(event=event, user=alice)
    rsvp_to_event(event=event, user=bob)
    cancel_rsvp(event=event, user=bob)
    rsvp_to_event(event=event, user=carol)
    rsvp_to_event(event=event, user=bob)

    cancel_rsvp(event=event, user=alice)

    assert dict(RSVP.objects.values_list("user__username", "status")) == {
        "alice": CANCELLED,
        "bob": WAITLISTED,
        "carol": GOING,
    }


def test_rsvp_service_last_seat_twice_gives_one_seat(bob, carol, program):
    event = make_event(program, capacity=1)

    first = rsvp_to_event(event=event, user=bob)
    second = rsvp_to_event(event=event, user=carol)

    assert (first.status, second.status) == (GOING, WAITLISTED)
    assert RSVP.objects.filter(event=event, status=GOING).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_rsvp_service_concurrent_last_seat_does_not_overbook(lincoln, program):
    event = make_event(program, capacity=1)
    students = [member(lincoln, Role.STUDENT, username=f"racer{number}") for number in range(2)]
    start = threading.Barrier(len(students))
    errors = []

    def take_seat(student):
        try:
            start.wait()
            rsvp_to_event(event=event, user=student)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_seat, args=[student]) for student in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(RSVP.objects.values_list("status", flat=True)) == [GOING, WAITLISTED]


def test_rsvp_is_closed_once_the_event_started(client, bob, program):
    event = make_event(program, starts_in=-datetime.timedelta(minutes=10))
    client.force_login(bob)
    response = client.post(reverse("event_rsvp", args=[event.pk]), follow=True)
    assert "RSVPs are closed" in response.content.decode()
    assert not RSVP.objects.exists()
    with pytest.raises(EventStarted):
        rsvp_to_event(event=event, user=bob)


def test_event_detail_shows_spots_left_and_staff_links(client, alice, bob, program):
    event = make_event(program, capacity=5)
    rsvp(event, bob)
    client.force_login(alice)
    response = client.get(reverse("event_detail", args=[event.pk]))
    assert response.context["seats_left"] == 4
    content = response.content.decode()
    assert reverse("event_attendance", args=[event.pk]) in content
    assert reverse("event_edit", args=[event.pk]) in content


# Attendance ----------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_attendance_roster_has_rsvps_and_cohort_and_saves_rows(
    client, alice, bob, carol, lincoln, program, cohort
):
    event = make_event(program, cohort=cohort)
    rsvp(event, bob)
    ParticipantFactory(cohort=cohort, user=carol)
    withdrawn = member(lincoln, Role.STUDENT, username="gone")
    ParticipantFactory(cohort=cohort, user=withdrawn, status="withdrawn")
    not_going = member(lincoln, Role.STUDENT, username="maybe")
    rsvp(event, not_going, CANCELLED)
    client.force_login(alice)

    page = client.get(reverse("event_attendance", args=[event.pk]))
    assert [person.username for person in page.context["roster"]] == ["carol", "bob"]

    response = client.post(reverse("event_attendance", args=[event.pk]), {"present": [bob.pk, not_going.pk]})

    assert response.url == reverse("event_attendance", args=[event.pk])
    rows = {row.user.username: (row.present, row.recorded_by) for row in Attendance.objects.all()}
    assert rows == {"bob": (True, alice), "carol": (False, alice)}
    entry = AuditEntry.objects.get(action="event.attendance_recorded")
    assert entry.detail == {"present": 1, "absent": 1}


def test_attendance_saving_again_updates_rows(client, alice, bob, program, event):
    rsvp(event, bob)
    client.force_login(alice)
    client.post(reverse("event_attendance", args=[event.pk]), {"present": [bob.pk]})
    client.post(reverse("event_attendance", args=[event.pk]), {})
    assert list(Attendance.objects.values_list("user__username", "present")) == [("bob", False)]
    page = client.get(reverse("event_attendance", args=[event.pk])).content.decode()
    assert f'value="{bob.pk}" id="present-{bob.pk}">' in page  # recorded absent: not ticked


@pytest.mark.parametrize("extra", [1, 3])
def test_attendance_roster_queries_do_not_grow(
    client, alice, lincoln, program, cohort, django_assert_num_queries, extra
):
    event = make_event(program, cohort=cohort)
    for number in range(extra):
        student = member(lincoln, Role.STUDENT, username=f"roster-{number}")
        rsvp(event, student)
        ParticipantFactory(cohort=cohort, user=student)
        Attendance.objects.create(event=event, user=student, present=True, recorded_by=alice)
    client.force_login(alice)
    url = reverse("event_attendance", args=[event.pk])
    client.get(url)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert len(response.context["roster"]) == extra


# Calendar files ------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_event_ics_is_a_calendar_with_the_event_in_utc(client, bob, event):
    client.force_login(bob)
    response = client.get(reverse("event_ics", args=[event.pk]))

    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Mentor training night"
    assert str(vevent["UID"]) == f"event-{event.pk}@peerpath"
    assert str(vevent["LOCATION"]) == "Library"
    assert vevent.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert vevent.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert vevent.decoded("DTEND") == event.ends_at.replace(microsecond=0)


def test_program_events_ics_lists_only_upcoming_events(client, bob, program):
    make_event(program, title="Last week", starts_in=-datetime.timedelta(days=7))
    soon = make_event(program, title="Next week", starts_in=datetime.timedelta(days=7))
    later = make_event(program, title="Next month", starts_in=datetime.timedelta(days=30))
    client.force_login(bob)

    response = client.get(reverse("program_events_ics", args=[program.pk]))

    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(vevent["SUMMARY"]) for vevent in events] == ["Next week", "Next month"]
    assert [str(vevent["UID"]) for vevent in events] == [
        f"event-{soon.pk}@peerpath",
        f"event-{later.pk}@peerpath",
    ]


def test_cancelled_event_is_marked_cancelled_in_the_calendar_feed(client, alice, program):
    import icalendar

    from peerpath.programs.services.events import cancel_event

    event = make_event(program, title="Rained out")
    cancel_event(event=event, actor=alice)
    client.force_login(alice)
    calendar = icalendar.Calendar.from_ical(client.get(reverse("event_ics", args=[event.pk])).content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
