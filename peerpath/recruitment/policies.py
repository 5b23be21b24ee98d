"""Who may see applications and screening. Loaded by RecruitmentConfig.ready.

Screening results are staff-only: an applicant sees their own application and its status, never
interview scores, references or checks. Another school's rows are invisible (404).
"""

from functools import partial
from typing import Any

from django.db.models import Q

from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES


def _coordinator(user: Any, prefix: str) -> Q:
    return Q(**{f"{prefix}staff__user": user, f"{prefix}staff__role": "coordinator"})


policy.register(
    "recruitment.Application",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(applicant=user) | Q(cohort__program__staff__user=user),
)
policy.register(
    "recruitment.Application",
    "review",
    roles=STAFF_ROLES,
    own=lambda user: Q(cohort__program__staff__user=user),
)
policy.register(
    "recruitment.Application",
    "decide",
    roles=MANAGER_ROLES,
    own=partial(_coordinator, prefix="cohort__program__"),
)

policy.register(
    "recruitment.Question", "manage", roles=MANAGER_ROLES, own=partial(_coordinator, prefix="program__")
)
policy.register(
    "recruitment.RubricCriterion",
    "manage",
    roles=MANAGER_ROLES,
    own=partial(_coordinator, prefix="program__"),
)
policy.register(
    "recruitment.Nomination",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(nominated_by=user) | Q(program__staff__user=user),
)
policy.register(
    "recruitment.Interview",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(interviewer=user) | Q(application__cohort__program__staff__user=user),
)
policy.register("recruitment.Interview", "score", roles=MANAGER_ROLES, own=lambda user: Q(interviewer=user))
policy.register(
    "recruitment.Reference",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(application__cohort__program__staff__user=user),
)
policy.register("recruitment.BackgroundCheck", "view", roles=MANAGER_ROLES)
policy.register("recruitment.BackgroundCheck", "manage", roles=MANAGER_ROLES)
policy.register(
    "recruitment.Consent",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(guardian=user) | Q(program__staff__user=user),
)
