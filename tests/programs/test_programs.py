import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.programs.models import Cohort, Objective, Phase, Program, ProgramStaff, Supporter
from peerpath.recruitment.models import Application
from tests.factories import (
    ApplicationFactory,
    BackgroundCheckFactory,
    CohortFactory,
    ConsentFactory,
    ParticipantFactory,
    ProgramFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


def program_data(**overrides):
    data = {
        "name": "Study Buddies",
        "slug": "study-buddies",
        "description": "Upper-year students tutor first-years.",
        "model": Program.Model.ONE_ON_ONE,
        "mentor_capacity": "1",
        "min_grade_gap": "0",
        "subjects": "",
        "min_grade": "9",
        "max_grade": "12",
        "min_age": "",
        "max_age": "",
        "meeting_cadence": Program.Cadence.WEEKLY,
        "session_minutes": "40",
        "commitment_weeks": "10",
        "benefits": "Better grades and a friend.",
        "challenges": "One lunch a week, every week.",
        "offers_certificate": "on",
        "service_hours": "15",
        "other_incentives": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def parts(program, cohort):
    """One of every part of Lincoln's program, to build URLs with."""
    return {
        "objective": Objective.objects.create(program=program, description="80% attend 6 sessions"),
        "staff": ProgramStaff.objects.get(program=program),
        "supporter": Supporter.objects.create(program=program, name="Rotary Club"),
        "cohort": cohort,
        "phase": Phase.objects.create(
            cohort=cohort,
            kind=Phase.Kind.RECRUITMENT,
            starts_on=cohort.starts_on,
            ends_on=cohort.starts_on + datetime.timedelta(days=20),
        ),
    }


# Each kind of program part: the URL names of adding (None: a phase is added to a cohort), editing, deleting.
PART_URL_NAMES = {
    "objective": ("program_objective_add", "program_objective_edit", "program_objective_delete"),
    "staff": ("program_staff_add", "program_staff_edit", "program_staff_delete"),
    "supporter": ("program_supporter_add", "program_supporter_edit", "program_supporter_delete"),
    "cohort": ("program_cohort_add", "program_cohort_edit", "program_cohort_delete"),
    "phase": (None, "program_phase_edit", "program_phase_delete"),
}


def staff_urls(program, parts):
    """Every program page only managers or overseers may open."""
    urls = [
        reverse("program_edit", args=[program.pk]),
        reverse("program_phase_add", args=[program.pk, parts["cohort"].pk]),
    ]
    for kind, part in parts.items():
        add, edit, delete = PART_URL_NAMES[kind]
        urls += [
            reverse(edit, args=[program.pk, part.pk]),
            reverse(delete, args=[program.pk, part.pk]),
        ]
        if add:
            urls.append(reverse(add, args=[program.pk]))
    return urls


def lincoln_program_urls(program, parts):
    # The public program page is readable by anyone (tests below), so it is not listed here.
    return [reverse("program_detail", args=[program.pk]), *staff_urls(program, parts)]


# Authorization ------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_every_lincoln_program_page_is_404_for_dave(client, dave, program, parts):
    client.force_login(dave)
    for url in lincoln_program_urls(program, parts):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert Objective.objects.filter(program=program).count() == 1


def test_every_program_page_sends_anonymous_to_login(client, program, parts):
    urls = [reverse("program_list"), reverse("program_create"), *lincoln_program_urls(program, parts)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_student_gets_404_on_staff_pages(client, bob, program, parts):
    client.force_login(bob)
    for url in [reverse("program_create"), *staff_urls(program, parts)]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_educator_oversees_but_cannot_manage(client, frank, program, parts):
    client.force_login(frank)
    response = client.get(reverse("program_detail", args=[program.pk]))
    assert response.status_code == 200
    assert response.context["can_manage"] is False
    assert client.get(reverse("program_edit", args=[program.pk])).status_code == 404


# List ---------------------------------------------------------------------------------------------


def test_program_list_staff_sees_school_programs_grouped(client, alice, program, jefferson_program):
    ProgramFactory(organization=program.organization, name="Draft Tutoring", is_published=False)
    client.force_login(alice)
    response = client.get(reverse("program_list"))
    content = response.content.decode()
    assert [p.name for p in response.context["page"].object_list] == [
        "Draft Tutoring",
        "Lincoln Peer Mentors",
    ]
    assert "<h2" in content
    assert "Lincoln High School" in content
    assert reverse("program_detail", args=[program.pk]) in content
    assert "Jefferson Buddies" not in content


def test_program_list_student_sees_published_programs_with_apply_link(client, bob, program):
    ProgramFactory(organization=program.organization, name="Draft Tutoring", is_published=False)
    client.force_login(bob)
    response = client.get(reverse("program_list"))
    content = response.content.decode()
    assert [p.name for p in response.context["page"].object_list] == ["Lincoln Peer Mentors"]
    assert reverse("program_public", args=["lincoln-high", "peer-mentors"]) in content
    assert "Read more and apply" in content
    assert reverse("program_detail", args=[program.pk]) not in content


def test_program_list_paginates(client, alice, lincoln):
    for number in range(27):
        ProgramFactory(organization=lincoln, name=f"Program {number:02d}")
    client.force_login(alice)
    second = client.get(reverse("program_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 2
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize("extra", [1, 3])
def test_program_list_queries_do_not_grow_with_programs(
    client, alice, lincoln, django_assert_num_queries, extra
):
    for number in range(extra):
        cohort = CohortFactory(program=ProgramFactory(organization=lincoln, name=f"P{number}"))
        ParticipantFactory(cohort=cohort)
    client.force_login(alice)
    client.get(reverse("program_list"))
    with django_assert_num_queries(9):
        response = client.get(reverse("program_list"))
    assert response.context["page"].paginator.count == extra


# Create and edit ----------------------------------------------------------------------------------


@pytest.mark.smoke
def test_program_create_saves_program_makes_creator_coordinator_and_audits(client, alice, lincoln):
    client.force_login(alice)
    response = client.post(reverse("program_create"), program_data(organization=lincoln.pk))
    program = Program.objects.get(slug="study-buddies")
    assert response.status_code == 302
    assert response.url == reverse("program_detail", args=[program.pk])
    assert (program.organization, program.session_minutes, program.service_hours) == (lincoln, 40, 15)
    assert program.offers_certificate
    assert program.is_published
    assert ProgramStaff.objects.filter(program=program, user=alice, role="coordinator").exists()
    assert AuditEntry.objects.filter(action="program.created", target_id=str(program.pk)).exists()


def test_program_create_fills_the_short_name_from_the_name(client, alice, lincoln):
    client.force_login(alice)
    client.post(
        reverse("program_create"), program_data(organization=lincoln.pk, name="Tutoría entre Pares", slug="")
    )
    assert Program.objects.get(name="Tutoría entre Pares").slug == "tutoria-entre-pares"


def test_program_form_does_not_offer_the_school_as_its_own_partner(
    client, alice, lincoln, jefferson, program
):
    client.force_login(alice)
    for url in [reverse("program_create"), reverse("program_edit", args=[program.pk])]:
        partners = list(client.get(url).context["form"].fields["partner_schools"].queryset)
        assert lincoln not in partners, url
        assert jefferson in partners, url


def test_program_create_offers_only_managed_schools(client, alice, lincoln, jefferson):
    client.force_login(alice)
    response = client.get(reverse("program_create"))
    assert list(response.context["form"].fields["organization"].queryset) == [lincoln]
    response = client.post(reverse("program_create"), program_data(organization=jefferson.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert not Program.objects.exists()


def test_program_create_shows_errors_next_to_fields_and_keeps_input(client, alice, lincoln, program):
    client.force_login(alice)
    data = program_data(
        organization=lincoln.pk,
        name="Typed name stays",
        slug=program.slug,
        model=Program.Model.GROUP,
        min_grade="11",
        max_grade="9",
    )
    response = client.post(reverse("program_create"), data)
    form = response.context["form"]
    content = response.content.decode()
    assert response.status_code == 200
    assert set(form.errors) == {"slug", "mentor_capacity", "max_grade"}
    assert "Another program of this school already uses this short name." in content
    assert "A group program needs room for at least 2 mentees per mentor." in content
    assert 'value="Typed name stays"' in content
    assert Program.objects.count() == 1


def test_program_create_model_specific_rules(client, alice, lincoln):
    client.force_login(alice)
    response = client.post(
        reverse("program_create"),
        program_data(organization=lincoln.pk, model=Program.Model.GROUP, mentor_capacity="0", max_grade="17"),
    )
    assert set(response.context["form"].errors) == {"mentor_capacity", "max_grade"}
    response = client.post(
        reverse("program_create"),
        program_data(organization=lincoln.pk, model=Program.Model.PEER_TUTORING, subjects=" "),
    )
    assert "subjects" in response.context["form"].errors
    response = client.post(
        reverse("program_create"), program_data(organization=lincoln.pk, model=Program.Model.CROSS_AGE)
    )
    assert "min_grade_gap" in response.context["form"].errors
    client.post(
        reverse("program_create"),
        program_data(organization=lincoln.pk, model=Program.Model.PEER_TUTORING, subjects="Math, Chemistry"),
    )
    assert Program.objects.get().subjects == ["Math", "Chemistry"]


def test_program_edit_updates_fields_partners_and_audits(client, alice, program, jefferson):
    client.force_login(alice)
    response = client.get(reverse("program_edit", args=[program.pk]))
    assert jefferson in response.context["form"].fields["partner_schools"].queryset
    data = program_data(name="Lincoln Mentors", slug=program.slug, partner_schools=[jefferson.pk])
    response = client.post(reverse("program_edit", args=[program.pk]), data)
    program.refresh_from_db()
    assert response.status_code == 302
    assert program.name == "Lincoln Mentors"
    assert list(program.partner_schools.all()) == [jefferson]
    entry = AuditEntry.objects.get(action="program.updated")
    assert {"name", "partner_schools"} <= set(entry.detail["changed"])


def test_program_edit_failed_submit_keeps_heading_and_input(client, alice, program):
    client.force_login(alice)
    data = program_data(name="", slug=program.slug, session_minutes="forty")
    response = client.post(reverse("program_edit", args=[program.pk]), data)
    content = response.content.decode()
    assert set(response.context["form"].errors) == {"name", "session_minutes"}
    assert "Edit Lincoln Peer Mentors" in content
    assert 'value="forty"' in content
    program.refresh_from_db()
    assert program.name == "Lincoln Peer Mentors"


# Parts --------------------------------------------------------------------------------------------


def test_objective_add_edit_and_delete_with_confirmation(client, alice, program):
    client.force_login(alice)
    client.post(
        reverse("program_objective_add", args=[program.pk]),
        {"description": "Mentees attend 6 sessions", "target_value": "80", "unit": "%"},
    )
    objective = Objective.objects.get(program=program)
    assert (objective.description, objective.target_value, objective.unit) == (
        "Mentees attend 6 sessions",
        80,
        "%",
    )
    client.post(
        reverse("program_objective_edit", args=[program.pk, objective.pk]),
        {"description": "Mentees attend 8 sessions", "target_value": "75", "unit": "%"},
    )
    objective.refresh_from_db()
    assert objective.description == "Mentees attend 8 sessions"
    delete_url = reverse("program_objective_delete", args=[program.pk, objective.pk])
    confirm = client.get(delete_url)
    assert "Mentees attend 8 sessions" in confirm.content.decode()
    assert Objective.objects.filter(pk=objective.pk).exists()
    client.post(delete_url)
    assert not Objective.objects.filter(pk=objective.pk).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"objective.created", "objective.updated", "objective.deleted"} <= actions


def test_staff_add_offers_only_staff_of_the_school(client, alice, program, frank, bob, dave):
    client.force_login(alice)
    url = reverse("program_staff_add", args=[program.pk])
    choices = list(client.get(url).context["form"].fields["user"].queryset)
    assert {frank, alice} <= set(choices)
    assert not {bob, dave} & set(choices)
    response = client.post(url, {"user": bob.pk, "role": "supervisor"})
    assert "user" in response.context["form"].errors
    response = client.post(url, {"user": alice.pk, "role": "supervisor"})
    assert "already on the program" in response.content.decode()
    client.post(url, {"user": frank.pk, "role": "supervisor"})
    assert ProgramStaff.objects.get(program=program, user=frank).role == "supervisor"


def test_supporter_add_records_funder(client, alice, program):
    client.force_login(alice)
    client.post(
        reverse("program_supporter_add", args=[program.pk]),
        {"kind": "funder", "name": "City Foundation", "contact": "grants@city.org", "contribution": "$5,000"},
    )
    supporter = Supporter.objects.get(program=program)
    assert (supporter.kind, supporter.contribution) == ("funder", "$5,000")
    content = client.get(reverse("program_detail", args=[program.pk])).content.decode()
    assert "City Foundation" in content


def test_cohort_add_validates_dates_and_unique_name(client, alice, program, cohort):
    client.force_login(alice)
    url = reverse("program_cohort_add", args=[program.pk])
    response = client.post(url, {"name": cohort.name, "starts_on": "2027-01-10", "ends_on": "2027-01-01"})
    assert set(response.context["form"].errors) == {"name", "ends_on"}
    assert 'value="2027-01-10"' in response.content.decode()
    client.post(
        url,
        {
            "name": "Spring 2027",
            "starts_on": "2027-01-10",
            "ends_on": "2027-06-01",
            "application_deadline": "2026-12-15",
            "application_deadline_time": "17:00",
        },
    )
    created = Cohort.objects.get(program=program, name="Spring 2027")
    assert created.application_deadline is not None


def test_cohort_deadline_without_a_time_is_the_end_of_that_day_in_the_school_zone(client, alice, program):
    client.force_login(alice)
    client.post(
        reverse("program_cohort_add", args=[program.pk]),
        {
            "name": "Fall",
            "starts_on": "2027-01-10",
            "ends_on": "2027-06-01",
            "application_deadline": "2026-12-25",
        },
    )
    cohort = Cohort.objects.get(program=program, name="Fall")
    zone = zoneinfo.ZoneInfo(program.organization.timezone)
    assert cohort.application_deadline == datetime.datetime(2026, 12, 25, 23, 59, 59, tzinfo=zone)
    edit = client.get(reverse("program_cohort_edit", args=[program.pk, cohort.pk])).content.decode()
    assert 'name="application_deadline" value="2026-12-25"' in edit
    assert 'name="application_deadline_time" aria-describedby' in edit  # no value: no time shown
    assert '<label for="id_application_deadline_0">' in edit
    # The public page shows a date, not "Dec. 25, 2026, 11:59 p.m.".
    public = client.get(reverse("program_public", args=["lincoln-high", "peer-mentors"])).content.decode()
    assert "Deadline: Dec. 25, 2026" in public
    assert "11:59" not in public


def test_cohort_deadline_with_a_time_keeps_and_shows_it(client, alice, program):
    client.force_login(alice)
    client.post(
        reverse("program_cohort_add", args=[program.pk]),
        {
            "name": "Fall",
            "starts_on": "2027-01-10",
            "ends_on": "2027-06-01",
            "application_deadline": "2026-12-25",
            "application_deadline_time": "17:00",
        },
    )
    cohort = Cohort.objects.get(program=program, name="Fall")
    zone = zoneinfo.ZoneInfo(program.organization.timezone)
    assert cohort.application_deadline == datetime.datetime(2026, 12, 25, 17, 0, tzinfo=zone)
    public = client.get(reverse("program_public", args=["lincoln-high", "peer-mentors"])).content.decode()
    assert "Deadline: Dec. 25, 2026, 5 p.m." in public


def test_phase_outside_its_cohort_dates_is_refused(client, alice, program, cohort):
    client.force_login(alice)
    url = reverse("program_phase_add", args=[program.pk, cohort.pk])
    response = client.post(url, {"kind": "training", "starts_on": "2020-09-01", "ends_on": "2020-09-15"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"starts_on", "ends_on"}
    assert "A phase must fall within its cohort&#x27;s dates" in response.content.decode()
    assert not Phase.objects.filter(cohort=cohort).exists()
    inside = cohort.starts_on + datetime.timedelta(days=1)
    client.post(url, {"kind": "training", "starts_on": inside, "ends_on": cohort.ends_on})
    assert Phase.objects.filter(cohort=cohort, starts_on=inside, ends_on=cohort.ends_on).exists()


def test_phase_add_to_a_cohort_and_only_once(client, alice, program, cohort):
    client.force_login(alice)
    url = reverse("program_phase_add", args=[program.pk, cohort.pk])
    data = {"kind": "training", "starts_on": cohort.starts_on, "ends_on": cohort.starts_on}
    client.post(url, data)
    assert Phase.objects.get(cohort=cohort).kind == "training"
    response = client.post(url, data)
    assert "This cohort already has this phase." in response.content.decode()


def test_cohort_with_applications_is_not_deleted(client, alice, program, cohort, bob):
    ApplicationFactory(cohort=cohort, applicant=bob)
    client.force_login(alice)
    response = client.post(reverse("program_cohort_delete", args=[program.pk, cohort.pk]), follow=True)
    assert Cohort.objects.filter(pk=cohort.pk).exists()
    assert "cannot be deleted" in response.content.decode()


def test_parts_of_another_program_are_404(client, alice, program, lincoln):
    other = ProgramFactory(organization=lincoln)
    objective = Objective.objects.create(program=other, description="Elsewhere")
    client.force_login(alice)  # alice manages both: Lincoln's coordinator
    url = reverse("program_objective_edit", args=[program.pk, objective.pk])
    assert client.get(url).status_code == 404


# Public page --------------------------------------------------------------------------------------


@pytest.mark.smoke
def test_public_page_shows_commitment_benefits_challenges_and_deadline(client, bob, program, cohort):
    Program.objects.filter(pk=program.pk).update(
        benefits="Leadership experience",
        challenges="Weekly lunches for a whole term",
        offers_certificate=True,
        service_hours=20,
        commitment_weeks=14,
        session_minutes=30,
    )
    client.force_login(bob)
    response = client.get(reverse("program_public", args=["lincoln-high", "peer-mentors"]))
    content = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Leadership experience",
        "Weekly lunches for a whole term",
        "14 weeks",
        "30 minutes",
        "Weekly",
        "A certificate of participation",
        "20 service hours credited",
        "Applications for 2026-27 are open. Deadline:",
    ]:
        assert text in content, text
    assert reverse("application_apply", args=[cohort.pk, "mentor"]) in content
    assert reverse("application_apply", args=[cohort.pk, "mentee"]) in content


def test_public_page_of_unpublished_program_is_404(client, bob, alice, program):
    Program.objects.filter(pk=program.pk).update(is_published=False)
    url = reverse("program_public", args=["lincoln-high", "peer-mentors"])
    for person in [bob, alice]:
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_public_page_other_school_reads_it_but_applies_only_as_partner(client, program, cohort, jefferson):
    student = member(jefferson, Role.STUDENT, username="jeff-student")
    client.force_login(student)
    url = reverse("program_public", args=["lincoln-high", "peer-mentors"])
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("application_apply", args=[cohort.pk, "mentor"]) not in response.text
    assert "takes applications from students of Lincoln High School" in response.text
    assert client.get(reverse("program_public", args=["jefferson-middle", "peer-mentors"])).status_code == 404
    program.partner_schools.add(jefferson)
    assert reverse("application_apply", args=[cohort.pk, "mentor"]) in client.get(url).text


@pytest.mark.parametrize("objectives", [1, 3])
def test_public_page_is_readable_without_an_account(
    client, program, cohort, objectives, django_assert_num_queries
):
    for number in range(objectives):
        program.objectives.create(description=f"Objective {number}")
    url = reverse("program_public", args=["lincoln-high", "peer-mentors"])
    # The program with its school, its objectives, its current cohort; nothing per objective.
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert "Lincoln Peer Mentors" in response.text
    assert f"Objective {objectives - 1}" in response.text
    assert "Sign in to apply" in response.text
    assert f"{reverse('account_login')}?next={url}" in response.text
    assert reverse("application_apply", args=[cohort.pk, "mentor"]) not in response.text


def test_public_page_of_unpublished_program_is_404_without_an_account(client, program):
    Program.objects.filter(pk=program.pk).update(is_published=False)
    assert client.get(reverse("program_public", args=["lincoln-high", "peer-mentors"])).status_code == 404


def test_public_page_without_an_open_cohort_has_no_apply_link(client, bob, program):
    CohortFactory(
        program=program,
        applications_open_at=timezone.now() - datetime.timedelta(days=60),
        application_deadline=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(bob)
    content = client.get(reverse("program_public", args=["lincoln-high", "peer-mentors"])).content.decode()
    assert "are not open right now" in content
    assert "Apply as mentor" not in content


# Program page: pipeline and participants -----------------------------------------------------------


def test_program_detail_pipeline_counts_and_attention(client, alice, program, cohort, bob, carol, lincoln):
    stale = ApplicationFactory(cohort=cohort, role="mentee", applicant=UserFactory(first_name="Sam"))
    Application.objects.filter(pk=stale.pk).update(updated=timezone.now() - datetime.timedelta(days=10))
    ApplicationFactory(cohort=cohort, role="mentor", status=Application.Status.SCREENING)
    ApplicationFactory(cohort=cohort, role="mentor", applicant=bob, status=Application.Status.APPROVED)
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    mentor2 = UserFactory(first_name="Mia", date_of_birth=datetime.date(1990, 1, 1))
    ApplicationFactory(cohort=cohort, role="mentor", applicant=mentor2, status=Application.Status.APPROVED)
    ParticipantFactory(cohort=cohort, user=mentor2, role="mentor")
    BackgroundCheckFactory(organization=lincoln, person=mentor2)
    client.force_login(alice)
    response = client.get(reverse("program_detail", args=[program.pk]))
    pipeline = response.context["pipeline"]
    rows = {row.status: (row.mentor, row.mentee) for row in pipeline.statuses}
    assert rows["submitted"] == (0, 1)
    assert rows["screening"] == (1, 0)
    assert rows["approved"] == (2, 0)
    assert pipeline.applications == {"mentor": 3, "mentee": 1}
    assert pipeline.enrolled == {"mentor": 2, "mentee": 1}
    assert pipeline.matchable == {"mentor": 1, "mentee": 0}
    assert pipeline.waiting_count == 1
    assert [a.pk for a in pipeline.waiting] == [stale.pk]
    assert [m.participant.user for m in pipeline.unscreened_mentors] == [bob]
    assert {m.participant.user for m in pipeline.missing_consent} == {bob, carol}
    content = response.content.decode()
    assert "1 application waiting more than 7 days" in content
    assert "1 mentor without a current background check" in content
    assert "2 minors without guardian consent" in content


def test_program_detail_consent_given_clears_attention(client, alice, program, cohort, carol, erin):
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    ConsentFactory(program=program, student=carol, guardian=erin)
    client.force_login(alice)
    pipeline = client.get(reverse("program_detail", args=[program.pk])).context["pipeline"]
    assert pipeline.missing_consent_count == 0
    assert pipeline.matchable["mentee"] == 1


@pytest.mark.parametrize("extra", [1, 3])
def test_program_detail_queries_do_not_grow_with_people(
    client, alice, program, cohort, lincoln, django_assert_num_queries, extra
):
    for number in range(extra):
        mentor = UserFactory(username=f"mentor{number}")
        ApplicationFactory(cohort=cohort, applicant=mentor, status=Application.Status.APPROVED)
        ParticipantFactory(cohort=cohort, user=mentor, role="mentor")
        BackgroundCheckFactory(organization=lincoln, person=mentor)
        mentee = UserFactory(username=f"mentee{number}")
        ApplicationFactory(cohort=cohort, applicant=mentee, role="mentee")
        ParticipantFactory(cohort=cohort, user=mentee, role="mentee")
        Objective.objects.create(program=program, description=f"Objective {number}")
        Phase.objects.create(
            cohort=cohort, kind=Phase.Kind.values[number], starts_on=cohort.starts_on, ends_on=cohort.ends_on
        )
    client.force_login(alice)
    client.get(reverse("program_detail", args=[program.pk]))
    with django_assert_num_queries(24):
        response = client.get(reverse("program_detail", args=[program.pk]))
    assert response.context["pipeline"].enrolled == {"mentor": extra, "mentee": extra}


def test_program_detail_participant_sees_what_is_next(client, bob, program, cohort):
    today = timezone.localdate()
    Phase.objects.create(
        cohort=cohort, kind="training", starts_on=today - datetime.timedelta(days=3), ends_on=today
    )
    Phase.objects.create(
        cohort=cohort,
        kind="matching",
        starts_on=today + datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=7),
    )
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    client.force_login(bob)
    response = client.get(reverse("program_detail", args=[program.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "What is next for you" in content
    assert "Training, until" in content
    assert "Matching," in content
    assert "Background check current" in content  # bob has no check yet
    assert "Pipeline" not in content


def test_program_detail_sends_other_students_to_the_public_page(client, bob, program):
    client.force_login(bob)
    response = client.get(reverse("program_detail", args=[program.pk]))
    assert response.url == reverse("program_public", args=["lincoln-high", "peer-mentors"])
    Program.objects.filter(pk=program.pk).update(is_published=False)
    assert client.get(reverse("program_detail", args=[program.pk])).status_code == 404


def test_program_page_links_to_every_recruitment_tool(client, alice, frank, program, cohort):
    client.force_login(alice)
    content = client.get(reverse("program_detail", args=[program.pk])).content.decode()
    for name in [
        "application_review",
        "participant_list",
        "event_list",
        "screening_attention",
        "consent_list",
        "rubric_edit",
    ]:
        assert f'href="{reverse(name, args=[program.pk])}"' in content, name
    assert f'href="{reverse("application_form_edit", args=[program.pk, "mentor"])}"' in content
    client.force_login(frank)  # an educator oversees but does not manage
    content = client.get(reverse("program_detail", args=[program.pk])).content.decode()
    assert f'href="{reverse("application_review", args=[program.pk])}"' in content
    assert f'href="{reverse("consent_list", args=[program.pk])}"' not in content
