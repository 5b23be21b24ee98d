from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from peerpath.core import policy
from peerpath.core.roles import STAFF_ROLES, Role


def _navigation(user: Any) -> dict[str, Any]:
    from peerpath.accounts.models import Organization

    staff_org_ids = policy.organization_ids(user, STAFF_ROLES)
    admin_org_ids = policy.organization_ids(user, [Role.ADMIN])
    organizations = {
        org.pk: org for org in Organization.objects.filter(pk__in=staff_org_ids).only("name", "slug", "kind")
    }
    return {
        "staff_organizations": [organizations[pk] for pk in staff_org_ids if pk in organizations],
        "audit_organizations": [organizations[pk] for pk in admin_org_ids if pk in organizations],
        "is_guardian": bool(policy.organization_ids(user, [Role.GUARDIAN])),
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the menu offers this person; computed only when a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {"nav": SimpleLazyObject(lambda: _navigation(user))}
