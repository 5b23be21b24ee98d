"""Writes of the resource library: adding, changing and removing documents and links.

Uploaded files are stored under a random name (the title names the download), and a replaced or
removed file leaves storage once the change is committed.
"""

import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest

from peerpath.accounts.models import Organization, User
from peerpath.core.audit import record_audit
from peerpath.training.forms.resources import file_extension
from peerpath.training.models import Resource

RESOURCE_FIELDS = ["title", "description", "url", "tags", "audience", "program"]


def _delete_file_on_commit(file: FieldFile) -> None:
    if file.name:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))


def _apply_fields(resource: Resource, fields: dict[str, Any]) -> None:
    for name in RESOURCE_FIELDS:
        setattr(resource, name, fields[name])
    upload = fields.get("file")
    if isinstance(upload, UploadedFile):
        if resource.file:
            _delete_file_on_commit(resource.file)
        upload.name = f"{uuid.uuid4().hex}{file_extension(upload.name or '')}"
        resource.file = upload
    elif upload is False and resource.file:  # "Clear" ticked
        _delete_file_on_commit(resource.file)
        resource.file = None


def create_resource(
    *, organization: Organization, actor: User, fields: dict[str, Any], request: HttpRequest | None = None
) -> Resource:
    resource = Resource(organization=organization)
    with transaction.atomic():
        _apply_fields(resource, fields)
        resource.save()
        record_audit(
            action="resource.created",
            actor=actor,
            target=resource,
            organization_id=organization.pk,
            request=request,
        )
    return resource


def update_resource(
    *, resource: Resource, actor: User, fields: dict[str, Any], request: HttpRequest | None = None
) -> Resource:
    with transaction.atomic():
        _apply_fields(resource, fields)
        resource.save()
        record_audit(
            action="resource.updated",
            actor=actor,
            target=resource,
            organization_id=resource.organization_id,
            request=request,
        )
    return resource


def delete_resource(*, resource: Resource, actor: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        record_audit(
            action="resource.deleted",
            actor=actor,
            target=resource,
            organization_id=resource.organization_id,
            detail={"title": resource.title},
            request=request,
        )
        _delete_file_on_commit(resource.file)
        resource.delete()
