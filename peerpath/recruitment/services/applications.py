"""Writes with business meaning for recruitment. Views, the API and commands all call these."""

import datetime
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.core.audit import record_audit
from peerpath.core.email import queue_email
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program
from peerpath.programs.services.participants import set_participant_status
from peerpath.programs.templatetags.deadlines import deadline as format_deadline
from peerpath.recruitment.models import Application, Nomination, Question
from peerpath.recruitment.services.enrollment import check_mentee_enrollment, enroll_mentee
from peerpath.recruitment.services.participation import (
    ConsentRequired,
    NotEligible,
    OneRolePerCohort,
    RecruitmentError,
    check_can_take_part,
    check_one_role,
)

__all__ = [  # the rule errors, raised here too, are part of this module's interface
    "ConsentRequired",
    "check_can_take_part",
    "NotEligible",
    "OneRolePerCohort",
    "RecruitmentError",
]

Status = Application.Status

# Allowed moves of the application status machine. A declined or withdrawn application must be
# reopened (back to screening) before it can be approved.
TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.SCREENING, Status.DECLINED, Status.WAITLISTED, Status.WITHDRAWN},
    Status.SCREENING: {
        Status.INTERVIEW,
        Status.APPROVED,
        Status.DECLINED,
        Status.WAITLISTED,
        Status.WITHDRAWN,
    },
    Status.INTERVIEW: {Status.APPROVED, Status.DECLINED, Status.WAITLISTED, Status.WITHDRAWN},
    Status.WAITLISTED: {Status.SCREENING, Status.APPROVED, Status.DECLINED, Status.WITHDRAWN},
    Status.APPROVED: {Status.WITHDRAWN},
    Status.DECLINED: {Status.SCREENING},
    Status.WITHDRAWN: {Status.SCREENING},
}
DECISIONS = {Status.APPROVED, Status.DECLINED, Status.WAITLISTED}
# The applicant hears about these; internal steps (screening, interview scheduling) need no e-mail.
NOTIFY = {Status.APPROVED, Status.DECLINED, Status.WAITLISTED, Status.INTERVIEW}


class IllegalTransition(RecruitmentError):
    pass


class ApplicationsClosed(RecruitmentError):
    pass


class AlreadyApplied(RecruitmentError):
    def __init__(self, message: str, application: Application) -> None:
        super().__init__(message)
        self.application = application


def allowed_next_statuses(application: Application) -> list[str]:
    return [status for status in Status.values if status in TRANSITIONS[application.status]]


def set_application_status(
    *,
    application: Application,
    status: str,
    actor: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Application:
    """The one place an application's status changes: validate, save, audit, notify on commit.

    Approving enrolls the applicant in the role (refused while they take part in the cohort in the
    other role); leaving approved (withdrawn, or reopened) withdraws that participant again.
    """
    old = application.status
    if status not in TRANSITIONS.get(old, set()):
        raise IllegalTransition(
            _("An application that is %(old)s cannot become %(new)s.")
            % {"old": Status(old).label.lower(), "new": Status(status).label.lower()}
            + (
                " " + _("Reopen it for screening first.")
                if old in {Status.DECLINED, Status.WITHDRAWN}
                else ""
            )
        )
    if status == Status.APPROVED:
        check_one_role(
            cohort=application.cohort, person=application.applicant, role=application.role, by_self=False
        )
    with transaction.atomic():
        application.status = status
        fields = ["status", "updated"]
        if status in DECISIONS:
            application.decided_at = timezone.now()
            application.decision_reason = reason
            fields += ["decided_at", "decision_reason"]
        application.save(update_fields=fields)
        if status == Status.APPROVED or old == Status.APPROVED:
            _follow_with_participant(application, actor=actor, reason=reason, request=request)
        record_audit(
            action="application.status_changed",
            actor=actor,
            target=application,
            organization_id=application.cohort.program.organization_id,
            detail={"from": old, "to": status, "reason": reason},
            request=request,
        )
        if status in NOTIFY:
            queue_email(
                to=application.applicant,
                template="recruitment/email/application_status",
                context={"application": application, "program": application.cohort.program, "reason": reason},
            )
    return application


def _follow_with_participant(
    application: Application, *, actor: User | None, reason: str, request: HttpRequest | None
) -> None:
    """Enroll an approved applicant in the role, or withdraw them when the approval is taken back."""
    participant = Participant.objects.filter(
        cohort=application.cohort, user=application.applicant, role=application.role
    ).first()
    target = (
        Participant.Status.ENROLLED if application.status == Status.APPROVED else Participant.Status.WITHDRAWN
    )
    if participant is None:
        if target == Participant.Status.ENROLLED:
            Participant.objects.create(
                cohort=application.cohort,
                user=application.applicant,
                role=application.role,
                source=Participant.Source.APPLICATION,
            )
    elif participant.status != target:
        set_participant_status(
            participant=participant, status=target, actor=actor, reason=reason, request=request
        )


def submit_application(
    *,
    cohort: Cohort,
    applicant: User,
    role: str,
    answers: dict[str, Any],
    profile: dict[str, Any] | None = None,
    source: str = Application.Source.OTHER,
    submit_token: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Record an application. The same form posted twice (two tabs, a double click) creates one row.

    The rules of every way in apply (`check_can_take_part`): one role per cohort, the program's grades
    and ages, and a guardian's consent for an under-13 (whose first attempt e-mails the guardian).
    """
    existing = Application.objects.filter(cohort=cohort, applicant=applicant, role=role).first()
    if existing is not None:
        if submit_token is not None and existing.submit_token == submit_token:
            return existing
        raise AlreadyApplied(
            _("You have already applied to this program for %(cohort)s.") % {"cohort": cohort.name}, existing
        )
    if not cohort.accepts_applications(now):
        deadline = cohort.application_deadline
        if deadline is not None and (now or timezone.now()) > deadline:
            closed = _("Applications closed on %(deadline)s.") % {
                "deadline": format_deadline(deadline, cohort.program.organization)
            }
            raise ApplicationsClosed(closed.replace("..", "."))  # "5 p.m." ends the sentence already
        raise ApplicationsClosed(_("Applications for this program are not open yet."))
    check_can_take_part(cohort=cohort, person=applicant, role=role, actor=applicant, request=request)
    nomination = (
        Nomination.objects.filter(program=cohort.program, nominee=applicant, role=role)
        .order_by("-created")
        .first()
    )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort,
                applicant=applicant,
                role=role,
                answers=answers,
                source=Application.Source.NOMINATION if nomination else source,
                nomination=nomination,
                submit_token=submit_token or uuid.uuid4(),
                **(profile or {}),
            )
    except IntegrityError:
        # The other tab won the race: hand back its row.
        winner = Application.objects.get(cohort=cohort, applicant=applicant, role=role)
        if submit_token is not None and winner.submit_token == submit_token:
            return winner
        raise AlreadyApplied(
            _("You have already applied to this program for %(cohort)s.") % {"cohort": cohort.name}, winner
        ) from None
    record_audit(
        action="application.submitted",
        actor=applicant,
        target=application,
        organization_id=cohort.program.organization_id,
        request=request,
    )
    queue_email(
        to=applicant,
        template="recruitment/email/application_received",
        context={"application": application, "program": cohort.program},
    )
    return application


# Application form builder -------------------------------------------------------------------------

CHOICE_KINDS = {Question.Kind.CHOICE, Question.Kind.MULTI_CHOICE}


def save_question(
    *,
    program: Program,
    role: str,
    kind: str,
    label: str,
    help_text: str = "",
    required: bool = True,
    choices: list[str] | None = None,
    question: Question | None = None,
) -> Question:
    """Add a question at the end of a form, or change one. Only choice kinds keep their choices."""
    if question is None:
        last = (
            Question.objects.filter(program=program, role=role)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
        )
        question = Question(program=program, role=role, order=0 if last is None else last + 1)
    question.kind = kind
    question.label = label
    question.help_text = help_text
    question.required = required
    question.choices = list(choices or []) if kind in CHOICE_KINDS else []
    question.save()
    return question


def move_question(*, question: Question, up: bool) -> None:
    """Swap a question with its neighbour, renumbering the form 0..n so gaps and ties disappear."""
    questions = list(
        Question.objects.filter(program_id=question.program_id, role=question.role).order_by("order", "id")
    )
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    changed = []
    for position, item in enumerate(questions):
        if item.order != position:
            item.order = position
            changed.append(item)
    Question.objects.bulk_update(changed, ["order"])


def delete_question(*, question: Question) -> None:
    """Remove a question. Submitted applications keep their answers (they store the question text)."""
    question.delete()


# Nominations --------------------------------------------------------------------------------------


def invite_nominee(*, nomination: Nomination, apply_url: str) -> Nomination:
    """E-mail the nominee an invitation to apply and note when it went out."""
    queue_email(
        to=nomination.nominee,
        template="recruitment/email/nomination_invite",
        context={"nomination": nomination, "program": nomination.program, "apply_url": apply_url},
    )
    nomination.invited_at = timezone.now()
    nomination.save(update_fields=["invited_at", "updated"])
    return nomination


def nominate_student(
    *,
    program: Program,
    nominee: User,
    nominated_by: User,
    role: str,
    reason: str,
    apply_url: str | None = None,
    request: HttpRequest | None = None,
) -> Nomination:
    """Record a nomination (as mentor) or referral (as mentee) and invite the student to apply.

    No invitation goes out when there is no open cohort to apply to (`apply_url` is None) or when the
    student was already invited to this program in this role: one e-mail per student, not per nominator.
    """
    with transaction.atomic():
        already_invited = Nomination.objects.filter(
            program=program, nominee=nominee, role=role, invited_at__isnull=False
        ).exists()
        nomination = Nomination.objects.create(
            program=program, nominee=nominee, nominated_by=nominated_by, role=role, reason=reason
        )
        record_audit(
            action="nomination.created",
            actor=nominated_by,
            target=nomination,
            organization_id=program.organization_id,
            detail={"role": role},
            request=request,
        )
        if apply_url and not already_invited:
            invite_nominee(nomination=nomination, apply_url=apply_url)
    return nomination


def record_application_view(
    *, viewer: User, application: Application, request: HttpRequest | None = None
) -> None:
    """Staff reading an application is a read of a student record: it leaves a trace."""
    if viewer.pk == application.applicant_id:
        return
    record_audit(
        action="application.viewed",
        actor=viewer,
        target=application,
        organization_id=application.cohort.program.organization_id,
        request=request,
    )


def refer_mentee(
    *, cohort: Cohort, student: User, referred_by: User, reason: str, request: HttpRequest | None = None
) -> Participant:
    """A counselor or educator refers a student: the enrollment and a Nomination (role mentee) saying why.

    The enrollment rules apply (`check_mentee_enrollment`); an under-13 without consent is refused and
    their guardians are asked, so the referral can be made again once a guardian agrees.
    """
    withdrawn = check_mentee_enrollment(cohort=cohort, student=student, actor=referred_by, request=request)
    with transaction.atomic():
        participant = enroll_mentee(
            cohort=cohort,
            student=student,
            source=Participant.Source.REFERRAL,
            actor=referred_by,
            request=request,
            action="enrollment.referred",
            withdrawn=withdrawn,
        )
        Nomination.objects.create(
            program=cohort.program,
            nominee=student,
            nominated_by=referred_by,
            role=ParticipantRole.MENTEE,
            reason=reason,
        )
    return participant
