"""Reads that cross apps for the program pages and dashboards: the recruitment pipeline, what needs
attention, and what is next for a participant. Each runs in a fixed number of queries.

This sits above programs, recruitment and matching (DESIGN.md, layers), so it may read all three.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from peerpath.accounts.models import User
from peerpath.core import policy
from peerpath.matching.eligibility import CONSENT, SCREENED, Gate, Matchability, matchability, training_gates
from peerpath.mentorships.models import Match
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Phase, Program
from peerpath.programs.queries.programs import ENROLLED
from peerpath.recruitment.models import Application

# An application left this long in submitted or screening needs someone to look at it.
STALE_AFTER = datetime.timedelta(days=7)
WAITING_STATUSES = (Application.Status.SUBMITTED, Application.Status.SCREENING)
ATTENTION_LIMIT = 20


@dataclass
class StatusRow:
    status: str
    label: str
    mentor: int = 0
    mentee: int = 0


@dataclass
class Pipeline:
    cohort: Cohort
    statuses: list[StatusRow]
    applications: dict[str, int]
    enrolled: dict[str, int]
    matchable: dict[str, int]
    waiting_count: int
    waiting: list[Application]
    unscreened_mentors: list[Matchability] = field(default_factory=list)
    unscreened_count: int = 0
    missing_consent: list[Matchability] = field(default_factory=list)
    missing_consent_count: int = 0
    lapsed_matches: list["LapsedMatch"] = field(default_factory=list)

    @property
    def not_matchable(self) -> dict[str, int]:
        return {role: self.enrolled[role] - self.matchable[role] for role in self.enrolled}

    @property
    def lapsed_count(self) -> int:
        return len(self.lapsed_matches)

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.waiting_count or self.unscreened_count or self.missing_consent_count or self.lapsed_count
        )


def cohort_pipeline(cohort: Cohort, now: datetime.datetime | None = None) -> Pipeline:
    """Where a cohort's people stand, from application to matchable, and the matches whose mentor's
    training lapsed, in a fixed number of queries whatever its size."""
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    waiting = Q(status__in=WAITING_STATUSES, updated__lt=cutoff)
    rows = {status: StatusRow(status, str(label)) for status, label in Application.Status.choices}
    applications: Counter[str] = Counter()
    waiting_count = 0
    counts = (
        Application.objects.filter(cohort=cohort)
        .order_by()
        .values("role", "status")
        .annotate(n=Count("id"), stale=Count("id", filter=waiting))
    )
    for row in counts:
        setattr(rows[row["status"]], row["role"], row["n"])
        applications[row["role"]] += row["n"]
        waiting_count += row["stale"]
    stale = list(
        Application.objects.filter(waiting, cohort=cohort)
        .select_related("applicant")
        .order_by("updated")[:ATTENTION_LIMIT]
    )
    participants = Participant.objects.filter(cohort=cohort, status=ENROLLED).select_related("user", "cohort")
    gates = matchability(participants, timezone.localdate(now)).values()
    roles = ParticipantRole.values
    enrolled = Counter({role: 0 for role in roles})
    matchable = Counter({role: 0 for role in roles})
    unscreened, missing_consent = [], []
    for person in gates:
        role = person.participant.role
        enrolled[role] += 1
        matchable[role] += person.is_matchable
        open_keys = {gate.key for gate in person.open_gates}
        if role == ParticipantRole.MENTOR and SCREENED in open_keys:
            unscreened.append(person)
        if CONSENT in open_keys:
            missing_consent.append(person)
    return Pipeline(
        cohort=cohort,
        statuses=list(rows.values()),
        applications={role: applications[role] for role in roles},
        enrolled=dict(enrolled),
        matchable=dict(matchable),
        waiting_count=waiting_count,
        waiting=stale,
        unscreened_mentors=unscreened[:ATTENTION_LIMIT],
        unscreened_count=len(unscreened),
        missing_consent=missing_consent[:ATTENTION_LIMIT],
        missing_consent_count=len(missing_consent),
        lapsed_matches=matches_with_lapsed_training(cohort, timezone.localdate(now)),
    )


@dataclass(frozen=True)
class LapsedMatch:
    """A running match whose mentor no longer meets the training requirements: flagged, never changed."""

    match: Match
    gate: Gate

    @property
    def missing(self) -> str:
        return self.gate.detail


RUNNING_MATCH_STATUSES = (Match.Status.ACTIVE, Match.Status.PAUSED)


def matches_with_lapsed_training(
    program_or_cohort: Program | Cohort, today: datetime.date | None = None
) -> list[LapsedMatch]:
    """Active and paused matches whose mentor's training gate is open (a refresher expired, a new
    requirement was added), with what is missing. In two to four queries whatever the number of matches.
    """
    today = today or timezone.localdate()
    if isinstance(program_or_cohort, Program):
        matches = Match.objects.filter(cohort__program=program_or_cohort)
    else:
        matches = Match.objects.filter(cohort=program_or_cohort)
    running = list(
        matches.filter(status__in=RUNNING_MATCH_STATUSES)
        .select_related("mentor", "mentee", "cohort")
        .order_by("mentor__last_name", "mentor__first_name", "pk")
    )
    keys = {(m.mentor_id, m.cohort.program_id, ParticipantRole.MENTOR.value) for m in running}
    gates = training_gates(keys, today) if keys else {}
    lapsed = []
    for match in running:
        gate = gates[(match.mentor_id, match.cohort.program_id, ParticipantRole.MENTOR.value)]
        if gate is not None and not gate.done:
            lapsed.append(LapsedMatch(match=match, gate=gate))
    return lapsed


@dataclass
class Step:
    """A participant's place in one cohort: their role and status, the phase now and the next one."""

    participant: Participant
    current_phase: Phase | None
    next_phase: Phase | None
    gates: Matchability


def participant_steps(program: Program, user: User, today: datetime.date | None = None) -> list[Step]:
    today = today or timezone.localdate()
    participations = list(
        Participant.objects.filter(cohort__program=program, user=user)
        .select_related("user", "cohort")
        .prefetch_related("cohort__phases")
        .order_by("-cohort__starts_on", "role")
    )
    gates = matchability(participations, today)
    steps = []
    for participant in participations:
        phases = sorted(participant.cohort.phases.all(), key=lambda phase: phase.starts_on)
        current = next((p for p in phases if p.starts_on <= today <= p.ends_on), None)
        upcoming = next((p for p in phases if p.starts_on > today), None)
        steps.append(Step(participant, current, upcoming, gates[participant.pk]))
    return steps


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("cohort__program").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programs_overseen(user: User, now: datetime.datetime | None = None) -> QuerySet[Program]:
    """The programs a staff member oversees, with what waits for them, in one query."""
    now = now or timezone.now()
    running = {"cohort__program": OuterRef("pk"), "cohort__ends_on__gte": timezone.localdate(now)}
    applications = Application.objects.filter(status__in=WAITING_STATUSES, **running)
    return (
        policy.scope(user, Program.objects.select_related("organization"), "oversee")
        .annotate(
            waiting_count=_count(applications),
            stale_count=_count(applications.filter(updated__lt=now - STALE_AFTER)),
            enrolled_count=_count(Participant.objects.filter(status=ENROLLED, **running)),
        )
        .order_by("organization__name", "name")
    )


def applications_of(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort__program__organization")
        .order_by("-created")
    )
