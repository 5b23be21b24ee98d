"""The demo's running matches (the training demo decides who is trained enough to be matched)."""

from django.db import transaction

from peerpath.accounts.models import User
from peerpath.mentorships.models import Match
from peerpath.mentorships.services import set_match_status


@transaction.atomic
def load_demo_matches(pairs: list[tuple[int, User, User]], coordinator: User) -> int:
    """Activates each (cohort id, mentor, mentee) pair once; returns the active matches of those cohorts."""
    for cohort_id, mentor, mentee in pairs:
        running = Match.objects.filter(cohort_id=cohort_id, mentor=mentor, mentee=mentee).exclude(
            status=Match.Status.CLOSED
        )
        if not running.exists():
            match = Match.objects.create(cohort_id=cohort_id, mentor=mentor, mentee=mentee)
            set_match_status(match=match, status=Match.Status.ACTIVE, actor=coordinator, reason="Demo match")
    cohort_ids = {cohort_id for cohort_id, _, _ in pairs}
    return Match.objects.filter(cohort_id__in=cohort_ids, status=Match.Status.ACTIVE).count()
