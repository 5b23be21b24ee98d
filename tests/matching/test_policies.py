"""Who sees match rounds and settings (peerpath/matching/policies.py)."""

import pytest

from peerpath.accounts.models import Membership, User
from peerpath.core import policy
from peerpath.core.roles import Role
from peerpath.matching.models import MatchRound, MatchSettings
from peerpath.mentorships.models import Match
from peerpath.programs.models import ProgramStaff
from peerpath.training.models import Requirement
from tests.factories import MatchFactory, ModuleFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "may"), [(ProgramStaff.Role.COORDINATOR, True), (ProgramStaff.Role.SUPERVISOR, False)]
)
def test_match_round_only_program_coordinators_from_elsewhere_see_it(
    cohort, program, jefferson, frank, role, may
):
    program.partner_schools.add(jefferson)  # program staff count only as active staff of a program's school
    helper = member(jefferson, Role.EDUCATOR, username="helper")
    ProgramStaff.objects.create(program=program, user=helper, role=role)
    match_round = MatchRound.objects.create(cohort=cohort, number=1)
    settings = MatchSettings.objects.create(program=program)
    for action in ("view", "manage"):
        assert policy.can(helper, action, match_round) is may
        assert policy.can(helper, action, settings) is may
    assert policy.can(frank, "view", match_round) is False


def test_program_coordinator_who_left_the_school_loses_the_rounds_and_matches(lincoln, jefferson, cohort):
    """A ProgramStaff row grants rights only while its person is still active staff of a program's school."""
    helper = member(jefferson, Role.EDUCATOR, username="helper")
    cohort.program.partner_schools.add(jefferson)
    ProgramStaff.objects.create(program=cohort.program, user=helper, role=ProgramStaff.Role.COORDINATOR)
    round = MatchRound.objects.create(cohort=cohort, number=1, status=MatchRound.Status.DRAFT)
    match = MatchFactory(cohort=cohort)
    requirement = Requirement.objects.create(
        program=cohort.program, role="mentor", module=ModuleFactory(organization=lincoln)
    )
    things = [(round, "manage"), (match, "manage"), (match, "view"), (requirement, "manage")]
    assert [policy.can(helper, action, obj) for obj, action in things] == [True] * 4

    Membership.objects.filter(user=helper).update(is_active=False)
    helper = User.objects.get(pk=helper.pk)  # policy answers are kept per user object (one request)

    assert [policy.can(helper, action, obj) for obj, action in things] == [False] * 4
    assert not MatchRound.objects.filter(
        pk__in=policy.scope(helper, MatchRound.objects.all(), "view")
    ).exists()
    assert not Match.objects.filter(pk__in=policy.scope(helper, Match.objects.all(), "view")).exists()
