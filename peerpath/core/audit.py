"""Writing the audit trail. Every status change and every staff read of a student record calls this."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from peerpath.core.models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, read through allauth so that trusted proxies are accounted for."""
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or None
    except PermissionDenied:  # a spoofed or missing address
        return None


def record_audit(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    organization_id: int | None = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one row to the audit trail. `actor` may be None (anonymous or the system)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else ""),
        organization_id=organization_id,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        detail=detail or {},
        ip_address=client_ip(request),
    )
