"""The consent service on its own: the status machine, the snapshot, the overview and the under-13 gate."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.programs.models import ProgramStaff
from peerpath.recruitment.models import Consent
from peerpath.recruitment.services.consent import (
    ConsentError,
    GuardianConsent,
    StudentConsent,
    child_consent_gate,
    consent_from_token,
    consent_snapshot,
    is_answerable,
    make_consent_token,
    minors_needing_consent,
    program_contacts,
    request_consent,
    set_consent_status,
)
from tests.factories import (
    ApplicationFactory,
    ConsentFactory,
    GuardianLinkFactory,
    ParticipantFactory,
    born_years_ago,
    member,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 10, 5, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def requested(program, carol, erin):
    return ConsentFactory(
        program=program,
        student=carol,
        guardian=erin,
        status=Consent.Status.REQUESTED,
        expires_at=NOW + datetime.timedelta(days=14),
    )


# Answering -----------------------------------------------------------------------------------------


def test_set_consent_status_given_records_answer_preferences_and_audit(requested, erin, lincoln, rf):
    with time_machine.travel(NOW, tick=False):
        returned = set_consent_status(
            consent=requested,
            status=Consent.Status.GIVEN,
            preferences={"mentor_language": "Spanish"},
            orientation_acknowledged=True,
            request=rf.post("/", REMOTE_ADDR="203.0.113.5"),
        )
    assert returned is requested
    assert requested.status == Consent.Status.GIVEN
    stored = Consent.objects.get(pk=requested.pk)
    assert stored.status == Consent.Status.GIVEN
    assert stored.answered_at == NOW
    assert stored.preferences == {"mentor_language": "Spanish"}
    assert stored.orientation_acknowledged is True
    assert stored.expires_at == NOW + datetime.timedelta(days=14)
    entry = AuditEntry.objects.get(action="consent.given")
    assert entry.actor is None
    assert entry.actor_label == str(erin)
    assert entry.organization_id == lincoln.pk
    assert entry.target_id == str(requested.pk)
    assert entry.detail == {"from": "requested", "to": "given", "guardian": erin.pk}
    assert entry.ip_address == "203.0.113.5"


def test_set_consent_status_given_without_preferences_stores_none(requested):
    with time_machine.travel(NOW, tick=False):
        set_consent_status(consent=requested, status=Consent.Status.GIVEN)
    stored = Consent.objects.get(pk=requested.pk)
    assert stored.preferences == {}
    assert stored.orientation_acknowledged is False


def test_set_consent_status_refused_keeps_no_preferences(requested, erin):
    with time_machine.travel(NOW, tick=False):
        set_consent_status(
            consent=requested,
            status=Consent.Status.REFUSED,
            preferences={"mentor_language": "Spanish"},
            orientation_acknowledged=True,
        )
    stored = Consent.objects.get(pk=requested.pk)
    assert (stored.status, stored.preferences, stored.answered_at) == (Consent.Status.REFUSED, {}, NOW)
    assert stored.orientation_acknowledged is True
    entry = AuditEntry.objects.get(action="consent.refused")
    assert entry.detail == {"from": "requested", "to": "refused", "guardian": erin.pk}
    assert entry.actor_label == str(erin)


def test_set_consent_status_signed_in_guardian_is_the_actor(requested, erin):
    with time_machine.travel(NOW, tick=False):
        set_consent_status(consent=requested, status=Consent.Status.GIVEN, actor=erin)
    entry = AuditEntry.objects.get(action="consent.given")
    assert (entry.actor, entry.actor_label) == (erin, str(erin))


def test_set_consent_status_answer_after_expiry_is_refused(requested):
    with (
        time_machine.travel(NOW + datetime.timedelta(days=14), tick=False),
        pytest.raises(ConsentError, match=r"^This consent request has expired\.$"),
    ):
        set_consent_status(consent=requested, status=Consent.Status.GIVEN)
    assert Consent.objects.get(pk=requested.pk).status == Consent.Status.REQUESTED
    assert not AuditEntry.objects.exists()


def test_set_consent_status_answer_a_second_before_expiry_counts(requested):
    with time_machine.travel(NOW + datetime.timedelta(days=14, seconds=-1), tick=False):
        set_consent_status(consent=requested, status=Consent.Status.GIVEN)
    assert Consent.objects.get(pk=requested.pk).status == Consent.Status.GIVEN


@pytest.mark.parametrize("status", [Consent.Status.GIVEN, Consent.Status.REFUSED, Consent.Status.REQUESTED])
def test_set_consent_status_given_is_final(requested, status):
    with time_machine.travel(NOW, tick=False):
        set_consent_status(consent=requested, status=Consent.Status.GIVEN)
        with pytest.raises(ConsentError, match=r"^This consent request was already answered\.$"):
            set_consent_status(consent=requested, status=status)
    assert Consent.objects.get(pk=requested.pk).status == Consent.Status.GIVEN
    assert AuditEntry.objects.count() == 1


def test_set_consent_status_refused_cannot_become_given_but_may_be_asked_again(requested, alice):
    with time_machine.travel(NOW, tick=False):
        set_consent_status(
            consent=requested, status=Consent.Status.REFUSED, preferences={}, orientation_acknowledged=True
        )
        with pytest.raises(ConsentError):
            set_consent_status(consent=requested, status=Consent.Status.GIVEN)
    later = NOW + datetime.timedelta(days=20)
    with time_machine.travel(later, tick=False):
        set_consent_status(consent=requested, status=Consent.Status.REQUESTED, actor=alice)
    stored = Consent.objects.get(pk=requested.pk)
    assert stored.status == Consent.Status.REQUESTED
    assert stored.expires_at == later + datetime.timedelta(days=14)
    assert stored.answered_at is None
    assert stored.orientation_acknowledged is False
    assert requested.expires_at == stored.expires_at
    entry = AuditEntry.objects.get(action="consent.requested")
    assert (entry.actor, entry.actor_label) == (alice, str(alice))
    assert entry.detail["from"] == "refused"


def test_set_consent_status_asking_again_by_the_system_has_no_actor_label(requested):
    with time_machine.travel(NOW, tick=False):
        set_consent_status(consent=requested, status=Consent.Status.REQUESTED)
    assert AuditEntry.objects.get(action="consent.requested").actor_label == ""


def test_is_answerable_until_the_expiry_instant(requested):
    expires = requested.expires_at
    assert is_answerable(requested, expires - datetime.timedelta(seconds=1)) is True
    assert is_answerable(requested, expires) is False
    requested.status = Consent.Status.GIVEN
    assert is_answerable(requested, expires - datetime.timedelta(days=1)) is False


# Links ---------------------------------------------------------------------------------------------


def test_consent_from_token_returns_the_open_request(requested):
    with time_machine.travel(NOW, tick=False):
        token = make_consent_token(requested)
        assert consent_from_token(token) == requested


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c"])
def test_consent_from_token_malformed_is_none(token):
    assert consent_from_token(token) is None


def test_consent_from_token_of_a_deleted_request_is_none(requested):
    with time_machine.travel(NOW, tick=False):
        token = make_consent_token(requested)
        requested.delete()
        assert consent_from_token(token) is None


def test_consent_from_token_after_the_request_expired_is_none(requested):
    with time_machine.travel(NOW, tick=False):
        token = make_consent_token(requested)
    requested.expires_at = NOW + datetime.timedelta(days=1)
    requested.save()
    with time_machine.travel(NOW, tick=False):
        assert consent_from_token(make_consent_token(requested)) == requested
        assert consent_from_token(token) is None  # the expiry in the old link no longer matches


# What is asked -------------------------------------------------------------------------------------


def test_consent_snapshot_freezes_program_terms(program):
    program.description = "Weekly lunch meetings."
    program.meeting_cadence = program.Cadence.BIWEEKLY
    program.session_minutes = 30
    program.commitment_weeks = 10
    parts = consent_snapshot(program).split("\n\n")
    assert parts[0] == program.name
    assert parts[1] == "Weekly lunch meetings."
    assert parts[2] == "Meetings: every two weeks, 30 minutes each, for 10 weeks."
    assert parts[3].startswith("Contact rules:\n- Mentors and mentees meet at school")
    assert parts[3].count("\n- ") == 4


def test_consent_snapshot_without_description_skips_it(program):
    program.description = ""
    parts = consent_snapshot(program).split("\n\n")
    assert parts[0] == program.name
    assert parts[1].startswith("Meetings: weekly")
    assert len(parts) == 3


def test_program_contacts_are_the_coordinators_by_name(program, alice, lincoln, frank):
    zed = member(lincoln, Role.COORDINATOR, username="zed", first_name="Ann", last_name="Zed")
    abe = member(lincoln, Role.COORDINATOR, username="abe", first_name="Zoe", last_name="Abe")
    abe2 = member(lincoln, Role.COORDINATOR, username="abe2", first_name="Amy", last_name="Abe")
    for person in (zed, abe, abe2):
        ProgramStaff.objects.create(program=program, user=person, role=ProgramStaff.Role.COORDINATOR)
    ProgramStaff.objects.create(program=program, user=frank, role=ProgramStaff.Role.SUPERVISOR)
    assert program_contacts(program) == [abe2, abe, alice, zed]


# Asking --------------------------------------------------------------------------------------------


def test_request_consent_asks_each_guardian_in_their_language(
    program, carol, erin, alice, lincoln, django_capture_on_commit_callbacks
):
    abuela = member(lincoln, Role.GUARDIAN, username="abuela", preferred_language="es")
    GuardianLinkFactory(guardian=abuela, student=carol, organization=lincoln)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        result = request_consent(program=program, student=carol, actor=alice)
    assert (result.already_given, result.no_guardian) == (0, False)
    assert {consent.guardian for consent in result.requested} == {erin, abuela}
    spanish = Consent.objects.get(guardian=abuela)
    assert "Encuentros:" in spanish.covers
    assert "Meetings:" in Consent.objects.get(guardian=erin).covers
    assert spanish.expires_at == NOW + datetime.timedelta(days=14)
    entries = AuditEntry.objects.filter(action="consent.requested")
    assert sorted(entry.detail["guardian"] for entry in entries) == sorted([erin.pk, abuela.pk])
    assert {(entry.actor, entry.organization_id) for entry in entries} == {(alice, lincoln.pk)}
    assert sorted(message.to[0] for message in mail.outbox) == sorted([erin.email, abuela.email])


def test_request_consent_without_request_links_to_the_site_url(
    program, carol, erin, alice, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://peerpath.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        result = request_consent(program=program, student=carol, actor=alice)
    token_path = f"/consent/{make_consent_token(result.requested[0])}/"
    assert f"https://peerpath.example.org{token_path}" in mail.outbox[0].body


def test_request_consent_with_a_request_links_to_its_host(
    program, carol, erin, alice, rf, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["school.test"]
    with django_capture_on_commit_callbacks(execute=True):
        request_consent(
            program=program, student=carol, actor=alice, request=rf.get("/", HTTP_HOST="school.test")
        )
    assert "http://school.test/consent/" in mail.outbox[0].body


def test_request_consent_again_refreshes_the_terms_and_skips_given(
    program, carol, erin, alice, lincoln, django_capture_on_commit_callbacks
):
    refused = ConsentFactory(
        program=program, student=carol, guardian=erin, status=Consent.Status.REFUSED, covers="old terms"
    )
    gran = member(lincoln, Role.GUARDIAN, username="gran")
    GuardianLinkFactory(guardian=gran, student=carol, organization=lincoln)
    ConsentFactory(program=program, student=carol, guardian=gran, status=Consent.Status.GIVEN)
    with django_capture_on_commit_callbacks(execute=True):
        result = request_consent(program=program, student=carol, actor=alice)
    assert result.already_given == 1
    assert result.requested == [refused]
    refused.refresh_from_db()
    assert refused.status == Consent.Status.REQUESTED
    assert refused.covers.startswith(program.name)
    assert [message.to for message in mail.outbox] == [[erin.email]]
    assert AuditEntry.objects.get(action="consent.requested").detail["from"] == "refused"


def test_request_consent_without_guardian_asks_nobody(program, lincoln, alice):
    orphan = member(lincoln, Role.STUDENT, username="orphan", date_of_birth=born_years_ago(14))
    result = request_consent(program=program, student=orphan, actor=alice)
    assert (result.no_guardian, result.requested, result.already_given) == (True, [], 0)
    assert not Consent.objects.exists()


# The coordinator's overview ------------------------------------------------------------------------


def test_guardian_consent_status_names_expired_requests(requested, erin):
    assert GuardianConsent(guardian=erin, consent=None).status == ""
    with time_machine.travel(NOW, tick=False):
        assert GuardianConsent(guardian=erin, consent=requested).status == "requested"
    with time_machine.travel(NOW + datetime.timedelta(days=15), tick=False):
        assert GuardianConsent(guardian=erin, consent=requested).status == "expired"
        requested.status = Consent.Status.REFUSED
        assert GuardianConsent(guardian=erin, consent=requested).status == "refused"


def test_student_consent_has_consent_and_is_missing(carol, erin, requested):
    given = ConsentFactory(status=Consent.Status.GIVEN)
    with time_machine.travel(NOW, tick=False):
        nobody = StudentConsent(student=carol, roles=[], guardians=[])
        assert (nobody.has_consent, nobody.is_missing) == (False, False)
        one_asked = StudentConsent(student=carol, roles=[], guardians=[GuardianConsent(erin, requested)])
        assert (one_asked.has_consent, one_asked.is_missing) == (False, True)
        both = StudentConsent(
            student=carol,
            roles=[],
            guardians=[GuardianConsent(erin, requested), GuardianConsent(erin, given)],
        )
        assert (both.has_consent, both.is_missing) == (True, True)
        all_given = StudentConsent(student=carol, roles=[], guardians=[GuardianConsent(erin, given)])
        assert (all_given.has_consent, all_given.is_missing) == (True, False)


def test_minors_needing_consent_lists_enrolled_and_applying_minors_with_roles(
    program, cohort, carol, erin, lincoln, jefferson_program
):
    ParticipantFactory(cohort=cohort, user=carol, role="mentee")
    ParticipantFactory(cohort=cohort, user=carol, role="mentor")
    ConsentFactory(program=program, student=carol, guardian=erin, status=Consent.Status.GIVEN)
    ConsentFactory(program=jefferson_program, student=carol, guardian=erin, status=Consent.Status.REFUSED)
    applicant = member(
        lincoln, Role.STUDENT, username="ann", last_name="Able", date_of_birth=born_years_ago(15)
    )
    ApplicationFactory(cohort=cohort, applicant=applicant, role="mentor", status="waitlisted")
    declined = member(lincoln, Role.STUDENT, username="dec", date_of_birth=born_years_ago(15))
    ApplicationFactory(cohort=cohort, applicant=declined, role="mentor", status="declined")
    withdrawn = member(lincoln, Role.STUDENT, username="wd", date_of_birth=born_years_ago(15))
    ParticipantFactory(cohort=cohort, user=withdrawn, role="mentee", status="withdrawn")
    adult = member(lincoln, Role.STUDENT, username="adult", date_of_birth=born_years_ago(19))
    ParticipantFactory(cohort=cohort, user=adult, role="mentee")
    rows = minors_needing_consent(program, cohort)
    assert [(row.student, row.roles) for row in rows] == [(applicant, []), (carol, ["Mentee", "Mentor"])]
    carols = rows[1]
    assert [(g.guardian, g.status) for g in carols.guardians] == [(erin, "given")]
    assert carols.has_consent is True


def test_minors_needing_consent_without_cohort_is_empty(program):
    assert minors_needing_consent(program, None) == []


# Under 13 ------------------------------------------------------------------------------------------


@pytest.fixture
def child(lincoln):
    return member(lincoln, Role.STUDENT, username="kiddo", date_of_birth=born_years_ago(12))


def test_child_consent_gate_asks_once_and_then_waits(
    program, child, lincoln, django_capture_on_commit_callbacks
):
    parent = member(lincoln, Role.GUARDIAN, username="parent")
    GuardianLinkFactory(guardian=parent, student=child, organization=lincoln)
    with django_capture_on_commit_callbacks(execute=True):
        first = child_consent_gate(program=program, student=child)
        second = child_consent_gate(program=program, student=child)
    assert first == second
    assert "We have e-mailed your guardian" in first
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.get(action="consent.requested").actor == child


def test_child_consent_gate_asks_again_once_the_request_expired(
    program, child, lincoln, django_capture_on_commit_callbacks
):
    parent = member(lincoln, Role.GUARDIAN, username="parent")
    GuardianLinkFactory(guardian=parent, student=child, organization=lincoln)
    ConsentFactory(
        program=program,
        student=child,
        guardian=parent,
        status=Consent.Status.REQUESTED,
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert "We have e-mailed your guardian" in child_consent_gate(program=program, student=child)
    assert len(mail.outbox) == 1


def test_child_consent_gate_opens_with_consent_and_ignores_other_programs(
    program, child, lincoln, jefferson_program
):
    parent = member(lincoln, Role.GUARDIAN, username="parent")
    ConsentFactory(program=jefferson_program, student=child, guardian=parent, status=Consent.Status.GIVEN)
    assert "no guardian on file" in child_consent_gate(program=program, student=child)
    ConsentFactory(program=program, student=child, guardian=parent, status=Consent.Status.GIVEN)
    assert child_consent_gate(program=program, student=child) is None


def test_child_consent_gate_does_not_apply_from_13(program, carol, lincoln):
    thirteen = member(lincoln, Role.STUDENT, username="teen", date_of_birth=born_years_ago(13))
    assert child_consent_gate(program=program, student=thirteen) is None
    assert not Consent.objects.exists()
