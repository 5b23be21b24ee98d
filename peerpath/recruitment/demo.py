"""Demo programs for Riverside: one of each model, with applicants at every stage.

Seeded and idempotent like accounts.demo. Rows are written in their final state directly (a demo
loader, not a user action): no e-mails go out and the audit trail is not filled with fake history.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from peerpath.accounts.demo import demo_guardian, demo_password_hash
from peerpath.accounts.models import GuardianLink, Membership, Organization, User
from peerpath.core.roles import Role
from peerpath.programs.models import (
    Cohort,
    Event,
    Objective,
    Participant,
    Phase,
    Program,
    ProgramStaff,
    Supporter,
)
from peerpath.recruitment.models import (
    Application,
    BackgroundCheck,
    Consent,
    Interview,
    InterviewScore,
    Nomination,
    Question,
    Reference,
    RubricCriterion,
)

Status = Application.Status
STAGES = [
    Status.SUBMITTED,
    Status.SCREENING,
    Status.INTERVIEW,
    Status.APPROVED,
    Status.APPROVED,
    Status.APPROVED,
    Status.WAITLISTED,
    Status.DECLINED,
    Status.WITHDRAWN,
]
INTERESTS = [
    "robotics",
    "music",
    "soccer",
    "art",
    "coding",
    "debate",
    "gaming",
    "cooking",
    "theatre",
    "basketball",
]
GOALS = ["study habits", "making friends", "college planning", "confidence", "time management"]
LANGUAGES = [["English"], ["English", "Spanish"], ["English", "Vietnamese"], ["English", "Arabic"]]


@dataclass(frozen=True)
class DemoProgram:
    slug: str
    name: str
    model: str
    description: str
    capacity: int = 1
    grade_gap: int = 0
    subjects: tuple[str, ...] = ()
    partner: str = ""


PROGRAMS = [
    DemoProgram(
        "peer-mentors",
        "Lincoln Peer Mentors",
        Program.Model.ONE_ON_ONE,
        "Juniors and seniors each mentor one ninth grader through their first year of high school.",
    ),
    DemoProgram(
        "study-circles",
        "Study Circles",
        Program.Model.GROUP,
        "One mentor meets a small group of mentees weekly to plan homework and share study skills.",
        capacity=4,
    ),
    DemoProgram(
        "bridge",
        "Jefferson–Lincoln Bridge",
        Program.Model.CROSS_AGE,
        "Lincoln juniors and seniors mentor Jefferson Middle eighth graders as they prepare for high "
        "school, meeting after school at Jefferson.",
        grade_gap=3,
        partner="jefferson-middle",
    ),
    DemoProgram(
        "math-tutoring",
        "Math Peer Tutoring",
        Program.Model.PEER_TUTORING,
        "Students strong in a math course tutor classmates twice a week in the library.",
        capacity=2,
        subjects=("Algebra I", "Geometry", "Algebra II", "Precalculus"),
    ),
]


@dataclass
class ProgramsSummary:
    programs: int
    # Participant ids of the mentors approved here (bob and the applicants at every stage): the training
    # demo gives these their stages of training, and no one else.
    mentors: list[int] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


def _students(school: Organization, grades: set[int]) -> list[User]:
    memberships = (
        Membership.objects.filter(organization=school, role=Role.STUDENT, grade__in=grades)
        .select_related("user")
        .order_by("user__username")
    )
    return [m.user for m in memberships if m.user.username not in {"bob", "carol"}]


@transaction.atomic
def load_demo_programs(today: datetime.date | None = None) -> ProgramsSummary:
    today = today or timezone.localdate()
    now = timezone.now()
    lincoln = Organization.objects.get(slug="lincoln-high")
    alice = User.objects.get(username="alice")
    frank = User.objects.get(username="frank")
    year_start = datetime.date(today.year if today.month >= 8 else today.year - 1, 9, 1)
    mentors = _students(lincoln, {11, 12})
    mentees = _students(lincoln, {9})
    summary = ProgramsSummary(programs=len(PROGRAMS))

    for index, spec in enumerate(PROGRAMS):
        program, _ = Program.objects.update_or_create(
            organization=lincoln,
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "description": spec.description,
                "model": spec.model,
                "mentor_capacity": spec.capacity,
                "min_grade_gap": spec.grade_gap,
                "subjects": list(spec.subjects),
                "min_grade": 6 if spec.partner else 9,
                "max_grade": 12,
                "benefits": "Leadership experience, service hours and a certificate; mentees get a friendly "
                "guide and better study habits.",
                "challenges": "A weekly 45-minute meeting for the whole year, six hours of training before "
                "matching, and keeping a short log of each session.",
                "offers_certificate": True,
                "service_hours": 20,
                "is_published": True,
            },
        )
        if spec.partner:
            program.partner_schools.add(Organization.objects.get(slug=spec.partner))
        ProgramStaff.objects.get_or_create(
            program=program, user=alice, defaults={"role": ProgramStaff.Role.COORDINATOR}
        )
        ProgramStaff.objects.get_or_create(
            program=program, user=frank, defaults={"role": ProgramStaff.Role.SUPERVISOR}
        )
        Objective.objects.get_or_create(
            program=program,
            description="Mentees who attend 6 or more sessions",
            defaults={"target_value": 80, "unit": "%"},
        )
        Objective.objects.get_or_create(
            program=program,
            description="Matches still active at the end of the year",
            defaults={"target_value": 75, "unit": "%", "order": 1},
        )
        Supporter.objects.get_or_create(
            program=program,
            name="Riverside Community Foundation",
            defaults={"kind": Supporter.Kind.FUNDER, "contribution": "$4,000 a year for training and events"},
        )
        cohort, _ = Cohort.objects.update_or_create(
            program=program,
            name=f"{year_start.year}–{str(year_start.year + 1)[2:]}",
            defaults={
                "starts_on": year_start,
                "ends_on": year_start.replace(year=year_start.year + 1, month=6, day=15),
                "applications_open_at": now - datetime.timedelta(days=30),
                "application_deadline": now + datetime.timedelta(days=21),
            },
        )
        for kind, start, weeks in [
            (Phase.Kind.RECRUITMENT, year_start, 6),
            (Phase.Kind.TRAINING, year_start + datetime.timedelta(weeks=6), 3),
            (Phase.Kind.MATCHING, year_start + datetime.timedelta(weeks=9), 1),
            (Phase.Kind.ACTIVE, year_start + datetime.timedelta(weeks=10), 26),
            (Phase.Kind.CLOSURE, year_start + datetime.timedelta(weeks=36), 2),
        ]:
            Phase.objects.update_or_create(
                cohort=cohort,
                kind=kind,
                defaults={"starts_on": start, "ends_on": start + datetime.timedelta(weeks=weeks, days=-1)},
            )
        for role, labels in [
            (
                "mentor",
                ["Why do you want to be a mentor?", "Describe a time you helped someone learn something."],
            ),
            ("mentee", ["What would you like help with this year?"]),
        ]:
            for order, label in enumerate(labels):
                Question.objects.get_or_create(
                    program=program,
                    role=role,
                    label=label,
                    defaults={"kind": Question.Kind.LONG_TEXT, "order": order},
                )
        criteria = [
            RubricCriterion.objects.get_or_create(program=program, name=name, defaults={"order": order})[0]
            for order, name in enumerate(["Listening", "Reliability", "Motivation"])
        ]
        Event.objects.get_or_create(
            program=program,
            title=f"{spec.name}: info session",
            defaults={
                "kind": Event.Kind.INFO_SESSION,
                "cohort": cohort,
                "location": "Library",
                "starts_at": now + datetime.timedelta(days=3 + index, hours=2),
                "ends_at": now + datetime.timedelta(days=3 + index, hours=3),
                "capacity": 30,
            },
        )
        summary.mentors += _load_applicants(
            program, cohort, criteria, mentors[index * 10 : index * 10 + len(STAGES)], alice, today
        )
        # The Bridge's mentees are the partner school's eighth graders; the others take Lincoln freshmen.
        enrolled = (
            _students(Organization.objects.get(slug=spec.partner), {8})[:6]
            if spec.partner
            else mentees[index * 6 : index * 6 + 6]
        )
        for number, mentee in enumerate(enrolled):
            Participant.objects.get_or_create(
                cohort=cohort,
                user=mentee,
                role="mentee",
                defaults={
                    "source": Participant.Source.REFERRAL if number % 2 else Participant.Source.SELF_SIGNUP
                },
            )
    summary.mentors.append(_load_personas(lincoln, alice, today))
    _load_guardian_consents(lincoln)
    summary.logins = [
        ("paul", "Guardian of bob"),
        ("guardian-<login>", "the guardian of each minor taking part, e.g. guardian-lincoln016"),
    ]
    return summary


def _load_guardian_consents(school: Organization) -> None:
    """Most minors taking part have a guardian who consented; every fifth is still waiting. A partner
    school's student has a guardian there (and comes last, so the school's own keep their answers)."""
    schools = dict(
        Membership.objects.filter(
            role=Role.STUDENT, user__participations__cohort__program__organization=school
        ).values_list("user_id", "organization")
    )
    organizations = {org.pk: org for org in Organization.objects.filter(pk__in=set(schools.values()))}
    participants = sorted(
        Participant.objects.filter(cohort__program__organization=school).select_related(
            "user", "cohort__program"
        ),
        key=lambda p: (schools.get(p.user_id, school.pk) != school.pk, p.user.username, p.cohort_id),
    )
    for number, participant in enumerate(participants):
        student = participant.user
        if not student.is_minor or student.username in {"bob", "carol"}:
            continue
        guardian = demo_guardian(student, organizations.get(schools.get(student.pk, school.pk), school))
        given = number % 5 != 4
        Consent.objects.get_or_create(
            program=participant.cohort.program,
            student=student,
            guardian=guardian,
            defaults={
                "status": Consent.Status.GIVEN if given else Consent.Status.REQUESTED,
                "covers": f"{participant.cohort.program.name}: meetings at school; staff see messages.",
                "orientation_acknowledged": given,
                "expires_at": timezone.now() + datetime.timedelta(days=14),
                "answered_at": timezone.now() if given else None,
            },
        )


def _load_applicants(
    program: Program,
    cohort: Cohort,
    criteria: list[RubricCriterion],
    students: list[User],
    coordinator: User,
    today: datetime.date,
) -> list[int]:
    """Applicants at every stage; returns the participant ids of those approved."""
    now = timezone.now()
    approved: list[int] = []
    for number, (student, status) in enumerate(zip(students, STAGES, strict=False)):
        application, _ = Application.objects.update_or_create(
            cohort=cohort,
            applicant=student,
            role="mentor",
            defaults={
                "status": status,
                "source": Application.Source.values[number % len(Application.Source.values)],
                "interests": [INTERESTS[(number + k) % len(INTERESTS)] for k in range(3)],
                "goals": [GOALS[number % len(GOALS)]],
                "languages": LANGUAGES[number % len(LANGUAGES)],
                "availability": [f"{day}-lunch" for day in ("mon", "wed", "fri")[: 1 + number % 3]],
                # Tutors offer the courses they are strong in.
                "subjects": [
                    {"subject": subject, "level": "strong"}
                    for subject in program.subjects[number % 2 : number % 2 + 2]
                ],
                "about": "I like helping younger students find their way around.",
                "answers": {},
            },
        )
        if status in {Status.INTERVIEW, Status.APPROVED, Status.WAITLISTED, Status.DECLINED}:
            interview, _ = Interview.objects.get_or_create(
                application=application,
                interviewer=coordinator,
                defaults={
                    "scheduled_at": now - datetime.timedelta(days=7)
                    if status != Status.INTERVIEW
                    else now + datetime.timedelta(days=2),
                    "location": "Counseling office",
                    "completed_at": None if status == Status.INTERVIEW else now - datetime.timedelta(days=7),
                },
            )
            if status != Status.INTERVIEW:
                for k, criterion in enumerate(criteria):
                    InterviewScore.objects.get_or_create(
                        interview=interview, criterion=criterion, defaults={"score": 3 + (number + k) % 3}
                    )
        if status in {Status.SCREENING, Status.INTERVIEW, Status.APPROVED}:
            Reference.objects.get_or_create(
                application=application,
                email=f"teacher{number}@riverside.example.org",
                defaults={
                    "name": f"Teacher {number}",
                    "relationship": "Homeroom teacher",
                    "expires_at": now + datetime.timedelta(days=10),
                    "status": Reference.Status.RECEIVED
                    if status == Status.APPROVED
                    else Reference.Status.REQUESTED,
                    "recommends": True if status == Status.APPROVED else None,
                },
            )
        if status == Status.APPROVED:
            participant, _ = Participant.objects.get_or_create(cohort=cohort, user=student, role="mentor")
            approved.append(participant.pk)
            # One approved mentor per program has an expired check: it shows on the attention list.
            expired = number == STAGES.index(Status.APPROVED)
            BackgroundCheck.objects.update_or_create(
                organization=program.organization,
                person=student,
                kind=BackgroundCheck.Kind.SCHOOL_CLEARANCE,
                defaults={
                    "result": BackgroundCheck.Result.CLEAR,
                    "checked_on": today - datetime.timedelta(days=400 if expired else 20),
                    "expires_on": today - datetime.timedelta(days=35)
                    if expired
                    else today + datetime.timedelta(days=345),
                },
            )
    return approved


def _load_personas(lincoln: Organization, alice: User, today: datetime.date) -> int:
    """bob is an approved, screened mentor; carol a mentee whose guardian erin has consented. Returns
    bob's participant id."""
    program = Program.objects.get(organization=lincoln, slug="peer-mentors")
    cohort = program.cohorts.order_by("-starts_on")[0]
    bob, carol, erin = (User.objects.get(username=name) for name in ("bob", "carol", "erin"))
    Nomination.objects.get_or_create(
        program=program,
        nominee=bob,
        defaults={"nominated_by": alice, "reason": "Patient and organized; great with ninth graders."},
    )
    Application.objects.update_or_create(
        cohort=cohort,
        applicant=bob,
        role="mentor",
        defaults={
            "status": Status.APPROVED,
            "source": Application.Source.NOMINATION,
            "interests": ["robotics", "music"],
        },
    )
    bob_participant, _ = Participant.objects.get_or_create(cohort=cohort, user=bob, role="mentor")
    BackgroundCheck.objects.update_or_create(
        organization=lincoln,
        person=bob,
        kind=BackgroundCheck.Kind.SCHOOL_CLEARANCE,
        defaults={
            "result": BackgroundCheck.Result.CLEAR,
            "checked_on": today,
            "expires_on": today + datetime.timedelta(days=365),
        },
    )
    # bob is 16: his father consented, so bob is ready to match.
    paul, _ = User.objects.get_or_create(
        username="paul",
        defaults={
            "first_name": "Paul",
            "last_name": "Nguyen",
            "email": "paul.nguyen@example.net",
            "password": demo_password_hash(),
        },
    )
    Membership.objects.get_or_create(user=paul, organization=lincoln, role=Role.GUARDIAN)
    GuardianLink.objects.get_or_create(guardian=paul, student=bob, defaults={"organization": lincoln})
    Consent.objects.get_or_create(
        program=program,
        student=bob,
        guardian=paul,
        defaults={
            "status": Consent.Status.GIVEN,
            "covers": f"{program.name}: weekly meetings at school, messages visible to staff.",
            "orientation_acknowledged": True,
            "expires_at": timezone.now() + datetime.timedelta(days=14),
            "answered_at": timezone.now(),
        },
    )
    Participant.objects.get_or_create(cohort=cohort, user=carol, role="mentee")
    Consent.objects.get_or_create(
        program=program,
        student=carol,
        guardian=erin,
        defaults={
            "status": Consent.Status.GIVEN,
            "covers": f"{program.name}: weekly meetings at school, messages visible to staff.",
            "orientation_acknowledged": True,
            "preferences": {"language": "Spanish"},
            "expires_at": timezone.now() + datetime.timedelta(days=14),
            "answered_at": timezone.now(),
        },
    )
    return bob_participant.pk
