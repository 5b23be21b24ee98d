"""The resource library: documents and links for mentors and mentees, and the pages that manage them.

Who sees what: staff see every resource of their schools; a student or guardian sees those meant for
everyone, plus the mentors' ones if they mentor and the mentees' ones if they are mentored, in that
school. A resource tied to a program is shown to that program's participants only.
"""

import copy
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from peerpath.accounts.http import AuthenticatedHttpRequest
from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES
from peerpath.programs.models import Participant, ParticipantRole
from peerpath.programs.queries.programs import manager_organizations
from peerpath.training.forms.resources import FILE_TYPES, ResourceForm, ResourceSearchForm, file_extension
from peerpath.training.models import Resource
from peerpath.training.services.resources import create_resource, delete_resource, update_resource

RESOURCE_PAGE_SIZE = 25
Audience = Resource.Audience


def _visible_resources(user: Any) -> QuerySet[Resource]:
    """The resources `user` may see and that are meant for them (see the module docstring)."""
    participations = Participant.objects.filter(user=user, status=Participant.Status.ENROLLED)

    def organizations_where(role: str) -> QuerySet[Participant, Any]:
        return participations.filter(role=role).values("cohort__program__organization")

    meant_for_them = (
        Q(audience=Audience.EVERYONE)
        | Q(audience=Audience.MENTORS, organization__in=organizations_where(ParticipantRole.MENTOR))
        | Q(audience=Audience.MENTEES, organization__in=organizations_where(ParticipantRole.MENTEE))
    ) & (Q(program__isnull=True) | Q(program__in=participations.values("cohort__program")))
    staff = Q(organization__in=policy.organization_ids(user, STAFF_ROLES))
    return policy.scope(user, Resource.objects.all(), "view").filter(staff | meant_for_them)


def _with_tag(resources: QuerySet[Resource], tag: str) -> QuerySet[Resource]:
    if connection.features.supports_json_field_contains:
        return resources.filter(tags__contains=[tag])
    # SQLite: tags are stored as JSON text, in which a tag appears quoted (and escaped) exactly like this.
    return resources.filter(tags__icontains=json.dumps(tag))


def _get_visible_resource(request: AuthenticatedHttpRequest, pk: int) -> Resource:
    return policy.get_object_or_404(
        request.user, _visible_resources(request.user).select_related("organization", "program"), pk=pk
    )


def _get_managed_resource(request: AuthenticatedHttpRequest, pk: int) -> Resource:
    return policy.get_object_or_404(
        request.user, Resource.objects.select_related("organization", "program"), "manage", pk=pk
    )


@login_required
def resource_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search by text and tag; the search form updates the results in place (htmx)."""
    visible = _visible_resources(request.user)
    tags = sorted({tag for row in visible.values_list("tags", flat=True) for tag in row or []})
    form = ResourceSearchForm(request.GET or None, tags=tags)
    filters = form.cleaned_data if form.is_valid() else {}
    resources = visible.select_related("organization", "program")
    if search := filters.get("q", "").strip():
        resources = resources.filter(Q(title__icontains=search) | Q(description__icontains=search))
    if tag := filters.get("tag"):
        resources = _with_tag(resources, tag)
    page = Paginator(resources.order_by("title", "pk"), RESOURCE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "training/resources/list.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "managed_ids": policy.organization_ids(request.user, MANAGER_ROLES),
        "is_filtered": bool(search or tag),
    }
    return render(request, template, context)


@login_required
def resource_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resource = _get_visible_resource(request, pk)
    can_manage = resource.organization_id in policy.organization_ids(request.user, MANAGER_ROLES)
    return render(request, "training/resources/detail.html", {"resource": resource, "can_manage": can_manage})


@login_required
def resource_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The resource's file as a download, only to those who may see the resource."""
    resource = _get_visible_resource(request, pk)
    if not resource.file:
        raise Http404
    extension = file_extension(resource.file.name or "")
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(resource.title) or 'resource'}{extension}",
        content_type=FILE_TYPES.get(extension, "application/octet-stream"),
    )


@login_required
def resource_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organizations = manager_organizations(request.user)
    if not organizations:
        raise Http404
    form = ResourceForm(request.POST or None, request.FILES or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        resource = create_resource(
            organization=form.resource_organization(),
            actor=request.user,
            fields=form.resource_fields(),
            request=request,
        )
        messages.success(request, _("The resource is in the library."))
        return redirect("resource_detail", resource.pk)
    return render(request, "training/resources/form.html", {"form": form, "resource": None})


@login_required
def resource_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resource = _get_managed_resource(request, pk)
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        instance=copy.copy(resource),  # a failed submit must not rename the page's heading
    )
    if request.method == "POST" and form.is_valid():
        update_resource(resource=resource, actor=request.user, fields=form.resource_fields(), request=request)
        messages.success(request, _("Changes saved."))
        return redirect("resource_detail", resource.pk)
    return render(request, "training/resources/form.html", {"form": form, "resource": resource})


@login_required
def resource_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resource = _get_managed_resource(request, pk)
    if request.method == "POST":
        delete_resource(resource=resource, actor=request.user, request=request)
        messages.success(request, _("The resource was deleted."))
        return redirect("resource_list")
    return render(request, "training/resources/confirm_delete.html", {"resource": resource})
