"""Open applications: what a person's deactivation leaves for the coordinator (see accounts.impact)."""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from peerpath.accounts.impact import OpenItem, register
from peerpath.recruitment.models import Application

OPEN_STATUSES = [
    Application.Status.SUBMITTED,
    Application.Status.SCREENING,
    Application.Status.INTERVIEW,
    Application.Status.APPROVED,
    Application.Status.WAITLISTED,
]


@register
def open_applications(user_ids: Iterable[int], organization_ids: Iterable[int]) -> list[OpenItem]:
    applications = (
        Application.objects.filter(
            applicant_id__in=user_ids,
            cohort__program__organization_id__in=organization_ids,
            status__in=OPEN_STATUSES,
        )
        .select_related("applicant", "cohort__program")
        .order_by("cohort__program__name", "pk")
    )
    return [
        OpenItem(
            kind="application",
            label=_("%(person)s: %(status)s %(role)s application to %(program)s")
            % {
                "person": application.applicant,
                "status": application.get_status_display().lower(),
                "role": application.get_role_display().lower(),
                "program": application.cohort.program.name,
            },
            url=reverse("application_detail", args=[application.pk]),
            organization_id=application.cohort.program.organization_id,
        )
        for application in applications
    ]
