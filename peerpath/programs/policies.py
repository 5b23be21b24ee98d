"""Who may see and run programs. Loaded by ProgramsConfig.ready.

Staff of the program's school (or of a partner school, or of the district above) see a program;
admins and coordinators of the school and the program's own coordinators manage it. Students see
the published programs of their school or of a partner school, and the programs they take part in.

A `ProgramStaff` row grants its rights only while the person is still active staff of the program's
school, of a partner school or of the district above (`program_staff`): a coordinator who left the
school keeps the row, for the history, but no longer sees or runs the program through it.
"""

from functools import partial
from typing import Any

from django.db.models import Q

from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES, Role


def program_staff(user: Any, prefix: str = "", role: str | None = None) -> Q:
    """Rows whose program lists `user` as staff (in `role`, if given) while they are active staff of
    its school, a partner school or the district above. Other apps' rules use it with their prefix."""
    staff_of = policy.organization_ids(user, STAFF_ROLES)
    condition = Q(**{f"{prefix}staff__user": user})
    if role is not None:
        condition &= Q(**{f"{prefix}staff__role": role})
    still_staff = Q(**{f"{prefix}organization__in": staff_of}) | Q(
        **{f"{prefix}partner_schools__in": staff_of}
    )
    return condition & still_staff


def _program_rows_for_member(user: Any, prefix: str = "") -> Q:
    member_of = policy.organization_ids(user, [Role.STUDENT, Role.GUARDIAN, *STAFF_ROLES])
    staff_of = policy.organization_ids(user, STAFF_ROLES)
    return (
        Q(**{f"{prefix}is_published": True, f"{prefix}organization__in": member_of})
        | Q(**{f"{prefix}is_published": True, f"{prefix}partner_schools__in": member_of})
        | Q(**{f"{prefix}partner_schools__in": staff_of})
        | Q(**{f"{prefix}cohorts__participants__user": user})
        | program_staff(user, prefix)
    )


def _program_coordinator(user: Any, prefix: str = "") -> Q:
    return program_staff(user, prefix, role="coordinator")


policy.register("programs.Program", "view", roles=STAFF_ROLES, own=_program_rows_for_member)
policy.register("programs.Program", "oversee", roles=STAFF_ROLES, own=program_staff)
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
    own=lambda user: Q(user=user) | program_staff(user, "cohort__program__"),
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
    own=lambda user: Q(user=user) | program_staff(user, "event__program__"),
)
policy.register("programs.Attendance", "view", roles=STAFF_ROLES, own=lambda user: Q(user=user))
policy.register(
    "programs.Attendance",
    "manage",
    roles=STAFF_ROLES,
    own=lambda user: program_staff(user, "event__program__"),
)
