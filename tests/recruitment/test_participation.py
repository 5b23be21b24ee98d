"""The rules every way into a cohort shares, tested at the service level: the program's grades and ages,
an under-13's guardian consent, an active student membership and one role per person per cohort."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from peerpath.accounts.models import Membership
from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.programs.models import Participant, Program
from peerpath.recruitment.models import Application, Consent, Nomination
from peerpath.recruitment.services.applications import refer_mentee, submit_application
from peerpath.recruitment.services.enrollment import AlreadyEnrolled, sign_up_mentee
from peerpath.recruitment.services.participation import (
    ConsentRequired,
    NotAStudent,
    NotEligible,
    OneRolePerCohort,
)
from tests.factories import ConsentFactory, GuardianLinkFactory, ParticipantFactory, born_years_ago, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(lincoln):
    return member(lincoln, Role.STUDENT, grade=7, username="kiddo", date_of_birth=born_years_ago(12))


@pytest.fixture
def parent(lincoln, child):
    guardian = member(lincoln, Role.GUARDIAN, username="kiddo-parent")
    GuardianLinkFactory(guardian=guardian, student=child, organization=lincoln)
    return guardian


@pytest.fixture
def grades_9_to_10(program):
    program.min_grade, program.max_grade = 9, 10
    program.save()
    return program


def _refer(cohort, student, by):
    return refer_mentee(cohort=cohort, student=student, referred_by=by, reason="Needs a friend.")


def _apply(cohort, applicant, role="mentee"):
    return submit_application(cohort=cohort, applicant=applicant, role=role, answers={})


# Eligibility (the program's grades and ages) -----------------------------------------------------


def test_sign_up_mentee_refuses_a_grade_outside_the_program(cohort, bob, grades_9_to_10):
    with pytest.raises(NotEligible, match="This program is for grades 9 to 10."):
        sign_up_mentee(cohort=cohort, student=bob)  # grade 11
    assert not Participant.objects.exists()


def test_refer_mentee_refuses_a_grade_outside_the_program(cohort, frank, bob, grades_9_to_10):
    with pytest.raises(NotEligible, match="This program is for grades 9 to 10."):
        _refer(cohort, bob, frank)
    assert not Participant.objects.exists()
    assert not Nomination.objects.exists()


def test_refer_mentee_refuses_an_age_outside_the_program(cohort, frank, bob, program):
    program.max_age = 15
    program.save()
    with pytest.raises(NotEligible, match="aged 0 to 15"):
        _refer(cohort, bob, frank)  # 16


def test_refer_mentee_accepts_the_last_grade_of_the_range(cohort, frank, carol, grades_9_to_10):
    assert _refer(cohort, carol, frank).status == Participant.Status.ENROLLED  # grade 9, the boundary


def test_the_grade_of_an_inactive_membership_does_not_count(
    cohort, frank, lincoln, jefferson, grades_9_to_10
):
    cohort.program.partner_schools.add(jefferson)
    student = member(lincoln, Role.STUDENT, username="moved", date_of_birth=born_years_ago(15))
    Membership.objects.create(
        user=student, organization=jefferson, role=Role.STUDENT, grade=12, is_active=False
    )
    assert _refer(cohort, student, frank).status == Participant.Status.ENROLLED


# Active student ----------------------------------------------------------------------------------


def test_refer_mentee_refuses_a_student_whose_membership_is_inactive(cohort, frank, bob):
    Membership.objects.filter(user=bob).update(is_active=False)
    with pytest.raises(NotAStudent, match="is not a student at Lincoln High School"):
        _refer(cohort, bob, frank)
    assert not Participant.objects.exists()


def test_sign_up_mentee_refuses_a_deactivated_account(cohort, bob):
    bob.is_active = False
    bob.save()
    with pytest.raises(NotAStudent, match="Only students of Lincoln High School can sign up."):
        sign_up_mentee(cohort=cohort, student=bob)


def test_sign_up_mentee_refuses_staff(cohort, frank):
    with pytest.raises(NotAStudent):
        sign_up_mentee(cohort=cohort, student=frank)


# Guardian consent for under-13s ------------------------------------------------------------------


def test_sign_up_mentee_under_13_asks_the_guardian_and_refuses(
    cohort, child, parent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ConsentRequired, match="e-mailed your"),
    ):
        sign_up_mentee(cohort=cohort, student=child)
    assert not Participant.objects.exists()
    consent = Consent.objects.get(student=child)
    assert (consent.guardian, consent.status) == (parent, Consent.Status.REQUESTED)
    assert [message.to for message in mail.outbox] == [[parent.email]]


def test_sign_up_mentee_under_13_with_a_live_request_sends_no_second_email(
    cohort, child, parent, django_capture_on_commit_callbacks
):
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConsentRequired):
            sign_up_mentee(cohort=cohort, student=child)
    assert len(mail.outbox) == 1


def test_an_expired_consent_request_sends_a_new_one(
    cohort, child, parent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConsentRequired):
        sign_up_mentee(cohort=cohort, student=child)
    first = Consent.objects.get(student=child)
    later = first.expires_at + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConsentRequired):
            _apply(cohort, child)
        renewed = Consent.objects.get(pk=first.pk)
        assert renewed.status == Consent.Status.REQUESTED
        assert renewed.expires_at > timezone.now()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == [parent.email]
    assert not Application.objects.exists()


def test_the_day_before_expiry_no_new_request_is_sent(
    cohort, child, parent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConsentRequired):
        sign_up_mentee(cohort=cohort, student=child)
    expires = Consent.objects.get(student=child).expires_at
    with time_machine.travel(expires - datetime.timedelta(minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConsentRequired):
            sign_up_mentee(cohort=cohort, student=child)
    assert len(mail.outbox) == 1


def test_sign_up_mentee_under_13_with_consent_enrolls(cohort, child, parent):
    ConsentFactory(program=cohort.program, student=child, guardian=parent)
    assert sign_up_mentee(cohort=cohort, student=child).status == Participant.Status.ENROLLED


def test_under_13_without_guardian_is_told_to_ask_the_office(cohort, child):
    with pytest.raises(ConsentRequired, match="no guardian on file"):
        sign_up_mentee(cohort=cohort, student=child)
    assert not Consent.objects.exists()


def test_submit_application_under_13_asks_the_guardian_and_records_nothing(
    cohort, child, parent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConsentRequired):
        _apply(cohort, child)
    assert not Application.objects.exists()
    assert Consent.objects.get(student=child).status == Consent.Status.REQUESTED
    assert [message.to for message in mail.outbox] == [[parent.email]]


def test_refer_mentee_under_13_is_refused_and_the_guardian_is_asked(
    cohort, frank, child, parent, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ConsentRequired, match=f"{child} is under 13.*We have e-mailed their guardian"),
    ):
        _refer(cohort, child, frank)
    assert not Participant.objects.exists()
    assert not Nomination.objects.exists()
    assert [message.to for message in mail.outbox] == [[parent.email]]
    assert AuditEntry.objects.get(action="consent.requested").actor == frank


def test_refer_mentee_under_13_without_guardian_says_so(cohort, frank, child):
    with pytest.raises(ConsentRequired, match="there is no guardian on file"):
        _refer(cohort, child, frank)


def test_refer_mentee_under_13_with_consent_enrolls(cohort, frank, child, parent):
    ConsentFactory(program=cohort.program, student=child, guardian=parent)
    assert _refer(cohort, child, frank).source == Participant.Source.REFERRAL


def test_refer_mentee_13_year_old_needs_no_consent_to_enroll(cohort, frank, lincoln):
    teen = member(lincoln, Role.STUDENT, username="teen", date_of_birth=born_years_ago(13))
    assert _refer(cohort, teen, frank).status == Participant.Status.ENROLLED
    assert not Consent.objects.exists()


# One role per person per cohort ------------------------------------------------------------------


def test_sign_up_mentee_refuses_an_enrolled_mentor(cohort, bob):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    with pytest.raises(OneRolePerCohort, match="You are already a mentor in 2026-27"):
        sign_up_mentee(cohort=cohort, student=bob)
    assert Participant.objects.filter(user=bob).count() == 1


def test_refer_mentee_refuses_an_enrolled_mentor(cohort, frank, bob):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    with pytest.raises(OneRolePerCohort, match="Bob Nguyen is already a mentor"):
        _refer(cohort, bob, frank)


def test_a_withdrawn_mentor_may_sign_up_as_mentee(cohort, bob):
    ParticipantFactory(cohort=cohort, user=bob, role="mentor", status=Participant.Status.WITHDRAWN)
    assert sign_up_mentee(cohort=cohort, student=bob).role == "mentee"


def test_submit_application_as_mentor_refuses_an_enrolled_mentee(cohort, carol):
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    with pytest.raises(OneRolePerCohort, match="You are already a mentee"):
        _apply(cohort, carol, role="mentor")
    assert not Application.objects.exists()


def test_mentor_in_another_cohort_may_be_a_mentee_here(cohort, program, bob):
    from tests.factories import CohortFactory

    ParticipantFactory(cohort=CohortFactory(program=program, name="2025-26"), user=bob, role="mentor")
    assert sign_up_mentee(cohort=cohort, student=bob).role == "mentee"


def test_cross_age_program_allows_both_roles(cohort, program, bob):
    program.model = Program.Model.CROSS_AGE
    program.save()
    ParticipantFactory(cohort=cohort, user=bob, role="mentor")
    assert sign_up_mentee(cohort=cohort, student=bob).role == "mentee"


# Re-enrolling ------------------------------------------------------------------------------------


def test_refer_mentee_brings_a_withdrawn_mentee_back_through_set_participant_status(cohort, frank, carol):
    withdrawn = ParticipantFactory(cohort=cohort, user=carol, status=Participant.Status.WITHDRAWN)
    participant = _refer(cohort, carol, frank)
    assert participant.pk == withdrawn.pk
    assert Participant.objects.get(pk=withdrawn.pk).status == Participant.Status.ENROLLED
    entry = AuditEntry.objects.get(action="participant.status_changed")
    assert (entry.actor, entry.detail["from"], entry.detail["to"]) == (frank, "withdrawn", "enrolled")


def test_a_withdrawn_mentee_cannot_sign_themself_up_again(cohort, carol):
    ParticipantFactory(cohort=cohort, user=carol, status=Participant.Status.WITHDRAWN)
    with pytest.raises(AlreadyEnrolled):
        sign_up_mentee(cohort=cohort, student=carol)
    assert Participant.objects.get(user=carol).status == Participant.Status.WITHDRAWN


def test_refer_mentee_audits_the_enrollment_with_its_student_source_school_and_address(
    cohort, frank, bob, rf
):
    request = rf.post("/", REMOTE_ADDR="203.0.113.6")
    participant = refer_mentee(cohort=cohort, student=bob, referred_by=frank, reason="Quiet", request=request)
    entry = AuditEntry.objects.get(action="enrollment.referred")
    assert (entry.actor, entry.target_id, entry.organization_id) == (
        frank,
        str(participant.pk),
        cohort.program.organization_id,
    )
    assert entry.detail == {"student": bob.pk, "source": Participant.Source.REFERRAL}
    assert entry.ip_address == "203.0.113.6"


def test_refer_mentee_twice_says_who_is_already_a_mentee_and_where(cohort, frank, bob):
    refer_mentee(cohort=cohort, student=bob, referred_by=frank, reason="Quiet")
    with pytest.raises(AlreadyEnrolled) as refused:
        refer_mentee(cohort=cohort, student=bob, referred_by=frank, reason="Again")
    assert str(refused.value) == f"{bob} is already a mentee in {cohort}."


def test_refer_mentee_brings_back_a_withdrawn_mentee_with_the_referral_as_reason(cohort, frank, bob):
    withdrawn = ParticipantFactory(cohort=cohort, user=bob, status=Participant.Status.WITHDRAWN)
    refer_mentee(cohort=cohort, student=bob, referred_by=frank, reason="Back")
    assert Participant.objects.get(pk=withdrawn.pk).status == Participant.Status.ENROLLED
    change = AuditEntry.objects.get(action="participant.status_changed")
    assert change.detail["reason"] == str(Participant.Source.REFERRAL.label)
