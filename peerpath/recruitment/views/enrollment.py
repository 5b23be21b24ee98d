"""Enrolling mentees: self-signup, referral by staff and CSV import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.programs.models import Participant, ParticipantRole, Program
from peerpath.recruitment.forms.enrollment import EnrollmentCsvForm, ReferralForm
from peerpath.recruitment.queries.consent import awaits_guardian_consent
from peerpath.recruitment.services.applications import refer_mentee
from peerpath.recruitment.services.enrollment import (
    CSV_HEADER,
    AlreadyEnrolled,
    CsvReport,
    enroll_rows,
    is_student_of,
    sign_up_mentee,
    validate_enrollment_csv,
)
from peerpath.recruitment.services.participation import RecruitmentError


def _get_program(request: AuthenticatedHttpRequest, program_pk: int, action: str) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), action, pk=program_pk
    )


@login_required
def enrollment_join(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """The confirmation page of a self-signup: what joining means, then one button."""
    program = _get_program(request, program_pk, "view")
    cohort = program.current_cohort()
    participant = (
        Participant.objects.filter(cohort=cohort, user=request.user, role=ParticipantRole.MENTEE).first()
        if cohort
        else None
    )
    return render(
        request,
        "programs/enrollment/join.html",
        {
            "program": program,
            "cohort": cohort,
            "participant": participant,
            "is_student": is_student_of(request.user, program),
            "consent_open": bool(participant and awaits_guardian_consent(participant)),
        },
    )


@login_required
@require_POST
def enrollment_signup(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "view")
    cohort = program.current_cohort()
    if cohort is None:
        messages.error(request, _("This program has no cohort to join yet."))
        return redirect("enrollment_join", program_pk=program.pk)
    try:
        sign_up_mentee(cohort=cohort, student=request.user, request=request)
    except AlreadyEnrolled:
        messages.info(request, _("You are already signed up for %(cohort)s.") % {"cohort": cohort})
    except RecruitmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are signed up as a mentee in %(program)s.") % {"program": program})
    return redirect("enrollment_join", program_pk=program.pk)


@login_required
def enrollment_refer(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program(request, program_pk, "oversee")
    cohort = program.current_cohort()
    form = ReferralForm(request.POST or None, program=program)
    if request.method == "POST" and cohort is not None and form.is_valid():
        student = form.cleaned_data["student"]
        try:
            refer_mentee(
                cohort=cohort,
                student=student,
                referred_by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except RecruitmentError as error:
            form.add_error("student", str(error))
        else:
            messages.success(
                request, _("%(student)s is enrolled as a mentee (referral).") % {"student": student}
            )
            return redirect("enrollment_refer", program_pk=program.pk)
    return render(
        request, "programs/enrollment/refer.html", {"program": program, "cohort": cohort, "form": form}
    )


@login_required
def enrollment_csv(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    """Upload, check every line, preview; import when clean or when told to skip the bad lines."""
    program = _get_program(request, program_pk, "manage")
    cohort = program.current_cohort()
    form = EnrollmentCsvForm(request.POST or None, request.FILES or None)
    report = None
    import_error = ""
    if request.method == "POST" and cohort is not None and form.is_valid():
        text = form.cleaned_data["text"]
        skip_problems = form.cleaned_data["import_valid_only"]
        report = validate_enrollment_csv(program=program, cohort=cohort, content=text)
        if report.header_error:
            form.add_error("file", report.header_error)
        else:
            if "import" in request.POST:
                if report.problem_rows and not skip_problems:
                    import_error = _(
                        "Nothing was imported. Fix the lines with problems and upload the file again, "
                        "or tick the box to import the valid rows only."
                    )
                elif not report.importable:
                    import_error = _("Nothing to import: no line is valid.")
                else:
                    checked = {row.line for row in report.valid_rows}
                    participants = enroll_rows(
                        cohort=cohort, report=report, actor=request.user, request=request
                    )
                    _report_import(request, report, participants, checked)
                    return redirect("participant_list", program_pk=program.pk)
            # Keep the content in the page so that the next submit needs no new upload.
            form = EnrollmentCsvForm(initial={"content": text, "import_valid_only": skip_problems})
    return render(
        request,
        "programs/enrollment/csv.html",
        {
            "program": program,
            "cohort": cohort,
            "form": form,
            "report": report,
            "import_error": import_error,
            "header": ",".join(CSV_HEADER),
        },
    )


def _report_import(
    request: AuthenticatedHttpRequest, report: CsvReport, participants: list[Participant], checked: set[int]
) -> None:
    """What the import did; each line it did not enroll: consent asked, or refused since the check."""
    messages.success(
        request,
        ngettext(
            "%(count)d student enrolled as a mentee.",
            "%(count)d students enrolled as mentees.",
            len(participants),
        )
        % {"count": len(participants)},
    )
    for row in report.consent_rows:
        messages.info(
            request, _("Line %(line)d: %(problem)s") % {"line": row.line, "problem": " ".join(row.problems)}
        )
    for row in report.problem_rows:
        if row.line in checked:  # valid at the check, refused at the import (someone changed something)
            messages.warning(
                request,
                _("Line %(line)d: %(problem)s") % {"line": row.line, "problem": " ".join(row.problems)},
            )
