import datetime
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerpath.core.models import TimeStampedModel
from peerpath.core.roles import STAFF_ROLES, Role

ADULT_AGE = 18
CHILD_AGE = 13  # under this, guardian consent is required before anything else (COPPA)


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


class User(AbstractUser):
    """A person who can sign in: student, staff member or guardian. Roles come from memberships."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    email = models.EmailField(_("e-mail address"), blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, choices=Language.choices, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
            )
        ]

    tenant_field = "memberships__organization"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def age(self, today: datetime.date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, today or timezone.localdate())

    @property
    def is_minor(self) -> bool:
        """Unknown age counts as a minor: the safe default in a school."""
        age = self.age()
        return age is None or age < ADULT_AGE

    @property
    def is_under_13(self) -> bool:
        age = self.age()
        return age is not None and age < CHILD_AGE


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def schools(self) -> "OrganizationQuerySet":
        return self.exclude(kind=Organization.Kind.DISTRICT)


class Organization(TimeStampedModel):
    """A district, school, university or college. Districts and universities contain others."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        SCHOOL = "school", _("School")
        UNIVERSITY = "university", _("University")
        COLLEGE = "college", _("College")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SCHOOL)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("part of"),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="America/Los_Angeles")

    objects = OrganizationQuerySet.as_manager()

    tenant_field = "pk"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("pk")), name="org_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"timezone": _("Unknown time zone.")}) from None


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True)

    def staff(self) -> "MembershipQuerySet":
        return self.filter(role__in=STAFF_ROLES)

    def students(self) -> "MembershipQuerySet":
        return self.filter(role=Role.STUDENT)


class Membership(TimeStampedModel):
    """A person's role in one organization. The same person may hold several."""

    Role = Role

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    external_id = models.CharField(_("roster id"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    tenant_field = "organization"

    class Meta:
        ordering = ["organization__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__lte=16),
                name="membership_grade_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


class GuardianLink(TimeStampedModel):
    """A guardian's legal link to a student, within the student's school."""

    class Relationship(models.TextChoices):
        PARENT = "parent", _("Parent")
        GUARDIAN = "guardian", _("Legal guardian")
        OTHER = "other", _("Other caregiver")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guardian_of")
    student = models.ForeignKey(User, on_delete=models.CASCADE, related_name="guardians")
    relationship = models.CharField(
        _("relationship"), max_length=16, choices=Relationship.choices, default=Relationship.PARENT
    )

    tenant_field = "organization"

    class Meta:
        ordering = ["student__last_name", "guardian__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardian_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("student")), name="guardian_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.student}"
