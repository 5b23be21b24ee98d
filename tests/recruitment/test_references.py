import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from peerpath.recruitment.models import Application, Reference
from peerpath.recruitment.services.screening import reference_token
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

INVALID = "This link has expired or was already used. Ask the coordinator for a new one."
ANSWER = {
    "known_for": "3 years",
    "known_how": "Her robotics coach",
    "recommends": "yes",
    "comments": "Kind and patient.",
}


@pytest.fixture
def application(cohort, bob):
    return ApplicationFactory(cohort=cohort, applicant=bob, status=Application.Status.SCREENING)


def request_reference(client, alice, application, capture):
    client.force_login(alice)
    with capture(execute=True):
        response = client.post(
            reverse("reference_request", args=[application.pk]),
            {"name": "Ruth Coach", "email": "ruth@example.org", "relationship": "robotics coach"},
        )
    assert response.status_code == 302
    client.logout()
    return Reference.objects.get(application=application)


def link_path(message):
    return re.search(r"https?://[^/\s]+(/r/[^\s]+/)", message.body).group(1)


def state(reference):
    reference.refresh_from_db()
    return (
        reference.status,
        reference.received_at,
        reference.recommends,
        reference.response,
        reference.updated,
    )


def test_reference_request_creates_row_and_mails_a_one_time_link(
    client, alice, application, django_capture_on_commit_callbacks
):
    reference = request_reference(client, alice, application, django_capture_on_commit_callbacks)
    assert reference.status == Reference.Status.REQUESTED
    assert reference.relationship == "robotics coach"
    assert reference.expires_at - timezone.now() > datetime.timedelta(days=13, hours=23)
    [message] = mail.outbox
    assert message.to == ["ruth@example.org"]
    assert "Bob Nguyen" in message.subject
    page = client.get(link_path(message))
    assert page.status_code == 200
    assert "A reference for Bob Nguyen" in page.content.decode()


def test_referee_answers_without_an_account(client, alice, application, django_capture_on_commit_callbacks):
    reference = request_reference(client, alice, application, django_capture_on_commit_callbacks)
    response = client.post(link_path(mail.outbox[0]), ANSWER)
    assert response.status_code == 200
    assert "Your reference has been received." in response.content.decode()
    reference.refresh_from_db()
    assert reference.status == Reference.Status.RECEIVED
    assert reference.received_at is not None
    assert reference.recommends is True
    assert "3 years" in reference.response
    assert "Kind and patient." in reference.response
    client.force_login(alice)
    page = client.get(reverse("application_screening", args=[application.pk])).content.decode()
    assert "Kind and patient." in page


def test_reference_form_errors_keep_the_answer(
    client, alice, application, django_capture_on_commit_callbacks
):
    reference = request_reference(client, alice, application, django_capture_on_commit_callbacks)
    before = state(reference)
    response = client.post(link_path(mail.outbox[0]), {**ANSWER, "recommends": ""})
    assert response.status_code == 400
    assert "Kind and patient." in response.content.decode()
    assert state(reference) == before


def test_used_link_changes_nothing(client, alice, application, django_capture_on_commit_callbacks):
    reference = request_reference(client, alice, application, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    client.post(path, ANSWER)
    after_first = state(reference)
    for response in [
        client.get(path),
        client.post(path, {**ANSWER, "recommends": "no", "comments": "Changed"}),
    ]:
        assert response.status_code == 410
        assert INVALID in response.content.decode()
    assert state(reference) == after_first


def test_tampered_link_changes_nothing(client, alice, application, django_capture_on_commit_callbacks):
    reference = request_reference(client, alice, application, django_capture_on_commit_callbacks)
    before = state(reference)
    token = reference_token(reference)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for path in [
        reverse("reference_respond", args=[forged]),
        reverse("reference_respond", args=["nonsense"]),
    ]:
        response = client.post(path, ANSWER)
        assert response.status_code == 410
        assert INVALID in response.content.decode()
    assert state(reference) == before


def test_expired_link_changes_nothing(client, alice, application, django_capture_on_commit_callbacks):
    reference = request_reference(client, alice, application, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    before = state(reference)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        response = client.post(path, ANSWER)
    assert response.status_code == 410
    assert INVALID in response.content.decode()
    assert state(reference) == before


def test_link_stops_working_when_the_reference_expires_even_if_the_signature_is_fresh(
    client, alice, application, django_capture_on_commit_callbacks
):
    reference = request_reference(client, alice, application, django_capture_on_commit_callbacks)
    Reference.objects.filter(pk=reference.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    before = state(reference)
    response = client.post(reverse("reference_respond", args=[reference_token(reference)]), ANSWER)
    assert response.status_code == 410
    assert state(reference) == before


def test_reference_request_is_404_for_dave_and_students(client, dave, bob, application):
    for person in [dave, bob]:
        client.force_login(person)
        response = client.post(
            reverse("reference_request", args=[application.pk]), {"name": "X", "email": "x@example.org"}
        )
        assert response.status_code == 404
    assert not Reference.objects.exists()
    assert mail.outbox == []


def test_reference_request_needs_a_valid_email(client, alice, application):
    client.force_login(alice)
    response = client.post(
        reverse("reference_request", args=[application.pk]), {"name": "Ruth", "email": "nope"}
    )
    assert response.status_code == 400
    assert 'value="Ruth"' in response.content.decode()
    assert not Reference.objects.exists()


# Reminders ---------------------------------------------------------------------------------------


def make_reference(application, name, created, *, status=Reference.Status.REQUESTED):
    reference = Reference.objects.create(
        application=application,
        name=name,
        email=f"{name.lower()}@example.org",
        status=status,
        expires_at=created + datetime.timedelta(days=14),
    )
    Reference.objects.filter(pk=reference.pk).update(created=created)
    return reference


def test_reminders_are_sent_once_and_old_references_expire(application, django_capture_on_commit_callbacks):
    start = timezone.now()
    recent = make_reference(application, "Recent", start)
    due = make_reference(application, "Due", start - datetime.timedelta(days=6))
    stale = make_reference(application, "Stale", start - datetime.timedelta(days=15))
    answered = make_reference(
        application, "Answered", start - datetime.timedelta(days=6), status=Reference.Status.RECEIVED
    )
    with time_machine.travel(start + datetime.timedelta(minutes=5)):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reference_reminders", "--base-url", "https://peerpath.example")
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reference_reminders", "--base-url", "https://peerpath.example")
    assert [m.to for m in mail.outbox] == [["due@example.org"]]
    assert mail.outbox[0].subject.startswith("Reminder:")
    assert "https://peerpath.example/r/" in mail.outbox[0].body
    for reference in [recent, due, stale, answered]:
        reference.refresh_from_db()
    assert recent.reminded_at is None
    assert due.reminded_at is not None
    assert (stale.status, stale.reminded_at) == (Reference.Status.EXPIRED, None)
    assert answered.status == Reference.Status.RECEIVED


def test_reminded_link_still_answers_the_reference(client, application, django_capture_on_commit_callbacks):
    due = make_reference(application, "Due", timezone.now() - datetime.timedelta(days=6))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reference_reminders", "--base-url", "https://peerpath.example")
    response = client.post(link_path(mail.outbox[0]), ANSWER)
    assert response.status_code == 200
    due.refresh_from_db()
    assert due.status == Reference.Status.RECEIVED


def test_reminder_after_five_days_with_time_machine(application, django_capture_on_commit_callbacks, capsys):
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC), tick=False):
        reference = make_reference(application, "Ruth", timezone.now())
    with time_machine.travel(datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC), tick=False):
        call_command("send_reference_reminders")
    assert mail.outbox == []
    with time_machine.travel(datetime.datetime(2026, 10, 7, 9, tzinfo=datetime.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reference_reminders")
    assert len(mail.outbox) == 1
    with time_machine.travel(datetime.datetime(2026, 10, 16, 9, tzinfo=datetime.UTC), tick=False):
        call_command("send_reference_reminders")
    reference.refresh_from_db()
    assert reference.status == Reference.Status.EXPIRED
    assert len(mail.outbox) == 1
    assert "marked 1 expired" in capsys.readouterr().out


def test_reminder_dry_run_changes_nothing(application, django_capture_on_commit_callbacks, capsys):
    now = timezone.now()
    due = make_reference(application, "Due", now - datetime.timedelta(days=6))
    stale = make_reference(application, "Stale", now - datetime.timedelta(days=15))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reference_reminders", "--dry-run")
    assert mail.outbox == []
    due.refresh_from_db()
    stale.refresh_from_db()
    assert due.reminded_at is None
    assert stale.status == Reference.Status.REQUESTED
    assert "would remind 1 reference(s) and mark 1 expired" in capsys.readouterr().out
