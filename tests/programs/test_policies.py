"""Who sees and manages programs (peerpath/programs/policies.py), rule by rule; a ProgramStaff row
grants rights only while its person is still active staff of the school."""

import pytest

from peerpath.accounts.models import Membership, User
from peerpath.core import policy
from peerpath.core.roles import Role
from peerpath.programs.models import Cohort, Program, ProgramStaff
from tests.factories import ApplicationFactory, CohortFactory, ParticipantFactory, ProgramFactory, member

pytestmark = pytest.mark.django_db


def _leave_school(user):
    Membership.objects.filter(user=user).update(is_active=False)
    return User.objects.get(pk=user.pk)  # a fresh object: policy answers are cached per user object


@pytest.fixture
def unpublished(program):
    program.is_published = False
    program.save()
    return program


def test_program_coordinator_through_staff_row_manages_while_active(frank, unpublished):
    ProgramStaff.objects.create(program=unpublished, user=frank, role=ProgramStaff.Role.COORDINATOR)
    assert [policy.can(frank, action, unpublished) for action in ["view", "oversee", "manage"]] == [True] * 3


def test_program_coordinator_who_left_the_school_loses_manage_oversee_and_view(frank, unpublished):
    ProgramStaff.objects.create(program=unpublished, user=frank, role=ProgramStaff.Role.COORDINATOR)
    frank = _leave_school(frank)
    assert [policy.can(frank, action, unpublished) for action in ["view", "oversee", "manage"]] == [False] * 3


def test_supervisor_who_left_the_school_no_longer_oversees(frank, unpublished):
    ProgramStaff.objects.create(program=unpublished, user=frank, role=ProgramStaff.Role.SUPERVISOR)
    assert policy.can(frank, "oversee", unpublished)
    assert not policy.can(_leave_school(frank), "oversee", unpublished)


def test_staff_row_at_a_partner_school_counts_while_active_there(dave, jefferson, unpublished):
    unpublished.partner_schools.add(jefferson)
    ProgramStaff.objects.create(program=unpublished, user=dave, role=ProgramStaff.Role.COORDINATOR)
    assert policy.can(dave, "manage", unpublished)
    assert not policy.can(_leave_school(dave), "manage", unpublished)


def test_coordinator_who_left_cannot_decide_or_read_applications(alice, cohort):
    application = ApplicationFactory(cohort=cohort)
    assert policy.can(alice, "decide", application)
    alice = _leave_school(alice)
    assert not policy.can(alice, "decide", application)
    assert not policy.can(alice, "view", application)


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
    draft.partner_schools.add(jefferson)
    helper = member(jefferson, Role.EDUCATOR, username="helper")
    ProgramStaff.objects.create(program=draft, user=helper, role=ProgramStaff.Role.SUPERVISOR)
    assert visible(participant) == {draft}
    assert visible(helper) == {draft}


def test_program_coordinators_manage_and_supervisors_only_oversee(frank, lincoln, draft, jefferson):
    draft.partner_schools.add(jefferson)  # program staff count only as active staff of a program's school
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
