"""Each program model matches the way it should: group capacities, tutoring per subject, the cross-age
grade rule, and guardians' preferences as hard constraints."""

import pytest
from django.urls import reverse

from peerpath.core.roles import Role
from peerpath.matching.features import build_inputs
from peerpath.matching.models import Profile
from peerpath.matching.services import rounds as services
from peerpath.programs.models import Program
from tests.factories import ConsentFactory, ParticipantFactory, member
from tests.matching.people import add_mentee, add_mentor, profile_fields

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
    services.set_proposal_decision(
        round=round,
        proposal_ids=round.proposals.values_list("pk", flat=True),
        action="accepted",
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


@pytest.mark.parametrize("mode", ["max_total", "max_matched", "max_min", "stable"])
def test_every_goal_runs_as_a_round(program, cohort, alice, lincoln, mode):
    """Three mentees, two mentors: ann fits everyone, ben fits only sam. max_total may leave sam out for a
    better total; max_matched and max_min match two; stable has no blocking pair."""
    services.settings_for(program)
    program.match_settings.mode = mode
    program.match_settings.save()
    add_mentor(
        cohort, lincoln, "ann", interests=["robotics", "chess", "soccer"], availability=["mon-1", "mon-2"]
    )
    add_mentor(cohort, lincoln, "ben", interests=["knitting"], availability=["tue-lunch"])
    add_mentee(cohort, lincoln, "ria", interests=["robotics", "chess"], availability=["mon-1", "mon-2"])
    add_mentee(cohort, lincoln, "sam", interests=["soccer"], availability=["mon-1", "tue-lunch"])

    round = services.start_round(cohort=cohort, actor=alice)

    assert round.config["mode"] == mode
    assert round.status == "draft"
    pairs = dict((mentee, mentor) for mentee, mentor, _subject in proposed(round))
    if mode in ("max_matched", "max_min"):
        assert pairs == {"ria": "ann", "sam": "ben"}
    if mode == "stable":
        assert (
            pairs["ria"] == "ann"
        )  # ria and ann rank each other first: any other result has a blocking pair


def test_cross_age_a_person_who_is_mentor_and_mentee_is_never_their_own_mentor(
    program, cohort, alice, lincoln
):
    program.model = Program.Model.CROSS_AGE
    program.save()
    # Grade rule off: nothing but the self rule stands between uma the mentee and uma the mentor.
    settings = services.settings_for(program)
    settings.grade_gap_on = False
    settings.save()
    uma = add_mentor(cohort, lincoln, "uma", grade=10, interests=["chess"])
    add_mentor(cohort, lincoln, "vic", grade=12, interests=["soccer"])
    as_mentee = ParticipantFactory(cohort=cohort, user=uma, role="mentee")
    Profile.objects.create(participant=as_mentee, **profile_fields(interests=["chess"]))

    inputs = build_inputs(cohort, services.snapshot(settings))
    round = services.start_round(cohort=cohort, actor=alice)

    assert (str(uma.pk), str(uma.pk)) in inputs.constraints.forbidden
    assert proposed(round) == [("uma", "vic", "")]
    options = services.swap_options(round.proposals.get(mentee=uma))
    assert uma.pk not in {o.mentor_id for o in options}


def test_a_tutoring_round_with_no_subjects_says_why_it_is_0_of_0(client, program, cohort, alice, lincoln):
    program.model = Program.Model.PEER_TUTORING
    program.save()
    add_mentor(cohort, lincoln, "tut")  # no subject marked strong
    add_mentee(cohort, lincoln, "kim")  # no subject marked hard

    round = services.start_round(cohort=cohort, actor=alice)
    client.force_login(alice)
    html = client.get(reverse("match_round_detail", args=[round.pk])).content.decode()

    assert round.mentee_count == 0
    assert "0 / 0" in html
    assert "No mentee needs a subject" in html
    assert "the cohort&#x27;s mentee has none" in html
    assert "No tutor offers a subject" in html


def test_a_round_with_nobody_waiting_says_so(client, program, cohort, alice, lincoln):
    add_mentor(cohort, lincoln, "ann")

    round = services.start_round(cohort=cohort, actor=alice)
    client.force_login(alice)
    html = client.get(reverse("match_round_detail", args=[round.pk])).content.decode()

    assert "No mentee was waiting for a match when this round ran" in html
