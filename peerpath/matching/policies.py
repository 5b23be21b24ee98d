"""Who may see and change matching data. Loaded by MatchingConfig.ready.

Rounds hold every student's scores, so only the school's admins and coordinators and the program's own
coordinators see them. A participant sees and edits their own profile and (as a mentee) their own
preferences; the program's coordinators manage everyone's.
"""

from functools import partial
from typing import Any

from django.db.models import Q

from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES
from peerpath.programs.policies import program_staff


def _coordinator(user: Any, prefix: str) -> Q:
    """The program's coordinators, while they are still active staff of its school (or a partner)."""
    return program_staff(user, prefix, role="coordinator")


for label, prefix in [
    ("matching.MatchRound", "cohort__program__"),
    ("matching.Proposal", "round__cohort__program__"),
    ("matching.MatchSettings", "program__"),
]:
    policy.register(label, "view", roles=MANAGER_ROLES, own=partial(_coordinator, prefix=prefix))
    policy.register(label, "manage", roles=MANAGER_ROLES, own=partial(_coordinator, prefix=prefix))

policy.register(
    "matching.Profile",
    "view",
    roles=MANAGER_ROLES,
    own=lambda user: Q(participant__user=user) | _coordinator(user, "participant__cohort__program__"),
)
policy.register(
    "matching.Profile",
    "manage",
    roles=MANAGER_ROLES,
    own=lambda user: Q(participant__user=user) | _coordinator(user, "participant__cohort__program__"),
)
policy.register(
    "matching.Preference",
    "manage",
    roles=MANAGER_ROLES,
    own=lambda user: Q(mentee=user) | _coordinator(user, "cohort__program__"),
)
policy.register("matching.InterestTag", "manage", roles=MANAGER_ROLES)
