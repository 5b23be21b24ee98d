import datetime

import pytest
import time_machine
from django.utils import timezone

from peerpath.core.roles import Role
from peerpath.matching.eligibility import APPROVED, CONSENT, SCREENED, TRAINED, is_matchable, matchability
from peerpath.programs.models import Participant
from tests.factories import (
    ApplicationFactory,
    BackgroundCheckFactory,
    ConsentFactory,
    ParticipantFactory,
    born_years_ago,
    member,
)

pytestmark = pytest.mark.django_db


def ready_mentor(cohort, person, lincoln, *, approve=True, check=True, consent=True):
    participant = ParticipantFactory(cohort=cohort, user=person, role="mentor")
    if approve:
        ApplicationFactory(cohort=cohort, applicant=person, role="mentor", status="approved")
    if check:
        BackgroundCheckFactory(organization=lincoln, person=person)
    if consent:
        guardian = member(lincoln, Role.GUARDIAN, username=f"guardian-of-{person.username}")
        ConsentFactory(program=cohort.program, student=person, guardian=guardian)
    return participant


def open_gates(participant, today=None):
    return [(gate.key, gate.detail) for gate in is_matchable(participant, today).open_gates]


def test_approved_screened_minor_with_consent_is_matchable(cohort, bob, lincoln):
    result = is_matchable(ready_mentor(cohort, bob, lincoln))
    assert result.is_matchable
    assert [gate.key for gate in result.gates] == [APPROVED, SCREENED, TRAINED, CONSENT]


def test_missing_approval_leaves_only_that_gate_open(cohort, bob, lincoln):
    assert open_gates(ready_mentor(cohort, bob, lincoln, approve=False)) == [(APPROVED, "not approved yet")]


def test_application_still_in_screening_is_not_approval(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln, approve=False)
    ApplicationFactory(cohort=cohort, applicant=bob, role="mentor", status="screening")
    assert open_gates(participant) == [(APPROVED, "not approved yet")]


def test_expired_check_leaves_only_screening_open(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=400)):
        assert open_gates(participant) == [(SCREENED, "the check has expired")]


def test_flagged_check_leaves_only_screening_open(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln)
    BackgroundCheckFactory(organization=lincoln, person=bob, result="flagged")
    assert open_gates(participant) == [(SCREENED, "a check was flagged")]


def test_no_check_leaves_only_screening_open(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln, check=False)
    assert open_gates(participant) == [(SCREENED, "no clear check recorded")]


def test_check_recorded_by_another_school_does_not_count(cohort, bob, lincoln, jefferson):
    participant = ready_mentor(cohort, bob, lincoln, check=False)
    BackgroundCheckFactory(organization=jefferson, person=bob)
    assert open_gates(participant) == [(SCREENED, "no clear check recorded")]


def test_missing_consent_leaves_only_consent_open(cohort, bob, lincoln):
    assert open_gates(ready_mentor(cohort, bob, lincoln, consent=False)) == [
        (CONSENT, "waiting for a guardian")
    ]


@pytest.mark.parametrize("status", ["requested", "refused"])
def test_consent_not_given_keeps_the_gate_open(cohort, carol, erin, status):
    participant = ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    ConsentFactory(program=cohort.program, student=carol, guardian=erin, status=status)
    assert open_gates(participant) == [(CONSENT, "waiting for a guardian")]


def test_consent_for_another_program_does_not_count(cohort, carol, erin, jefferson_program):
    participant = ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    ConsentFactory(program=jefferson_program, student=carol, guardian=erin)
    assert open_gates(participant) == [(CONSENT, "waiting for a guardian")]


def test_adult_needs_no_consent(cohort, lincoln):
    adult = member(lincoln, Role.STUDENT, username="adult", date_of_birth=born_years_ago(19))
    participant = ready_mentor(cohort, adult, lincoln, consent=False)
    result = is_matchable(participant)
    assert result.is_matchable
    assert CONSENT not in [gate.key for gate in result.gates]


def test_unknown_age_counts_as_minor(cohort, lincoln):
    unknown = member(lincoln, Role.STUDENT, username="unknown", date_of_birth=None)
    participant = ready_mentor(cohort, unknown, lincoln, consent=False)
    assert open_gates(participant) == [(CONSENT, "waiting for a guardian")]


# Mentees -----------------------------------------------------------------------------------------


def test_enrolled_minor_mentee_with_consent_is_matchable(cohort, carol, erin):
    participant = ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    ConsentFactory(program=cohort.program, student=carol, guardian=erin)
    result = is_matchable(participant)
    assert result.is_matchable
    assert [gate.key for gate in result.gates] == [APPROVED, CONSENT]


def test_mentee_needs_no_application_or_check(cohort, lincoln):
    adult = member(lincoln, Role.STUDENT, username="adult", date_of_birth=born_years_ago(19))
    participant = ParticipantFactory(cohort=cohort, user=adult, role="mentee")
    assert [gate.key for gate in is_matchable(participant).gates] == [APPROVED]
    assert is_matchable(participant).is_matchable


def test_withdrawn_mentee_is_not_matchable(cohort, carol, erin):
    participant = ParticipantFactory(cohort=cohort, user=carol, role="mentee", status="withdrawn")
    ConsentFactory(program=cohort.program, student=carol, guardian=erin)
    assert open_gates(participant) == [(APPROVED, "withdrawn")]


def test_minor_mentee_without_consent(cohort, carol, erin):
    participant = ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    assert open_gates(participant) == [(CONSENT, "waiting for a guardian")]


# Many at once ------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_matchability_queries_do_not_grow(cohort, lincoln, django_assert_num_queries, count):
    for number in range(count):
        person = member(lincoln, Role.STUDENT, username=f"m{number}", date_of_birth=born_years_ago(16))
        ready_mentor(cohort, person, lincoln)
        mentee = member(lincoln, Role.STUDENT, username=f"e{number}", date_of_birth=born_years_ago(14))
        ParticipantFactory(cohort=cohort, user=mentee, role="mentee")
    participants = list(Participant.objects.filter(cohort=cohort).select_related("user", "cohort"))
    with django_assert_num_queries(5):
        results = matchability(participants)
    assert len(results) == 2 * count
    assert sum(result.is_matchable for result in results.values()) == count


# Boundaries and details --------------------------------------------------------------------------


def test_check_expiring_today_is_current_and_gone_the_day_after(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln, check=False)
    BackgroundCheckFactory(organization=lincoln, person=bob, expires_on=datetime.date(2027, 1, 15))
    assert open_gates(participant, today=datetime.date(2027, 1, 15)) == []
    assert open_gates(participant, today=datetime.date(2027, 1, 16)) == [(SCREENED, "the check has expired")]


def test_check_without_expiry_stays_current(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln, check=False)
    BackgroundCheckFactory(organization=lincoln, person=bob, expires_on=None)
    assert open_gates(participant, today=datetime.date(2040, 1, 1)) == []


def test_pending_check_is_not_clear(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln, check=False)
    BackgroundCheckFactory(organization=lincoln, person=bob, result="pending")
    assert open_gates(participant) == [(SCREENED, "no clear check recorded")]


def test_one_current_check_beside_an_expired_one_is_enough(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln, check=False)
    BackgroundCheckFactory(organization=lincoln, person=bob, expires_on=datetime.date(2026, 1, 1))
    BackgroundCheckFactory(organization=lincoln, person=bob, expires_on=datetime.date(2028, 1, 1))
    assert open_gates(participant, today=datetime.date(2027, 1, 1)) == []


def test_withdrawn_approved_mentor_is_not_matchable(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln)
    participant.status = Participant.Status.WITHDRAWN
    participant.save()
    assert open_gates(participant) == [(APPROVED, "")]


def test_approval_as_mentee_does_not_approve_a_mentor(cohort, bob, lincoln):
    participant = ready_mentor(cohort, bob, lincoln, approve=False)
    ApplicationFactory(cohort=cohort, applicant=bob, role="mentee", status="approved")
    assert open_gates(participant) == [(APPROVED, "not approved yet")]


def test_gates_done_have_no_detail_and_every_gate_has_a_label(cohort, bob, lincoln):
    result = is_matchable(ready_mentor(cohort, bob, lincoln))
    assert [(gate.detail, gate.label) for gate in result.gates if gate.key != TRAINED] == [
        ("", "Application approved"),
        ("", "Background check current"),
        ("", "Guardian consent"),
    ]
    trained = next(gate for gate in result.gates if gate.key == TRAINED)
    assert (trained.done, trained.detail, trained.label) == (
        True,
        "no required training set up yet",
        "Required training complete",
    )


def test_matchability_of_nobody_is_empty():
    assert matchability([]) == {}
