"""Demo matching data: a real-sized pool for Lincoln Peer Mentors (the demo's largest program) with
profiles, an interest vocabulary, a few requests and an avoid, a guardian's language preference, and one
round ready for review; and for each of the other three programs (group, cross-age, peer tutoring)
cleared mentors, mentees with profiles and a first round that shows the model at work. Safe to run
again: it only adds what is missing."""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from peerpath.accounts.demo import demo_guardian
from peerpath.accounts.models import Membership, Organization, User
from peerpath.core.roles import Role
from peerpath.engine.synthetic import DEMO_VOCABULARY
from peerpath.matching.features import BACKGROUND_KEYS, GOAL_KEYS
from peerpath.matching.models import InterestTag, MatchRound, Preference, Profile
from peerpath.matching.services import rounds as services
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program
from peerpath.programs.vocabularies import SLOT_KEYS
from peerpath.recruitment.demo import _students
from peerpath.recruitment.models import Application, BackgroundCheck, Consent
from peerpath.training.models import Completion, Module, Requirement

MENTORS = 40
MENTEES = 60
ABOUT_MENTEE = (
    "I am new this year and {a} is my favourite thing. I would like help with {g}.",
    "I spend most of my free time on {a}. {g} is what I struggle with.",
    "Into {a} and {b}. Looking for someone who can help me with {g}.",
)
ABOUT_MENTOR = (
    "Senior who loves {a}. I can help with {g} because I went through it too.",
    "I'm into {a} and {b}, and I'm good at {g}.",
    "{a} fan. Happy to talk about {b} or help with {g}.",
)


@dataclass
class MatchingSummary:
    mentors: int
    mentees: int
    rounds: int
    # The first round of each of the other programs: (program name, pairs proposed, mentors used).
    other_rounds: list[tuple[str, int, int]] = field(default_factory=list)


# The other three programs: who takes part, when they are free, what they want, in their own words.
# Study Circles meet at lunch or after school in the library; the Bridge meets after school at
# Jefferson; tutoring happens at lunch, after school or before first period.
CIRCLE_SLOTS = ("mon-lunch", "tue-lunch", "wed-lunch", "thu-lunch", "tue-after", "thu-after")
BRIDGE_SLOTS = ("mon-after", "tue-after", "wed-after", "thu-after")
TUTORING_SLOTS = ("mon-after", "tue-lunch", "wed-after", "thu-lunch", "fri-before")
OTHER_LANGUAGES = ("Vietnamese", "Arabic", "Tagalog", "Korean")


@dataclass(frozen=True)
class PoolStyle:
    seed: int
    slots: tuple[str, ...]
    mentee_goals: tuple[str, ...]
    spanish: float  # share of Spanish speakers
    mentor_about: tuple[str, ...]
    mentee_about: tuple[str, ...]


CIRCLES = PoolStyle(
    seed=2027,
    slots=CIRCLE_SLOTS,
    mentee_goals=("study skills", "homework routine", "time management", "staying organised", "test anxiety"),
    spanish=0.3,
    mentor_about=(
        "I run a lunch study circle: we plan the week's homework and quiz each other. Ask me about {a}.",
        "I love {a}. My circle starts every session with a ten-minute plan for the week.",
        "I used to leave everything to the last night. Now I help others with {g}.",
    ),
    mentee_about=(
        "I want a group to do homework with. {g} is hard for me. I like {a}.",
        "I keep forgetting assignments and would like help with {g}. Outside school: {a}.",
        "Studying alone is boring. I'd like a circle that meets at lunch. Into {a} and {b}.",
    ),
)
BRIDGE = PoolStyle(
    seed=2028,
    slots=BRIDGE_SLOTS,
    mentee_goals=("new to the school", "making friends", "confidence", "sports and school balance"),
    spanish=0.4,
    mentor_about=(
        "I went to Jefferson too. Happy to talk about {a} and what ninth grade is really like.",
        "Into {a} and {b}. I remember how big Lincoln felt on my first day.",
        "I can help with {g}: I changed schools twice before high school.",
    ),
    mentee_about=(
        "I start at Lincoln next year and I'm worried about {g}. I like {a}.",
        "Eighth grader who loves {a}. I want to know what high school is like.",
        "I'd like a mentor who plays {a} or likes {b}, and help with {g}.",
    ),
)
TUTORING = PoolStyle(
    seed=2029,
    slots=TUTORING_SLOTS,
    mentee_goals=("test anxiety", "homework routine", "study skills"),
    spanish=0.3,
    mentor_about=(
        "I like explaining {s} step by step, with lots of practice problems.",
        "Math team member. {s} clicked for me last year and I want to pass that on.",
        "I got an A in {s} and I still remember the parts that confused me.",
    ),
    mentee_about=(
        "{s} is hard for me, especially the homework. I like {a}.",
        "I do fine in class but freeze on {s} tests.",
        "I'd like someone to go over {s} with me before quizzes. Into {a}.",
    ),
)
# Courses by the grade that usually takes them: tutees ask for help with their own grade's courses.
COURSES_BY_GRADE = {
    9: ("Algebra I", "Geometry"),
    10: ("Geometry", "Algebra II"),
    11: ("Algebra II", "Precalculus"),
}


def _pool(school: Organization) -> tuple[list[User], list[User]]:
    """Students the programs demo did not use (it takes the first 40 juniors/seniors and the first 24
    freshmen, in username order), so every run picks the same people."""
    used_mentors, used_mentees = 40, 24
    older = _students(school, {11, 12})[used_mentors : used_mentors + MENTORS]
    freshmen = {user.pk for user in _students(school, {9})[:used_mentees]}
    younger = [user for user in _students(school, {9, 10}) if user.pk not in freshmen][:MENTEES]
    return older, younger


def _profile(rng: random.Random, mentor: bool) -> dict[str, object]:
    interests = rng.sample(list(DEMO_VOCABULARY.interests[:24]), rng.randint(2, 4))
    goals = rng.sample(GOAL_KEYS, rng.randint(2, 4) if mentor else rng.randint(1, 2))
    languages = (
        ["English"]
        + (["Spanish"] if rng.random() < 0.3 else [])
        + (["Vietnamese"] if rng.random() < 0.08 else [])
    )
    days = ["mon", "tue", "wed", "thu", "fri"]
    slots = [
        f"{day}-{slot}"
        for day in rng.sample(days, rng.randint(2, 4))
        for slot in rng.sample(["lunch", "after", "4", "before"], 2)
    ]
    opt_in = rng.random() < 0.35
    template = rng.choice(ABOUT_MENTOR if mentor else ABOUT_MENTEE)
    return {
        "interests": interests,
        "goals": goals,
        "languages": languages,
        "availability": [slot for slot in slots if slot in SLOT_KEYS],
        "background_opt_in": opt_in,
        "background": rng.sample(BACKGROUND_KEYS, 1) if opt_in else [],
        "about": template.format(a=interests[0], b=interests[-1], g=goals[0]),
    }


def _consent(program: Program, student: User, school: Organization, given: bool) -> None:
    guardian = demo_guardian(student, school)
    Consent.objects.get_or_create(
        program=program,
        student=student,
        guardian=guardian,
        defaults={
            "status": Consent.Status.GIVEN if given else Consent.Status.REQUESTED,
            "covers": f"{program.name}: meetings at school; staff see messages.",
            "orientation_acknowledged": given,
            "expires_at": timezone.now() + datetime.timedelta(days=14),
            "answered_at": timezone.now() if given else None,
        },
    )


def _clear_mentor(
    program: Program,
    cohort: Cohort,
    student: User,
    school: Organization,
    modules: list[Module],
    today: datetime.date,
    now: datetime.datetime,
) -> Participant:
    """An approved mentor with a clear background check, the program's training done and, for a minor,
    a guardian's consent: ready to be matched."""
    Application.objects.get_or_create(
        cohort=cohort,
        applicant=student,
        role="mentor",
        defaults={"status": Application.Status.APPROVED, "answers": {}, "decided_at": now},
    )
    participant, _created = Participant.objects.get_or_create(cohort=cohort, user=student, role="mentor")
    BackgroundCheck.objects.get_or_create(
        organization=school,
        person=student,
        kind=BackgroundCheck.Kind.SCHOOL_CLEARANCE,
        defaults={
            "result": BackgroundCheck.Result.CLEAR,
            "checked_on": today - datetime.timedelta(days=30),
            "expires_on": today + datetime.timedelta(days=335),
        },
    )
    for module in modules:
        Completion.objects.get_or_create(
            module=module,
            user=student,
            defaults={
                "completed_at": now - datetime.timedelta(days=20),
                "expires_at": now + datetime.timedelta(days=module.validity_days)
                if module.validity_days
                else None,
                "score": 90,
            },
        )
    if student.is_minor:
        _consent(program, student, school, given=True)
    return participant


def _required_modules(program: Program) -> list[Module]:
    return [
        r.module
        for r in Requirement.objects.filter(
            program=program, role=ParticipantRole.MENTOR, module__isnull=False
        ).select_related("module")
        if r.module is not None
    ]


def _pool_languages(rng: random.Random, spanish: float) -> list[str]:
    languages = ["English"]
    if rng.random() < spanish:
        languages.append("Spanish")
    if rng.random() < 0.08:
        languages.append(rng.choice(OTHER_LANGUAGES))
    return languages


def _pool_profile(
    rng: random.Random,
    style: PoolStyle,
    *,
    mentor: bool,
    subjects: list[dict[str, str]] | None = None,
    spanish: bool = False,
) -> dict[str, object]:
    interests = rng.sample(list(DEMO_VOCABULARY.interests[:24]), rng.randint(2, 4))
    goals = rng.sample(style.mentee_goals, 2 if mentor else rng.randint(1, 2))
    if mentor:  # strengths: what this program's mentees ask for, and one more
        goals.append(rng.choice([key for key in GOAL_KEYS if key not in goals]))
    languages = _pool_languages(rng, 1.0 if spanish else style.spanish)
    slots = rng.sample(style.slots, 3 if mentor else 2)
    opt_in = rng.random() < 0.3
    template = rng.choice(style.mentor_about if mentor else style.mentee_about)
    return {
        "interests": interests,
        "goals": goals,
        "subjects": subjects or [],
        "languages": languages,
        "availability": [slot for slot in slots if slot in SLOT_KEYS],
        "background_opt_in": opt_in,
        "background": rng.sample(BACKGROUND_KEYS, 1) if opt_in else [],
        "about": template.format(
            a=interests[0], b=interests[-1], g=goals[0], s=subjects[0]["subject"] if subjects else ""
        ),
    }


def _tutor_subjects(rng: random.Random, grade: int, offered: list[str]) -> list[dict[str, str]]:
    """Juniors and seniors are strong in two or three courses; a sophomore in the two they took."""
    courses = offered[:2] if grade <= 10 else rng.sample(offered, rng.randint(2, 3))
    return [{"subject": course, "level": "strong"} for course in courses]


def _tutee_subjects(rng: random.Random, grade: int) -> list[dict[str, str]]:
    """The course of their own grade they find hard, sometimes a second one."""
    first, second = COURSES_BY_GRADE.get(grade, COURSES_BY_GRADE[9])
    courses = [first, second] if rng.random() < 0.3 else [rng.choice([first, second])]
    return [{"subject": course, "level": "hard"} for course in courses]


def _other_pools(lincoln: Organization, jefferson: Organization) -> dict[str, tuple[list[User], list[User]]]:
    """(mentors, mentees) the matching demo adds to the other three programs, on top of the programs
    demo's applicants and six mentees each. Juniors and seniors the other pools left free lead the study
    circles and mentor in the Bridge; the math tutors are some of those and a few Peer Mentors; two
    sophomores applied to the Bridge, where the grade rule keeps them out. Freshmen and sophomores the
    Peer Mentors pool left free join a study circle, with six of the Peer Mentors mentees: more than the
    circles have places. A dozen other Peer Mentors mentees also get math tutoring; six more Jefferson
    eighth graders join the Bridge."""
    older = _students(lincoln, {11, 12})
    freshmen = _students(lincoln, {9})
    enrolled = {user.pk for user in freshmen[:24]}
    younger = [user for user in _students(lincoln, {9, 10}) if user.pk not in enrolled]
    peer_mentees, rest = younger[:MENTEES], younger[MENTEES:]
    grade_ten = set(
        Membership.objects.filter(organization=lincoln, role=Role.STUDENT, grade=10).values_list(
            "user_id", flat=True
        )
    )
    sophomores = [user for user in rest if user.pk in grade_ten][:4]
    return {
        "study-circles": (
            older[80:86],
            freshmen[12:18] + [u for u in rest if u not in sophomores] + peer_mentees[2::5][:6],
        ),
        "bridge": (older[86:96] + sophomores[:2], _students(jefferson, {8})[6:12]),
        "math-tutoring": (older[96:] + older[40:45] + sophomores[2:], peer_mentees[::5][:12]),
    }


def _load_program_pool(
    program: Program,
    style: PoolStyle,
    mentors: list[User],
    mentees: list[User],
    *,
    alice: User,
    today: datetime.date,
    now: datetime.datetime,
) -> MatchRound:
    """Cleared mentors and consented mentees with filled-in profiles, and round 1 ready for review."""
    cohort = program.current_cohort()
    assert cohort is not None  # noqa: S101 - the programs demo made one
    rng = random.Random(style.seed)  # noqa: S311 - demo data, not security
    people = {user.pk for user in [*mentors, *mentees]}
    people |= set(Participant.objects.filter(cohort=cohort).values_list("user_id", flat=True))
    memberships = Membership.objects.filter(
        role=Role.STUDENT, user_id__in=people, organization_id__in=program.school_ids()
    ).select_related("organization")
    school_of = {m.user_id: m.organization for m in memberships}
    grade_of = {m.user_id: m.grade or 0 for m in memberships}
    tutoring = program.model == Program.Model.PEER_TUTORING
    group = program.model == Program.Model.GROUP
    modules = _required_modules(program)
    for number, student in enumerate(mentors):
        participant = _clear_mentor(program, cohort, student, school_of[student.pk], modules, today, now)
        subjects = _tutor_subjects(rng, grade_of[student.pk], program.subjects) if tutoring else None
        profile = _pool_profile(rng, style, mentor=True, subjects=subjects, spanish=number % 4 == 0)
        if group or tutoring:  # two mentors take one more or one fewer than the program's group size
            profile["capacity"] = {0: program.mentor_capacity + 1, 1: program.mentor_capacity - 1}.get(number)
        Profile.objects.get_or_create(participant=participant, defaults=profile)
    for number, student in enumerate(mentees):
        Participant.objects.get_or_create(
            cohort=cohort,
            user=student,
            role="mentee",
            defaults={
                "source": Participant.Source.REFERRAL if number % 3 else Participant.Source.SELF_SIGNUP
            },
        )
        if student.is_minor:
            _consent(program, student, school_of[student.pk], given=number % 8 != 7)  # a few still waiting
    enrolled = (
        Participant.objects.filter(cohort=cohort, role="mentee")
        .select_related("user")
        .order_by("user__username")
    )
    for participant in enrolled:
        subjects = _tutee_subjects(rng, grade_of.get(participant.user_id, 9)) if tutoring else None
        spanish = bool(mentees) and participant.user_id == mentees[0].pk
        Profile.objects.get_or_create(
            participant=participant,
            defaults=_pool_profile(rng, style, mentor=False, subjects=subjects, spanish=spanish),
        )
    if program.model == Program.Model.CROSS_AGE and mentees:
        # A Spanish-speaking family asks for a mentor who speaks Spanish: a hard constraint.
        Consent.objects.filter(program=program, student=mentees[0], status=Consent.Status.GIVEN).update(
            preferences={"mentor_language": "Spanish"}
        )
    first = MatchRound.objects.filter(cohort=cohort).order_by("number").first()
    return first or services.start_round(cohort=cohort, actor=alice)


@transaction.atomic
def load_demo_matching(today: datetime.date | None = None) -> MatchingSummary:
    today = today or timezone.localdate()
    now = timezone.now()
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    lincoln = Organization.objects.get(slug="lincoln-high")
    alice = User.objects.get(username="alice")
    program = Program.objects.get(organization=lincoln, slug="peer-mentors")
    cohort = program.current_cohort()
    assert cohort is not None  # noqa: S101 - the programs demo made one
    for name in DEMO_VOCABULARY.interests:
        InterestTag.objects.get_or_create(organization=lincoln, name=name)

    mentor_pool, mentees = _pool(lincoln)
    modules = _required_modules(program)
    for student in mentor_pool:
        participant = _clear_mentor(program, cohort, student, lincoln, modules, today, now)
        Profile.objects.get_or_create(participant=participant, defaults=_profile(rng, mentor=True))
    for number, student in enumerate(mentees):
        participant, _created = Participant.objects.get_or_create(cohort=cohort, user=student, role="mentee")
        if student.is_minor:
            _consent(program, student, lincoln, given=number % 15 != 14)  # a few still waiting
    # Every mentee of the cohort (also those the programs demo enrolled without an application) gets a
    # filled-in profile, so that their suggestions page has something to show.
    for participant in Participant.objects.filter(cohort=cohort, role="mentee").order_by("user__username"):
        Profile.objects.get_or_create(participant=participant, defaults=_profile(rng, mentor=False))

    mentor_users = list(
        Participant.objects.filter(cohort=cohort, role="mentor")
        .order_by("user__username")
        .values_list("user_id", flat=True)
    )
    for number, student in enumerate(mentees[:4]):
        kind = Preference.Kind.AVOID if number == 3 else Preference.Kind.REQUEST
        Preference.objects.get_or_create(
            cohort=cohort,
            mentee=student,
            mentor_id=mentor_users[(7 * number) % len(mentor_users)],
            defaults={"kind": kind, "created_by": student},
        )
    # One guardian asks for a Spanish-speaking mentor: a hard constraint in every round.
    Consent.objects.filter(program=program, student=mentees[0], status=Consent.Status.GIVEN).update(
        preferences={"mentor_language": "Spanish"}
    )
    if not MatchRound.objects.filter(cohort=cohort).exists():
        services.start_round(cohort=cohort, actor=alice)
    summary = MatchingSummary(
        mentors=Participant.objects.filter(cohort=cohort, role="mentor").count(),
        mentees=Participant.objects.filter(cohort=cohort, role="mentee").count(),
        rounds=MatchRound.objects.filter(cohort=cohort).count(),
    )

    jefferson = Organization.objects.get(slug="jefferson-middle")
    styles = {"study-circles": CIRCLES, "bridge": BRIDGE, "math-tutoring": TUTORING}
    for slug, (mentors, pool_mentees) in _other_pools(lincoln, jefferson).items():
        other = Program.objects.get(organization=lincoln, slug=slug)
        first = _load_program_pool(
            other, styles[slug], mentors, pool_mentees, alice=alice, today=today, now=now
        )
        pairs = first.proposals.exclude(mentor=None)
        summary.other_rounds.append((other.name, pairs.count(), pairs.values("mentor").distinct().count()))
    return summary
