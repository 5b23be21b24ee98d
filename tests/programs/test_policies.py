"""Who sees and manages programs (peerpath/programs/policies.py), rule by rule."""

import pytest

from peerpath.core import policy
from peerpath.core.roles import Role
from peerpath.programs.models import Cohort, Program, ProgramStaff
from tests.factories import CohortFactory, ParticipantFactory, ProgramFactory, member

pytestmark = pytest.mark.django_db


def visible(user, model=Program, action="view"):
    return set(policy.scope(user, model.objects.all(), action))


@pytest.fixture
def draft(lincoln):
    return ProgramFactory(organization=lincoln, name="Draft", is_published=False)


def test_program_students_see_published_programs_of_their_school_only(bob, program, draft, jefferson_program):
    assert visible(bob) == {program}


def test_program_guardians_see_published_programs_of_their_school(erin, program, draft):
    assert visible(erin) == {program}


def test_program_students_of_a_partner_school_see_it_once_published(jefferson, program, draft):
    student = member(jefferson, Role.STUDENT, username="jeff-student")
    program.partner_schools.add(jefferson)
    draft.partner_schools.add(jefferson)
    assert visible(student) == {program}


def test_program_staff_of_a_partner_school_see_it_unpublished(dave, jefferson, draft):
    assert draft not in visible(dave)
    draft.partner_schools.add(jefferson)
    assert draft in visible(dave)


def test_program_participants_and_program_staff_see_an_unpublished_program(jefferson, draft):
    participant = member(jefferson, Role.STUDENT, username="visitor")
    ParticipantFactory(cohort=CohortFactory(program=draft), user=participant)
    helper = member(jefferson, Role.STUDENT, username="helper")
    ProgramStaff.objects.create(program=draft, user=helper, role=ProgramStaff.Role.SUPERVISOR)
    assert visible(participant) == {draft}
    assert visible(helper) == {draft}


def test_program_coordinators_manage_and_supervisors_only_oversee(frank, lincoln, draft, jefferson):
    outsider = member(jefferson, Role.EDUCATOR, username="outsider")
    staff = ProgramStaff.objects.create(program=draft, user=outsider, role=ProgramStaff.Role.SUPERVISOR)
    cohort = CohortFactory(program=draft)
    assert visible(outsider, action="oversee") == {draft}
    assert visible(outsider, action="manage") == set()
    assert visible(outsider, Cohort, "manage") == set()
    staff.role = ProgramStaff.Role.COORDINATOR
    staff.save()
    assert visible(outsider, action="manage") == {draft}
    assert visible(outsider, Cohort, "manage") == {cohort}
    assert visible(frank, action="manage") == set()
