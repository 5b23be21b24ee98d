"""The audit trail of an organization, for its administrators."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.accounts.models import Organization
from peerpath.core import policy
from peerpath.core.forms import AuditSearchForm
from peerpath.core.queries import audit_actions, search_audit

AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Search the audit trail of an organization (and the organizations below it). Admins only."""
    organization = policy.get_object_or_404(request.user, Organization, "audit", slug=slug)
    organization_ids = sorted(policy.with_descendants({organization.pk}))
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = search_audit(
        organization_ids,
        q=filters.get("q", ""),
        action=filters.get("action", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "site/audit_log.html",
        {
            "organization": organization,
            "form": form,
            "page": page,
            "actions": audit_actions(organization_ids),
            "query": query.urlencode(),
        },
    )
