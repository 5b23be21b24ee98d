"""Reads about people and organizations that more than one caller needs."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from peerpath.accounts.models import GuardianLink, Membership, Organization, User
from peerpath.core import policy
from peerpath.core.roles import STAFF_ROLES, Role


def home_organization_id(user: AbstractBaseUser) -> int | None:
    """The organization a person's events are filed under: their first active membership."""
    return (
        Membership.objects.filter(user_id=user.pk, is_active=True)
        .order_by("created", "id")
        .values_list("organization_id", flat=True)
        .first()
    )


def home_organization(user: AbstractBaseUser) -> Organization | None:
    """The organization of a person's first active membership (where their sign-ins are filed)."""
    membership = (
        Membership.objects.filter(user_id=user.pk, is_active=True)
        .select_related("organization")
        .order_by("created", "id")
        .first()
    )
    return membership.organization if membership else None


def user_by_login(login: str) -> User | None:
    """The account a login name refers to: its username or its e-mail address, any case."""
    if not login:
        return None
    return User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).order_by("pk").first()


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.active().filter(user=user).select_related("organization", "organization__parent")
    )


def organizations_with_counts(organization_ids: list[int]) -> QuerySet[Organization]:
    """Organizations with the number of active students, staff and guardians in each."""
    active = Q(memberships__is_active=True)
    return (
        Organization.objects.filter(pk__in=organization_ids)
        .select_related("parent")
        .annotate(
            student_count=Count("memberships", filter=active & Q(memberships__role=Role.STUDENT)),
            staff_count=Count("memberships", filter=active & Q(memberships__role__in=STAFF_ROLES)),
            guardian_count=Count("memberships", filter=active & Q(memberships__role=Role.GUARDIAN)),
        )
    )


def people_in(organization: Organization, *, search: str = "", role: str = "") -> QuerySet[Membership]:
    """The roster of one organization, searchable by name, username or e-mail."""
    memberships = Membership.objects.filter(organization=organization, is_active=True).select_related("user")
    if role:
        memberships = memberships.filter(role=role)
    if search:
        memberships = memberships.filter(
            Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
            | Q(user__username__icontains=search)
            | Q(user__email__icontains=search)
        )
    return memberships.order_by("user__last_name", "user__first_name", "user__username", "role")


def children_of(guardian: User) -> QuerySet[GuardianLink]:
    return GuardianLink.objects.filter(guardian=guardian).select_related("student", "organization")


def visible_organizations(user: User, action: str = "view") -> QuerySet[Organization]:
    return policy.scope(user, Organization.objects.select_related("parent"), action)
