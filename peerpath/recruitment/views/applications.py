"""Recruitment pages: the application form builder, applying, decisions, nominations, the funnel."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.core.roles import STAFF_ROLES, Role
from peerpath.programs.models import Cohort, ParticipantRole, Program
from peerpath.recruitment.forms.applications import (
    AVAILABILITY_CHOICES,
    ApplicationForm,
    NominationForm,
    QuestionForm,
    StatusForm,
)
from peerpath.recruitment.models import Application, Question
from peerpath.recruitment.queries import applications as queries
from peerpath.recruitment.services import applications as services

APPLICATION_RELATED = ("cohort", "cohort__program", "applicant")


def _role_or_404(role: str) -> str:
    if role not in ParticipantRole.values:
        raise Http404
    return role


def _get_program(request: AuthenticatedHttpRequest, program_pk: int, action: str) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), action, pk=program_pk
    )


def _get_question(request: AuthenticatedHttpRequest, program: Program, role: str, pk: int) -> Question:
    return policy.get_object_or_404(
        request.user, Question.objects.filter(program=program, role=role), "manage", pk=pk
    )


def _is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


# Application form builder ------------------------------------------------------------------------


@login_required
def application_form_edit(request: AuthenticatedHttpRequest, program_pk: int, role: str) -> HttpResponse:
    """The questions of a program's mentor or mentee form; the form below the list adds one."""
    role = _role_or_404(role)
    program = _get_program(request, program_pk, "manage")
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_question(program=program, role=role, **form.cleaned_data)
        messages.success(request, _("Question added."))
        return redirect("application_form_edit", program.pk, role)
    return render(
        request,
        "recruitment/form_builder.html",
        {
            "program": program,
            "role": role,
            "role_label": ParticipantRole(role).label,
            "questions": queries.form_questions(program, role),
            "form": form,
            "open_cohort": _open_cohort(program),
        },
    )


@login_required
def application_question_edit(
    request: AuthenticatedHttpRequest, program_pk: int, role: str, pk: int
) -> HttpResponse:
    role = _role_or_404(role)
    program = _get_program(request, program_pk, "manage")
    question = _get_question(request, program, role, pk)
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            services.save_question(program=program, role=role, question=question, **form.cleaned_data)
            messages.success(request, _("Question saved."))
            return redirect("application_form_edit", program.pk, role)
    else:
        form = QuestionForm.for_question(question)
    return render(
        request,
        "recruitment/question_edit.html",
        {"program": program, "role": role, "question": question, "form": form},
    )


@login_required
@require_POST
def application_question_move(
    request: AuthenticatedHttpRequest, program_pk: int, role: str, pk: int
) -> HttpResponse:
    role = _role_or_404(role)
    program = _get_program(request, program_pk, "manage")
    question = _get_question(request, program, role, pk)
    services.move_question(question=question, up=request.POST.get("direction") == "up")
    if _is_htmx(request):
        return render(
            request,
            "recruitment/form_builder.html#question_list",
            {"program": program, "role": role, "questions": queries.form_questions(program, role)},
        )
    return redirect("application_form_edit", program.pk, role)


@login_required
def application_question_delete(
    request: AuthenticatedHttpRequest, program_pk: int, role: str, pk: int
) -> HttpResponse:
    role = _role_or_404(role)
    program = _get_program(request, program_pk, "manage")
    question = _get_question(request, program, role, pk)
    if request.method == "POST":
        services.delete_question(question=question)
        messages.success(request, _("Question deleted."))
        return redirect("application_form_edit", program.pk, role)
    return render(
        request, "recruitment/question_delete.html", {"program": program, "role": role, "question": question}
    )


# Applying ----------------------------------------------------------------------------------------


def _open_cohort(program: Program) -> Cohort | None:
    cohort = program.current_cohort()
    return cohort if cohort is not None and cohort.accepts_applications() else None


@login_required
def application_apply(request: AuthenticatedHttpRequest, cohort_pk: int, role: str) -> HttpResponse:
    role = _role_or_404(role)
    cohort = policy.get_object_or_404(
        request.user, Cohort.objects.select_related("program"), "view", pk=cohort_pk
    )
    program = cohort.program
    questions = queries.form_questions(program, role)
    context: dict[str, Any] = {"cohort": cohort, "program": program, "role": role}
    try:
        # The service holds the rules (and applies them again on submit); asking first spares the
        # student a form they cannot send, and starts an under-13's consent request on the first visit.
        services.check_can_take_part(
            cohort=cohort, person=request.user, role=role, actor=request.user, request=request
        )
    except services.RecruitmentError as error:
        context.update(problem=str(error), blocked=True)
        return render(request, "recruitment/apply.html", context)
    if request.method == "POST":
        form = ApplicationForm(request.POST, questions=questions, program=program)
        if form.is_valid():
            try:
                application = services.submit_application(
                    cohort=cohort,
                    applicant=request.user,
                    role=role,
                    answers=form.answers(),
                    profile=form.profile(),
                    source=form.cleaned_data["source"],
                    submit_token=form.cleaned_data["submit_token"],
                    request=request,
                )
            except services.AlreadyApplied as error:
                context.update(problem=str(error), existing=error.application)
                return render(request, "recruitment/apply.html", context)
            except services.ApplicationsClosed as error:
                context.update(problem=str(error), closed=True)
                return render(request, "recruitment/apply.html", context)
            except services.RecruitmentError as error:  # a rule: grades, consent, one role per cohort
                context.update(problem=str(error), blocked=True)
                return render(request, "recruitment/apply.html", context)
            messages.success(request, _("Thank you! Your application has been received."))
            return redirect("application_detail", application.pk)
    else:
        existing = Application.objects.filter(cohort=cohort, applicant=request.user, role=role).first()
        if existing is not None:
            context["existing"] = existing
            return render(request, "recruitment/apply.html", context)
        if not cohort.accepts_applications():
            deadline = cohort.application_deadline
            context.update(closed=True, deadline_passed=deadline is not None and timezone.now() > deadline)
            return render(request, "recruitment/apply.html", context)
        source = request.GET.get("source", "")
        initial = {"source": source} if source in Application.Source.values else {}
        form = ApplicationForm(initial=initial, questions=questions, program=program)
    context["form"] = form
    return render(request, "recruitment/apply.html", context)


# My applications and decisions -------------------------------------------------------------------


@login_required
def my_applications(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "recruitment/my_applications.html", {"applications": queries.applications_of(request.user)}
    )


def _get_application_for_reader(request: AuthenticatedHttpRequest, pk: int) -> Application:
    """The applicant's own application, or any application a staff member may review. Anyone else: 404."""
    application = policy.get_object_or_404(
        request.user, Application.objects.select_related(*APPLICATION_RELATED), "view", pk=pk
    )
    if application.applicant_id != request.user.pk and not policy.can(request.user, "review", application):
        raise Http404
    return application


AVAILABILITY_LABELS = dict(AVAILABILITY_CHOICES)


def availability_labels(codes: list[str]) -> list[str]:
    """ "mon-lunch" -> "Monday, Lunch", in the reader's language; an unknown code is shown as it is."""
    return [str(AVAILABILITY_LABELS.get(code, code)) for code in codes or []]


def status_label(code: str) -> str:
    """An application status code as its label in the reader's language ("screening" -> "Screening")."""
    return str(Application.Status(code).label) if code in Application.Status.values else code


def _render_detail(
    request: AuthenticatedHttpRequest, application: Application, status_form: StatusForm | None = None
) -> HttpResponse:
    is_applicant = application.applicant_id == request.user.pk
    context: dict[str, Any] = {
        "application": application,
        "program": application.cohort.program,
        "availability": availability_labels(application.availability),
        "is_applicant": is_applicant,
        "can_withdraw": is_applicant
        and Application.Status.WITHDRAWN in services.TRANSITIONS[application.status],
    }
    if not is_applicant:
        # Staff only: the status history (who decided what, and why) and the decision form.
        history = list(queries.application_status_history(application).select_related("actor"))
        for entry in history:
            entry.from_label = status_label(entry.detail.get("from", ""))  # type: ignore[attr-defined]
            entry.to_label = status_label(entry.detail.get("to", ""))  # type: ignore[attr-defined]
        context["history"] = history
        context["can_review"] = policy.can(request.user, "review", application)
        if policy.can(request.user, "decide", application):
            allowed = services.allowed_next_statuses(application)
            context["status_form"] = status_form or StatusForm(allowed=allowed)
            context["allowed_statuses"] = allowed
    return render(request, "recruitment/application_detail.html", context)


@login_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _get_application_for_reader(request, pk)
    services.record_application_view(viewer=request.user, application=application, request=request)
    return _render_detail(request, application)


@login_required
def application_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The applicant takes their application back (a confirmation page first)."""
    application = policy.get_object_or_404(
        request.user,
        Application.objects.filter(applicant_id=request.user.pk).select_related(*APPLICATION_RELATED),
        "view",
        pk=pk,
    )
    if request.method == "POST":
        try:
            services.set_application_status(
                application=application,
                status=Application.Status.WITHDRAWN,
                actor=request.user,
                request=request,
            )
        except services.IllegalTransition as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your application has been withdrawn."))
        return redirect("application_detail", application.pk)
    return render(
        request,
        "recruitment/application_withdraw.html",
        {"application": application, "program": application.cohort.program},
    )


@login_required
@require_POST
def application_set_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = policy.get_object_or_404(
        request.user, Application.objects.select_related(*APPLICATION_RELATED), "decide", pk=pk
    )
    form = StatusForm(request.POST, allowed=services.allowed_next_statuses(application))
    if form.is_valid():
        try:
            services.set_application_status(
                application=application,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                request=request,
            )
        except services.RecruitmentError as error:  # an illegal move, or one role per cohort
            form.add_error("status", str(error))
        else:
            status = application.get_status_display().lower()
            messages.success(request, _("The application is now %(status)s.") % {"status": status})
            return redirect("application_detail", application.pk)
    return _render_detail(request, application, status_form=form)


# Nominations and the funnel ----------------------------------------------------------------------

NOMINATING_ROLES = {Role.STUDENT, *STAFF_ROLES}


@login_required
def nomination_create(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """Staff, educators and students of the program's school suggest a student of that school."""
    program = _get_program(request, program_pk, "view")
    if not policy.roles_in(request.user, program.organization) & NOMINATING_ROLES:
        raise Http404
    form = NominationForm(request.POST or None, organization=program.organization, nominated_by=request.user)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        cohort = _open_cohort(program)
        apply_url = None
        if cohort is not None:
            path = reverse("application_apply", args=[cohort.pk, role])
            apply_url = request.build_absolute_uri(f"{path}?source={Application.Source.NOMINATION}")
        nomination = services.nominate_student(
            program=program,
            nominee=form.cleaned_data["nominee"],
            nominated_by=request.user,
            role=role,
            reason=form.cleaned_data["reason"],
            apply_url=apply_url,
            request=request,
        )
        if nomination.invited_at:
            message = _("Thank you. %(name)s has been invited by e-mail to apply.")
        else:
            message = _("Thank you. The coordinator will see your suggestion of %(name)s.")
        messages.success(request, message % {"name": nomination.nominee})
        return redirect("nomination_create", program.pk)
    return render(request, "recruitment/nomination_create.html", {"program": program, "form": form})


@login_required
def nomination_list(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "oversee")
    return render(
        request,
        "recruitment/nomination_list.html",
        {"program": program, "nominations": queries.nominations_for(program)},
    )


@login_required
def recruitment_funnel(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "oversee")
    rows = queries.recruitment_funnel(program)
    totals = {
        "applications": sum(row.applications for row in rows),
        "reached_interview": sum(row.reached_interview for row in rows),
        "approved": sum(row.approved for row in rows),
    }
    return render(request, "recruitment/funnel.html", {"program": program, "rows": rows, "totals": totals})
