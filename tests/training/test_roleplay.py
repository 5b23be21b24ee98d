import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.programs.models import Attendance, Event
from peerpath.training.models import RolePlayChecklist, RolePlayObservation
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(program, cohort):
    starts_at = timezone.now() - datetime.timedelta(hours=3)
    return Event.objects.create(
        program=program,
        cohort=cohort,
        kind=Event.Kind.TRAINING,
        title="Role-play night",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
    )


@pytest.fixture
def checklist(lincoln):
    return RolePlayChecklist.objects.create(
        organization=lincoln, title="Listening role-play", skills=["Open questions", "Paraphrase", "Silence"]
    )


def test_manager_creates_a_checklist_one_skill_per_line(client, alice, lincoln):
    client.force_login(alice)
    response = client.post(
        reverse("roleplay_checklists", args=[lincoln.slug]),
        {"title": "Goal setting", "skills": "  SMART goals\n\nCheck-in plan\nSMART goals\n"},
    )
    assert response.status_code == 302
    checklist = RolePlayChecklist.objects.get(organization=lincoln)
    assert (checklist.title, checklist.skills) == ("Goal setting", ["SMART goals", "Check-in plan"])
    assert AuditEntry.objects.filter(action="training.roleplay_checklist_created").exists()
    assert "Check-in plan" in client.get(reverse("roleplay_checklists", args=[lincoln.slug])).content.decode()


def test_a_checklist_needs_a_skill(client, alice, lincoln):
    client.force_login(alice)
    response = client.post(
        reverse("roleplay_checklists", args=[lincoln.slug]), {"title": "Empty", "skills": "\n "}
    )
    assert response.status_code == 400
    assert not RolePlayChecklist.objects.exists()


def test_educator_cannot_define_checklists(client, frank, lincoln):
    client.force_login(frank)
    assert client.get(reverse("roleplay_checklists", args=[lincoln.slug])).status_code == 404


def test_facilitator_records_then_updates_an_observation_per_mentor(
    client, frank, workshop, checklist, bob, carol
):
    Attendance.objects.create(event=workshop, user=bob, present=True)
    Attendance.objects.create(event=workshop, user=carol, present=True)
    client.force_login(frank)
    url = reverse("roleplay_record", args=[workshop.pk])
    page = client.get(url)
    assert [mentor for mentor, _form in page.context["forms"]] == [carol, bob]  # by last name

    client.post(
        url,
        {
            "checklist": checklist.pk,
            f"m{bob.pk}-observed": ["Open questions", "Silence"],
            f"m{bob.pk}-comment": "Calm and patient.",
            f"m{carol.pk}-comment": "",
        },
    )
    response = client.post(
        url,
        {"checklist": checklist.pk, f"m{bob.pk}-observed": ["Paraphrase"], f"m{bob.pk}-comment": "Better."},
    )

    assert response.status_code == 302
    observation = RolePlayObservation.objects.get(mentor=bob)
    assert (observation.observed, observation.comment) == (["Paraphrase"], "Better.")
    assert (observation.workshop, observation.checklist, observation.facilitator) == (
        workshop,
        checklist,
        frank,
    )
    assert RolePlayObservation.objects.filter(mentor=carol, observed=[]).count() == 1
    assert RolePlayObservation.objects.count() == 2
    assert AuditEntry.objects.filter(action="training.roleplay_observed").count() == 2


def test_unknown_skill_is_refused(client, frank, workshop, checklist, bob):
    Attendance.objects.create(event=workshop, user=bob, present=True)
    client.force_login(frank)
    response = client.post(
        reverse("roleplay_record", args=[workshop.pk]),
        {"checklist": checklist.pk, f"m{bob.pk}-observed": ["Juggling"]},
    )
    assert response.status_code == 400
    assert not RolePlayObservation.objects.exists()


def test_without_attendance_the_cohort_mentors_are_listed(
    client, alice, workshop, cohort, checklist, bob, carol
):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    client.force_login(alice)
    response = client.get(reverse("roleplay_record", args=[workshop.pk]))
    assert [mentor for mentor, _form in response.context["forms"]] == [bob]


def test_only_the_schools_checklists_are_offered(client, alice, workshop, checklist, riverside, jefferson):
    RolePlayChecklist.objects.create(organization=jefferson, title="Jefferson", skills=["B"])
    client.force_login(alice)
    response = client.get(reverse("roleplay_record", args=[workshop.pk]))
    assert list(response.context["choice"].fields["checklist"].queryset) == [checklist]
    assert "Jefferson" not in response.content.decode()


def test_mentor_sees_their_own_observations_on_my_training(client, bob, carol, workshop, checklist, frank):
    RolePlayObservation.objects.create(
        checklist=checklist,
        workshop=workshop,
        mentor=bob,
        facilitator=frank,
        observed=["Paraphrase"],
        comment="Lovely summary.",
    )
    RolePlayObservation.objects.create(checklist=checklist, mentor=carol, comment="Carol's secret note")
    client.force_login(bob)
    content = client.get(reverse("my_training")).content.decode()
    assert "Lovely summary." in content
    assert "Paraphrase: observed" in content
    assert "Silence: not yet observed" in content
    assert "Carol&#x27;s secret note" not in content
    assert "Carol's secret note" not in content


def test_roleplay_record_is_404_for_dave_and_bob(client, dave, bob, jefferson_program, workshop, checklist):
    Attendance.objects.create(event=workshop, user=bob, present=True)
    url = reverse("roleplay_record", args=[workshop.pk])
    for person in (dave, bob):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"checklist": checklist.pk, f"m{bob.pk}-comment": "x"}).status_code == 404
    assert not RolePlayObservation.objects.exists()
