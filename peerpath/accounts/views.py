from typing import Any

from allauth.account.views import PasswordResetFromKeyView
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from peerpath.accounts.forms import LanguageForm, PeopleSearchForm
from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.accounts.models import Organization, User
from peerpath.accounts.queries import organizations_with_counts, people_in
from peerpath.accounts.services.profile import record_student_record_view, set_preferred_language
from peerpath.core import policy
from peerpath.core.audit import record_audit
from peerpath.core.roles import STAFF_ROLES

PEOPLE_PAGE_SIZE = 25


def _get_organization_for_staff(request: HttpRequest, slug: str) -> Organization:
    return policy.get_object_or_404(request.user, Organization, "staff", slug=slug)


@login_required
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization_ids = policy.organization_ids(request.user, STAFF_ROLES)
    organizations = organizations_with_counts(organization_ids).order_by("parent__name", "name")
    return render(request, "accounts/organization_list.html", {"organizations": organizations})


@login_required
def organization_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = _get_organization_for_staff(request, slug)
    counted = organizations_with_counts([organization.pk]).get()
    children = organizations_with_counts(list(organization.children.values_list("pk", flat=True))).order_by(
        "name"
    )
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": counted,
            "children": children,
            "roles_here": policy.roles_in(request.user, organization),
        },
    )


@login_required
def people(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The roster of a school; the search box updates the table in place (htmx)."""
    organization = _get_organization_for_staff(request, slug)
    form = PeopleSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    memberships = people_in(organization, search=filters.get("q", ""), role=filters.get("role", ""))
    page = Paginator(memberships, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "accounts/people.html#results" if request.headers.get("HX-Request") else "accounts/people.html"
    context = {"organization": organization, "form": form, "page": page, "query": query.urlencode()}
    return render(request, template, context)


@login_required
def person_detail(request: AuthenticatedHttpRequest, slug: str, user_id: int) -> HttpResponse:
    organization = _get_organization_for_staff(request, slug)
    person = policy.get_object_or_404(
        request.user, User.objects.filter(memberships__organization=organization).distinct(), pk=user_id
    )
    visible_org_ids = policy.organization_ids(request.user, STAFF_ROLES)
    memberships = person.memberships.filter(organization_id__in=visible_org_ids).select_related(
        "organization"
    )
    guardians = person.guardians.filter(organization_id__in=visible_org_ids).select_related("guardian")
    children = person.guardian_of.filter(organization_id__in=visible_org_ids).select_related("student")
    record_student_record_view(
        viewer=request.user, student=person, organization=organization, request=request
    )
    return render(
        request,
        "accounts/person_detail.html",
        {
            "organization": organization,
            "person": person,
            "memberships": memberships,
            "guardians": guardians,
            "children": children,
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; saved on the account when signed in, in a cookie otherwise."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        set_preferred_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=request.is_secure(), httponly=True
    )
    return response


class AuditedPasswordResetFromKeyView(PasswordResetFromKeyView):
    """allauth's reset page, plus an audit row when the link is expired, used or tampered with."""

    def dispatch(self, request: HttpRequest, uidb36: str, key: str, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(request, uidb36, key, **kwargs)
        if getattr(self, "reset_user", "") is None:
            record_audit(action="password_reset.bad_link", request=request, detail={"uid": uidb36[:20]})
        return response
