"""The demo's four programs each match in round 1, every one in its own way."""

from collections import Counter

import pytest
from django.core.management import call_command

from peerpath.accounts.models import Membership
from peerpath.core.roles import Role
from peerpath.matching.models import MatchRound, Profile, Proposal
from peerpath.programs.models import Program


def pairs(slug: str) -> list[Proposal]:
    round = MatchRound.objects.get(cohort__program__slug=slug, number=1)
    assert round.status == MatchRound.Status.DRAFT
    return list(round.proposals.exclude(mentor=None).select_related("mentor", "mentee"))


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_first_round_of_every_program_proposes_pairs_the_way_its_model_does():
    call_command("load_demo")

    programs = Program.objects.filter(organization__slug="lincoln-high")
    assert programs.count() == 4
    for program in programs:
        assert len(pairs(program.slug)) >= 8, program.name

    grade = dict(Membership.objects.filter(role=Role.STUDENT).values_list("user_id", "grade"))
    school = dict(Membership.objects.filter(role=Role.STUDENT).values_list("user_id", "organization__slug"))

    # Group: mentors take several mentees, some up to their capacity (the program's 4, or their own).
    circles = Program.objects.get(slug="study-circles")
    load = Counter(p.mentor_id for p in pairs("study-circles"))
    assert max(load.values()) > 1
    capacity = {
        profile.participant.user_id: profile.capacity or circles.mentor_capacity
        for profile in Profile.objects.filter(
            participant__cohort__program=circles, participant__role="mentor"
        ).select_related("participant")
    }
    assert all(load[mentor] <= capacity[mentor] for mentor in load)
    assert sum(load[mentor] == capacity[mentor] for mentor in load) >= 3

    # Cross-age: Jefferson Middle mentees, Lincoln mentors at least three grades above them; the
    # sophomores who applied are left out by the grade rule.
    bridge = pairs("bridge")
    assert all(school[p.mentee_id] == "jefferson-middle" for p in bridge)
    assert all(school[p.mentor_id] == "lincoln-high" for p in bridge)
    assert all(grade[p.mentor_id] - grade[p.mentee_id] >= 3 for p in bridge)
    assert len({p.mentor_id for p in bridge}) == len(bridge)  # one mentee each
    bridge_mentors = Profile.objects.filter(
        participant__cohort__program__slug="bridge", participant__role="mentor"
    )
    assert any(
        grade[profile.participant.user_id] == 10 for profile in bridge_mentors.select_related("participant")
    )

    # Tutoring: pairs by subject, a tutor strong in what the tutee finds hard.
    tutoring = pairs("math-tutoring")
    profiles = {
        (profile.participant.user_id, profile.participant.role): profile
        for profile in Profile.objects.filter(
            participant__cohort__program__slug="math-tutoring"
        ).select_related("participant")
    }
    for pair in tutoring:
        assert {"subject": pair.subject, "level": "strong"} in profiles[(pair.mentor_id, "mentor")].subjects
        assert {"subject": pair.subject, "level": "hard"} in profiles[(pair.mentee_id, "mentee")].subjects
    assert len({p.subject for p in tutoring}) >= 3
    assert max(Counter(p.mentor_id for p in tutoring).values()) > 1
