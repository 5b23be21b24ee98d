"""Writes about one person's own profile and the trace of who read a student record."""

from django.http import HttpRequest

from peerpath.accounts.models import Organization, User
from peerpath.core.audit import record_audit
from peerpath.core.roles import Role


def set_preferred_language(*, user: User, language: str) -> User:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def record_student_record_view(
    *, viewer: User, student: User, organization: Organization, request: HttpRequest | None = None
) -> None:
    """Staff reading a student's record leaves a trace (privacy rule: every read is audit-logged)."""
    if viewer.pk == student.pk:
        return
    if not student.memberships.filter(organization=organization, role=Role.STUDENT).exists():
        return
    record_audit(
        action="student_record.viewed",
        actor=viewer,
        target=student,
        organization_id=organization.pk,
        request=request,
    )
