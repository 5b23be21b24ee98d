"""Authorization: the one place that answers "may this user do this to this object" and
"which rows of this model may this user see".

Each app registers its rules (in its `policies.py`, loaded from `AppConfig.ready`). A rule says which
roles, held in the row's organization or in an organization above it (a district admin is an admin
of every school in the district), grant an action, and optionally which rows a person may act on as
themselves (their own record, their child's). Models name the path to their organization in
`tenant_field`. Views never filter by organization themselves: they call `scope` or
`get_object_or_404`, so an object of another organization is a 404, never a 403 that confirms it exists.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

from peerpath.core.roles import STAFF_ROLES, Role

OwnRows = Callable[[Any], Q]


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    own: OwnRows | None = None


_RULES: dict[tuple[str, str], Rule] = {}


def register(model_label: str, action: str, *, roles: Iterable[str], own: OwnRows | None = None) -> None:
    """Declare who may `action` rows of `model_label` ("app_label.modelname")."""
    _RULES[(model_label.lower(), action)] = Rule(roles=frozenset(roles), own=own)


def _rule(model: type[models.Model], action: str) -> Rule:
    try:
        return _RULES[(model._meta.label_lower, action)]
    except KeyError:
        raise ImproperlyConfigured(f"No policy rule for {action!r} on {model._meta.label}") from None


def organization_ids(user: Any, roles: Iterable[str]) -> list[int]:
    """Organizations where `user` holds one of `roles`, directly or through a parent organization.

    The person's memberships and each answer are cached on the user object, which lives for one request.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    cache: dict[Any, Any] = user.__dict__.setdefault("_policy_cache", {})
    if "memberships" not in cache:
        cache["memberships"] = list(
            user.memberships.filter(is_active=True).values_list("organization_id", "role")
        )
    wanted = frozenset(roles)
    if wanted not in cache:
        direct = frozenset(org_id for org_id, role in cache["memberships"] if role in wanted)
        if direct not in cache:
            cache[direct] = sorted(with_descendants(set(direct)))
        cache[wanted] = cache[direct]
    return cache[wanted]


def with_descendants(organization_ids: set[int]) -> set[int]:
    """The organizations given and every organization below them."""
    organization = apps.get_model("accounts", "Organization")
    found = set(organization_ids)
    frontier = set(organization_ids)
    while frontier:
        children = set(
            organization.objects.filter(parent_id__in=frontier).order_by().values_list("id", flat=True)
        )
        frontier = children - found
        found |= frontier
    return found


def roles_in(user: Any, organization: models.Model) -> set[str]:
    """The roles `user` holds in `organization` (including those inherited from a parent)."""
    return {role for role in Role.values if organization.pk in organization_ids(user, [role])}


def is_staff(user: Any) -> bool:
    return bool(organization_ids(user, STAFF_ROLES))


def _is_multivalued(model: type[models.Model], path: str) -> bool:
    current = model
    for part in path.split("__"):
        if part == "pk":
            return False
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation or field.related_model is None:
            return False
        current = field.related_model
    return False


def scope[M: models.Model](
    user: Any, queryset: models.QuerySet[M], action: str = "view"
) -> models.QuerySet[M]:
    """The rows of `queryset` that `user` may `action`."""
    model = queryset.model
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    rule = _rule(model, action)
    tenant_field: str = model.tenant_field  # type: ignore[attr-defined]
    condition = Q(**{f"{tenant_field}__in": organization_ids(user, rule.roles)})
    if rule.own is not None:
        condition |= rule.own(user)
    if rule.own is None and not _is_multivalued(model, tenant_field):
        return queryset.filter(condition)
    # A condition across a to-many relation would repeat rows; a subquery keeps each row once.
    return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))


def get_object_or_404[M: models.Model](
    user: Any, queryset: models.QuerySet[M] | type[M], action: str = "view", **lookup: Any
) -> M:
    """One row that `user` may `action`, or 404 whether it is missing or belongs to someone else."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        return scope(user, queryset, action).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404 from None


def can(user: Any, action: str, obj: models.Model) -> bool:
    """Whether `user` may `action` `obj`; the answer is kept for the rest of the request (on the user)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cache: dict[Any, Any] = user.__dict__.setdefault("_policy_cache", {})
    key = ("can", action, obj._meta.label, obj.pk)
    if key not in cache:
        cache[key] = scope(user, type(obj)._default_manager.filter(pk=obj.pk), action).exists()
    return bool(cache[key])
