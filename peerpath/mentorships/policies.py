"""Who may see and change matches. Loaded by MentorshipsConfig.ready."""

from django.db.models import Q

from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES
from peerpath.programs.policies import program_staff

policy.register(
    "mentorships.Match",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(mentor=user) | Q(mentee=user) | program_staff(user, "cohort__program__"),
)
policy.register(
    "mentorships.Match",
    "manage",
    roles=MANAGER_ROLES,
    own=lambda user: program_staff(user, "cohort__program__", role="coordinator"),
)
