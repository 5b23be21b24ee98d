"""Each program model matches the way it should: group capacities, tutoring per subject, the cross-age
grade rule, and guardians' preferences as hard constraints."""

import pytest

from peerpath.core.roles import Role
from peerpath.matching import services
from peerpath.matching.models import Profile
from peerpath.programs.models import Program
from tests.factories import ConsentFactory, member
from tests.matching.people import add_mentee, add_mentor

pytestmark = pytest.mark.django_db


def proposed(round):
    return sorted(
        (p.mentee.username, p.mentor.username if p.mentor else None, p.subject) for p in round.proposals.all()
    )


def test_group_mentoring_gives_a_mentor_several_mentees_up_to_capacity(program, cohort, alice, lincoln):
    program.model = Program.Model.GROUP
    program.mentor_capacity = 3
    program.save()
    add_mentor(cohort, lincoln, "gia")
    add_mentor(cohort, lincoln, "hal", capacity=1)
    for n in range(5):
        add_mentee(cohort, lincoln, f"m{n}")

    round = services.start_round(cohort=cohort, actor=alice)

    load = {}
    for _mentee, mentor, _subject in proposed(round):
        load[mentor] = load.get(mentor, 0) + 1
    assert load == {"gia": 3, "hal": 1, None: 1}


def test_peer_tutoring_matches_per_subject_with_tutors_strong_in_it(program, cohort, alice, lincoln):
    program.model = Program.Model.PEER_TUTORING
    program.subjects = ["Algebra", "Biology"]
    program.mentor_capacity = 2
    program.save()
    add_mentor(cohort, lincoln, "alg", subjects=[{"subject": "Algebra", "level": "strong"}])
    add_mentor(cohort, lincoln, "bio", subjects=[{"subject": "Biology", "level": "strong"}])
    add_mentee(
        cohort,
        lincoln,
        "kim",
        subjects=[{"subject": "Algebra", "level": "hard"}, {"subject": "Biology", "level": "hard"}],
    )
    add_mentee(cohort, lincoln, "lee", subjects=[{"subject": "Biology", "level": "ok"}])  # needs nothing

    round = services.start_round(cohort=cohort, actor=alice)

    assert proposed(round) == [("kim", "alg", "Algebra"), ("kim", "bio", "Biology")]
    services.decide(
        round=round,
        proposal_ids=round.proposals.values_list("pk", flat=True),
        decision="accepted",
        actor=alice,
    )
    services.publish_round(round=round, actor=alice)
    assert sorted(round.cohort.matches.values_list("subject", flat=True)) == ["Algebra", "Biology"]


def test_cross_age_programs_require_the_grade_gap(program, cohort, alice, lincoln):
    program.model = Program.Model.CROSS_AGE
    program.min_grade_gap = 3
    program.save()
    add_mentor(cohort, lincoln, "senior", grade=12)
    add_mentor(cohort, lincoln, "junior", grade=11, interests=["robotics", "chess"])
    add_mentee(cohort, lincoln, "fresh", grade=9, interests=["robotics", "chess"])

    round = services.start_round(cohort=cohort, actor=alice)

    assert round.config["constraints"]["min_grade_gap"] == 3
    assert proposed(round) == [("fresh", "senior", "")]


def test_a_guardians_language_preference_is_a_hard_constraint(program, cohort, alice, lincoln):
    add_mentor(cohort, lincoln, "eng", interests=["robotics", "chess"])
    add_mentor(cohort, lincoln, "esp", interests=["soccer"], languages=["English", "Spanish"])
    child = add_mentee(cohort, lincoln, "kid", interests=["robotics", "chess"])
    guardian = member(lincoln, Role.GUARDIAN, username="parent")
    ConsentFactory(
        program=program, student=child, guardian=guardian, preferences={"mentor_language": "Spanish"}
    )

    round = services.start_round(cohort=cohort, actor=alice)

    assert proposed(round) == [("kid", "esp", "")]


def test_a_same_gender_request_without_a_gender_on_the_profile_is_a_warning(program, cohort, alice, lincoln):
    add_mentor(cohort, lincoln, "tutor")
    child = add_mentee(cohort, lincoln, "kid")
    guardian = member(lincoln, Role.GUARDIAN, username="parent")
    ConsentFactory(
        program=program, student=child, guardian=guardian, preferences={"same_gender_mentor": True}
    )

    round = services.start_round(cohort=cohort, actor=alice)
    assert proposed(round) == [("kid", None, "")]
    assert "same-gender" in round.warnings[0]

    Profile.objects.filter(participant__user__in=[child, round.proposals.get().mentee]).update(gender="girl")
    Profile.objects.filter(participant__user__username="tutor").update(gender="Girl")
    second = services.start_round(cohort=cohort, actor=alice)
    assert proposed(second) == [("kid", "tutor", "")]
