"""Who may read the audit trail: administrators of the organization (or of a parent organization)."""

from peerpath.core import policy
from peerpath.core.roles import Role

policy.register("core.AuditEntry", "view", roles={Role.ADMIN})
