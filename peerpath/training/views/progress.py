"""Training progress pages: requirements and workshop credit, the coordinator's matrix with reminders
and CSV export, a person's own training path, and role-play checklists and observations."""

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404 as get_row_or_404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.accounts.models import Organization
from peerpath.core import policy
from peerpath.programs.models import Event, ParticipantRole, Program
from peerpath.training.forms.progress import (
    ChecklistChoiceForm,
    MatrixFilterForm,
    ObservationForm,
    RequirementForm,
    RolePlayChecklistForm,
    WorkshopCreditForm,
)
from peerpath.training.models import Requirement, RolePlayChecklist, WorkshopCredit
from peerpath.training.queries.progress import (
    Matrix,
    Status,
    available_modules,
    checklists_for,
    observations_at,
    observations_of,
    requirements_of,
    roleplay_mentors,
    training_matrix,
    training_path,
    training_workshops,
    workshop_credits_of,
)
from peerpath.training.services.progress import (
    ObservationEntry,
    add_requirement,
    add_workshop_credit,
    create_roleplay_checklist,
    record_roleplay_observations,
    remove_requirement,
    remove_workshop_credit,
    send_training_reminders,
)


def _get_program(request: AuthenticatedHttpRequest, program_pk: int, action: str) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), action, pk=program_pk
    )


# Requirements and workshop credit ------------------------------------------------------------------


def _render_requirements(
    request: AuthenticatedHttpRequest,
    program: Program,
    *,
    requirement_form: RequirementForm | None = None,
    credit_form: WorkshopCreditForm | None = None,
    status: int = 200,
) -> HttpResponse:
    modules, workshops = available_modules(program), training_workshops(program)
    context = {
        "program": program,
        "requirements": list(requirements_of(program)),
        "credits": list(workshop_credits_of(program)),
        "requirement_form": requirement_form
        or RequirementForm(program=program, modules=modules, workshops=workshops),
        "credit_form": credit_form or WorkshopCreditForm(modules=modules, workshops=workshops),
    }
    return render(request, "training/progress/requirements.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def training_requirements(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "manage")
    if request.method == "GET":
        return _render_requirements(request, program)
    form = RequirementForm(
        request.POST,
        program=program,
        modules=available_modules(program),
        workshops=training_workshops(program),
    )
    if not form.is_valid():
        return _render_requirements(request, program, requirement_form=form, status=400)
    requirement = add_requirement(program=program, actor=request.user, request=request, **form.cleaned_data)
    messages.success(request, _("“%(title)s” is now required.") % {"title": requirement})
    return redirect("training_requirements", program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def training_requirement_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    requirement = policy.get_object_or_404(
        request.user,
        Requirement.objects.select_related("program__organization", "module", "workshop"),
        "manage",
        pk=pk,
    )
    program = requirement.program
    if request.method == "POST":
        remove_requirement(requirement=requirement, actor=request.user, request=request)
        messages.success(request, _("“%(title)s” is no longer required.") % {"title": requirement})
        return redirect("training_requirements", program.pk)
    return render(
        request,
        "training/progress/confirm_delete.html",
        {
            "program": program,
            "question": _("Stop requiring “%(title)s” of %(role)s?")
            % {"title": requirement, "role": requirement.get_role_display().lower()},
            "back": reverse("training_requirements", args=[program.pk]),
        },
    )


@login_required
@require_POST
def workshop_credits(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """Link a training workshop to a module: attending it completes the module."""
    program = _get_program(request, program_pk, "manage")
    form = WorkshopCreditForm(
        request.POST, modules=available_modules(program), workshops=training_workshops(program)
    )
    if not form.is_valid():
        return _render_requirements(request, program, credit_form=form, status=400)
    add_workshop_credit(actor=request.user, request=request, **form.cleaned_data)
    messages.success(
        request,
        _("Attending “%(workshop)s” now completes “%(module)s”.")
        % {"workshop": form.cleaned_data["workshop"], "module": form.cleaned_data["module"]},
    )
    return redirect("training_requirements", program.pk)


@login_required
@require_http_methods(["GET", "POST"])
def workshop_credit_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    credit = get_row_or_404(WorkshopCredit.objects.select_related("workshop", "module"), pk=pk)
    # Whoever may add a credit on the requirements page (the program's managers) may remove it.
    program = _get_program(request, credit.workshop.program_id, "manage")
    if request.method == "POST":
        remove_workshop_credit(credit=credit, actor=request.user, request=request)
        messages.success(
            request, _("The workshop no longer completes “%(module)s”.") % {"module": credit.module}
        )
        return redirect("training_requirements", program.pk)
    return render(
        request,
        "training/progress/confirm_delete.html",
        {
            "program": program,
            "question": _(
                "Stop counting “%(workshop)s” as completing “%(module)s”? Completions already earned stay."
            )
            % {"workshop": credit.workshop, "module": credit.module},
            "back": reverse("training_requirements", args=[program.pk]),
        },
    )


# The coordinator's matrix --------------------------------------------------------------------------


def _matrix_for(request: AuthenticatedHttpRequest, program: Program) -> tuple[Matrix, MatrixFilterForm]:
    form = MatrixFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    matrix = training_matrix(
        program,
        program.current_cohort(),
        role=filters.get("role") or ParticipantRole.MENTOR,
        only_overdue=bool(filters.get("overdue")),
    )
    return matrix, form


@login_required
@require_GET
def training_matrix_view(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """Who has done which required training, for the current cohort."""
    program = _get_program(request, program_pk, "oversee")
    matrix, form = _matrix_for(request, program)
    return render(
        request,
        "training/progress/matrix.html",
        {
            "program": program,
            "matrix": matrix,
            "role_label": ParticipantRole(matrix.role).label,
            "form": form,
            "query": request.GET.urlencode(),
            "can_manage": policy.can(request.user, "manage", program),
            "statuses": Status,
        },
    )


def _csv_safe(value: str) -> str:
    """Spreadsheets run cells starting with these as formulas; a leading quote keeps them text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_GET
def training_matrix_csv(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "oversee")
    matrix, _form = _matrix_for(request, program)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-{program.pk}-{matrix.role}.csv"'
    writer = csv.writer(response)
    header = [_("Name"), _("E-mail")]
    for column in matrix.columns:
        header += [
            _("%(title)s: status") % {"title": column.title},
            _("%(title)s: date") % {"title": column.title},
            _("%(title)s: score") % {"title": column.title},
        ]
    writer.writerow([_csv_safe(value) for value in header])
    for row in matrix.rows:
        values = [row.person.get_full_name() or row.person.username, row.person.email]
        for cell in row.cells:
            moment = cell.completed_at.date().isoformat() if cell.completed_at else None
            date = moment or (cell.due_on.isoformat() if cell.due_on else "")
            values += [str(cell.status), date, "" if cell.score is None else str(cell.score)]
        writer.writerow([_csv_safe(value) for value in values])
    return response


@login_required
@require_POST
def training_reminders(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "manage")
    count = send_training_reminders(
        program=program, cohort=program.current_cohort(), actor=request.user, request=request
    )
    if count:
        messages.success(
            request,
            ngettext("Reminder sent to %(count)d person.", "Reminders sent to %(count)d people.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("Nobody has training overdue or due within 7 days: no reminder sent."))
    return redirect("training_matrix", program.pk)


# A person's own path -------------------------------------------------------------------------------


@login_required
@require_GET
def my_training(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "training/progress/my_training.html",
        {"paths": training_path(request.user), "observations": list(observations_of(request.user))},
    )


# Role-play -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def roleplay_checklists(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = policy.get_object_or_404(request.user, Organization, "manage", slug=slug)
    form = RolePlayChecklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checklist = create_roleplay_checklist(
            organization=organization, actor=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, _("Checklist “%(title)s” created.") % {"title": checklist.title})
        return redirect("roleplay_checklists", organization.slug)
    checklists = RolePlayChecklist.objects.filter(organization=organization).order_by("title", "pk")
    return render(
        request,
        "training/progress/checklists.html",
        {"organization": organization, "checklists": list(checklists), "form": form},
        status=400 if form.is_bound else 200,
    )


def _get_event_for_staff(request: AuthenticatedHttpRequest, event_pk: int) -> Event:
    """An event of a program whose school this person is staff of (or of the district above it)."""
    event = get_row_or_404(Event.objects.select_related("program__organization", "cohort"), pk=event_pk)
    policy.get_object_or_404(request.user, Organization, "staff", pk=event.program.organization_id)
    return event


@login_required
@require_http_methods(["GET", "POST"])
def roleplay_record(request: AuthenticatedHttpRequest, event_pk: int) -> HttpResponse:
    event = _get_event_for_staff(request, event_pk)
    program = event.program
    checklists = policy.scope(request.user, checklists_for(program))
    data: Any = request.POST if request.method == "POST" else request.GET
    choice = ChecklistChoiceForm(data or None, checklists=checklists)
    checklist = choice.cleaned_data["checklist"] if choice.is_valid() else checklists.first()
    mentors = roleplay_mentors(event)
    forms: list[tuple[Any, ObservationForm]] = []
    if checklist is not None:
        existing = observations_at(event, checklist)
        for mentor in mentors:
            previous = existing.get(mentor.pk)
            initial = {"observed": previous.observed, "comment": previous.comment} if previous else None
            bound = request.POST if request.method == "POST" else None
            forms.append(
                (
                    mentor,
                    ObservationForm(bound, prefix=f"m{mentor.pk}", skills=checklist.skills, initial=initial),
                )
            )
    if request.method == "POST" and checklist is not None and all(form.is_valid() for _m, form in forms):
        entries = [
            ObservationEntry(
                mentor=mentor, observed=form.cleaned_data["observed"], comment=form.cleaned_data["comment"]
            )
            for mentor, form in forms
        ]
        record_roleplay_observations(
            event=event, checklist=checklist, entries=entries, facilitator=request.user, request=request
        )
        messages.success(
            request,
            ngettext(
                "Observation saved for %(count)d mentor.",
                "Observations saved for %(count)d mentors.",
                len(entries),
            )
            % {"count": len(entries)},
        )
        return redirect(f"{reverse('roleplay_record', args=[event.pk])}?checklist={checklist.pk}")
    return render(
        request,
        "training/progress/roleplay.html",
        {
            "event": event,
            "program": program,
            "checklist": checklist,
            "choice": ChecklistChoiceForm(initial={"checklist": checklist}, checklists=checklists),
            "forms": forms,
            "can_manage_checklists": policy.can(request.user, "manage", program.organization),
        },
        status=400 if request.method == "POST" else 200,
    )
