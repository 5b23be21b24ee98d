"""Open matches: what a person's deactivation leaves for the coordinator (see accounts.impact)."""

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from peerpath.accounts.impact import OpenItem, register
from peerpath.mentorships.models import Match


@register
def open_matches(user_ids: Iterable[int], organization_ids: Iterable[int]) -> list[OpenItem]:
    user_ids = list(user_ids)
    matches = (
        Match.objects.filter(Q(mentor_id__in=user_ids) | Q(mentee_id__in=user_ids))
        .filter(cohort__program__organization_id__in=organization_ids)
        .exclude(status=Match.Status.CLOSED)
        .select_related("mentor", "mentee", "cohort__program")
        .order_by("cohort__program__name", "pk")
    )
    return [
        OpenItem(
            kind="match",
            label=_("%(status)s match %(mentor)s ↔ %(mentee)s in %(program)s")
            % {
                "status": match.get_status_display(),
                "mentor": match.mentor,
                "mentee": match.mentee,
                "program": match.cohort.program.name,
            },
            url=reverse("match_list", args=[match.cohort.program_id]),
            organization_id=match.cohort.program.organization_id,
        )
        for match in matches
    ]
