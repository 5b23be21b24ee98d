import copy
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES
from peerpath.programs.forms.programs import (
    CohortForm,
    ObjectiveForm,
    PhaseForm,
    ProgramForm,
    ProgramStaffForm,
    SupporterForm,
)
from peerpath.programs.models import Cohort, Objective, Phase, Program, ProgramStaff, Supporter
from peerpath.programs.queries import programs as queries
from peerpath.programs.services.programs import (
    ProgramError,
    create_program,
    delete_program_part,
    save_program_part,
    update_program,
)

PROGRAM_PAGE_SIZE = 25


def _get_program(request: AuthenticatedHttpRequest, pk: int, action: str) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), action, pk=pk
    )


@login_required
def program_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(queries.listed_programs(request.user), PROGRAM_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    overseen = queries.overseen_program_ids(request.user, list(page.object_list))
    return render(
        request,
        "programs/program_list.html",
        {
            "page": page,
            "overseen_ids": overseen,
            "can_create": bool(policy.organization_ids(request.user, MANAGER_ROLES)),
        },
    )


@login_required
def program_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.organization_ids(request.user, MANAGER_ROLES):
        raise Http404
    organizations = queries.manager_organizations(request.user)
    form = ProgramForm(
        request.POST or None,
        organizations=organizations,
        partner_choices=queries.partner_school_choices(request.user),
        initial={"organization": organizations.first()} if organizations.count() == 1 else None,
    )
    if request.method == "POST" and form.is_valid():
        program = create_program(
            organization=form.cleaned_data["organization"],
            actor=request.user,
            fields=form.program_fields(),
            partner_schools=form.cleaned_data["partner_schools"],
            request=request,
        )
        messages.success(request, _("The program is set up. Add its objectives, staff and first cohort."))
        return redirect("program_detail", program.pk)
    return render(request, "programs/program_form.html", {"form": form, "program": None})


@login_required
def program_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = _get_program(request, pk, "manage")
    form = ProgramForm(
        request.POST or None,
        instance=copy.copy(program),  # a failed submit must not rename the page's heading
        partner_choices=queries.partner_school_choices(request.user, program),
    )
    if request.method == "POST" and form.is_valid():
        update_program(
            program=program,
            actor=request.user,
            fields=form.program_fields(),
            partner_schools=form.cleaned_data["partner_schools"],
            request=request,
        )
        messages.success(request, _("Changes saved."))
        return redirect("program_detail", program.pk)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


@require_GET
def program_public(request: HttpRequest, org_slug: str, program_slug: str) -> HttpResponse:
    """What a student (or a parent) reads before applying: the commitment, the benefits and the challenges.

    Public: readable without an account, published programs only; applying needs a sign-in.
    """
    program = queries.public_program(org_slug, program_slug)
    if program is None:
        raise Http404
    cohort = program.current_cohort()
    return render(
        request,
        "programs/program_public.html",
        {
            "program": program,
            "cohort": cohort,
            "accepting": cohort is not None and cohort.accepts_applications(),
            "may_apply": queries.may_apply_to(request.user, program),
            "objectives": list(program.objectives.all()),
        },
    )


# Parts of a program: objectives, staff, supporters, cohorts and their phases ------------------------


@dataclass(frozen=True)
class PartKind:
    model: type[models.Model]
    form: type[forms.ModelForm]
    noun: Promise
    add_title: Promise
    anchor: str


PARTS = {
    "objective": PartKind(
        Objective, ObjectiveForm, gettext_lazy("objective"), gettext_lazy("Add an objective"), "objectives"
    ),
    "staff": PartKind(
        ProgramStaff,
        ProgramStaffForm,
        gettext_lazy("staff member"),
        gettext_lazy("Add a staff member"),
        "staff",
    ),
    "supporter": PartKind(
        Supporter,
        SupporterForm,
        gettext_lazy("funder or partner"),
        gettext_lazy("Add a funder or partner"),
        "supporters",
    ),
    "cohort": PartKind(Cohort, CohortForm, gettext_lazy("cohort"), gettext_lazy("Add a cohort"), "cohorts"),
    "phase": PartKind(Phase, PhaseForm, gettext_lazy("phase"), gettext_lazy("Add a phase"), "cohorts"),
}


def _get_part(request: AuthenticatedHttpRequest, program: Program, kind: str, item_pk: int) -> Any:
    model = PARTS[kind].model
    if model is Phase:
        # Phases have no rule of their own: their cohort's program ("manage") authorizes them.
        cohorts = policy.scope(request.user, Cohort.objects.filter(program=program), "manage")
        phase = Phase.objects.select_related("cohort").filter(cohort__in=cohorts, pk=item_pk).first()
        if phase is None:
            raise Http404
        return phase
    return policy.get_object_or_404(
        request.user, model._default_manager.filter(program=program), "manage", pk=item_pk
    )


def _part_form(kind: str, program: Program, data: Any, instance: models.Model) -> forms.ModelForm:
    form_class = PARTS[kind].form
    if form_class is ProgramStaffForm:
        return ProgramStaffForm(
            data, instance=instance, staff_members=queries.staff_members_of(program.organization)
        )
    return form_class(data, instance=instance)


def _save_part(
    request: AuthenticatedHttpRequest, program: Program, kind: str, part: models.Model, title: str
) -> HttpResponse:
    form = _part_form(kind, program, request.POST or None, part)
    if request.method == "POST" and form.is_valid():
        save_program_part(program=program, part=form.save(commit=False), actor=request.user, request=request)
        messages.success(request, _("Saved."))
        return redirect(reverse("program_detail", args=[program.pk]) + f"#{PARTS[kind].anchor}")
    context = {"program": program, "form": form, "title": title, "anchor": PARTS[kind].anchor}
    return render(request, "programs/part_form.html", context)


@login_required
def part_add(
    request: AuthenticatedHttpRequest, pk: int, kind: str, cohort_pk: int | None = None
) -> HttpResponse:
    program = _get_program(request, pk, "manage")
    part: models.Model
    if kind == "phase":
        cohort = policy.get_object_or_404(
            request.user, Cohort.objects.filter(program=program), "manage", pk=cohort_pk
        )
        part = Phase(cohort=cohort)
        title = _("Add a phase to %(cohort)s") % {"cohort": cohort.name}
    else:
        part = PARTS[kind].model(program=program)
        title = str(PARTS[kind].add_title)
    return _save_part(request, program, kind, part, title)


@login_required
def part_edit(request: AuthenticatedHttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    program = _get_program(request, pk, "manage")
    part = _get_part(request, program, kind, item_pk)
    title = _("Edit: %(name)s") % {"name": part}
    return _save_part(request, program, kind, part, title)


@login_required
def part_delete(request: AuthenticatedHttpRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    program = _get_program(request, pk, "manage")
    part = _get_part(request, program, kind, item_pk)
    back = reverse("program_detail", args=[program.pk]) + f"#{PARTS[kind].anchor}"
    if request.method == "POST":
        try:
            delete_program_part(program=program, part=part, actor=request.user, request=request)
        except ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Deleted."))
        return redirect(back)
    return render(
        request,
        "programs/part_confirm_delete.html",
        {"program": program, "part": part, "noun": PARTS[kind].noun, "back": back},
    )
