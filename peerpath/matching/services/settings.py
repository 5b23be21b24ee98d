"""Writes for a program's matching settings."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from peerpath.accounts.models import User
from peerpath.core.audit import record_audit
from peerpath.matching.models import MatchSettings


def save_settings(
    *, settings: MatchSettings, data: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> list[str]:
    """Store the coordinator's settings; the next round snapshots them. Returns the fields that changed."""
    changed = [name for name, value in data.items() if getattr(settings, name) != value]
    if not changed and settings.pk is not None:
        return []
    old = {name: getattr(settings, name) for name in changed}
    for name in changed:
        setattr(settings, name, data[name])
    with transaction.atomic():
        if settings.pk is None:  # the program's first save: the defaults were only read until now
            settings.save()
        else:
            settings.save(update_fields=[*changed, "updated"])
        record_audit(
            action="matching.settings_changed",
            actor=actor,
            target=settings,
            organization_id=settings.program.organization_id,
            detail={name: [old[name], data[name]] for name in changed},
            request=request,
        )
    return changed
