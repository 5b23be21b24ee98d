"""Reads for screening: the review table, the attention list and an application's screening record.

Every list here runs a constant number of queries whatever its length: averages, counts and the
background check state are annotations (subqueries), per-criterion averages come from one grouped query.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from peerpath.accounts.models import User
from peerpath.core import policy
from peerpath.core.roles import STAFF_ROLES
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program
from peerpath.recruitment.models import (
    Application,
    BackgroundCheck,
    InterviewScore,
    Reference,
    RubricCriterion,
)

EXPIRING_WITHIN_DAYS = 30
REFERENCE_OVERDUE_AFTER = datetime.timedelta(days=5)

# Background check states, worst first; the number is what the table sorts on.
CHECK_FLAGGED = 0
CHECK_EXPIRED = 1
CHECK_MISSING = 2
CHECK_PENDING = 3
CHECK_EXPIRING = 4
CHECK_CLEAR = 5
CHECK_LABELS = {
    CHECK_FLAGGED: _("Flagged"),
    CHECK_EXPIRED: _("Expired"),
    CHECK_MISSING: _("Missing"),
    CHECK_PENDING: _("Pending"),
    CHECK_EXPIRING: _("Expiring soon"),
    CHECK_CLEAR: pgettext_lazy("background check result", "Clear"),
}
CHECK_NEEDS_ATTENTION = (CHECK_FLAGGED, CHECK_EXPIRED, CHECK_MISSING, CHECK_EXPIRING)


def check_state_annotation(
    organization_id: int, person_field: str = "pk", today: datetime.date | None = None
) -> Case:
    """The background check state of the person in `person_field`, as one of the CHECK_* numbers.

    Only checks recorded by the program's own organization count: another school's records stay there.
    """
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
    checks = BackgroundCheck.objects.filter(organization_id=organization_id, person_id=OuterRef(person_field))
    clear = checks.filter(result=BackgroundCheck.Result.CLEAR)
    return Case(
        When(Exists(checks.filter(result=BackgroundCheck.Result.FLAGGED)), then=Value(CHECK_FLAGGED)),
        When(
            Exists(clear.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=soon))), then=Value(CHECK_CLEAR)
        ),
        When(Exists(clear.filter(expires_on__gte=today)), then=Value(CHECK_EXPIRING)),
        When(Exists(clear), then=Value(CHECK_EXPIRED)),
        When(Exists(checks.filter(result=BackgroundCheck.Result.PENDING)), then=Value(CHECK_PENDING)),
        default=Value(CHECK_MISSING),
        output_field=IntegerField(),
    )


def _scalar(queryset: QuerySet[Any], expression: Any) -> Subquery:
    """One aggregate of `queryset` per outer row, as a subquery (joins would multiply rows)."""
    return Subquery(queryset.order_by().values("application").annotate(value=expression).values("value")[:1])


def review_rows(
    program: Program,
    cohort: Cohort | None,
    *,
    search: str = "",
    role: str = "",
    status: str = "",
) -> QuerySet[Application]:
    """The applications of one cohort with everything the review table shows, unordered."""
    scores = InterviewScore.objects.filter(interview__application=OuterRef("pk")).annotate(
        application=F("interview__application")
    )
    references = Reference.objects.filter(application=OuterRef("pk"))
    applications = (
        Application.objects.filter(cohort=cohort, cohort__program=program)
        .select_related("applicant")
        .annotate(
            overall_average=_scalar(scores, Avg("score")),
            references_requested=Coalesce(_scalar(references, Count("pk")), 0),
            references_received=Coalesce(
                _scalar(references.filter(status=Reference.Status.RECEIVED), Count("pk")), 0
            ),
            check_state=check_state_annotation(program.organization_id, "applicant_id"),
        )
    )
    if role:
        applications = applications.filter(role=role)
    if status:
        applications = applications.filter(status=status)
    if search:
        applications = applications.filter(
            Q(applicant__first_name__icontains=search)
            | Q(applicant__last_name__icontains=search)
            | Q(applicant__username__icontains=search)
            | Q(applicant__email__icontains=search)
        )
    return applications


# Sort keys of the review table -> the fields they order on. Criteria sort as "c<id>" (their average).
REVIEW_SORT_FIELDS: dict[str, tuple[str, ...]] = {
    "applicant": ("applicant__last_name", "applicant__first_name", "applicant__username"),
    "role": ("role",),
    "status": ("status_rank",),
    "source": ("source",),
    "submitted": ("created",),
    "overall": ("overall_average",),
    "references": ("references_received", "references_requested"),
    "check": ("check_state",),
}
DEFAULT_REVIEW_SORT = "applicant"


def status_rank_annotation() -> Case:
    """The position of an application's status in the status machine (submitted first, withdrawn last)."""
    return Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(Application.Status.values)),
        output_field=IntegerField(),
    )


def order_review_rows(
    applications: QuerySet[Application], sort: str, criteria: Iterable[RubricCriterion]
) -> tuple[QuerySet[Application], str]:
    """`applications` ordered by the sort key `sort` ("-" first for descending), empty values last.

    Returns the ordered rows and the sort key applied: an unknown key falls back to the applicant's name.
    Statuses sort in the status machine's order, not alphabetically.
    """
    key = sort.removeprefix("-")
    criterion_ids = {f"c{criterion.pk}": criterion.pk for criterion in criteria}
    if key in criterion_ids:
        applications = applications.annotate(sort_value=criterion_average_annotation(criterion_ids[key]))
        fields: tuple[str, ...] = ("sort_value",)
    elif key in REVIEW_SORT_FIELDS:
        fields = REVIEW_SORT_FIELDS[key]
        if key == "status":
            applications = applications.annotate(status_rank=status_rank_annotation())
    else:
        sort, fields = DEFAULT_REVIEW_SORT, REVIEW_SORT_FIELDS[DEFAULT_REVIEW_SORT]
    descending = sort.startswith("-")
    ordering = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in fields
    ]
    return applications.order_by(*ordering, "pk"), sort


def criterion_average_annotation(criterion_id: int) -> Subquery:
    scores = InterviewScore.objects.filter(
        interview__application=OuterRef("pk"), criterion_id=criterion_id
    ).annotate(application=F("interview__application"))
    return _scalar(scores, Avg("score"))


def criterion_averages(application_ids: Iterable[int]) -> dict[int, dict[int, float]]:
    """{application id: {criterion id: average score over all interviewers}} in one grouped query."""
    averages: dict[int, dict[int, float]] = defaultdict(dict)
    rows = (
        InterviewScore.objects.filter(interview__application_id__in=list(application_ids))
        .values("interview__application_id", "criterion_id")
        .annotate(average=Avg("score"))
        .order_by()
    )
    for row in rows:
        averages[row["interview__application_id"]][row["criterion_id"]] = float(row["average"])
    return averages


def rubric_of(program: Program) -> QuerySet[RubricCriterion]:
    return RubricCriterion.objects.filter(program=program).order_by("order", "id")


def interviewer_choices(program: Program) -> QuerySet[User]:
    """Staff of the program's school, and the program's own staff."""
    staff = Q(
        memberships__organization_id=program.organization_id,
        memberships__role__in=STAFF_ROLES,
        memberships__is_active=True,
    )
    ids = User.objects.filter(staff | Q(program_staff__program=program)).values("pk")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name", "username")


def screening_people(program: Program, cohort: Cohort | None) -> QuerySet[User]:
    """Mentors who need screening: enrolled mentors, and mentor applicants at interview or approved."""
    enrolled = Participant.objects.filter(
        cohort=cohort, role=ParticipantRole.MENTOR, status=Participant.Status.ENROLLED
    ).values("user_id")
    applying = Application.objects.filter(
        cohort=cohort,
        role=ParticipantRole.MENTOR,
        status__in=[Application.Status.INTERVIEW, Application.Status.APPROVED],
    ).values("applicant_id")
    return User.objects.filter(Q(pk__in=enrolled) | Q(pk__in=applying))


@dataclass(frozen=True)
class AttentionPerson:
    person: User
    check_state: int
    application_id: int | None

    @property
    def check_label(self) -> str:
        return str(CHECK_LABELS[self.check_state])


def people_needing_checks(
    program: Program, cohort: Cohort | None, today: datetime.date | None = None
) -> list[AttentionPerson]:
    """Mentors whose background check is missing, expired, expiring soon or flagged, worst first."""
    latest_application = Application.objects.filter(
        cohort=cohort, applicant=OuterRef("pk"), role=ParticipantRole.MENTOR
    ).order_by("-created")
    people = (
        screening_people(program, cohort)
        .annotate(
            check_state=check_state_annotation(program.organization_id, "pk", today),
            application_id=Subquery(latest_application.values("pk")[:1]),
        )
        .filter(check_state__in=CHECK_NEEDS_ATTENTION)
        .order_by("check_state", "last_name", "first_name", "pk")
    )
    return [
        AttentionPerson(person=person, check_state=person.check_state, application_id=person.application_id)
        for person in people
    ]


def overdue_references(cohort: Cohort | None, now: datetime.datetime | None = None) -> QuerySet[Reference]:
    """References asked for more than five days ago without an answer, and those that expired."""
    now = now or timezone.now()
    return (
        Reference.objects.filter(application__cohort=cohort)
        .filter(
            Q(status=Reference.Status.EXPIRED)
            | Q(status=Reference.Status.REQUESTED, created__lte=now - REFERENCE_OVERDUE_AFTER)
        )
        .select_related("application__applicant")
        .order_by("created", "pk")
    )


def references_due_for_reminder(now: datetime.datetime) -> QuerySet[Reference]:
    return Reference.objects.filter(
        status=Reference.Status.REQUESTED,
        reminded_at__isnull=True,
        created__lte=now - REFERENCE_OVERDUE_AFTER,
        expires_at__gt=now,
    ).select_related("application__applicant", "application__cohort__program")


def references_past_expiry(now: datetime.datetime) -> QuerySet[Reference]:
    return Reference.objects.filter(status=Reference.Status.REQUESTED, expires_at__lte=now).select_related(
        "application__cohort__program"
    )


def screening_record(application: Application, user: User) -> dict[str, Any]:
    """Interviews with their scores, references and checks of one application (staff only)."""
    program = application.cohort.program
    interviews = list(
        policy.scope(user, application.interviews.all())
        .select_related("interviewer")
        .prefetch_related("scores__criterion")
    )
    checks = list(
        policy.scope(
            user,
            BackgroundCheck.objects.filter(
                organization_id=program.organization_id, person_id=application.applicant_id
            ),
        ).select_related("recorded_by")
    )
    return {
        "interviews": interviews,
        "references": list(policy.scope(user, application.references.all())),
        "checks": checks,
        "criteria": list(rubric_of(program)),
        "averages": criterion_averages([application.pk]).get(application.pk, {}),
    }
