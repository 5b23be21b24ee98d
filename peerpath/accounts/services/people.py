"""Deactivating and reactivating a person: the one place both the people pages and the roster import use.

Deactivation never deletes: every application, match, log and audit row stays. It turns off the person's
memberships in the organization (and its schools), ends every session they have at once, and, when no
active membership is left anywhere, turns the account off so no session or sign-in works any more.
"""

from dataclasses import dataclass, field

from allauth.usersessions.models import UserSession
from django.db import transaction
from django.http import HttpRequest

from peerpath.accounts.impact import OpenItem, open_items, subtree_ids
from peerpath.accounts.models import Membership, Organization, User
from peerpath.core.audit import record_audit

REASON_MAX_LENGTH = 500


@dataclass
class DeactivationResult:
    person: User
    memberships_changed: int
    account_disabled: bool
    sessions_ended: int
    open_items: list[OpenItem] = field(default_factory=list)


def end_sessions(person: User) -> int:
    """End every signed-in session of the person, now (allauth.usersessions knows which they are)."""
    ended = 0
    for session in UserSession.objects.filter(user_id=person.pk):
        session.end()  # deletes the session from the session store too, not only allauth's row
        ended += 1
    return ended


@transaction.atomic
def deactivate_person(
    *,
    person: User,
    organization: Organization,
    actor: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
    source: str = "people_page",
) -> DeactivationResult:
    organization_ids = subtree_ids(organization)
    changed = Membership.objects.filter(
        user=person, organization_id__in=organization_ids, is_active=True
    ).update(is_active=False)
    account_disabled = False
    if person.is_active and not person.memberships.filter(is_active=True).exists():
        person.is_active = False
        person.save(update_fields=["is_active"])
        account_disabled = True
    sessions_ended = end_sessions(person)
    items = open_items(person, organization)
    record_audit(
        action="person.deactivated",
        actor=actor,
        target=person,
        organization_id=organization.pk,
        request=request,
        detail={
            "reason": reason[:REASON_MAX_LENGTH],
            "source": source,
            "memberships": changed,
            "account_disabled": account_disabled,
            "sessions_ended": sessions_ended,
            "open_items": len(items),
        },
    )
    return DeactivationResult(person, changed, account_disabled, sessions_ended, items)


@transaction.atomic
def reactivate_person(
    *,
    person: User,
    organization: Organization,
    actor: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
    source: str = "people_page",
) -> int:
    """Turn the person's memberships in the organization (and its schools) back on, and their account."""
    changed = Membership.objects.filter(
        user=person, organization_id__in=subtree_ids(organization), is_active=False
    ).update(is_active=True)
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
    record_audit(
        action="person.reactivated",
        actor=actor,
        target=person,
        organization_id=organization.pk,
        request=request,
        detail={"reason": reason[:REASON_MAX_LENGTH], "source": source, "memberships": changed},
    )
    return changed
