"""Who may take part in a cohort, and in which role.

Every way in shares these rules: applying (`submit_application`), approving an application
(`set_application_status`), signing up (`sign_up_mentee`), a referral (`refer_mentee`) and a CSV import
(`enroll_rows`). Pages, the API and commands reach them only through those services, so no view holds
the only copy of a rule. Each rule raises a `RecruitmentError` whose message is shown as it is.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.core.roles import Role
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program
from peerpath.programs.queries.programs import eligibility_problem
from peerpath.recruitment.services.consent import child_consent_gate


class RecruitmentError(Exception):
    """A request that breaks a recruitment rule; the message is shown to the user as it is."""


class NotEligible(RecruitmentError):
    """Grade or age outside the program's range."""


class NotAStudent(RecruitmentError):
    """Not an active student of the program's school or of a partner school."""


class ConsentRequired(RecruitmentError):
    """An under-13 without a guardian's consent; the guardians have been asked (again) if they could be."""


class OneRolePerCohort(RecruitmentError):
    """Already taking part in the cohort in the other role."""


def other_role(role: str) -> str:
    return ParticipantRole.MENTEE if role == ParticipantRole.MENTOR else ParticipantRole.MENTOR


def allows_both_roles(program: Program) -> bool:
    """Only a cross-age program puts one person in both roles by design (mentored by an older student
    while mentoring a younger one); the engine never pairs a person with themselves."""
    return program.model == Program.Model.CROSS_AGE


def is_active_student(user: User, program: Program) -> bool:
    """An active account with an active student membership of the program's school or a partner school."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.memberships.filter(
            organization__in=program.school_ids(), role=Role.STUDENT, is_active=True
        ).exists()
    )


def one_role_message(*, person: User, role: str, cohort: Cohort, by_self: bool) -> str:
    """The message for `person`, already taking part in `cohort` as `role`, trying to join in the other."""
    label = ParticipantRole(role).label.lower()
    if by_self:
        return _("You are already a %(role)s in %(cohort)s, and a person takes one role per cohort.") % {
            "role": label,
            "cohort": cohort.name,
        }
    return _("%(person)s is already a %(role)s in %(cohort)s, and a person takes one role per cohort.") % {
        "person": person,
        "role": label,
        "cohort": cohort.name,
    }


def check_one_role(*, cohort: Cohort, person: User, role: str, by_self: bool) -> None:
    """Refuse `role` to someone enrolled in the cohort in the other role (unless the program is cross-age)."""
    if allows_both_roles(cohort.program):
        return
    held = other_role(role)
    if Participant.objects.filter(
        cohort=cohort, user=person, role=held, status=Participant.Status.ENROLLED
    ).exists():
        raise OneRolePerCohort(one_role_message(person=person, role=held, cohort=cohort, by_self=by_self))


def check_can_take_part(
    *,
    cohort: Cohort,
    person: User,
    role: str,
    actor: User,
    students_only: bool = False,
    request: HttpRequest | None = None,
) -> None:
    """Raise the first rule `person` breaks by joining `cohort` as `role`; `actor` is who is asking.

    The consent check comes last because it writes: an under-13 without consent makes the guardians
    get a (new) request, so the first attempt starts the consent.
    """
    program = cohort.program
    by_self = actor.pk == person.pk
    if students_only and not is_active_student(person, program):
        if by_self:
            raise NotAStudent(
                _("Only students of %(school)s can sign up.") % {"school": program.organization.name}
            )
        raise NotAStudent(
            _("%(who)s is not a student at %(school)s.")
            % {"who": person, "school": program.organization.name}
        )
    check_one_role(cohort=cohort, person=person, role=role, by_self=by_self)
    problem = eligibility_problem(program, person)
    if problem:
        raise NotEligible(problem)
    blocked = child_consent_gate(program=program, student=person, actor=actor, request=request)
    if blocked:
        raise ConsentRequired(blocked)
