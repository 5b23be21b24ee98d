"""The participants of a program's current cohort, each with what is still open before matching."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.matching.eligibility import matchability
from peerpath.programs.models import Participant, Program


def _get_program(request: AuthenticatedHttpRequest, program_pk: int, action: str) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), action, pk=program_pk
    )


@login_required
def participant_list(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "oversee")
    cohort = program.current_cohort()
    participants = (
        policy.scope(
            request.user,
            Participant.objects.filter(cohort=cohort, status=Participant.Status.ENROLLED),
        )
        .select_related("user", "cohort")
        .order_by("role", "user__last_name", "user__first_name")
        if cohort
        else Participant.objects.none()
    )
    gates = matchability(participants)
    rows = list(gates.values())  # in the order of the query
    return render(
        request,
        "programs/enrollment/participants.html",
        {
            "program": program,
            "cohort": cohort,
            "rows": rows,
            "can_manage": policy.can(request.user, "manage", program),
        },
    )
