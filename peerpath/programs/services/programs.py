"""Writes with business meaning for programs. Views, the API and commands all call these."""

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from peerpath.accounts.models import Organization, User
from peerpath.core.audit import record_audit
from peerpath.programs.models import Cohort, Phase, Program, ProgramStaff


class ProgramError(Exception):
    """A request that breaks a program rule; the message is shown to the user as it is."""


def create_program(
    *,
    organization: Organization,
    actor: User,
    fields: dict[str, Any],
    partner_schools: Iterable[Organization] = (),
    request: HttpRequest | None = None,
) -> Program:
    """A new program; whoever sets it up becomes one of its coordinators."""
    with transaction.atomic():
        program = Program.objects.create(organization=organization, **fields)
        program.partner_schools.set(list(partner_schools))
        ProgramStaff.objects.create(program=program, user=actor, role=ProgramStaff.Role.COORDINATOR)
        record_audit(
            action="program.created",
            actor=actor,
            target=program,
            organization_id=organization.pk,
            request=request,
        )
    return program


def update_program(
    *,
    program: Program,
    actor: User,
    fields: dict[str, Any],
    partner_schools: Iterable[Organization],
    request: HttpRequest | None = None,
) -> Program:
    changed = sorted(name for name, value in fields.items() if getattr(program, name) != value)
    partners = list(partner_schools)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(program, name, value)
        program.save(update_fields=[*fields, "updated"])
        before = set(program.partner_schools.values_list("pk", flat=True))
        if before != {partner.pk for partner in partners}:
            program.partner_schools.set(partners)
            changed.append("partner_schools")
        record_audit(
            action="program.updated",
            actor=actor,
            target=program,
            organization_id=program.organization_id,
            detail={"changed": changed},
            request=request,
        )
    return program


def save_program_part(
    *, program: Program, part: models.Model, actor: User, request: HttpRequest | None = None
) -> models.Model:
    """Create or update an objective, staff role, supporter, cohort or phase of `program`."""
    created = part.pk is None
    with transaction.atomic():
        part.save()
        record_audit(
            action=f"{part._meta.model_name}.{'created' if created else 'updated'}",
            actor=actor,
            target=part,
            organization_id=program.organization_id,
            detail={"program": program.pk},
            request=request,
        )
    return part


def delete_program_part(
    *, program: Program, part: models.Model, actor: User, request: HttpRequest | None = None
) -> None:
    """Delete a part of `program`. A cohort that people applied to or joined is kept: its data matters."""
    if isinstance(part, Cohort) and (part.participants.exists() or part.applications.exists()):
        raise ProgramError(
            _(
                "People have applied to or joined this cohort, so it cannot be deleted. "
                "Change its dates instead."
            )
        )
    label = str(part)
    if isinstance(part, Phase):
        label = f"{part.cohort.name} · {part}"
    with transaction.atomic():
        record_audit(
            action=f"{part._meta.model_name}.deleted",
            actor=actor,
            target=part,
            organization_id=program.organization_id,
            detail={"program": program.pk, "label": label},
            request=request,
        )
        part.delete()
