"""Writes with business meaning for recruitment. Views, the API and commands all call these."""

import datetime
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from peerpath.core.audit import record_audit
from peerpath.core.email import queue_email
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program
from peerpath.programs.queries.programs import eligibility_problem
from peerpath.recruitment.models import Application, Nomination, Question
from peerpath.recruitment.services.enrollment import enroll_mentee

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


class RecruitmentError(Exception):
    """A request that breaks a recruitment rule; the message is shown to the user as it is."""


class IllegalTransition(RecruitmentError):
    pass


class ApplicationsClosed(RecruitmentError):
    pass


class NotEligible(RecruitmentError):
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
    actor: Any,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Application:
    """The one place an application's status changes: validate, save, audit, notify on commit."""
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
    with transaction.atomic():
        application.status = status
        fields = ["status", "updated"]
        if status in DECISIONS:
            application.decided_at = timezone.now()
            application.decision_reason = reason
            fields += ["decided_at", "decision_reason"]
        application.save(update_fields=fields)
        if status == Status.APPROVED:
            Participant.objects.update_or_create(
                cohort=application.cohort,
                user=application.applicant,
                role=application.role,
                defaults={"status": Participant.Status.ENROLLED, "source": Participant.Source.APPLICATION},
            )
        elif old == Status.APPROVED:
            Participant.objects.filter(
                cohort=application.cohort, user=application.applicant, role=application.role
            ).update(status=Participant.Status.WITHDRAWN)
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


def submit_application(
    *,
    cohort: Cohort,
    applicant: Any,
    role: str,
    answers: dict[str, Any],
    profile: dict[str, Any] | None = None,
    source: str = Application.Source.OTHER,
    submit_token: uuid.UUID | None = None,
    now: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Application:
    """Record an application. The same form posted twice (two tabs, a double click) creates one row."""
    existing = Application.objects.filter(cohort=cohort, applicant=applicant, role=role).first()
    if existing is not None:
        if submit_token is not None and existing.submit_token == submit_token:
            return existing
        raise AlreadyApplied(
            _("You have already applied to this program for %(cohort)s.") % {"cohort": cohort.name}, existing
        )
    problem = eligibility_problem(cohort.program, applicant)
    if problem:
        raise NotEligible(problem)
    if not cohort.accepts_applications(now):
        deadline = cohort.application_deadline
        if deadline is not None and (now or timezone.now()) > deadline:
            raise ApplicationsClosed(
                _("Applications closed on %(deadline)s.")
                % {"deadline": formats.date_format(timezone.localtime(deadline), "DATETIME_FORMAT")}
            )
        raise ApplicationsClosed(_("Applications for this program are not open yet."))
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
    nominee: Any,
    nominated_by: Any,
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
    *, viewer: Any, application: Application, request: HttpRequest | None = None
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
    *, cohort: Cohort, student: Any, referred_by: Any, reason: str, request: HttpRequest | None = None
) -> Participant:
    """A counselor or educator refers a student: the enrollment and a Nomination (role mentee) saying why."""
    with transaction.atomic():
        participant = enroll_mentee(
            cohort=cohort,
            student=student,
            source=Participant.Source.REFERRAL,
            actor=referred_by,
            request=request,
            action="enrollment.referred",
        )
        Nomination.objects.create(
            program=cohort.program,
            nominee=student,
            nominated_by=referred_by,
            role=ParticipantRole.MENTEE,
            reason=reason,
        )
    return participant
