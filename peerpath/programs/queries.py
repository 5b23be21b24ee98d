"""Reads for the program pages and the dashboard, each in a fixed number of queries.

The pipeline reads recruitment and the matching gate: it serves the program pages, which sit on top
of every app (DESIGN.md, layers), so nothing below imports this module.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from peerpath.accounts.models import Organization, User
from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES, Role
from peerpath.matching.eligibility import CONSENT, SCREENED, Matchability, matchability
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Phase, Program
from peerpath.recruitment.models import Application

# An application left this long in submitted or screening needs someone to look at it.
STALE_AFTER = datetime.timedelta(days=7)
WAITING_STATUSES = (Application.Status.SUBMITTED, Application.Status.SCREENING)
ATTENTION_LIMIT = 20
ENROLLED = Participant.Status.ENROLLED


def joinable_programs(user: Any) -> QuerySet[Program]:
    """Published programs a person may read about and apply to: those of their school (or district)
    and those their school is a partner of."""
    member_of = policy.organization_ids(user, Role.values)
    matching = Program.objects.filter(Q(organization__in=member_of) | Q(partner_schools__in=member_of))
    return Program.objects.published().filter(pk__in=matching.values("pk"))


def public_program(user: Any, organization_slug: str, program_slug: str) -> Program | None:
    return (
        joinable_programs(user)
        .select_related("organization")
        .filter(organization__slug=organization_slug, slug=program_slug)
        .first()
    )


def listed_programs(user: Any) -> QuerySet[Program]:
    """Every program a person may see, with the counts the list shows, grouped by school."""
    visible = policy.scope(user, Program.objects.all(), "view").values("pk")
    enrolled = Q(cohorts__participants__status=ENROLLED)
    return (
        Program.objects.filter(Q(pk__in=visible) | Q(pk__in=joinable_programs(user).values("pk")))
        .select_related("organization")
        .annotate(
            cohort_count=Count("cohorts", distinct=True),
            participant_count=Count("cohorts__participants", filter=enrolled, distinct=True),
        )
        .order_by("organization__name", "name", "pk")
    )


def overseen_program_ids(user: Any, programs: list[Program]) -> set[int]:
    scoped = policy.scope(user, Program.objects.filter(pk__in=[p.pk for p in programs]), "oversee")
    return set(scoped.values_list("pk", flat=True))


def manager_organizations(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=policy.organization_ids(user, MANAGER_ROLES)).order_by("name")


def partner_school_choices(user: Any, program: Program | None = None) -> QuerySet[Organization]:
    """Schools that may partner: the siblings (same district) of the schools this person manages."""
    managed = policy.organization_ids(user, MANAGER_ROLES)
    if program is not None:
        managed = [*managed, program.organization_id]
    parents = Organization.objects.filter(pk__in=managed, parent__isnull=False).values("parent_id")
    choices = Organization.objects.schools().filter(Q(parent_id__in=parents) | Q(pk__in=managed))
    if program is not None:
        # Keep partners chosen earlier by someone else, so that saving the form does not drop them.
        choices = choices | Organization.objects.filter(partner_programs=program)
    return choices.distinct().order_by("name")


def staff_members_of(organization: Organization) -> QuerySet[User]:
    memberships = organization.memberships.filter(is_active=True, role__in=STAFF_ROLES)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("last_name", "first_name")


# The program page -------------------------------------------------------------------------------


def program_parts(program: Program) -> dict[str, Any]:
    """Objectives, staff, supporters and cohorts (newest first, with phases) of one program."""
    return {
        "objectives": list(program.objectives.all()),
        "staff": list(program.staff.select_related("user").order_by("role", "user__last_name")),
        "supporters": list(program.supporters.all()),
        "cohorts": list(program.cohorts.order_by("-starts_on", "-id").prefetch_related("phases")),
    }


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

    @property
    def not_matchable(self) -> dict[str, int]:
        return {role: self.enrolled[role] - self.matchable[role] for role in self.enrolled}

    @property
    def needs_attention(self) -> bool:
        return bool(self.waiting_count or self.unscreened_count or self.missing_consent_count)


def cohort_pipeline(cohort: Cohort, now: datetime.datetime | None = None) -> Pipeline:
    """Where a cohort's people stand, from application to matchable, in six queries whatever its size."""
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
    )


@dataclass
class Step:
    """A participant's place in one cohort: their role and status, the phase now and the next one."""

    participant: Participant
    current_phase: Phase | None
    next_phase: Phase | None
    gates: Matchability


def participant_steps(program: Program, user: Any, today: datetime.date | None = None) -> list[Step]:
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


# The dashboard ----------------------------------------------------------------------------------


def _count(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("cohort__program").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programs_overseen(user: Any, now: datetime.datetime | None = None) -> QuerySet[Program]:
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


def applications_of(user: Any) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort__program__organization")
        .order_by("-created")
    )


def participations_of(users: list[Any]) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(user__in=users, status=ENROLLED)
        .select_related("user", "cohort__program__organization")
        .order_by("-cohort__starts_on")
    )


def programs_open_to(user: Any, now: datetime.datetime | None = None) -> QuerySet[Program]:
    """Published programs a student may join, flagged when a cohort takes applications right now."""
    now = now or timezone.now()
    open_cohorts = Cohort.objects.filter(
        Q(applications_open_at__isnull=True) | Q(applications_open_at__lte=now),
        Q(application_deadline__isnull=True) | Q(application_deadline__gte=now),
        program=OuterRef("pk"),
        ends_on__gte=timezone.localdate(now),
    )
    return (
        joinable_programs(user)
        .select_related("organization")
        .annotate(is_open=Exists(open_cohorts))
        .order_by("-is_open", "name")
    )
