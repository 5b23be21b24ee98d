"""Who may see and change matches. Loaded by MentorshipsConfig.ready."""

from django.db.models import Q

from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES

policy.register(
    "mentorships.Match",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(mentor=user) | Q(mentee=user) | Q(cohort__program__staff__user=user),
)
policy.register(
    "mentorships.Match",
    "manage",
    roles=MANAGER_ROLES,
    own=lambda user: Q(cohort__program__staff__user=user, cohort__program__staff__role="coordinator"),
)
