"""Who may see and manage accounts data. Loaded by AccountsConfig.ready."""

from django.db.models import Q

from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES, Role

policy.register(
    "accounts.Organization", "view", roles=STAFF_ROLES, own=lambda user: Q(memberships__user=user)
)
policy.register("accounts.Organization", "staff", roles=STAFF_ROLES)
policy.register("accounts.Organization", "manage", roles=MANAGER_ROLES)
policy.register("accounts.Organization", "audit", roles={Role.ADMIN})
# A student record: staff of the student's school, the student, and their guardians.
policy.register(
    "accounts.User",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(pk=user.pk) | Q(guardians__guardian=user),
)
policy.register("accounts.Membership", "view", roles=STAFF_ROLES, own=lambda user: Q(user=user))
policy.register("accounts.GuardianLink", "view", roles=STAFF_ROLES, own=lambda user: Q(guardian=user))
