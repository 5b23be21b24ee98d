"""Certificates of completed training: issue one, download it as PDF, verify it (public)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.accounts.services.profile import record_student_record_view
from peerpath.core import policy
from peerpath.training.models import Certificate, Completion
from peerpath.training.services.certificates import (
    NothingToCertify,
    certificate_from_code,
    certificate_organization,
    issue_certificate,
    modules_with_dates,
    render_pdf,
    verification_code,
)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: what a certificate would list, and the certificates issued so far. POST: issue one."""
    organization = certificate_organization(request.user)
    if request.method == "POST":
        try:
            certificate = issue_certificate(user=request.user, organization=organization, request=request)
        except NothingToCertify as refusal:
            messages.error(request, str(refusal))
            return redirect("certificate_issue")
        messages.success(request, _("Your certificate is ready."))
        return redirect("certificate_pdf", certificate.pk)
    completions = []
    if organization is not None:
        completions = list(
            Completion.objects.filter(user=request.user, module__organization=organization)
            .select_related("module")
            .order_by("completed_at", "module__title")
        )
    today = timezone.localdate()
    certificates = Certificate.objects.filter(user=request.user).select_related("organization")
    return render(
        request,
        "training/certificates/issue.html",
        {
            "organization": organization,
            "current": [c for c in completions if c.is_valid_on(today)],
            "expired": [c for c in completions if not c.is_valid_on(today)],
            "certificates": [
                (certificate, reverse("certificate_verify", args=[verification_code(certificate)]))
                for certificate in certificates
            ],
        },
    )


@login_required
@require_GET
def certificate_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = policy.get_object_or_404(
        request.user, Certificate.objects.select_related("organization", "user"), "view", pk=pk
    )
    record_student_record_view(
        viewer=request.user, student=certificate.user, organization=certificate.organization, request=request
    )
    html = render_to_string(
        "training/certificates/certificate.html", certificate_context(request, certificate), request=request
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}.pdf"'
    return response


def certificate_context(request: HttpRequest, certificate: Certificate) -> dict[str, object]:
    code = verification_code(certificate)
    return {
        "certificate": certificate,
        "modules": modules_with_dates(certificate),
        "verify_url": request.build_absolute_uri(reverse("certificate_verify", args=[code])),
    }


@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone holding the printed certificate may check it was issued as it reads."""
    certificate = certificate_from_code(code)
    context = {
        "certificate": certificate,
        "modules": modules_with_dates(certificate) if certificate else [],
    }
    return render(request, "training/certificates/verify.html", context, status=200 if certificate else 404)
