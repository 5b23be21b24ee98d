"""A ProgramStaff row grants rights only while its person is still active staff of the school."""

import pytest

from peerpath.accounts.models import Membership, User
from peerpath.core import policy
from peerpath.programs.models import ProgramStaff
from tests.factories import ApplicationFactory

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
