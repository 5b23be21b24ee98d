"""Who may see applications and screening. Loaded by RecruitmentConfig.ready.

Screening results are staff-only: an applicant sees their own application and its status, never
interview scores, references or checks. Another school's rows are invisible (404).
"""

from functools import partial
from typing import Any

from django.db.models import Q

from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES
from peerpath.programs.policies import program_staff


def _coordinator(user: Any, prefix: str) -> Q:
    return program_staff(user, prefix, role="coordinator")


policy.register(
    "recruitment.Application",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(applicant=user) | program_staff(user, "cohort__program__"),
)
policy.register(
    "recruitment.Application",
    "review",
    roles=STAFF_ROLES,
    own=lambda user: program_staff(user, "cohort__program__"),
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
    own=lambda user: Q(nominated_by=user) | program_staff(user, "program__"),
)
policy.register(
    "recruitment.Interview",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(interviewer=user) | program_staff(user, "application__cohort__program__"),
)
policy.register("recruitment.Interview", "score", roles=MANAGER_ROLES, own=lambda user: Q(interviewer=user))
policy.register(
    "recruitment.Reference",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: program_staff(user, "application__cohort__program__"),
)
policy.register("recruitment.BackgroundCheck", "view", roles=MANAGER_ROLES)
policy.register("recruitment.BackgroundCheck", "manage", roles=MANAGER_ROLES)
policy.register(
    "recruitment.Consent",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(guardian=user) | program_staff(user, "program__"),
)
