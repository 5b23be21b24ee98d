"""Reads of the audit trail."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from peerpath.core.models import AuditEntry


def search_audit(
    organization_ids: list[int],
    *,
    q: str = "",
    action: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.for_organizations(organization_ids).select_related("target_type")
    if q:
        entries = entries.filter(Q(actor_label__icontains=q) | Q(target_label__icontains=q))
    if action:
        entries = entries.filter(action__startswith=action)
    if since:
        entries = entries.filter(created__date__gte=since)
    if until:
        entries = entries.filter(created__date__lte=until)
    return entries


def audit_actions(organization_ids: list[int]) -> list[Any]:
    return list(
        AuditEntry.objects.for_organizations(organization_ids)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
