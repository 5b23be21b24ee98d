"""Who may see and run programs. Loaded by ProgramsConfig.ready.

Staff of the program's school (or of a partner school, or of the district above) see a program;
admins and coordinators of the school and the program's own coordinators manage it. Students see
the published programs of their school or of a partner school, and the programs they take part in.
"""

from functools import partial
from typing import Any

from django.db.models import Q

from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES, Role


def _program_rows_for_member(user: Any, prefix: str = "") -> Q:
    member_of = policy.organization_ids(user, [Role.STUDENT, Role.GUARDIAN, *STAFF_ROLES])
    staff_of = policy.organization_ids(user, STAFF_ROLES)
    return (
        Q(**{f"{prefix}is_published": True, f"{prefix}organization__in": member_of})
        | Q(**{f"{prefix}is_published": True, f"{prefix}partner_schools__in": member_of})
        | Q(**{f"{prefix}partner_schools__in": staff_of})
        | Q(**{f"{prefix}cohorts__participants__user": user})
        | Q(**{f"{prefix}staff__user": user})
    )


def _program_coordinator(user: Any, prefix: str = "") -> Q:
    return Q(**{f"{prefix}staff__user": user, f"{prefix}staff__role": "coordinator"})


policy.register("programs.Program", "view", roles=STAFF_ROLES, own=_program_rows_for_member)
policy.register("programs.Program", "oversee", roles=STAFF_ROLES, own=lambda user: Q(staff__user=user))
policy.register("programs.Program", "manage", roles=MANAGER_ROLES, own=_program_coordinator)

for label, prefix in [
    ("programs.Cohort", "program__"),
    ("programs.Phase", "cohort__program__"),
    ("programs.Event", "program__"),
    ("programs.Objective", "program__"),
    ("programs.Supporter", "program__"),
    ("programs.ProgramStaff", "program__"),
]:
    policy.register(label, "view", roles=STAFF_ROLES, own=partial(_program_rows_for_member, prefix=prefix))
    policy.register(label, "manage", roles=MANAGER_ROLES, own=partial(_program_coordinator, prefix=prefix))

policy.register(
    "programs.Participant",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(user=user) | Q(cohort__program__staff__user=user),
)
policy.register(
    "programs.Participant",
    "manage",
    roles=MANAGER_ROLES,
    own=lambda user: _program_coordinator(user, "cohort__program__"),
)
policy.register(
    "programs.RSVP",
    "view",
    roles=STAFF_ROLES,
    own=lambda user: Q(user=user) | Q(event__program__staff__user=user),
)
policy.register("programs.Attendance", "view", roles=STAFF_ROLES, own=lambda user: Q(user=user))
policy.register(
    "programs.Attendance", "manage", roles=STAFF_ROLES, own=lambda user: Q(event__program__staff__user=user)
)
