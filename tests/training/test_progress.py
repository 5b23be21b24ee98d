import csv
import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.programs.models import Attendance, Event
from peerpath.training.models import Requirement, RolePlayChecklist, WorkshopCredit
from peerpath.training.queries.progress import Status
from tests.factories import (
    CompletionFactory,
    ModuleFactory,
    OrganizationFactory,
    ParticipantFactory,
    RequirementFactory,
)

pytestmark = pytest.mark.django_db

# A fixed "today" so that due dates and expiry are computed the same on every run.
NOW = datetime.datetime(2026, 10, 15, 17, 0, tzinfo=datetime.UTC)


def training_event(program, *, days_from_now=3, **fields):
    starts_at = timezone.now() + datetime.timedelta(days=days_from_now)
    fields.setdefault("title", "Mentor training night")
    fields.setdefault("kind", Event.Kind.TRAINING)
    return Event.objects.create(
        program=program,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        **fields,
    )


def mentor_in(cohort, user=None, **user_fields):
    if user is not None:
        return ParticipantFactory(cohort=cohort, user=user, role="mentor").user
    return ParticipantFactory(
        cohort=cohort, role="mentor", **{f"user__{k}": v for k, v in user_fields.items()}
    ).user


@pytest.fixture
def listening(lincoln):
    return ModuleFactory(organization=lincoln, title="Active listening")


@pytest.fixture
def safety(lincoln):
    return ModuleFactory(organization=lincoln, title="Confidentiality", validity_days=365)


@pytest.fixture
def lincoln_objects(program, cohort, listening, lincoln):
    workshop = training_event(program)
    requirement = RequirementFactory(program=program, module=listening)
    credit = WorkshopCredit.objects.create(workshop=workshop, module=listening)
    RolePlayChecklist.objects.create(organization=lincoln, title="Listening role-play", skills=["Paraphrase"])
    return program, requirement, credit, workshop


def lincoln_pages(program, requirement, credit, workshop):
    """Every staff page of ours that shows Lincoln's data (GET)."""
    return [
        reverse("training_requirements", args=[program.pk]),
        reverse("training_requirement_delete", args=[requirement.pk]),
        reverse("workshop_credit_delete", args=[credit.pk]),
        reverse("training_matrix", args=[program.pk]),
        reverse("training_matrix_csv", args=[program.pk]),
        reverse("roleplay_checklists", args=[program.organization.slug]),
        reverse("roleplay_record", args=[workshop.pk]),
    ]


def lincoln_posts(program, requirement, credit, workshop, module):
    return [
        (reverse("training_requirements", args=[program.pk]), {"role": "mentor", "workshop": workshop.pk}),
        (reverse("training_requirement_delete", args=[requirement.pk]), {}),
        (reverse("workshop_credits", args=[program.pk]), {"workshop": workshop.pk, "module": module.pk}),
        (reverse("workshop_credit_delete", args=[credit.pk]), {}),
        (reverse("training_reminders", args=[program.pk]), {}),
        (reverse("roleplay_checklists", args=[program.organization.slug]), {"title": "X", "skills": "Y"}),
        (reverse("roleplay_record", args=[workshop.pk]), {}),
    ]


def snapshot():
    return (
        list(Requirement.objects.values_list("pk", "module_id", "workshop_id")),
        list(WorkshopCredit.objects.values_list("pk", "module_id")),
        RolePlayChecklist.objects.count(),
        AuditEntry.objects.count(),
    )


# Authorization -------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_every_progress_page_is_404_for_dave(client, dave, jefferson_program, lincoln_objects, listening):
    client.force_login(dave)
    for url in lincoln_pages(*lincoln_objects):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Lincoln" not in response.content
    before = snapshot()
    for url, data in lincoln_posts(*lincoln_objects, listening):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before
    assert len(mail.outbox) == 0


def test_every_progress_page_sends_anonymous_to_login(client, lincoln_objects, listening):
    pages = [*lincoln_pages(*lincoln_objects), reverse("my_training")]
    posts = [url for url, _data in lincoln_posts(*lincoln_objects, listening)]
    for url in pages + posts:
        response = client.post(url) if url in posts else client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_mentor_gets_404_on_staff_pages(client, bob, cohort, lincoln_objects, listening):
    mentor_in(cohort, bob)
    client.force_login(bob)
    for url in lincoln_pages(*lincoln_objects):
        assert client.get(url).status_code == 404, url
    before = snapshot()
    for url, data in lincoln_posts(*lincoln_objects, listening):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


def test_educator_sees_matrix_but_cannot_manage(client, frank, lincoln_objects):
    program, requirement, _credit, _workshop = lincoln_objects
    client.force_login(frank)
    response = client.get(reverse("training_matrix", args=[program.pk]))
    assert response.status_code == 200
    assert not response.context["can_manage"]
    assert client.get(reverse("training_requirements", args=[program.pk])).status_code == 404
    assert client.post(reverse("training_reminders", args=[program.pk])).status_code == 404


# Requirements --------------------------------------------------------------------------------------


def test_requirements_add_module_with_due_date_is_saved_and_audited(client, alice, program, listening):
    client.force_login(alice)
    response = client.post(
        reverse("training_requirements", args=[program.pk]),
        {"role": "mentor", "module": listening.pk, "due_on": "2027-11-01"},
    )
    assert response.status_code == 302
    requirement = Requirement.objects.get(program=program)
    assert (requirement.module, requirement.workshop, requirement.role) == (listening, None, "mentor")
    assert requirement.due_on == datetime.date(2027, 11, 1)
    assert AuditEntry.objects.filter(
        action="training.requirement_added", target_id=str(requirement.pk)
    ).exists()


def test_requirements_add_training_workshop_for_mentees(client, alice, program):
    workshop = training_event(program)
    client.force_login(alice)
    client.post(
        reverse("training_requirements", args=[program.pk]), {"role": "mentee", "workshop": workshop.pk}
    )
    requirement = Requirement.objects.get(program=program)
    assert (requirement.workshop, requirement.role, requirement.module) == (workshop, "mentee", None)


def test_requirements_refuse_a_due_date_in_the_past(client, alice, program, listening):
    client.force_login(alice)
    url = reverse("training_requirements", args=[program.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url, {"role": "mentor", "module": listening.pk, "due_on": yesterday.isoformat()})
    assert "The due date is in the past" in response.content.decode()
    assert not Requirement.objects.exists()
    client.post(url, {"role": "mentor", "module": listening.pk, "due_on": timezone.localdate().isoformat()})
    assert Requirement.objects.get().due_on == timezone.localdate()


def test_requirements_page_explains_that_only_training_events_are_listed(client, alice, program):
    from peerpath.programs.models import Event

    training = training_event(program)
    workshop = training_event(program)
    Event.objects.filter(pk=workshop.pk).update(kind=Event.Kind.WORKSHOP)
    client.force_login(alice)
    response = client.get(reverse("training_requirements", args=[program.pk]))
    assert list(response.context["requirement_form"].fields["workshop"].queryset) == [training]
    assert response.content.decode().count("Only events of kind “Training” are listed") == 2


def test_requirements_offer_district_modules_but_not_other_schools(
    client, alice, program, riverside, jefferson, listening
):
    district_module = ModuleFactory(organization=riverside, title="District safeguarding")
    other_school = ModuleFactory(organization=jefferson, title="Jefferson only")
    client.force_login(alice)
    url = reverse("training_requirements", args=[program.pk])
    choices = list(client.get(url).context["requirement_form"].fields["module"].queryset)
    assert set(choices) == {district_module, listening}
    response = client.post(url, {"role": "mentor", "module": other_school.pk})
    assert response.status_code == 400
    assert Requirement.objects.count() == 0


def test_requirements_refuse_both_or_neither_and_duplicates(client, alice, program, listening):
    workshop = training_event(program)
    social = training_event(program, kind=Event.Kind.SOCIAL, title="Picnic")
    RequirementFactory(program=program, module=listening)
    client.force_login(alice)
    url = reverse("training_requirements", args=[program.pk])
    assert client.post(url, {"role": "mentor"}).status_code == 400
    assert (
        client.post(url, {"role": "mentor", "module": listening.pk, "workshop": workshop.pk}).status_code
        == 400
    )
    response = client.post(url, {"role": "mentor", "module": listening.pk})
    assert response.status_code == 400
    assert "already required" in response.content.decode()
    assert client.post(url, {"role": "mentor", "workshop": social.pk}).status_code == 400
    assert Requirement.objects.count() == 1


def test_requirements_page_marks_refresher_modules(client, alice, program, safety):
    RequirementFactory(program=program, module=safety)
    client.force_login(alice)
    content = client.get(reverse("training_requirements", args=[program.pk])).content.decode()
    assert "refresher: valid 365 days" in content


def test_requirement_remove_asks_first_then_deletes(client, alice, program, listening):
    requirement = RequirementFactory(program=program, module=listening)
    client.force_login(alice)
    url = reverse("training_requirement_delete", args=[requirement.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Active listening" in response.content.decode()
    assert Requirement.objects.filter(pk=requirement.pk).exists()
    client.post(url)
    assert not Requirement.objects.filter(pk=requirement.pk).exists()
    assert AuditEntry.objects.filter(action="training.requirement_removed").exists()


# Matrix --------------------------------------------------------------------------------------------


@pytest.fixture
def statuses_setup(program, cohort, listening, safety, bob, carol):
    """bob: listening done, safety expired. carol (as mentor here): nothing done; listening overdue."""
    with time_machine.travel(NOW, tick=False):
        workshop = training_event(program, days_from_now=-20)
    RequirementFactory(program=program, module=listening, due_on=datetime.date(2026, 10, 1))
    RequirementFactory(program=program, module=safety, due_on=datetime.date(2026, 10, 20))
    Requirement.objects.create(program=program, workshop=workshop, due_on=datetime.date(2026, 12, 1))
    mentor_in(cohort, bob)
    mentor_in(cohort, carol)
    CompletionFactory(user=bob, module=listening, completed_at=NOW - datetime.timedelta(days=30), score=90)
    CompletionFactory(
        user=bob,
        module=safety,
        completed_at=NOW - datetime.timedelta(days=400),
        expires_at=NOW - datetime.timedelta(days=35),
    )
    Attendance.objects.create(event=workshop, user=bob, present=True)
    return workshop


def statuses(matrix):
    return {str(row.person.username): [cell.status for cell in row.cells] for row in matrix.rows}


def test_matrix_shows_done_expired_overdue_and_due(client, alice, program, statuses_setup):
    client.force_login(alice)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("training_matrix", args=[program.pk]))
    matrix = response.context["matrix"]
    assert [column.title for column in matrix.columns] == [
        "Active listening",
        "Confidentiality",
        "Mentor training night",
    ]
    assert statuses(matrix) == {
        "bob": [Status.DONE, Status.EXPIRED, Status.DONE],
        "carol": [Status.OVERDUE, Status.DUE, Status.DUE],
    }
    content = response.content.decode()
    assert '<th scope="col">' in content
    assert '<th scope="row">' in content
    assert "<caption>" in content
    assert "Overdue since" in content
    assert "Expired" in content
    assert "90%" in content


def test_matrix_expiry_follows_the_clock(client, alice, program, cohort, safety, bob):
    RequirementFactory(program=program, module=safety)
    mentor_in(cohort, bob)
    CompletionFactory(
        user=bob, module=safety, completed_at=NOW, expires_at=NOW + datetime.timedelta(days=365)
    )
    url = reverse("training_matrix", args=[program.pk])
    with time_machine.travel(NOW + datetime.timedelta(days=364), tick=False):
        client.force_login(alice)
        assert statuses(client.get(url).context["matrix"]) == {"bob": [Status.DONE]}
    with time_machine.travel(NOW + datetime.timedelta(days=366), tick=False):
        client.force_login(alice)
        assert statuses(client.get(url).context["matrix"]) == {"bob": [Status.EXPIRED]}


def test_matrix_filters_only_overdue_and_mentees(client, alice, program, cohort, statuses_setup, listening):
    mentee = ParticipantFactory(cohort=cohort, role="mentee").user
    RequirementFactory(program=program, module=listening, role="mentee")
    withdrawn = ParticipantFactory(cohort=cohort, role="mentor", status="withdrawn").user
    client.force_login(alice)
    url = reverse("training_matrix", args=[program.pk])
    with time_machine.travel(NOW, tick=False):
        everyone = client.get(url).context["matrix"]
        only_overdue = client.get(url, {"overdue": "on"}).context["matrix"]
        mentees = client.get(url, {"role": "mentee"}).context["matrix"]
    assert withdrawn not in [row.person for row in everyone.rows]
    # bob's expired refresher counts as something to redo.
    assert {row.person.username for row in only_overdue.rows} == {"bob", "carol"}
    assert [row.person for row in mentees.rows] == [mentee]
    assert [column.title for column in mentees.columns] == ["Active listening"]


def test_matrix_only_overdue_leaves_out_people_on_track(
    client, alice, program, cohort, listening, bob, carol
):
    RequirementFactory(program=program, module=listening, due_on=datetime.date(2026, 10, 1))
    mentor_in(cohort, bob)
    mentor_in(cohort, carol)
    CompletionFactory(user=bob, module=listening, completed_at=NOW)
    client.force_login(alice)
    with time_machine.travel(NOW, tick=False):
        matrix = client.get(reverse("training_matrix", args=[program.pk]), {"overdue": "1"}).context["matrix"]
    assert [row.person for row in matrix.rows] == [carol]


@pytest.mark.parametrize("people", [1, 3])
@pytest.mark.parametrize("modules", [1, 3])
def test_matrix_queries_do_not_grow_with_people_or_modules(
    client, alice, program, cohort, lincoln, django_assert_num_queries, people, modules
):
    workshop = training_event(program)
    Requirement.objects.create(program=program, workshop=workshop)
    required = [ModuleFactory(organization=lincoln) for _number in range(modules)]
    for module in required:
        RequirementFactory(program=program, module=module, due_on=datetime.date(2026, 1, 1))
    for _number in range(people):
        person = mentor_in(cohort)
        for module in required:
            CompletionFactory(user=person, module=module, score=80)
        Attendance.objects.create(event=workshop, user=person, present=True)
    client.force_login(alice)
    url = reverse("training_matrix", args=[program.pk])
    client.get(url)  # warm the session caches
    with django_assert_num_queries(15):
        response = client.get(url)
    assert len(response.context["matrix"].rows) == people
    assert len(response.context["matrix"].columns) == modules + 1


# CSV -----------------------------------------------------------------------------------------------


def test_matrix_csv_has_a_row_per_person_with_status_and_date(client, alice, program, statuses_setup):
    client.force_login(alice)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("training_matrix_csv", args=[program.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, *people = rows
    assert header[:5] == [
        "Name",
        "E-mail",
        "Active listening: status",
        "Active listening: date",
        "Active listening: score",
    ]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in people}
    assert set(by_name) == {"Bob Nguyen", "Carol Jimenez"}
    assert by_name["Bob Nguyen"]["Active listening: status"] == "done"
    assert by_name["Bob Nguyen"]["Active listening: date"] == "2026-09-15"
    assert by_name["Bob Nguyen"]["Active listening: score"] == "90"
    assert by_name["Bob Nguyen"]["Confidentiality: status"] == "expired"
    assert by_name["Carol Jimenez"]["Active listening: status"] == "overdue"
    assert by_name["Carol Jimenez"]["Active listening: date"] == "2026-10-01"
    assert by_name["Carol Jimenez"]["Mentor training night: status"] == "due"


def test_matrix_csv_neutralises_formulas(client, alice, program, cohort, listening):
    RequirementFactory(program=program, module=listening)
    mentor_in(cohort, first_name="=HYPERLINK(1)", last_name="X")
    client.force_login(alice)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("training_matrix_csv", args=[program.pk])).content.decode())
        )
    )
    assert rows[1][0] == "'=HYPERLINK(1) X"


# Reminders -----------------------------------------------------------------------------------------


def test_reminders_email_people_overdue_expired_or_due_soon_and_audit(
    client, alice, program, cohort, listening, bob, carol, django_capture_on_commit_callbacks
):
    """bob: due in 5 days. carol: done. A third mentor: due in a month. A mentee: overdue."""
    RequirementFactory(program=program, module=listening, due_on=datetime.date(2026, 10, 20))
    RequirementFactory(program=program, module=listening, role="mentee", due_on=datetime.date(2026, 10, 1))
    later = ModuleFactory(organization=program.organization, title="Later")
    RequirementFactory(program=program, module=later, due_on=datetime.date(2026, 11, 30))
    mentor_in(cohort, bob)
    mentor_in(cohort, carol)
    CompletionFactory(user=carol, module=listening, completed_at=NOW)
    CompletionFactory(user=carol, module=later, completed_at=NOW)
    CompletionFactory(user=bob, module=later, completed_at=NOW)
    relaxed = mentor_in(cohort, username="relaxed")
    CompletionFactory(user=relaxed, module=listening, completed_at=NOW)
    mentee = ParticipantFactory(cohort=cohort, role="mentee", user__username="mentee1").user
    client.force_login(alice)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training_reminders", args=[program.pk]), follow=True)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([bob.email, mentee.email])
    to_bob = next(message for message in mail.outbox if message.to == [bob.email])
    assert "Lincoln Peer Mentors" in to_bob.subject
    assert "Active listening" in to_bob.body
    assert "Later" not in to_bob.body
    assert reverse("my_training") in to_bob.body
    entry = AuditEntry.objects.get(action="training.reminders_sent")
    assert sorted(entry.detail["recipients"]) == sorted([bob.pk, mentee.pk])
    assert "Reminders sent to 2 people." in response.content.decode()


def test_reminders_send_nothing_when_everyone_is_on_track(
    client, alice, program, cohort, listening, bob, django_capture_on_commit_callbacks
):
    RequirementFactory(program=program, module=listening, due_on=datetime.date(2026, 12, 20))
    mentor_in(cohort, bob)
    client.force_login(alice)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training_reminders", args=[program.pk]))
    assert mail.outbox == []


# A mentor's own path -------------------------------------------------------------------------------


def test_my_training_shows_status_and_what_is_due_next(client, bob, program, statuses_setup):
    client.force_login(bob)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("my_training"))
    (path,) = response.context["paths"]
    assert path.program == program
    assert [item.cell.status for item in path.items] == [Status.DONE, Status.EXPIRED, Status.DONE]
    assert path.due_next.column.title == "Confidentiality"
    content = response.content.decode()
    assert "Lincoln Peer Mentors" in content
    assert "90%" in content
    assert "Expired" in content


def test_my_training_lists_nothing_of_programs_one_is_not_in(client, carol, program, listening, jefferson):
    RequirementFactory(program=program, module=listening)
    client.force_login(carol)
    response = client.get(reverse("my_training"))
    assert response.context["paths"] == []
    assert "Active listening" not in response.content.decode()


def test_my_training_due_next_prefers_overdue(client, carol, program, cohort, listening, safety):
    RequirementFactory(program=program, module=safety, due_on=datetime.date(2026, 10, 20))
    RequirementFactory(program=program, module=listening, due_on=datetime.date(2026, 10, 1))
    mentor_in(cohort, carol)
    client.force_login(carol)
    with time_machine.travel(NOW, tick=False):
        (path,) = client.get(reverse("my_training")).context["paths"]
    assert path.due_next.column.title == "Active listening"
    assert path.due_next.cell.status == Status.OVERDUE


def test_my_training_queries_do_not_grow_with_requirements(
    client, bob, program, cohort, lincoln, django_assert_num_queries
):
    mentor_in(cohort, bob)
    other = OrganizationFactory(slug="other-school")
    assert other.pk
    client.force_login(bob)
    url = reverse("my_training")
    counts = []
    for _round in range(2):
        for _number in range(3):
            module = ModuleFactory(organization=lincoln)
            RequirementFactory(program=program, module=module)
            CompletionFactory(user=bob, module=module)
        client.get(url)
        with django_assert_num_queries(7) as captured:
            client.get(url)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
