"""Reads for the program pages and the dashboard, each in a fixed number of queries.

Reads that need recruitment or the matching gate (the pipeline, the dashboards) live in
peerpath/analytics/queries.py, which sits above those apps.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import Organization, User
from peerpath.core import policy
from peerpath.core.roles import MANAGER_ROLES, STAFF_ROLES, Role
from peerpath.programs.models import Cohort, Participant, Program

ENROLLED = Participant.Status.ENROLLED


def joinable_programs(user: User | AnonymousUser) -> QuerySet[Program]:
    """Published programs a person may read about and apply to: those of their school (or district)
    and those their school is a partner of."""
    member_of = policy.organization_ids(user, Role.values)
    matching = Program.objects.filter(Q(organization__in=member_of) | Q(partner_schools__in=member_of))
    return Program.objects.published().filter(pk__in=matching.values("pk"))


def public_program(organization_slug: str, program_slug: str) -> Program | None:
    """A published program as anyone may read it, signed in or not (parents, prospective students).

    The page shows what the program asks and offers, never who takes part: no tenancy check is needed.
    Its objectives come prefetched (two queries).
    """
    return (
        Program.objects.published()
        .select_related("organization")
        .prefetch_related("objectives")
        .filter(organization__slug=organization_slug, slug=program_slug)
        .first()
    )


def may_apply_to(user: User | AnonymousUser, program: Program) -> bool:
    """Whether a signed-in person may apply to (or join) `program`: a member of its school or a partner."""
    return bool(user.is_authenticated) and joinable_programs(user).filter(pk=program.pk).exists()


def listed_programs(user: User | AnonymousUser) -> QuerySet[Program]:
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


def overseen_program_ids(user: User | AnonymousUser, programs: list[Program]) -> set[int]:
    scoped = policy.scope(user, Program.objects.filter(pk__in=[p.pk for p in programs]), "oversee")
    return set(scoped.values_list("pk", flat=True))


def manager_organizations(user: User | AnonymousUser) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=policy.organization_ids(user, MANAGER_ROLES)).order_by("name")


def partner_school_choices(
    user: User | AnonymousUser, program: Program | None = None
) -> QuerySet[Organization]:
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


# The dashboard ----------------------------------------------------------------------------------


def participations_of(users: list[User] | list[int]) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(user__in=users, status=ENROLLED)
        .select_related("user", "cohort__program__organization")
        .order_by("-cohort__starts_on")
    )


def programs_open_to(user: User | AnonymousUser, now: datetime.datetime | None = None) -> QuerySet[Program]:
    """Published programs a student may join, flagged when a cohort takes applications right now.

    Programs the student already takes part in (enrolled in a cohort that has not ended) are left out.
    """
    now = now or timezone.now()
    taking_part = Participant.objects.filter(
        cohort__program=OuterRef("pk"),
        cohort__ends_on__gte=timezone.localdate(now),
        user_id=getattr(user, "pk", 0) or 0,
        status=ENROLLED,
    )
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
        .exclude(Exists(taking_part))
        .order_by("-is_open", "name")
    )


def recorded_grade(program: Program, user: User) -> int | None:
    """The grade the school records for `user` (an active student membership of one of the program's
    schools), or None."""
    return (
        user.memberships.filter(
            organization__in=program.school_ids(), role=Role.STUDENT, is_active=True, grade__isnull=False
        )
        .values_list("grade", flat=True)
        .first()
    )


def range_problem(program: Program, *, grade: int | None, age: int | None) -> str | None:
    """Why a student of this grade and age may not take part (outside the program's range), or None.

    A grade or age the school has not recorded (None) does not exclude anyone: staff can still decide.
    """
    low, high = program.min_grade, program.max_grade
    if grade is not None and ((low is not None and grade < low) or (high is not None and grade > high)):
        return _("This program is for grades %(low)s to %(high)s.") % {"low": low or "K", "high": high or 12}
    young, old = program.min_age, program.max_age
    if age is not None and ((young is not None and age < young) or (old is not None and age > old)):
        return _("This program is for students aged %(young)s to %(old)s.") % {
            "young": young or 0,
            "old": old or 99,
        }
    return None


def eligibility_problem(program: Program, user: User, grade: int | None = None) -> str | None:
    """Why `user` may not take part in `program` (grade or age outside its range), or None.

    `grade` is a grade given for this enrollment (a CSV column); without it, the school's record counts.
    """
    if grade is None:
        grade = recorded_grade(program, user)
    return range_problem(program, grade=grade, age=user.age())
