"""Demo matching data: a real-sized pool for Lincoln Peer Mentors (the demo's largest program) with
profiles, an interest vocabulary, a few requests and an avoid, a guardian's language preference, and one
round ready for review. Safe to run again: it only adds what is missing."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from peerpath.accounts.demo import DEMO_PASSWORD
from peerpath.accounts.models import GuardianLink, Membership, Organization, User
from peerpath.core.roles import Role
from peerpath.engine.synthetic import DEMO_VOCABULARY
from peerpath.matching.features import BACKGROUND_KEYS, GOAL_KEYS
from peerpath.matching.models import InterestTag, MatchRound, Preference, Profile
from peerpath.matching.services import rounds as services
from peerpath.programs.demo import _students
from peerpath.programs.models import Participant, ParticipantRole, Program
from peerpath.programs.vocabularies import SLOT_KEYS
from peerpath.recruitment.models import Application, BackgroundCheck, Consent
from peerpath.training.models import Completion, Requirement

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
    guardian, _created = User.objects.get_or_create(
        username=f"guardian-{student.username}",
        defaults={
            "first_name": "Parent of",
            "last_name": student.first_name,
            "email": f"guardian-{student.username}@example.net",
        },
    )
    if _created:
        guardian.set_password(DEMO_PASSWORD)
        guardian.save(update_fields=["password"])
    Membership.objects.get_or_create(user=guardian, organization=school, role=Role.GUARDIAN)
    GuardianLink.objects.get_or_create(guardian=guardian, student=student, defaults={"organization": school})
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
    modules = [
        r.module
        for r in Requirement.objects.filter(
            program=program, role=ParticipantRole.MENTOR, module__isnull=False
        ).select_related("module")
        if r.module is not None
    ]
    for student in mentor_pool:
        Application.objects.get_or_create(
            cohort=cohort,
            applicant=student,
            role="mentor",
            defaults={"status": Application.Status.APPROVED, "answers": {}, "decided_at": now},
        )
        participant, _created = Participant.objects.get_or_create(cohort=cohort, user=student, role="mentor")
        BackgroundCheck.objects.get_or_create(
            organization=lincoln,
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
            _consent(program, student, lincoln, given=True)
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
    return MatchingSummary(
        mentors=Participant.objects.filter(cohort=cohort, role="mentor").count(),
        mentees=Participant.objects.filter(cohort=cohort, role="mentee").count(),
        rounds=MatchRound.objects.filter(cohort=cohort).count(),
    )
