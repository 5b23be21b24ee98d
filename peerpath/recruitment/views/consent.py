"""Guardian consent pages: the coordinator's overview, the guardian's answer (by signed link or
signed in) and the guardian's list of requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.programs.models import Program
from peerpath.recruitment.forms.consent import ConsentAnswerForm, ConsentRequestForm
from peerpath.recruitment.models import Consent
from peerpath.recruitment.services.consent import (
    CONTACT_RULES,
    ConsentError,
    consent_from_token,
    is_answerable,
    minors_needing_consent,
    program_contacts,
    request_consent,
    set_consent_status,
)


def _get_program_for_manager(request: AuthenticatedHttpRequest, program_pk: int) -> Program:
    return policy.get_object_or_404(
        request.user, Program.objects.select_related("organization"), "manage", pk=program_pk
    )


def _get_consent_for_guardian(request: AuthenticatedHttpRequest, pk: int) -> Consent:
    """Only the guardian asked may answer; staff and other guardians get a 404."""
    consents = Consent.objects.filter(guardian=request.user).select_related(
        "program__organization", "student", "guardian"
    )
    return policy.get_object_or_404(request.user, consents, "view", pk=pk)


@login_required
def consent_list(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program_for_manager(request, program_pk)
    cohort = program.current_cohort()
    rows = minors_needing_consent(program, cohort)
    return render(
        request,
        "recruitment/consent/list.html",
        {
            "program": program,
            "cohort": cohort,
            "rows": rows,
            "missing_count": sum(1 for row in rows if row.is_missing),
            "any_under_13": any(row.student.is_under_13 for row in rows),
        },
    )


@login_required
@require_POST
def consent_request(request: AuthenticatedHttpRequest, program_pk: int) -> HttpResponse:
    program = _get_program_for_manager(request, program_pk)
    form = ConsentRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a student to send the request for."))
        return redirect("consent_list", program_pk=program.pk)
    rows = minors_needing_consent(program, program.current_cohort())
    if form.cleaned_data.get("student"):
        chosen = [row for row in rows if row.student.pk == form.cleaned_data["student"]]
        if not chosen:
            raise Http404
    else:
        chosen = [row for row in rows if row.is_missing]
    sent = 0
    for row in chosen:
        result = request_consent(program=program, student=row.student, actor=request.user, request=request)
        sent += len(result.requested)
        if result.no_guardian:
            messages.warning(
                request,
                _("No guardian on file for %(student)s — contact the office.") % {"student": row.student},
            )
    if sent:
        messages.success(
            request,
            ngettext(
                "Consent request sent to %(count)d guardian.",
                "Consent requests sent to %(count)d guardians.",
                sent,
            )
            % {"count": sent},
        )
    elif chosen and not any(not row.guardians for row in chosen):
        messages.info(request, _("Every guardian asked has already given consent."))
    elif not chosen:
        messages.info(request, _("Nobody is waiting for a consent request."))
    return redirect("consent_list", program_pk=program.pk)


def _answer_context(consent: Consent, form: ConsentAnswerForm) -> dict[str, object]:
    return {
        "consent": consent,
        "program": consent.program,
        "form": form,
        "contact_rules": CONTACT_RULES,
        "contacts": program_contacts(consent.program),
    }


def _save_answer(request: HttpRequest, consent: Consent, form: ConsentAnswerForm) -> Consent:
    actor = request.user if request.user.is_authenticated else None
    return set_consent_status(
        consent=consent,
        status=form.cleaned_data["decision"],
        actor=actor,
        preferences=form.preferences(),
        orientation_acknowledged=form.cleaned_data["orientation_acknowledged"],
        request=request,
    )


@never_cache
def consent_respond(request: HttpRequest, token: str) -> HttpResponse:
    """The signed link e-mailed to a guardian. Public by design: the signature is the credential."""
    consent = consent_from_token(token)
    if consent is None:
        return render(request, "recruitment/consent/invalid_link.html", status=410)
    form = ConsentAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = _save_answer(request, consent, form)
        except ConsentError:
            return render(request, "recruitment/consent/invalid_link.html", status=410)
        return render(request, "recruitment/consent/thanks.html", {"consent": consent})
    return render(request, "recruitment/consent/answer.html", _answer_context(consent, form))


@login_required
def my_consents(request: AuthenticatedHttpRequest) -> HttpResponse:
    consents = list(
        policy.scope(request.user, Consent.objects.filter(guardian=request.user))
        .select_related("program", "student")
        .order_by("-created")
    )
    pending = [consent for consent in consents if is_answerable(consent)]
    answered = [consent for consent in consents if not is_answerable(consent)]
    return render(request, "recruitment/consent/my_consents.html", {"pending": pending, "answered": answered})


@login_required
@never_cache
def consent_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consent = _get_consent_for_guardian(request, pk)
    form = ConsentAnswerForm(request.POST or None)
    if not is_answerable(consent):
        return render(request, "recruitment/consent/answer.html", {"consent": consent, "closed": True})
    if request.method == "POST" and form.is_valid():
        try:
            _save_answer(request, consent, form)
        except ConsentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you. Your answer has been recorded."))
        return redirect("my_consents")
    return render(request, "recruitment/consent/answer.html", _answer_context(consent, form))
