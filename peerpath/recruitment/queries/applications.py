"""Reads for recruitment pages, with their joins built in."""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from peerpath.accounts.models import User
from peerpath.core.models import AuditEntry
from peerpath.programs.models import Program
from peerpath.recruitment.models import Application, Interview, Nomination, Question

STATUS_CHANGED = "application.status_changed"


def form_questions(program: Program, role: str) -> QuerySet[Question]:
    """The questions of one application form, in the order applicants see them."""
    return Question.objects.filter(program=program, role=role).order_by("order", "id")


def applications_of(user: User) -> QuerySet[Application]:
    """A person's own applications, newest first, with the program for the list."""
    return (
        Application.objects.filter(applicant_id=user.pk)
        .select_related("cohort", "cohort__program")
        .order_by("-created", "-id")
    )


def application_status_history(application: Application) -> QuerySet[AuditEntry]:
    """Every status change of one application, oldest first (from the audit trail)."""
    return AuditEntry.objects.filter(
        action=STATUS_CHANGED,
        target_type=ContentType.objects.get_for_model(Application),
        target_id=str(application.pk),
    ).order_by("created", "id")


def nominations_for(program: Program) -> QuerySet[Nomination]:
    """A program's nominations with who was nominated, by whom, and the applications they led to."""
    return (
        Nomination.objects.filter(program=program)
        .select_related("nominee", "nominated_by")
        .prefetch_related("applications")
        .order_by("-created", "-id")
    )


@dataclass(frozen=True)
class FunnelRow:
    source: str
    label: str
    applications: int
    reached_interview: int
    approved: int


def recruitment_funnel(program: Program) -> list[FunnelRow]:
    """Per source (how applicants heard of the program): applications, how many reached an
    interview (now or at any point, from the audit trail or an interview on record), how many were
    approved. Every source has a row, zeros included, so the table reads the same every term."""
    reached = (
        Q(status=Application.Status.INTERVIEW)
        | Exists(Interview.objects.filter(application=OuterRef("pk")))
        | Exists(
            AuditEntry.objects.filter(
                action=STATUS_CHANGED,
                target_type=ContentType.objects.get_for_model(Application),
                target_id=Cast(OuterRef("pk"), CharField()),
                detail__to=Application.Status.INTERVIEW,
            )
        )
    )
    counts: dict[str, dict[str, Any]] = {
        row["source"]: dict(row)
        for row in Application.objects.filter(cohort__program=program)
        .order_by()
        .values("source")
        .annotate(
            applications=Count("pk"),
            reached_interview=Count("pk", filter=reached),
            approved=Count("pk", filter=Q(status=Application.Status.APPROVED)),
        )
    }
    rows = []
    for source, label in Application.Source.choices:
        found = counts.get(source, {})
        rows.append(
            FunnelRow(
                source=source,
                label=str(label),
                applications=found.get("applications", 0),
                reached_interview=found.get("reached_interview", 0),
                approved=found.get("approved", 0),
            )
        )
    return rows
