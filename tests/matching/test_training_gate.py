import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from peerpath.analytics.queries import matches_with_lapsed_training
from peerpath.core.roles import Role
from peerpath.matching.eligibility import TRAINED, is_matchable, matchability, training_gates
from peerpath.mentorships.models import Match
from peerpath.programs.models import Attendance, Event, Participant
from peerpath.training.models import Attempt
from tests.factories import (
    ApplicationFactory,
    BackgroundCheckFactory,
    CompletionFactory,
    ConsentFactory,
    MatchFactory,
    ModuleFactory,
    ParticipantFactory,
    RequirementFactory,
    born_years_ago,
    member,
)

pytestmark = pytest.mark.django_db


def ready_mentor(cohort, person, lincoln):
    """Approved, screened and (as a minor) with consent: only training can hold them back."""
    participant = ParticipantFactory(cohort=cohort, user=person, role="mentor")
    ApplicationFactory(cohort=cohort, applicant=person, role="mentor", status="approved")
    BackgroundCheckFactory(
        organization=lincoln, person=person, expires_on=timezone.localdate() + datetime.timedelta(days=800)
    )
    guardian = member(lincoln, Role.GUARDIAN, username=f"guardian-of-{person.username}")
    ConsentFactory(program=cohort.program, student=person, guardian=guardian)
    return participant


@pytest.fixture
def modules(lincoln, program):
    listening = ModuleFactory(organization=lincoln, title="Active listening")
    confidentiality = ModuleFactory(organization=lincoln, title="Confidentiality", validity_days=365)
    for module in (listening, confidentiality):
        RequirementFactory(program=program, module=module, role="mentor")
    return listening, confidentiality


def open_gates(participant):
    return [(gate.key, gate.detail) for gate in is_matchable(participant).open_gates]


def complete(person, module, **fields):
    return CompletionFactory(module=module, user=person, **fields)


def test_mentor_with_required_modules_completed_is_matchable(cohort, bob, lincoln, modules):
    participant = ready_mentor(cohort, bob, lincoln)
    for module in modules:
        complete(bob, module)
    result = is_matchable(participant)
    assert result.is_matchable
    assert next(gate for gate in result.gates if gate.key == TRAINED).done


def test_failed_attempt_without_completion_keeps_training_open(cohort, bob, lincoln, modules):
    listening, confidentiality = modules
    participant = ready_mentor(cohort, bob, lincoln)
    complete(bob, listening)
    Attempt.objects.create(module=confidentiality, user=bob, score=40, passed=False)
    assert open_gates(participant) == [(TRAINED, "1 module to complete: Confidentiality")]


def test_nothing_completed_lists_every_module(cohort, bob, lincoln, modules):
    participant = ready_mentor(cohort, bob, lincoln)
    assert open_gates(participant) == [(TRAINED, "2 modules to complete: Active listening, Confidentiality")]


def test_requirement_of_another_program_does_not_gate(cohort, bob, lincoln, jefferson_program):
    RequirementFactory(program=jefferson_program, module=ModuleFactory(title="Elsewhere"))
    assert is_matchable(ready_mentor(cohort, bob, lincoln)).is_matchable


def test_expired_refresher_gates_again_and_flags_the_active_match(
    client, alice, cohort, bob, carol, erin, lincoln, modules
):
    listening, confidentiality = modules
    participant = ready_mentor(cohort, bob, lincoln)
    complete(bob, listening)
    complete(bob, confidentiality, expires_at=timezone.now() + datetime.timedelta(days=365))
    match = MatchFactory(cohort=cohort, mentor=bob, mentee=carol)
    before = Match.objects.filter(pk=match.pk).values().get()
    assert is_matchable(participant).is_matchable
    assert matches_with_lapsed_training(cohort) == []

    with time_machine.travel(timezone.now() + datetime.timedelta(days=366)):
        assert open_gates(participant) == [(TRAINED, "1 module to complete: Confidentiality (expired)")]
        lapsed = matches_with_lapsed_training(cohort.program)
        assert [item.match for item in lapsed] == [match]
        client.force_login(alice)
        response = client.get(reverse("screening_attention", args=[cohort.program_id]))
        detail = client.get(reverse("program_detail", args=[cohort.program_id]))

    content = response.content.decode()
    assert "Matches with lapsed training" in content
    assert "Bob Nguyen" in content
    assert "Carol Jimenez" in content
    assert "1 module to complete: Confidentiality (expired)" in content
    assert "1 match whose mentor's training lapsed" in detail.content.decode()
    assert detail.context["pipeline"].lapsed_count == 1
    assert Match.objects.filter(pk=match.pk).values().get() == before


def test_paused_match_is_flagged_and_closed_is_not(cohort, bob, carol, lincoln, modules):
    paused = MatchFactory(cohort=cohort, mentor=bob, mentee=carol, status="paused")
    MatchFactory(cohort=cohort, mentor=bob, status="closed")
    MatchFactory(cohort=cohort, mentor=bob, status="proposed")
    assert [item.match for item in matches_with_lapsed_training(cohort)] == [paused]


def test_attention_page_of_dave_is_404(client, dave, program):
    client.force_login(dave)
    assert client.get(reverse("screening_attention", args=[program.pk])).status_code == 404


def test_workshop_requirement_is_met_by_attendance(cohort, bob, lincoln, program):
    starts = timezone.now() - datetime.timedelta(days=2)
    workshop = Event.objects.create(
        program=program,
        kind=Event.Kind.TRAINING,
        title="Role-play workshop",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )
    RequirementFactory(program=program, module=None, workshop=workshop)
    participant = ready_mentor(cohort, bob, lincoln)
    assert open_gates(participant) == [(TRAINED, "1 workshop to attend: Role-play workshop")]
    attendance = Attendance.objects.create(event=workshop, user=bob, present=False)
    assert open_gates(participant) == [(TRAINED, "1 workshop to attend: Role-play workshop")]
    attendance.present = True
    attendance.save()
    assert is_matchable(participant).is_matchable


def test_mentees_are_gated_only_when_mentee_training_is_required(cohort, carol, erin, lincoln, program):
    participant = ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    ConsentFactory(program=program, student=carol, guardian=erin)
    RequirementFactory(program=program, module=ModuleFactory(organization=lincoln), role="mentor")
    assert TRAINED not in [gate.key for gate in is_matchable(participant).gates]
    welcome = ModuleFactory(organization=lincoln, title="Welcome to mentoring")
    RequirementFactory(program=program, module=welcome, role="mentee")
    assert open_gates(participant) == [(TRAINED, "1 module to complete: Welcome to mentoring")]
    complete(carol, welcome)
    assert is_matchable(participant).is_matchable


@pytest.mark.parametrize("count", [1, 3])
def test_training_gate_queries_do_not_grow(
    cohort, lincoln, program, modules, django_assert_num_queries, count
):
    listening, _confidentiality = modules
    workshop_start = timezone.now() - datetime.timedelta(days=1)
    workshop = Event.objects.create(
        program=program,
        kind=Event.Kind.TRAINING,
        title="Workshop",
        starts_at=workshop_start,
        ends_at=workshop_start + datetime.timedelta(hours=1),
    )
    RequirementFactory(program=program, module=None, workshop=workshop)
    for number in range(count):
        person = member(lincoln, Role.STUDENT, username=f"m{number}", date_of_birth=born_years_ago(16))
        ready_mentor(cohort, person, lincoln)
        complete(person, listening)
        Attendance.objects.create(event=workshop, user=person)
    participants = list(Participant.objects.filter(cohort=cohort).select_related("user", "cohort"))
    # approvals, programs, checks, consents, requirements, completions, attendance
    with django_assert_num_queries(7):
        results = matchability(participants)
    assert [gate.detail for r in results.values() for gate in r.open_gates] == [
        "1 module to complete: Confidentiality"
    ] * count


@pytest.mark.parametrize("count", [1, 3])
def test_lapsed_matches_queries_do_not_grow(cohort, lincoln, modules, django_assert_num_queries, count):
    for number in range(count):
        person = member(lincoln, Role.STUDENT, username=f"m{number}")
        MatchFactory(
            cohort=cohort, mentor=person, mentee=member(lincoln, Role.STUDENT, username=f"e{number}")
        )
        complete(person, modules[0])
    # matches, requirements, completions
    with django_assert_num_queries(3):
        lapsed = matches_with_lapsed_training(cohort)
    assert len(lapsed) == count


def test_completion_expiring_today_still_counts(cohort, bob, lincoln, modules):
    listening, confidentiality = modules
    participant = ready_mentor(cohort, bob, lincoln)
    complete(bob, listening)
    complete(bob, confidentiality, expires_at=datetime.datetime(2027, 5, 10, 12, tzinfo=datetime.UTC))
    assert is_matchable(participant, datetime.date(2027, 5, 10)).is_matchable
    gates = is_matchable(participant, datetime.date(2027, 5, 11)).open_gates
    assert [(gate.key, gate.detail) for gate in gates] == [
        (TRAINED, "1 module to complete: Confidentiality (expired)")
    ]


def test_modules_and_workshops_missing_are_both_listed(cohort, bob, lincoln, program, modules):
    starts = timezone.now() - datetime.timedelta(days=2)
    for title in ("Role-play workshop", "Safeguarding workshop"):
        workshop = Event.objects.create(
            program=program,
            kind=Event.Kind.TRAINING,
            title=title,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )
        RequirementFactory(program=program, module=None, workshop=workshop)
    participant = ready_mentor(cohort, bob, lincoln)
    complete(bob, modules[1])
    assert open_gates(participant) == [
        (
            TRAINED,
            "1 module to complete: Active listening; "
            "2 workshops to attend: Role-play workshop, Safeguarding workshop",
        )
    ]


def test_modules_are_listed_by_due_date(cohort, bob, lincoln, program):
    later = ModuleFactory(organization=lincoln, title="Zeta (due first)")
    sooner = ModuleFactory(organization=lincoln, title="Alpha (due last)")
    RequirementFactory(program=program, module=sooner, due_on=datetime.date(2027, 3, 1))
    RequirementFactory(program=program, module=later, due_on=datetime.date(2027, 1, 1))
    participant = ready_mentor(cohort, bob, lincoln)
    assert open_gates(participant) == [(TRAINED, "2 modules to complete: Zeta (due first), Alpha (due last)")]


def test_training_gates_of_nobody_is_empty():
    assert training_gates([], datetime.date(2027, 1, 1)) == {}
