"""Writes for training progress: requirements, workshop credit, reminders and role-play observations."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from peerpath.accounts.models import Organization, User
from peerpath.core.audit import record_audit
from peerpath.core.email import queue_email
from peerpath.programs.models import Attendance, Cohort, Event, Program
from peerpath.training.models import (
    Completion,
    Module,
    Requirement,
    RolePlayChecklist,
    RolePlayObservation,
    WorkshopCredit,
)
from peerpath.training.queries.progress import people_to_remind


class ProgressError(Exception):
    """A change to training requirements that is not allowed; the message is for the user."""


# Requirements --------------------------------------------------------------------------------------


def add_requirement(
    *,
    program: Program,
    role: str,
    module: Module | None,
    workshop: Event | None,
    due_on: datetime.date | None,
    actor: User,
    request: HttpRequest | None = None,
) -> Requirement:
    with transaction.atomic():
        requirement = Requirement.objects.create(
            program=program, role=role, module=module, workshop=workshop, due_on=due_on
        )
        record_audit(
            action="training.requirement_added",
            actor=actor,
            target=requirement,
            organization_id=program.organization_id,
            detail={
                "program": program.pk,
                "role": role,
                "module": requirement.module_id,
                "workshop": requirement.workshop_id,
                "due_on": due_on.isoformat() if due_on else None,
            },
            request=request,
        )
    return requirement


def remove_requirement(*, requirement: Requirement, actor: User, request: HttpRequest | None = None) -> None:
    program = requirement.program
    with transaction.atomic():
        record_audit(
            action="training.requirement_removed",
            actor=actor,
            target=program,
            organization_id=program.organization_id,
            detail={"requirement": requirement.pk, "title": str(requirement), "role": requirement.role},
            request=request,
        )
        requirement.delete()


# Workshop credit -----------------------------------------------------------------------------------


def add_workshop_credit(
    *, workshop: Event, module: Module, actor: User, request: HttpRequest | None = None
) -> WorkshopCredit:
    """Link a workshop to a module, and credit whoever already attended it."""
    with transaction.atomic():
        credit, _created = WorkshopCredit.objects.get_or_create(workshop=workshop, module=module)
        record_audit(
            action="training.workshop_credit_added",
            actor=actor,
            target=credit,
            organization_id=workshop.program.organization_id,
            detail={"workshop": workshop.pk, "module": module.pk},
            request=request,
        )
        credit_workshop_attendance(event=workshop, actor=actor)
    return credit


def remove_workshop_credit(
    *, credit: WorkshopCredit, actor: User, request: HttpRequest | None = None
) -> None:
    """Unlink a workshop from a module. Completions already credited stay: they were earned."""
    with transaction.atomic():
        record_audit(
            action="training.workshop_credit_removed",
            actor=actor,
            target=credit.workshop,
            organization_id=credit.workshop.program.organization_id,
            detail={"workshop": credit.workshop_id, "module": credit.module_id},
            request=request,
        )
        credit.delete()


@dataclass(frozen=True)
class CreditResult:
    created: int
    updated: int
    removed: int


def credit_workshop_attendance(*, event: Event, actor: User) -> CreditResult:
    """Complete each module credited by `event` for everyone present at it (completed when it ended).

    Idempotent. A newer completion (a later quiz or workshop) is kept; a completion this workshop gave
    someone now marked absent is taken back. A constant number of queries, whatever the attendance.
    """
    modules = list(Module.objects.filter(workshop_credits__workshop=event))
    if not modules:
        return CreditResult(0, 0, 0)
    present = set(Attendance.objects.filter(event=event, present=True).values_list("user_id", flat=True))
    absent = set(Attendance.objects.filter(event=event, present=False).values_list("user_id", flat=True))
    completed_at = event.ends_at
    with transaction.atomic():
        existing = {
            (completion.user_id, completion.module_id): completion
            for completion in Completion.objects.select_for_update().filter(
                module__in=modules, user_id__in=present | absent
            )
        }
        to_create, to_update, to_remove = [], [], []
        for module in modules:
            expires_at = (
                completed_at + datetime.timedelta(days=module.validity_days) if module.validity_days else None
            )
            for user_id in present:
                completion = existing.get((user_id, module.pk))
                if completion is None:
                    to_create.append(
                        Completion(
                            module=module,
                            user_id=user_id,
                            completed_at=completed_at,
                            expires_at=expires_at,
                            source=Completion.Source.WORKSHOP,
                        )
                    )
                elif completion.completed_at < completed_at:
                    completion.completed_at = completed_at
                    completion.expires_at = expires_at
                    completion.score = None
                    completion.source = Completion.Source.WORKSHOP
                    completion.updated = timezone.now()
                    to_update.append(completion)
            for user_id in absent:
                completion = existing.get((user_id, module.pk))
                if (
                    completion is not None
                    and completion.source == Completion.Source.WORKSHOP
                    and completion.completed_at == completed_at
                ):
                    to_remove.append(completion.pk)
        Completion.objects.bulk_create(to_create)
        if to_update:
            Completion.objects.bulk_update(
                to_update, ["completed_at", "expires_at", "score", "source", "updated"]
            )
        if to_remove:
            Completion.objects.filter(pk__in=to_remove).delete()
        result = CreditResult(len(to_create), len(to_update), len(to_remove))
        if to_create or to_update or to_remove:
            record_audit(
                action="training.workshop_attendance_credited",
                actor=actor,
                target=event,
                organization_id=event.program.organization_id,
                detail={
                    "modules": [module.pk for module in modules],
                    "created": result.created,
                    "updated": result.updated,
                    "removed": result.removed,
                },
            )
    return result


# Reminders -----------------------------------------------------------------------------------------


def send_training_reminders(
    *, program: Program, cohort: Cohort | None, actor: User, request: HttpRequest | None = None
) -> int:
    """Queue one e-mail to each participant with training overdue, expired or due within 7 days."""
    people = people_to_remind(program, cohort)
    path = reverse("my_training")
    url = request.build_absolute_uri(path) if request is not None else path
    with transaction.atomic():
        for person, items in people:
            queue_email(
                to=person,
                template="training/progress/email/reminder",
                context={"person": person, "program": program, "items": items, "url": url},
            )
        record_audit(
            action="training.reminders_sent",
            actor=actor,
            target=program,
            organization_id=program.organization_id,
            detail={"cohort": cohort.pk if cohort else None, "recipients": [p.pk for p, _items in people]},
            request=request,
        )
    return len(people)


# Role-play -----------------------------------------------------------------------------------------


def create_roleplay_checklist(
    *,
    organization: Organization,
    title: str,
    skills: list[str],
    actor: User,
    request: HttpRequest | None = None,
) -> RolePlayChecklist:
    with transaction.atomic():
        checklist = RolePlayChecklist.objects.create(organization=organization, title=title, skills=skills)
        record_audit(
            action="training.roleplay_checklist_created",
            actor=actor,
            target=checklist,
            organization_id=organization.pk,
            detail={"skills": len(skills)},
            request=request,
        )
    return checklist


@dataclass(frozen=True)
class ObservationEntry:
    mentor: User
    observed: list[str]
    comment: str


def record_roleplay_observations(
    *,
    event: Event,
    checklist: RolePlayChecklist,
    entries: Sequence[ObservationEntry],
    facilitator: User,
    request: HttpRequest | None = None,
) -> list[RolePlayObservation]:
    """One observation per mentor per checklist per event: recording again updates it."""
    saved = []
    with transaction.atomic():
        for entry in entries:
            observation, _created = RolePlayObservation.objects.update_or_create(
                checklist=checklist,
                workshop=event,
                mentor=entry.mentor,
                defaults={"observed": entry.observed, "comment": entry.comment, "facilitator": facilitator},
            )
            saved.append(observation)
        record_audit(
            action="training.roleplay_observed",
            actor=facilitator,
            target=event,
            organization_id=event.program.organization_id,
            detail={"checklist": checklist.pk, "mentors": [entry.mentor.pk for entry in entries]},
            request=request,
        )
    return saved
