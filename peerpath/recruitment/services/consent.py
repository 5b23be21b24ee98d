"""Guardian consent for minors: asking for it, answering it, and the coordinator's overview.

A consent is asked of every guardian linked to the student. The guardian answers through a signed
link that needs no login (or, signed in, from their list of requests). The link carries the consent id
and the request's expiry, so asking again makes older links useless, and an answered or expired
request can never be changed through a link.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerpath.accounts.models import GuardianLink, User
from peerpath.core.audit import record_audit
from peerpath.core.email import queue_email
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program, ProgramStaff
from peerpath.recruitment.models import Application, Consent

SALT = "peerpath.consent"
VALID_FOR = datetime.timedelta(days=14)
# Applicants whose application is still alive appear in the coordinator's consent list.
OPEN_APPLICATION_STATUSES = [
    Application.Status.SUBMITTED,
    Application.Status.SCREENING,
    Application.Status.INTERVIEW,
    Application.Status.APPROVED,
    Application.Status.WAITLISTED,
]
Status = Consent.Status

# Allowed moves: a request is answered once; a refused or expired request may be asked again.
TRANSITIONS: dict[str, set[str]] = {
    Status.REQUESTED: {Status.GIVEN, Status.REFUSED, Status.REQUESTED},
    Status.REFUSED: {Status.REQUESTED},
    Status.GIVEN: set(),
}


class ConsentError(Exception):
    """A consent request that cannot be answered (any more); the message is shown as it is."""


# Links ---------------------------------------------------------------------------------------------


def make_consent_token(consent: Consent) -> str:
    return signing.dumps({"c": consent.pk, "e": int(consent.expires_at.timestamp())}, salt=SALT)


def consent_from_token(token: str) -> Consent | None:
    """The consent a link points to while it can still be answered, otherwise None.

    Tampered, older than 14 days, replaced by a newer request, answered or expired: all None.
    """
    try:
        data = signing.loads(token, salt=SALT, max_age=VALID_FOR)
        consent_id, expires = int(data["c"]), int(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    consent = (
        Consent.objects.select_related("program__organization", "student", "guardian")
        .filter(pk=consent_id)
        .first()
    )
    if consent is None or int(consent.expires_at.timestamp()) != expires or not is_answerable(consent):
        return None
    return consent


def is_answerable(consent: Consent, now: datetime.datetime | None = None) -> bool:
    return consent.status == Status.REQUESTED and consent.expires_at > (now or timezone.now())


def _absolute(path: str, request: HttpRequest | None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    # Commands have no request: a deployment sets SITE_URL (https://peerpath.example.org).
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


# What the guardian agrees to ---------------------------------------------------------------------


CONTACT_RULES = [
    gettext_lazy("Mentors and mentees meet at school or at program activities that staff supervise."),
    gettext_lazy(
        "Messages between a mentor and a minor go through PeerPath, and program staff can read them."
    ),
    gettext_lazy(
        "Sharing phone numbers, e-mail addresses or social media handles in messages is not allowed "
        "and is flagged to staff."
    ),
    gettext_lazy("A concern about a mentor or a meeting goes to the program coordinator, never into notes."),
]


def consent_snapshot(program: Program) -> str:
    """What the consent covers, frozen at request time: later edits to the program do not change it."""
    parts = [program.name]
    if program.description:
        parts.append(program.description)
    parts.append(
        _("Meetings: %(cadence)s, %(minutes)s minutes each, for %(weeks)s weeks.")
        % {
            "cadence": program.get_meeting_cadence_display().lower(),
            "minutes": program.session_minutes,
            "weeks": program.commitment_weeks,
        }
    )
    parts.append(_("Contact rules:") + "\n" + "\n".join(f"- {rule}" for rule in CONTACT_RULES))
    return "\n\n".join(parts)


def program_contacts(program: Program) -> list[User]:
    """The people a guardian may turn to with a concern: the program's coordinators."""
    return [
        staff.user
        for staff in ProgramStaff.objects.filter(program=program, role=ProgramStaff.Role.COORDINATOR)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ]


# Writes ------------------------------------------------------------------------------------------


@dataclass
class ConsentRequestResult:
    requested: list[Consent] = field(default_factory=list)
    already_given: int = 0
    no_guardian: bool = False


def request_consent(
    *, program: Program, student: User, actor: User | None, request: HttpRequest | None = None
) -> ConsentRequestResult:
    """Ask every guardian linked to `student` for consent (again), valid for 14 days, and e-mail each.

    A guardian who already gave consent is not asked again.
    """
    result = ConsentRequestResult()
    links = list(GuardianLink.objects.filter(student=student).select_related("guardian"))
    if not links:
        result.no_guardian = True
        return result
    contacts = program_contacts(program)
    with transaction.atomic():
        for link in links:
            guardian = link.guardian
            with translation.override(guardian.preferred_language or translation.get_language()):
                covers = consent_snapshot(program)
            consent, created = Consent.objects.select_for_update().get_or_create(
                program=program,
                student=student,
                guardian=guardian,
                defaults={"covers": covers, "expires_at": timezone.now() + VALID_FOR},
            )
            if not created:
                if consent.status == Status.GIVEN:
                    result.already_given += 1
                    continue
                consent.covers = covers
                consent.save(update_fields=["covers", "updated"])
                set_consent_status(consent=consent, status=Status.REQUESTED, actor=actor, request=request)
            else:
                record_audit(
                    action="consent.requested",
                    actor=actor,
                    target=consent,
                    organization_id=program.organization_id,
                    detail={"guardian": guardian.pk},
                    request=request,
                )
            link_url = _absolute(reverse("consent_respond", args=[make_consent_token(consent)]), request)
            queue_email(
                to=guardian,
                template="recruitment/consent/email/consent_request",
                context={
                    "consent": consent,
                    "program": program,
                    "student": student,
                    "guardian": guardian,
                    "link": link_url,
                    "contacts": contacts,
                    "expires_at": consent.expires_at,
                },
            )
            result.requested.append(consent)
    return result


def set_consent_status(
    *,
    consent: Consent,
    status: str,
    actor: User | None = None,
    preferences: dict[str, Any] | None = None,
    orientation_acknowledged: bool = False,
    request: HttpRequest | None = None,
) -> Consent:
    """The one place a consent's status changes: validate, save, audit.

    Answering (given/refused) needs an open, unexpired request; asking again (requested) restarts the
    14 days and forgets the previous answer (the audit trail keeps it).
    """
    with transaction.atomic():
        # Lock the row: two tabs answering at once must not both win.
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if status not in TRANSITIONS.get(locked.status, set()):
            raise ConsentError(_("This consent request was already answered."))
        old = locked.status
        if status == Status.REQUESTED:
            locked.status = status
            locked.expires_at = timezone.now() + VALID_FOR
            locked.answered_at = None
            locked.preferences = {}
            locked.orientation_acknowledged = False
            action = "consent.requested"
        else:
            if not is_answerable(locked):
                raise ConsentError(_("This consent request has expired."))
            locked.status = status
            locked.answered_at = timezone.now()
            # Least data: preferences only matter when the child takes part.
            locked.preferences = (preferences or {}) if status == Status.GIVEN else {}
            locked.orientation_acknowledged = orientation_acknowledged
            action = "consent.given" if status == Status.GIVEN else "consent.refused"
        locked.save(
            update_fields=[
                "status",
                "expires_at",
                "answered_at",
                "preferences",
                "orientation_acknowledged",
                "updated",
            ]
        )
        record_audit(
            action=action,
            actor=actor,
            # Through the public link nobody is signed in: the guardian the link was sent to answered.
            actor_label=str(locked.guardian) if actor is None and action != "consent.requested" else "",
            target=locked,
            organization_id=consent.program.organization_id,
            detail={"from": old, "to": status, "guardian": locked.guardian_id},
            request=request,
        )
    for name in ("status", "expires_at", "answered_at", "preferences", "orientation_acknowledged", "updated"):
        setattr(consent, name, getattr(locked, name))
    return consent


# Reads for the coordinator's page ----------------------------------------------------------------


@dataclass
class GuardianConsent:
    guardian: User
    consent: Consent | None

    @property
    def status(self) -> str:
        if self.consent is None:
            return ""
        if self.consent.status == Status.REQUESTED and not is_answerable(self.consent):
            return "expired"
        return self.consent.status


@dataclass
class StudentConsent:
    student: User
    roles: list[str]
    guardians: list[GuardianConsent]

    @property
    def has_consent(self) -> bool:
        return any(g.status == Status.GIVEN for g in self.guardians)

    @property
    def is_missing(self) -> bool:
        """Someone could still be asked: a guardian on file who has not given consent."""
        return bool(self.guardians) and any(g.status != Status.GIVEN for g in self.guardians)


def minors_needing_consent(program: Program, cohort: Cohort | None) -> list[StudentConsent]:
    """Every minor enrolled in or applying to `cohort`, with each linked guardian's consent.

    Four queries whatever the number of students.
    """
    if cohort is None:
        return []
    enrolled = Q(participations__cohort=cohort, participations__status=Participant.Status.ENROLLED)
    applying = Q(applications__cohort=cohort, applications__status__in=OPEN_APPLICATION_STATUSES)
    students = (
        User.objects.filter(enrolled | applying)
        .distinct()
        .order_by("last_name", "first_name", "username")
        .prefetch_related(
            Prefetch(
                "guardians",
                queryset=GuardianLink.objects.select_related("guardian").order_by("guardian__last_name"),
            ),
            Prefetch(
                "consents", queryset=Consent.objects.filter(program=program), to_attr="program_consents"
            ),
        )
    )
    roles: dict[int, set[str]] = {}
    for user_id, role in Participant.objects.filter(
        cohort=cohort, status=Participant.Status.ENROLLED
    ).values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    rows = []
    for student in students:
        if not student.is_minor:
            continue
        program_consents = cast(list[Consent], student.program_consents)
        by_guardian = {consent.guardian_id: consent for consent in program_consents}
        rows.append(
            StudentConsent(
                student=student,
                roles=[str(ParticipantRole(role).label) for role in sorted(roles.get(student.pk, set()))],
                guardians=[
                    GuardianConsent(guardian=link.guardian, consent=by_guardian.get(link.guardian_id))
                    for link in student.guardians.all()
                ],
            )
        )
    return rows


def child_consent_gate(
    *, program: Program, student: User, request: HttpRequest | None = None, actor: User | None = None
) -> str | None:
    """Under-13s cannot apply, sign up or be enrolled until a guardian has agreed (children's privacy law).

    Returns the message to show, or None when the student may go ahead. When no guardian has a live
    request yet (none was sent, or the last one expired or was refused), one is sent now, so the first
    attempt starts the consent. `actor` is who is trying: the student (the default) or a staff member
    enrolling them, who is told what happened in their own words.
    """
    if not student.is_under_13:
        return None
    actor = actor or student
    consents = Consent.objects.filter(program=program, student=student)
    if consents.filter(status=Status.GIVEN).exists():
        return None
    waiting = consents.filter(status=Status.REQUESTED, expires_at__gt=timezone.now()).exists()
    no_guardian = (
        not waiting
        and request_consent(program=program, student=student, actor=actor, request=request).no_guardian
    )
    if actor.pk != student.pk:
        if no_guardian:
            return _(
                "%(student)s is under 13: a parent or guardian must agree before they can take part, and "
                "there is no guardian on file. Ask the school office to add one, then try again."
            ) % {"student": student}
        return _(
            "%(student)s is under 13: a parent or guardian must agree before they can take part. "
            "We have e-mailed their guardian; enroll them once the guardian agrees."
        ) % {"student": student}
    if no_guardian:
        return _(
            "Because you are under 13, a parent or guardian must agree before you can take part. "
            "We have no guardian on file for you: please ask the school office to add one."
        )
    return _(
        "Because you are under 13, a parent or guardian must agree before you can take part. "
        "We have e-mailed your guardian; you can continue once they say yes."
    )
