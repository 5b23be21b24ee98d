"""Screening pages: review table, rubric, interviews, references, background checks, attention list."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.accounts.models import Organization, User
from peerpath.accounts.services.profile import record_student_record_view
from peerpath.core import policy
from peerpath.programs.models import Cohort, Program
from peerpath.recruitment.forms.screening import (
    BackgroundCheckForm,
    BulkStatusForm,
    InterviewScheduleForm,
    InterviewScoreForm,
    ReferenceRequestForm,
    ReferenceResponseForm,
    ReviewFilterForm,
    RubricCriterionForm,
)
from peerpath.recruitment.models import Application, BackgroundCheck, Interview, RubricCriterion
from peerpath.recruitment.queries.screening import (
    CHECK_LABELS,
    criterion_averages,
    interviewer_choices,
    order_review_rows,
    review_rows,
    rubric_of,
    screening_record,
)
from peerpath.recruitment.services.screening import (
    InvalidReferenceLink,
    ScreeningError,
    add_rubric_criterion,
    bulk_set_application_status,
    delete_rubric_criterion,
    legal_bulk_moves,
    legal_moves,
    move_rubric_criterion,
    record_background_check,
    record_interview_scores,
    record_reference_response,
    reference_from_token,
    request_reference,
    schedule_interview,
    update_background_check,
    update_rubric_criterion,
)

REVIEW_PAGE_SIZE = 50
# Columns of the review table: sort key -> label (the ordering itself is queries.order_review_rows).
REVIEW_COLUMNS: dict[str, Any] = {
    "applicant": gettext_lazy("Applicant"),
    "role": gettext_lazy("Role"),
    "status": gettext_lazy("Status"),
    "source": gettext_lazy("Source"),
    "submitted": gettext_lazy("Submitted"),
    "overall": gettext_lazy("Overall average"),
    "references": gettext_lazy("References received"),
    "check": gettext_lazy("Background check"),
}


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _get_program(request: AuthenticatedHttpRequest, program_pk: int, action: str) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), action, pk=program_pk
    )


def _get_application(request: AuthenticatedHttpRequest, pk: int, action: str) -> Application:
    return policy.get_object_or_404(
        request.user,
        Application.objects.select_related("applicant", "cohort__program__organization"),
        action,
        pk=pk,
    )


def may_manage_checks(user: Any, organization_id: int) -> bool:
    """Background checks are managed by the school's managers (the BackgroundCheck "manage" rule)."""
    return policy.scope(user, Organization.objects.filter(pk=organization_id), "manage").exists()


def chosen_cohort(program: Program, form: ReviewFilterForm) -> Cohort | None:
    if form.is_valid() and form.cleaned_data.get("cohort"):
        return form.cleaned_data["cohort"]
    return program.current_cohort()


# Review table --------------------------------------------------------------------------------------


def _sort_header(key: str, label: Any, current: str, query: QueryDict) -> dict[str, Any]:
    descending = current == f"-{key}"
    active = current in {key, f"-{key}"}
    params = query.copy()
    params.pop("page", None)
    params["sort"] = key if descending or not active else f"-{key}"
    return {
        "key": key,
        "label": label,
        "url": "?" + params.urlencode(),
        "aria_sort": ("descending" if descending else "ascending") if active else "",
    }


@login_required
@require_GET
def application_review(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """Every application of a cohort with interview averages, references and checks; sortable, filterable."""
    program = _get_program(request, program_pk, "oversee")
    cohorts = program.cohorts.order_by("-starts_on", "-id")
    form = ReviewFilterForm(request.GET or None, cohorts=cohorts)
    filters = form.cleaned_data if form.is_valid() else {}
    cohort = chosen_cohort(program, form)
    criteria = list(rubric_of(program))
    applications = review_rows(
        program,
        cohort,
        search=filters.get("q", ""),
        role=filters.get("role", ""),
        status=filters.get("status", ""),
    )

    applications, sort = order_review_rows(applications, request.GET.get("sort", "applicant"), criteria)

    page = Paginator(applications, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    averages = criterion_averages(application.pk for application in page.object_list)
    rows = [
        {
            "application": application,
            "criterion_averages": [averages.get(application.pk, {}).get(c.pk) for c in criteria],
            "check_label": CHECK_LABELS[application.check_state],  # type: ignore[attr-defined]
            "moves": " ".join(legal_moves(application)),
        }
        for application in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.setdefault("sort", sort)
    headers = {key: _sort_header(key, label, sort, query) for key, label in REVIEW_COLUMNS.items()}
    criterion_headers = [_sort_header(f"c{c.pk}", c.name, sort, query) for c in criteria]
    can_decide = policy.scope(request.user, Program.objects.filter(pk=program.pk), "manage").exists()
    context = {
        "program": program,
        "cohort": cohort,
        "form": form,
        "page": page,
        "rows": rows,
        "headers": headers,
        "criterion_headers": criterion_headers,
        "query": query.urlencode(),
        "can_decide": can_decide,
        "can_see_checks": may_manage_checks(request.user, program.organization_id),
        "statuses": [
            (status, Application.Status(status).label) for status in legal_bulk_moves(page.object_list)
        ],
        "review_url": request.get_full_path(),
    }
    template = "recruitment/screening/review.html"
    return render(request, f"{template}#table" if _htmx(request) else template, context)


@login_required
@require_POST
def application_bulk_status(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """Move the ticked applications to one status; the ones that may not move are named in the message."""
    program = _get_program(request, program_pk, "manage")
    review_url = reverse("application_review", args=[program.pk])
    decidable = policy.scope(
        request.user,
        Application.objects.filter(cohort__program=program).select_related("applicant", "cohort__program"),
        "decide",
    )
    form = BulkStatusForm(request.POST, applications=decidable)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_safe_next(request, review_url))
    status = form.cleaned_data["status"]
    selected = sorted(form.cleaned_data["applications"], key=lambda a: (a.applicant.last_name, a.pk))
    result = bulk_set_application_status(
        applications=selected, status=status, actor=request.user, request=request
    )
    label = Application.Status(status).label.lower()
    parts = [
        ngettext("%(count)d moved to %(status)s", "%(count)d moved to %(status)s", len(result.moved))
        % {"count": len(result.moved), "status": label}
    ]
    for application, reason in result.skipped:
        parts.append(f"{application.applicant}: {reason[:1].lower()}{reason[1:]}")
    level = messages.WARNING if result.skipped else messages.SUCCESS
    messages.add_message(request, level, "; ".join(parts))
    return redirect(_safe_next(request, review_url))


# Rubric --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "manage")
    form = RubricCriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        criterion = add_rubric_criterion(program=program, **form.cleaned_data)
        messages.success(request, _("Added “%(name)s” to the rubric.") % {"name": criterion.name})
        return redirect("rubric_edit", program.pk)
    criteria = list(rubric_of(program))
    return render(
        request, "recruitment/screening/rubric.html", {"program": program, "criteria": criteria, "form": form}
    )


def _get_criterion(request: AuthenticatedHttpRequest, pk: int) -> RubricCriterion:
    return policy.get_object_or_404(
        request.user, RubricCriterion.objects.select_related("program"), "manage", pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric_criterion_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = _get_criterion(request, pk)
    form = RubricCriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        update_rubric_criterion(criterion=criterion, **form.cleaned_data)
        messages.success(request, _("Saved “%(name)s”.") % {"name": criterion.name})
        return redirect("rubric_edit", criterion.program_id)
    return render(
        request,
        "recruitment/screening/criterion_form.html",
        {"program": criterion.program, "criterion": criterion, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric_criterion_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = _get_criterion(request, pk)
    if request.method == "POST":
        program_id = criterion.program_id
        delete_rubric_criterion(criterion=criterion, actor=request.user, request=request)
        messages.success(request, _("Deleted “%(name)s”.") % {"name": criterion.name})
        return redirect("rubric_edit", program_id)
    return render(
        request,
        "recruitment/screening/criterion_delete.html",
        {"program": criterion.program, "criterion": criterion, "score_count": criterion.scores.count()},
    )


@login_required
@require_POST
def rubric_criterion_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = _get_criterion(request, pk)
    move_rubric_criterion(criterion=criterion, up=request.POST.get("direction") == "up")
    return redirect("rubric_edit", criterion.program_id)


# An application's screening record ---------------------------------------------------------------


def _render_screening(
    request: AuthenticatedHttpRequest,
    application: Application,
    *,
    schedule_form: InterviewScheduleForm | None = None,
    reference_form: ReferenceRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    program = application.cohort.program
    can_decide = policy.can(request.user, "decide", application)
    if can_decide and schedule_form is None:
        schedule_form = InterviewScheduleForm(
            interviewers=interviewer_choices(program), application=application
        )
    context = {
        "application": application,
        "program": program,
        "can_decide": can_decide,
        "can_manage_checks": may_manage_checks(request.user, program.organization_id),
        "schedule_form": schedule_form,
        "reference_form": reference_form or ReferenceRequestForm(),
        **screening_record(application, request.user),
    }
    return render(request, "recruitment/screening/application.html", context, status=status)


@login_required
@require_GET
def application_screening(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Interviews, scores, references and checks of one application: staff only."""
    application = _get_application(request, pk, "review")
    record_student_record_view(
        viewer=request.user,
        student=application.applicant,
        organization=application.cohort.program.organization,
        request=request,
    )
    return _render_screening(request, application)


@login_required
@require_POST
def interview_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _get_application(request, pk, "decide")
    form = InterviewScheduleForm(
        request.POST, interviewers=interviewer_choices(application.cohort.program), application=application
    )
    if form.is_valid():
        try:
            interview = schedule_interview(
                application=application,
                interviewer=form.cleaned_data["interviewer"],
                scheduled_at=form.cleaned_data["scheduled_at"],
                location=form.cleaned_data["location"],
                actor=request.user,
                request=request,
            )
        except ScreeningError as error:
            form.add_error("interviewer", str(error))
        else:
            messages.success(
                request,
                _("Interview with %(interviewer)s scheduled.") % {"interviewer": interview.interviewer},
            )
            return redirect("application_screening", application.pk)
    return _render_screening(request, application, schedule_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def interview_score(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The interviewer (or a manager) scores each rubric criterion 1–5."""
    interview = policy.get_object_or_404(
        request.user,
        Interview.objects.select_related(
            "application__applicant", "application__cohort__program", "interviewer"
        ),
        "score",
        pk=pk,
    )
    program = interview.application.cohort.program
    criteria = list(rubric_of(program))
    existing = {score.criterion_id: score for score in interview.scores.all()}
    form = InterviewScoreForm(
        request.POST or None,
        criteria=criteria,
        initial_scores=existing,
        initial={"comments": interview.comments},
    )
    if request.method == "POST" and form.is_valid():
        record_interview_scores(
            interview=interview,
            scores=form.scores(),
            comments=form.cleaned_data["comments"],
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Scores saved."))
        if policy.can(request.user, "review", interview.application):
            return redirect("application_screening", interview.application_id)
        return redirect("interview_score", interview.pk)
    return render(
        request,
        "recruitment/screening/interview_score.html",
        {
            "interview": interview,
            "program": program,
            "form": form,
            "criteria": criteria,
            "can_edit_rubric": not criteria and policy.can(request.user, "manage", program),
        },
        status=400 if form.is_bound else 200,
    )


# References ----------------------------------------------------------------------------------------


@login_required
@require_POST
def reference_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _get_application(request, pk, "review")
    form = ReferenceRequestForm(request.POST)
    if not form.is_valid():
        return _render_screening(request, application, reference_form=form, status=400)
    reference = request_reference(
        application=application,
        actor=request.user,
        base_url=request.build_absolute_uri("/"),
        request=request,
        **form.cleaned_data,
    )
    messages.success(request, _("Reference request sent to %(email)s.") % {"email": reference.email})
    return redirect("application_screening", application.pk)


@require_http_methods(["GET", "POST"])
def reference_respond(request: HttpRequest, token: str) -> HttpResponse:
    """Public: a referee answers through the one-time signed link from their e-mail."""
    try:
        reference = reference_from_token(token)
    except InvalidReferenceLink:
        return render(request, "recruitment/screening/reference_invalid.html", status=410)
    form = ReferenceResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_reference_response(token=token, request=request, **form.cleaned_data)
        except InvalidReferenceLink:
            return render(request, "recruitment/screening/reference_invalid.html", status=410)
        return render(request, "recruitment/screening/reference_thanks.html", {"reference": reference})
    return render(
        request,
        "recruitment/screening/reference_form.html",
        {
            "reference": reference,
            "applicant": reference.application.applicant,
            "program": reference.application.cohort.program,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


# Background checks ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def background_check_add(request: AuthenticatedHttpRequest, program_pk: int, user_id: int) -> HttpResponse:
    program = _get_program(request, program_pk, "oversee")
    organization = policy.get_object_or_404(request.user, Organization, "manage", pk=program.organization_id)
    candidates = User.objects.filter(
        Q(pk__in=Application.objects.filter(cohort__program=program).values("applicant_id"))
        | Q(pk__in=program.cohorts.values("participants__user_id"))
    )
    person = policy.get_object_or_404(request.user, candidates, pk=user_id)
    back = _safe_next(request, reverse("screening_attention", args=[program.pk]))
    form = BackgroundCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_background_check(
            organization_id=organization.pk,
            person=person,
            data=form.cleaned_data,
            actor=request.user,
            request=request,
        )
        messages.success(request, _("Background check recorded for %(person)s.") % {"person": person})
        return HttpResponseRedirect(back)
    return render(
        request,
        "recruitment/screening/check_form.html",
        {"program": program, "person": person, "form": form, "back": back},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def background_check_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    check = policy.get_object_or_404(
        request.user, BackgroundCheck.objects.select_related("person", "organization"), "manage", pk=pk
    )
    back = _safe_next(request, reverse("home"))
    form = BackgroundCheckForm(request.POST or None, instance=check)
    if request.method == "POST" and form.is_valid():
        update_background_check(check=check, data=form.cleaned_data, actor=request.user, request=request)
        messages.success(request, _("Background check saved for %(person)s.") % {"person": check.person})
        return HttpResponseRedirect(back)
    return render(
        request,
        "recruitment/screening/check_form.html",
        {"check": check, "person": check.person, "form": form, "back": back},
        status=400 if form.is_bound else 200,
    )
