"""Who may decide applications and edit application forms (peerpath/recruitment/policies.py)."""

import pytest

from peerpath.core import policy
from peerpath.core.roles import Role
from peerpath.programs.models import ProgramStaff
from peerpath.recruitment.models import Application, Question
from tests.factories import ApplicationFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "may"), [(ProgramStaff.Role.COORDINATOR, True), (ProgramStaff.Role.SUPERVISOR, False)]
)
def test_application_program_coordinator_from_elsewhere_decides_and_edits_the_form(
    program, cohort, bob, jefferson, role, may
):
    program.partner_schools.add(jefferson)  # program staff count only as active staff of a program's school
    helper = member(jefferson, Role.EDUCATOR, username="helper")
    ProgramStaff.objects.create(program=program, user=helper, role=role)
    application = ApplicationFactory(cohort=cohort, applicant=bob)
    question = Question.objects.create(program=program, role="mentor", label="Why?")
    assert policy.can(helper, "review", application) is True
    assert policy.can(helper, "decide", application) is may
    assert policy.can(helper, "manage", question) is may
    assert (question in policy.scope(helper, Question.objects.all(), "manage")) is may
    assert list(policy.scope(helper, Application.objects.all(), "decide")) == ([application] if may else [])


def test_application_school_educator_reviews_but_does_not_decide(frank, cohort, bob):
    application = ApplicationFactory(cohort=cohort, applicant=bob)
    assert policy.can(frank, "review", application) is True
    assert policy.can(frank, "decide", application) is False
