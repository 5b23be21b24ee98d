from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.core.models import TimeStampedModel
from peerpath.programs.models import Cohort


class Match(TimeStampedModel):
    """A mentoring relationship. The status changes only in `mentorships.services.set_match_status`.

    The matching issue extends this (rounds, proposals); the relationship issue adds agreements,
    meetings and closure.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="matches")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matches_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matches_as_mentee"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    subject = models.CharField(_("subject"), max_length=100, blank=True)  # peer tutoring: one per subject
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "cohort__program__organization"

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "mentor", "mentee", "subject"],
                condition=~models.Q(status="closed"),
                name="match_open_once_per_pair",
            ),
            models.CheckConstraint(condition=~models.Q(mentor=models.F("mentee")), name="match_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} ↔ {self.mentee}"
