"""Roles a person holds in an organization. Policy rules are written in these terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    EDUCATOR = "educator", _("Educator")
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Guardian")


STAFF_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.EDUCATOR})
MANAGER_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
