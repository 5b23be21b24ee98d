"""Reads for training progress: a program's requirements, the coordinator's matrix and a mentor's path.

The matrix runs a constant number of queries whatever its size: participants, requirements,
completions and workshop attendance are each loaded in one query, and the grid is built in Python.
"""

import datetime
import enum
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.programs.models import Attendance, Cohort, Event, Participant, ParticipantRole, Program
from peerpath.training.models import (
    Completion,
    Module,
    Requirement,
    RolePlayChecklist,
    RolePlayObservation,
    WorkshopCredit,
)

# Reminders go to people with something overdue, expired, or due within this many days.
DUE_SOON_DAYS = 7


class Status(enum.StrEnum):
    DONE = "done"
    EXPIRED = "expired"
    OVERDUE = "overdue"
    DUE = "due"


@dataclass(frozen=True)
class Column:
    """One requirement of the matrix: a module or a training workshop."""

    requirement_id: int
    title: str
    is_workshop: bool
    due_on: datetime.date | None
    validity_days: int | None
    module_id: int | None
    workshop_id: int | None


@dataclass(frozen=True)
class Cell:
    status: Status
    due_on: datetime.date | None = None
    completed_at: datetime.datetime | None = None
    expires_at: datetime.datetime | None = None
    score: int | None = None

    @property
    def label(self) -> str:
        """The status in words: colour is never the only signal."""
        if self.status == Status.DONE and self.completed_at is not None:
            return _("Done %(date)s") % {"date": _date(self.completed_at)}
        if self.status == Status.EXPIRED and self.expires_at is not None:
            return _("Expired %(date)s") % {"date": _date(self.expires_at)}
        if self.status == Status.OVERDUE and self.due_on is not None:
            return _("Overdue since %(date)s") % {"date": _short_date(self.due_on)}
        if self.due_on is not None:
            return _("Due %(date)s") % {"date": _short_date(self.due_on)}
        return _("To do")

    @property
    def text(self) -> str:
        """The label with the score: built here, not in the template, because a matrix has thousands."""
        if self.score is None:
            return self.label
        return _("%(label)s · %(score)s%%") % {"label": self.label, "score": self.score}

    @property
    def needs_action(self) -> bool:
        return self.status != Status.DONE

    def due_within(self, today: datetime.date, days: int) -> bool:
        return (
            self.status == Status.DUE
            and self.due_on is not None
            and self.due_on <= today + datetime.timedelta(days=days)
        )


@dataclass(frozen=True)
class Row:
    person: User
    cells: list[Cell]

    @property
    def has_overdue(self) -> bool:
        return any(cell.status in (Status.OVERDUE, Status.EXPIRED) for cell in self.cells)


@dataclass(frozen=True)
class Matrix:
    cohort: Cohort | None
    role: str
    columns: list[Column]
    rows: list[Row]


@dataclass(frozen=True)
class PathItem:
    column: Column
    cell: Cell


@dataclass
class ProgramPath:
    """What one program asks of a person in one role, with their status on each requirement."""

    program: Program
    role: str
    items: list[PathItem] = field(default_factory=list)

    @property
    def due_next(self) -> PathItem | None:
        """The requirement to do next: overdue or expired first, then the earliest due date."""
        open_items = [item for item in self.items if item.cell.needs_action]
        if not open_items:
            return None
        return min(
            open_items,
            key=lambda item: (
                item.cell.status not in (Status.OVERDUE, Status.EXPIRED),
                item.cell.due_on or datetime.date.max,
                item.column.title,
            ),
        )

    def role_label(self) -> str:
        return str(ParticipantRole(self.role).label)


def _date(moment: datetime.datetime) -> str:
    return _short_date(timezone.localtime(moment).date())


def _short_date(day: datetime.date) -> str:
    return _short_date_in(day, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _short_date_in(day: datetime.date, language: str) -> str:
    """Pure memoisation of formatting (no data is kept): a 200 × 10 matrix formats a few hundred
    distinct dates thousands of times."""
    with translation.override(language):
        return date_format(day, "SHORT_DATE_FORMAT")


# Requirements --------------------------------------------------------------------------------------


def available_modules(program: Program) -> QuerySet[Module]:
    """Published modules of the program's school and of the district above it."""
    organization_ids = [program.organization_id]
    if program.organization.parent_id is not None:
        organization_ids.append(program.organization.parent_id)
    return Module.objects.filter(organization_id__in=organization_ids, is_published=True).order_by(
        "title", "pk"
    )


def training_workshops(program: Program) -> QuerySet[Event]:
    return Event.objects.filter(
        program=program, kind=Event.Kind.TRAINING, cancelled_at__isnull=True
    ).order_by("starts_at", "pk")


def requirements_of(program: Program, role: str | None = None) -> QuerySet[Requirement]:
    requirements = Requirement.objects.filter(program=program).select_related("module", "workshop")
    if role:
        requirements = requirements.filter(role=role)
    return requirements.order_by("role", "due_on", "pk")


def workshop_credits_of(program: Program) -> QuerySet[WorkshopCredit]:
    return (
        WorkshopCredit.objects.filter(workshop__program=program)
        .select_related("workshop", "module")
        .order_by("workshop__starts_at", "module__title", "pk")
    )


def _column(requirement: Requirement) -> Column:
    module = requirement.module
    return Column(
        requirement_id=requirement.pk,
        title=str(module or requirement.workshop),
        is_workshop=requirement.workshop_id is not None,
        due_on=requirement.due_on,
        validity_days=module.validity_days if module is not None else None,
        module_id=requirement.module_id,
        workshop_id=requirement.workshop_id,
    )


# Statuses ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Done:
    completed_at: datetime.datetime
    expires_at: datetime.datetime | None
    score: int | None


def _cell(column: Column, done: _Done | None, now: datetime.datetime, today: datetime.date) -> Cell:
    if done is not None:
        # As in the matching gate: a completion is valid through the local day it expires.
        if done.expires_at is not None and timezone.localdate(done.expires_at) < today:
            return Cell(Status.EXPIRED, column.due_on, done.completed_at, done.expires_at, done.score)
        return Cell(Status.DONE, column.due_on, done.completed_at, done.expires_at, done.score)
    if column.due_on is not None and column.due_on < today:
        return Cell(Status.OVERDUE, column.due_on)
    return Cell(Status.DUE, column.due_on)


def _completions(user_ids: Iterable[int], module_ids: Iterable[int]) -> dict[tuple[int, int], _Done]:
    """{(user id, module id): completion} in one query."""
    module_ids = list(module_ids)
    if not module_ids:
        return {}
    rows = Completion.objects.filter(user__in=list(user_ids), module__in=module_ids).values_list(
        "user_id", "module_id", "completed_at", "expires_at", "score"
    )
    return {
        (user_id, module_id): _Done(at, expires, score) for user_id, module_id, at, expires, score in rows
    }


def _attendance(user_ids: Iterable[int], workshop_ids: Iterable[int]) -> dict[tuple[int, int], _Done]:
    """{(user id, event id): attended} in one query; a workshop is done when its event ended."""
    workshop_ids = list(workshop_ids)
    if not workshop_ids:
        return {}
    rows = Attendance.objects.filter(
        user__in=list(user_ids), event__in=workshop_ids, present=True
    ).values_list("user_id", "event_id", "event__ends_at")
    return {(user_id, event_id): _Done(ends_at, None, None) for user_id, event_id, ends_at in rows}


def _cells_for(
    user_id: int,
    columns: list[Column],
    completions: dict[tuple[int, int], _Done],
    attendance: dict[tuple[int, int], _Done],
    now: datetime.datetime,
    today: datetime.date,
) -> list[Cell]:
    cells = []
    for column in columns:
        if column.workshop_id is not None:
            done = attendance.get((user_id, column.workshop_id))
        else:
            done = completions.get((user_id, column.module_id or 0))
        cells.append(_cell(column, done, now, today))
    return cells


# The coordinator's matrix ---------------------------------------------------------------------------


def training_matrix(
    program: Program,
    cohort: Cohort | None,
    *,
    role: str = ParticipantRole.MENTOR,
    only_overdue: bool = False,
    now: datetime.datetime | None = None,
) -> Matrix:
    """Enrolled participants of `cohort` in `role` × the program's requirements for that role."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    people = [
        participant.user
        for participant in Participant.objects.filter(
            cohort=cohort, cohort__program=program, role=role, status=Participant.Status.ENROLLED
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "pk")
    ]
    columns = [_column(requirement) for requirement in requirements_of(program, role)]
    user_ids = [person.pk for person in people]
    completions = _completions(user_ids, {c.module_id for c in columns if c.module_id is not None})
    attendance = _attendance(user_ids, {c.workshop_id for c in columns if c.workshop_id is not None})
    rows = [
        Row(person=person, cells=_cells_for(person.pk, columns, completions, attendance, now, today))
        for person in people
    ]
    if only_overdue:
        rows = [row for row in rows if row.has_overdue]
    return Matrix(cohort=cohort, role=role, columns=columns, rows=rows)


# A person's own path --------------------------------------------------------------------------------


def training_path(user: User, now: datetime.datetime | None = None) -> list[ProgramPath]:
    """For each program `user` takes part in (enrolled), each requirement of their role and its status."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    participations = (
        Participant.objects.filter(user=user, status=Participant.Status.ENROLLED)
        .select_related("cohort__program")
        .order_by("cohort__program__name", "role", "-cohort__starts_on")
    )
    paths: dict[tuple[int, str], ProgramPath] = {}
    for participation in participations:
        program = participation.cohort.program
        paths.setdefault(
            (program.pk, participation.role), ProgramPath(program=program, role=participation.role)
        )
    if not paths:
        return []
    wanted = Q()
    for program_id, role in paths:
        wanted |= Q(program_id=program_id, role=role)
    requirements = list(
        Requirement.objects.filter(wanted).select_related("module", "workshop").order_by("due_on", "pk")
    )
    columns = [(requirement, _column(requirement)) for requirement in requirements]
    completions = _completions([user.pk], {c.module_id for _r, c in columns if c.module_id is not None})
    attendance = _attendance([user.pk], {c.workshop_id for _r, c in columns if c.workshop_id is not None})
    for requirement, column in columns:
        cell = _cells_for(user.pk, [column], completions, attendance, now, today)[0]
        paths[(requirement.program_id, requirement.role)].items.append(PathItem(column=column, cell=cell))
    return list(paths.values())


def observations_of(user: User) -> QuerySet[RolePlayObservation]:
    return (
        RolePlayObservation.objects.filter(mentor=user)
        .select_related("checklist", "workshop", "facilitator")
        .order_by("-created", "-pk")
    )


# Role-play -----------------------------------------------------------------------------------------


def checklists_for(program: Program) -> QuerySet[RolePlayChecklist]:
    """Checklists of the school that runs the program (checklists are defined per organization)."""
    return RolePlayChecklist.objects.filter(organization_id=program.organization_id).order_by("title", "pk")


def roleplay_mentors(event: Event) -> list[User]:
    """Who a facilitator observes: the event's attendees, or else the cohort's enrolled mentors."""
    attendees = User.objects.filter(
        pk__in=Attendance.objects.filter(event=event, present=True).values("user_id")
    ).order_by("last_name", "first_name", "username", "pk")
    people = list(attendees)
    if people:
        return people
    cohort = event.cohort or event.program.current_cohort()
    if cohort is None:
        return []
    mentors = Participant.objects.filter(
        cohort=cohort, role=ParticipantRole.MENTOR, status=Participant.Status.ENROLLED
    ).values("user_id")
    return list(User.objects.filter(pk__in=mentors).order_by("last_name", "first_name", "username", "pk"))


def observations_at(event: Event, checklist: RolePlayChecklist) -> dict[int, RolePlayObservation]:
    """{mentor id: observation} recorded at `event` with `checklist`."""
    return {
        observation.mentor_id: observation
        for observation in RolePlayObservation.objects.filter(workshop=event, checklist=checklist)
    }


def people_to_remind(
    program: Program, cohort: Cohort | None, now: datetime.datetime | None = None
) -> list[tuple[User, list[tuple[Column, Cell]]]]:
    """Enrolled mentors and mentees with something overdue, expired or due within 7 days, and what."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    found: dict[int, tuple[User, list[tuple[Column, Cell]]]] = {}
    for role in ParticipantRole.values:
        matrix = training_matrix(program, cohort, role=role, now=now)
        for row in matrix.rows:
            items = [
                (column, cell)
                for column, cell in zip(matrix.columns, row.cells, strict=True)
                if cell.status in (Status.OVERDUE, Status.EXPIRED) or cell.due_within(today, DUE_SOON_DAYS)
            ]
            if items:
                found.setdefault(row.person.pk, (row.person, []))[1].extend(items)
    return list(found.values())
