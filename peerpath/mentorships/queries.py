"""Reads for the match pages."""

from django.db.models import QuerySet

from peerpath.mentorships.models import Match
from peerpath.programs.models import Program


def matches_of(program: Program, status: str = "") -> QuerySet[Match]:
    """A program's matches across its cohorts, newest first, optionally of one `Match.Status`, with the
    cohort and both people loaded (one query per page)."""
    rows = (
        Match.objects.filter(cohort__program=program)
        .select_related("cohort", "mentor", "mentee")
        .order_by("-created", "-pk")
    )
    if status:
        rows = rows.filter(status=Match.Status(status))
    return rows
