"""Program pages that bring several stages together: the program's overview (its pipeline or a
participant's next steps), what needs a coordinator's attention, and an event's attendance (which also
credits training workshops). They live in the top layer because they read from several apps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404 as get_row_or_404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.analytics import queries as analytics_queries
from peerpath.analytics.queries import matches_with_lapsed_training
from peerpath.core import policy
from peerpath.programs.forms.events import AttendanceForm
from peerpath.programs.models import Event, Program
from peerpath.programs.queries.events import attendance_roster, event_for_page
from peerpath.programs.queries.programs import program_parts
from peerpath.programs.services.events import record_attendance
from peerpath.programs.views.events import render_in_zone
from peerpath.recruitment.forms.screening import ReviewFilterForm
from peerpath.recruitment.queries.screening import overdue_references, people_needing_checks
from peerpath.recruitment.views.screening import chosen_cohort, may_manage_checks
from peerpath.training.services.progress import credit_workshop_attendance


def _get_program(request: AuthenticatedHttpRequest, pk: int, action: str) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), action, pk=pk
    )


def _get_event_for_oversight(request: HttpRequest, pk: int) -> Event:
    """An event whose attendance this person takes: staff of the school or of the program."""
    event = get_row_or_404(event_for_page(Event.objects.all()), pk=pk)
    policy.get_object_or_404(request.user, Program, "oversee", pk=event.program_id)
    return event


@login_required
def program_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Staff see the pipeline of the current cohort; participants see what comes next for them."""
    program = _get_program(request, pk, "view")
    if policy.can(request.user, "oversee", program):
        parts = program_parts(program)
        cohorts = parts["cohorts"]
        context = {
            "program": program,
            "can_manage": policy.can(request.user, "manage", program),
            "pipeline": analytics_queries.cohort_pipeline(cohorts[0]) if cohorts else None,
            **parts,
        }
        return render(request, "programs/program_detail.html", context)
    steps = analytics_queries.participant_steps(program, request.user)
    if steps:
        return render(request, "programs/program_participant.html", {"program": program, "steps": steps})
    if program.is_published:
        return redirect("program_public", program.organization.slug, program.slug)
    raise Http404


@login_required
@require_GET
def screening_attention(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """What a coordinator must chase: mentors without a current clear check, references overdue,
    running matches whose mentor's training lapsed."""
    program = _get_program(request, program_pk, "manage")
    cohorts = program.cohorts.order_by("-starts_on", "-id")
    form = ReviewFilterForm(request.GET or None, cohorts=cohorts)
    cohort = chosen_cohort(program, form)
    return render(
        request,
        "recruitment/screening/attention.html",
        {
            "program": program,
            "cohort": cohort,
            "form": form,
            "people": people_needing_checks(program, cohort),
            "references": list(overdue_references(cohort)),
            "lapsed_matches": matches_with_lapsed_training(cohort) if cohort else [],
            "can_manage_checks": may_manage_checks(request.user, program.organization_id),
            "here": request.get_full_path(),
        },
    )


@login_required
def event_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = _get_event_for_oversight(request, pk)
    form = AttendanceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        records = record_attendance(
            event=event,
            present_user_ids=form.cleaned_data["present"],
            recorded_by=request.user,
            request=request,
        )
        credit_workshop_attendance(event=event, actor=request.user)
        messages.success(
            request,
            _("Attendance saved: %(present)d of %(total)d present.")
            % {"present": sum(record.present for record in records), "total": len(records)},
        )
        return redirect("event_attendance", pk=event.pk)
    roster = list(attendance_roster(event))
    return render_in_zone(
        request,
        event.program,
        "programs/events/attendance.html",
        {"event": event, "roster": roster, "form": form},
    )
