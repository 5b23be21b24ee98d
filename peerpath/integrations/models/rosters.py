from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import Organization
from peerpath.core.models import TimeStampedModel


class RosterImport(TimeStampedModel):
    """One roster upload (OneRoster ZIP or plain CSV): who, when, what it changed or why it was refused."""

    class Format(models.TextChoices):
        ONEROSTER = "oneroster", _("OneRoster")
        CSV = "csv", _("CSV")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        PREVIEWED = "previewed", _("Checked, not imported yet")
        SUCCEEDED = "succeeded", _("Imported")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roster_imports")
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    dry_run = models.BooleanField(_("preview only"), default=False)
    file = models.FileField(_("file"), upload_to="rosters/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    stage = models.CharField(_("step"), max_length=100, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)  # {kind: {created, updated, ...}}
    errors = models.JSONField(_("errors"), default=list, blank=True)  # [{file, line, column, message}]
    open_items = models.JSONField(default=list, blank=True)  # what deactivations left open

    tenant_field = "organization"

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} · {self.file_name} · {self.get_status_display()}"
