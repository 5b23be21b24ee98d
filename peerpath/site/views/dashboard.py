from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.accounts.queries import children_of, memberships_of, organizations_with_counts
from peerpath.analytics.queries import applications_of, programs_overseen
from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES, Role
from peerpath.programs.models import Participant
from peerpath.programs.queries.programs import participations_of, programs_open_to

AUDIT_PAGE_SIZE = 50
OPEN_PROGRAMS_SHOWN = 10
DASHBOARD_PROGRAMS_SHOWN = 20


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard: one section per role the person holds, each saying what to do next."""
    user = request.user
    memberships = list(memberships_of(user))
    staff_org_ids = policy.organization_ids(user, STAFF_ROLES)
    student_memberships = [m for m in memberships if m.role == Role.STUDENT]
    is_guardian = any(m.role == Role.GUARDIAN for m in memberships)
    children = list(children_of(user)) if is_guardian else []
    taking_part: defaultdict[int, list[Participant]] = defaultdict(list)
    if children:
        for participant in participations_of([link.student_id for link in children]):
            taking_part[participant.user_id].append(participant)
    context = {
        "staff_organizations": list(organizations_with_counts(staff_org_ids)) if staff_org_ids else [],
        "admin_org_ids": set(policy.organization_ids(user, [Role.ADMIN])),
        "programs": list(programs_overseen(user)[:DASHBOARD_PROGRAMS_SHOWN]) if staff_org_ids else [],
        "can_create_program": bool(policy.organization_ids(user, MANAGER_ROLES)),
        "student_memberships": student_memberships,
        "applications": list(applications_of(user)) if student_memberships else [],
        "participations": list(participations_of([user])) if student_memberships else [],
        "open_programs": list(programs_open_to(user)[:OPEN_PROGRAMS_SHOWN]) if student_memberships else [],
        "children": children,
        "children_programs": [(link, taking_part[link.student_id]) for link in children],
        "is_guardian": is_guardian,
        "has_no_role": not memberships,
    }
    return render(request, "site/dashboard.html", context)
