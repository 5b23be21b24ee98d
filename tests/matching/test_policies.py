"""Who sees match rounds and settings (peerpath/matching/policies.py)."""

import pytest

from peerpath.core import policy
from peerpath.core.roles import Role
from peerpath.matching.models import MatchRound, MatchSettings
from peerpath.programs.models import ProgramStaff
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "may"), [(ProgramStaff.Role.COORDINATOR, True), (ProgramStaff.Role.SUPERVISOR, False)]
)
def test_match_round_only_program_coordinators_from_elsewhere_see_it(
    cohort, program, jefferson, frank, role, may
):
    helper = member(jefferson, Role.EDUCATOR, username="helper")
    ProgramStaff.objects.create(program=program, user=helper, role=role)
    match_round = MatchRound.objects.create(cohort=cohort, number=1)
    settings = MatchSettings.objects.create(program=program)
    for action in ("view", "manage"):
        assert policy.can(helper, action, match_round) is may
        assert policy.can(helper, action, settings) is may
    assert policy.can(frank, "view", match_round) is False
