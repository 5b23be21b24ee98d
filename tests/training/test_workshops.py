import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.programs.models import Attendance, Event
from peerpath.training.models import Completion, WorkshopCredit
from peerpath.training.services.progress import credit_workshop_attendance
from tests.factories import CompletionFactory, ModuleFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(program, cohort):
    starts_at = timezone.now() - datetime.timedelta(days=2)
    return Event.objects.create(
        program=program,
        cohort=cohort,
        kind=Event.Kind.TRAINING,
        title="Listening workshop",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )


@pytest.fixture
def listening(lincoln):
    return ModuleFactory(organization=lincoln, title="Active listening")


@pytest.fixture
def refresher(lincoln):
    return ModuleFactory(organization=lincoln, title="Safeguarding", validity_days=365)


def test_attendance_credits_each_linked_module(workshop, listening, refresher, bob, carol, alice):
    WorkshopCredit.objects.create(workshop=workshop, module=listening)
    WorkshopCredit.objects.create(workshop=workshop, module=refresher)
    Attendance.objects.create(event=workshop, user=bob, present=True)
    Attendance.objects.create(event=workshop, user=carol, present=False)

    result = credit_workshop_attendance(event=workshop, actor=alice)

    assert (result.created, result.updated, result.removed) == (2, 0, 0)
    completions = {c.module_id: c for c in Completion.objects.filter(user=bob)}
    assert set(completions) == {listening.pk, refresher.pk}
    assert completions[listening.pk].completed_at == workshop.ends_at
    assert completions[listening.pk].expires_at is None
    assert completions[listening.pk].source == Completion.Source.WORKSHOP
    assert completions[refresher.pk].expires_at == workshop.ends_at + datetime.timedelta(days=365)
    assert not Completion.objects.filter(user=carol).exists()
    assert AuditEntry.objects.filter(action="training.workshop_attendance_credited").count() == 1


def test_crediting_twice_changes_nothing(workshop, listening, bob, alice):
    WorkshopCredit.objects.create(workshop=workshop, module=listening)
    Attendance.objects.create(event=workshop, user=bob, present=True)
    credit_workshop_attendance(event=workshop, actor=alice)
    before = list(Completion.objects.values_list("pk", "completed_at", "expires_at", "updated"))

    result = credit_workshop_attendance(event=workshop, actor=alice)

    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert list(Completion.objects.values_list("pk", "completed_at", "expires_at", "updated")) == before
    assert AuditEntry.objects.filter(action="training.workshop_attendance_credited").count() == 1


def test_an_older_completion_is_renewed_and_a_newer_one_kept(workshop, refresher, bob, carol, alice):
    WorkshopCredit.objects.create(workshop=workshop, module=refresher)
    old = CompletionFactory(
        user=bob, module=refresher, completed_at=workshop.ends_at - datetime.timedelta(days=400), score=85
    )
    newer = CompletionFactory(user=carol, module=refresher, completed_at=timezone.now(), score=95)
    Attendance.objects.create(event=workshop, user=bob, present=True)
    Attendance.objects.create(event=workshop, user=carol, present=True)

    credit_workshop_attendance(event=workshop, actor=alice)

    old.refresh_from_db()
    newer.refresh_from_db()
    assert (old.completed_at, old.source, old.score) == (workshop.ends_at, "workshop", None)
    assert old.expires_at == workshop.ends_at + datetime.timedelta(days=365)
    assert (newer.source, newer.score) == ("quiz", 95)


def test_marking_someone_absent_takes_back_the_workshop_completion(workshop, listening, bob, alice):
    WorkshopCredit.objects.create(workshop=workshop, module=listening)
    record = Attendance.objects.create(event=workshop, user=bob, present=True)
    credit_workshop_attendance(event=workshop, actor=alice)
    record.present = False
    record.save()

    result = credit_workshop_attendance(event=workshop, actor=alice)

    assert result.removed == 1
    assert not Completion.objects.filter(user=bob).exists()


def test_a_workshop_without_credit_completes_nothing(workshop, bob, alice):
    Attendance.objects.create(event=workshop, user=bob, present=True)
    assert credit_workshop_attendance(event=workshop, actor=alice).created == 0
    assert not Completion.objects.exists()


def test_taking_attendance_on_the_event_page_credits_the_module(
    client, alice, workshop, cohort, listening, bob
):
    """The hook in programs/event_views.event_attendance."""
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    WorkshopCredit.objects.create(workshop=workshop, module=listening)
    client.force_login(alice)

    response = client.post(reverse("event_attendance", args=[workshop.pk]), {"present": [bob.pk]})

    assert response.status_code == 302
    completion = Completion.objects.get(user=bob, module=listening)
    assert completion.completed_at == workshop.ends_at
    assert completion.source == Completion.Source.WORKSHOP


def test_linking_a_workshop_credits_those_who_already_attended(
    client, alice, program, workshop, listening, bob
):
    Attendance.objects.create(event=workshop, user=bob, present=True)
    client.force_login(alice)

    response = client.post(
        reverse("workshop_credits", args=[program.pk]), {"workshop": workshop.pk, "module": listening.pk}
    )

    assert response.status_code == 302
    assert WorkshopCredit.objects.filter(workshop=workshop, module=listening).exists()
    assert Completion.objects.get(user=bob, module=listening).source == "workshop"
    assert AuditEntry.objects.filter(action="training.workshop_credit_added").exists()


def test_only_training_events_of_the_program_can_be_linked(client, alice, program, listening):
    social = Event.objects.create(
        program=program,
        kind=Event.Kind.SOCIAL,
        title="Picnic",
        starts_at=timezone.now(),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    client.force_login(alice)
    response = client.post(
        reverse("workshop_credits", args=[program.pk]), {"workshop": social.pk, "module": listening.pk}
    )
    assert response.status_code == 400
    assert not WorkshopCredit.objects.exists()


def test_unlinking_asks_first_and_keeps_earned_completions(client, alice, workshop, listening, bob):
    credit = WorkshopCredit.objects.create(workshop=workshop, module=listening)
    Attendance.objects.create(event=workshop, user=bob, present=True)
    credit_workshop_attendance(event=workshop, actor=alice)
    client.force_login(alice)
    url = reverse("workshop_credit_delete", args=[credit.pk])

    assert client.get(url).status_code == 200
    assert WorkshopCredit.objects.filter(pk=credit.pk).exists()
    client.post(url)

    assert not WorkshopCredit.objects.filter(pk=credit.pk).exists()
    assert Completion.objects.filter(user=bob, module=listening).exists()


def test_credit_runs_constant_queries(workshop, listening, refresher, alice, django_assert_max_num_queries):
    WorkshopCredit.objects.create(workshop=workshop, module=listening)
    WorkshopCredit.objects.create(workshop=workshop, module=refresher)
    counts = []
    for _round in range(2):
        for _number in range(3):
            Attendance.objects.create(event=workshop, user=ParticipantFactory().user, present=True)
        Completion.objects.all().delete()
        with django_assert_max_num_queries(50) as captured:
            credit_workshop_attendance(event=workshop, actor=alice)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
