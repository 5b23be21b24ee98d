"""Who may take, run and see training. Loaded by TrainingConfig.ready.

Modules and resources belong to an organization: its members may read the published ones, its
admins and coordinators manage them. A person's completions and certificates are theirs and their
school staff's to see.
"""

from functools import partial
from typing import Any

from django.db.models import Q

from peerpath.accounts.models import Organization
from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES, Role
from peerpath.programs.policies import program_staff

MEMBER_ROLES = [Role.STUDENT, Role.GUARDIAN, *STAFF_ROLES]


def _published_in_member_orgs(user: Any, prefix: str = "") -> Q:
    """Published rows of the person's schools and of the districts above them (a district's modules
    serve all its schools)."""
    member_of = policy.organization_ids(user, MEMBER_ROLES)
    above = Organization.objects.filter(pk__in=member_of, parent__isnull=False).values("parent_id")
    published = Q(**{f"{prefix}is_published": True})
    return published & (
        Q(**{f"{prefix}organization__in": member_of}) | Q(**{f"{prefix}organization__in": above})
    )


policy.register("training.Module", "view", roles=STAFF_ROLES, own=_published_in_member_orgs)
policy.register("training.Module", "manage", roles=MANAGER_ROLES)
policy.register(
    "training.Lesson", "view", roles=STAFF_ROLES, own=partial(_published_in_member_orgs, prefix="module__")
)
policy.register("training.Lesson", "manage", roles=MANAGER_ROLES)
policy.register("training.QuizQuestion", "manage", roles=MANAGER_ROLES)
policy.register("training.Completion", "view", roles=STAFF_ROLES, own=lambda user: Q(user=user))
policy.register("training.Completion", "manage", roles=STAFF_ROLES)
policy.register("training.Attempt", "view", roles=STAFF_ROLES, own=lambda user: Q(user=user))
policy.register(
    "training.Requirement",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(program__cohorts__participants__user=user) | program_staff(user, "program__"),
)
policy.register(
    "training.Requirement",
    "manage",
    roles=MANAGER_ROLES,
    own=lambda user: program_staff(user, "program__", role="coordinator"),
)
policy.register("training.WorkshopCredit", "manage", roles=MANAGER_ROLES)
policy.register("training.RolePlayChecklist", "view", roles=STAFF_ROLES)
policy.register("training.RolePlayChecklist", "manage", roles=MANAGER_ROLES)
policy.register("training.RolePlayObservation", "view", roles=STAFF_ROLES, own=lambda user: Q(mentor=user))
policy.register("training.RolePlayObservation", "record", roles=STAFF_ROLES)
policy.register(
    "training.Resource",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(organization__in=policy.organization_ids(user, MEMBER_ROLES)),
)
policy.register("training.Resource", "manage", roles=MANAGER_ROLES)
policy.register("training.Certificate", "view", roles=STAFF_ROLES, own=lambda user: Q(user=user))
