import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.recruitment.models import Application
from tests.factories import ApplicationFactory, CohortFactory, ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def make_stale(application):
    Application.objects.filter(pk=application.pk).update(updated=timezone.now() - datetime.timedelta(days=9))


@pytest.mark.smoke
def test_home_coordinator_sees_programs_with_counts_and_attention(client, alice, program, cohort):
    make_stale(ApplicationFactory(cohort=cohort))
    ApplicationFactory(cohort=cohort, role="mentee")
    ParticipantFactory(cohort=cohort)
    client.force_login(alice)
    response = client.get(reverse("home"))
    [card] = response.context["programs"]
    assert (card.enrolled_count, card.waiting_count, card.stale_count) == (1, 2, 1)
    content = response.content.decode()
    assert "Your programs" in content
    assert "1 application waiting more than 7 days" in content
    assert reverse("program_detail", args=[program.pk]) in content


def test_home_coordinator_without_programs_is_offered_to_set_one_up(client, alice):
    client.force_login(alice)
    content = client.get(reverse("home")).content.decode()
    assert "You do not run or supervise a mentoring program yet." in content
    assert reverse("program_create") in content


def test_home_programs_of_other_schools_are_not_shown(client, dave, program, cohort, jefferson_program):
    ApplicationFactory(cohort=cohort)
    client.force_login(dave)
    response = client.get(reverse("home"))
    assert [p.name for p in response.context["programs"]] == ["Jefferson Buddies"]
    assert "Lincoln Peer Mentors" not in response.content.decode()


def test_home_student_sees_applications_with_status_and_open_programs(client, bob, program, cohort):
    ApplicationFactory(cohort=cohort, applicant=bob, status=Application.Status.INTERVIEW)
    ProgramFactory(organization=program.organization, name="Hidden Draft", is_published=False)
    client.force_login(bob)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert "Your applications" in content
    assert "Interview" in content
    assert [p.name for p in response.context["open_programs"]] == ["Lincoln Peer Mentors"]
    assert response.context["open_programs"][0].is_open
    assert reverse("program_public", args=["lincoln-high", "peer-mentors"]) in content
    assert "Hidden Draft" not in content
    assert "You are not in a mentoring program at Lincoln High School yet." in content


def test_home_student_in_a_program_sees_it(client, bob, program, cohort):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    client.force_login(bob)
    content = client.get(reverse("home")).content.decode()
    assert reverse("program_detail", args=[program.pk]) in content
    assert "You are not in a mentoring program" not in content


def test_home_student_is_not_offered_a_program_they_are_already_in(client, bob, program, cohort):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    other = ProgramFactory(organization=program.organization, name="Study Buddies", slug="study-buddies")
    CohortFactory(program=other)
    client.force_login(bob)
    response = client.get(reverse("home"))
    assert [p.name for p in response.context["open_programs"]] == ["Study Buddies"]


def test_home_student_is_offered_a_program_again_after_withdrawing(client, bob, program, cohort):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor", status="withdrawn")
    client.force_login(bob)
    response = client.get(reverse("home"))
    assert [p.name for p in response.context["open_programs"]] == ["Lincoln Peer Mentors"]


def test_home_student_does_not_see_other_schools_programs(client, bob, jefferson_program):
    client.force_login(bob)
    response = client.get(reverse("home"))
    assert response.context["open_programs"] == []
    assert "Jefferson Buddies" not in response.content.decode()


def test_home_guardian_sees_their_childs_programs(client, erin, carol, bob, program, cohort):
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    ParticipantFactory(cohort=CohortFactory(program=ProgramFactory(name="Robotics Buddies")), user=bob)
    client.force_login(erin)
    content = client.get(reverse("home")).content.decode()
    assert "Lincoln Peer Mentors: Mentee, 2026-27" in content
    assert "Robotics Buddies" not in content


@pytest.mark.parametrize("extra", [1, 3])
def test_home_queries_do_not_grow_with_programs(client, alice, lincoln, django_assert_num_queries, extra):
    for number in range(extra):
        cohort = CohortFactory(program=ProgramFactory(organization=lincoln, name=f"P{number}"))
        make_stale(ApplicationFactory(cohort=cohort))
        ParticipantFactory(cohort=cohort)
    client.force_login(alice)
    client.get(reverse("home"))
    with django_assert_num_queries(9):
        response = client.get(reverse("home"))
    assert len(response.context["programs"]) == extra


@pytest.mark.parametrize("extra", [1, 3])
def test_home_student_queries_do_not_grow_with_applications(
    client, bob, lincoln, django_assert_num_queries, extra
):
    for number in range(extra):
        cohort = CohortFactory(program=ProgramFactory(organization=lincoln, name=f"P{number}"))
        ApplicationFactory(cohort=cohort, applicant=bob)
        ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    client.force_login(bob)
    client.get(reverse("home"))
    with django_assert_num_queries(8):
        response = client.get(reverse("home"))
    assert len(response.context["applications"]) == extra
    assert len(response.context["participations"]) == extra
