"""A round at a large-school size: 400 mentors and 600 mentees. Run with -s to see the times; the test
asserts the results and the review page's query count, not time."""

import datetime
import random
import statistics
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from peerpath.accounts.models import Membership, User
from peerpath.core.roles import Role
from peerpath.matching.features import GOAL_KEYS
from peerpath.matching.models import Profile
from peerpath.matching.services import rounds as services
from peerpath.programs.models import Participant
from peerpath.programs.vocabularies import SLOT_KEYS
from peerpath.recruitment.models import Application, BackgroundCheck

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MENTORS = 400
MENTEES = 600
INTERESTS = ["robotics", "chess", "soccer", "music", "art", "coding", "dance", "reading", "anime", "cooking"]


def _people(prefix: str, count: int, lincoln, grade: int) -> list[User]:
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}{n:04d}",
            email=f"{prefix}{n:04d}@example.org",
            last_name=f"{prefix.title()} {n:04d}",
            date_of_birth=datetime.date(2000, 1, 1),
        )
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organization=lincoln, role=Role.STUDENT, grade=grade) for user in users
    )
    return users


def test_a_round_of_400_mentors_and_600_mentees(
    client, alice, program, cohort, lincoln, django_assert_num_queries
):
    rng = random.Random(7)  # noqa: S311 - test data
    mentors = _people("mentor", MENTORS, lincoln, 12)
    mentees = _people("mentee", MENTEES, lincoln, 9)
    Application.objects.bulk_create(
        Application(cohort=cohort, applicant=user, role="mentor", status="approved", answers={})
        for user in mentors
    )
    expires = timezone.localdate() + datetime.timedelta(days=300)
    BackgroundCheck.objects.bulk_create(
        BackgroundCheck(
            organization=lincoln, person=user, kind="school_clearance", result="clear", expires_on=expires
        )
        for user in mentors
    )
    participants = Participant.objects.bulk_create(
        [Participant(cohort=cohort, user=user, role="mentor") for user in mentors]
        + [Participant(cohort=cohort, user=user, role="mentee") for user in mentees]
    )
    Profile.objects.bulk_create(
        Profile(
            participant=p,
            interests=rng.sample(INTERESTS, 3),
            goals=rng.sample(GOAL_KEYS, 2),
            languages=["English"] + (["Spanish"] if rng.random() < 0.3 else []),
            availability=rng.sample(SLOT_KEYS, 8),
            about=f"I like {rng.choice(INTERESTS)} and want help with {rng.choice(GOAL_KEYS)}.",
        )
        for p in participants
    )

    started = time.perf_counter()
    round = services.create_round(cohort=cohort, actor=alice)  # start_round would queue it (background)
    round = services.run_round(round.pk)
    run_seconds = time.perf_counter() - started

    assert round.status == "draft"
    assert round.optimal is True
    assert round.proposals.count() == MENTEES
    matched = round.proposals.exclude(mentor=None).count()
    assert matched <= MENTORS

    client.force_login(alice)
    url = reverse("match_round_detail", args=[round.pk])
    client.get(url)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        with django_assert_num_queries(17):
            response = client.get(url)
        timings.append(time.perf_counter() - started)
    assert response.context["review"].matched == matched
    started = time.perf_counter()
    blockers = client.get(reverse("match_round_blockers", args=[round.pk]), headers={"HX-Request": "true"})
    blockers_seconds = time.perf_counter() - started
    assert blockers.context["blockers"].unmatched == MENTEES - matched
    print(
        f"\nround of {MENTORS} mentors x {MENTEES} mentees: run {run_seconds:.2f} s "
        f"({round.feasible_pairs} feasible pairs, {matched} matched); "
        f"review page median {statistics.median(timings) * 1000:.0f} ms; "
        f"blockers fragment {blockers_seconds * 1000:.0f} ms"
    )
