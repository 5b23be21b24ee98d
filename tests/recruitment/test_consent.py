import datetime
import re

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.matching.eligibility import CONSENT, is_matchable
from peerpath.recruitment.models import Consent
from peerpath.recruitment.services.consent import make_consent_token, request_consent
from tests.factories import (
    ApplicationFactory,
    ConsentFactory,
    GuardianLinkFactory,
    ParticipantFactory,
    born_years_ago,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol_mentee(cohort, carol, erin):
    return ParticipantFactory(cohort=cohort, user=carol, role="mentee")


@pytest.fixture
def carol_consent(program, carol, erin, alice, carol_mentee):
    request_consent(program=program, student=carol, actor=alice)
    return Consent.objects.get(program=program, student=carol, guardian=erin)


def respond_url(consent):
    return reverse("consent_respond", args=[make_consent_token(consent)])


GIVE = {
    "orientation_acknowledged": "on",
    "decision": "given",
    "mentor_language": "Spanish",
    "same_gender_mentor": "on",
    "note": "Shy at first.",
}


def link_in(message):
    return re.search(r"https?://\S+/consent/\S+/", message.body).group(0)


# Coordinator: the overview and sending requests ----------------------------------------------------


def test_consent_list_shows_each_minor_with_guardian_status(
    client, alice, program, cohort, carol_mentee, lincoln
):
    adult = member(lincoln, Role.STUDENT, username="adult", date_of_birth=born_years_ago(19))
    ParticipantFactory(cohort=cohort, user=adult)
    orphan = member(
        lincoln, Role.STUDENT, username="orphan", last_name="Zed", date_of_birth=born_years_ago(12)
    )
    ApplicationFactory(cohort=cohort, applicant=orphan, role="mentee")
    client.force_login(alice)
    response = client.get(reverse("consent_list", args=[program.pk]))
    content = response.content.decode()
    assert [row.student.username for row in response.context["rows"]] == ["carol", "orphan"]
    assert "Erin Jimenez: not asked yet" in content
    assert "No guardian on file — contact the office." in content
    assert "under 13: consent required before anything else" in content


def test_consent_list_speaks_of_under_13_only_when_someone_is(client, alice, program, cohort, lincoln):
    teen = member(lincoln, Role.STUDENT, username="teen", date_of_birth=born_years_ago(16))
    ParticipantFactory(cohort=cohort, user=teen)
    client.force_login(alice)
    response = client.get(reverse("consent_list", args=[program.pk]))
    content = response.content.decode()
    assert [row.student for row in response.context["rows"]] == [teen]
    assert "under 13" not in content
    assert "No minor is matched without a guardian" in content


def test_consent_answer_page_lists_the_contact_rules_once(client, erin, carol_consent):
    client.force_login(erin)
    content = client.get(respond_url(carol_consent)).content.decode()
    assert content.count("Contact rules") == 1
    assert content.count("Messages between a mentor and a minor go through PeerPath") == 1


def test_consent_request_creates_consent_and_emails_guardian(
    client, alice, program, carol, erin, carol_mentee, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consent_request", args=[program.pk]), {"student": carol.pk})
    assert response.status_code == 302
    consent = Consent.objects.get(program=program, student=carol, guardian=erin)
    assert consent.status == Consent.Status.REQUESTED
    assert abs(consent.expires_at - (timezone.now() + datetime.timedelta(days=14))) < datetime.timedelta(
        minutes=1
    )
    assert program.name in consent.covers
    assert "Weekly" in consent.covers or "weekly" in consent.covers
    assert "Contact rules" in consent.covers
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [erin.email]
    assert link_in(mail.outbox[0]).endswith(respond_url(consent))
    assert AuditEntry.objects.filter(action="consent.requested", actor=alice).count() == 1


def test_consent_request_for_all_missing_skips_given(
    client, alice, program, cohort, carol, erin, carol_mentee, lincoln, django_capture_on_commit_callbacks
):
    tim = member(lincoln, Role.STUDENT, username="tim", date_of_birth=born_years_ago(15))
    tims_mum = member(lincoln, Role.GUARDIAN, username="tims_mum")
    GuardianLinkFactory(guardian=tims_mum, student=tim, organization=lincoln)
    ParticipantFactory(cohort=cohort, user=tim)
    ConsentFactory(program=program, student=carol, guardian=erin, status=Consent.Status.GIVEN)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consent_request", args=[program.pk]), {"all": "1"})
    assert [message.to for message in mail.outbox] == [[tims_mum.email]]
    assert Consent.objects.get(student=carol).status == Consent.Status.GIVEN


def test_consent_request_without_guardian_says_contact_office(client, alice, program, cohort, lincoln):
    orphan = member(lincoln, Role.STUDENT, username="orphan", date_of_birth=born_years_ago(14))
    ParticipantFactory(cohort=cohort, user=orphan)
    client.force_login(alice)
    response = client.post(reverse("consent_request", args=[program.pk]), {"student": orphan.pk}, follow=True)
    assert "No guardian on file" in response.content.decode()
    assert not Consent.objects.exists()


def test_consent_request_for_student_not_in_cohort_is_404(client, alice, program, cohort, bob):
    client.force_login(alice)
    response = client.post(reverse("consent_request", args=[program.pk]), {"student": bob.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("extra", [1, 3])
def test_consent_list_queries_do_not_grow_with_students(
    client, alice, program, cohort, lincoln, django_assert_num_queries, extra
):
    for number in range(extra):
        student = member(lincoln, Role.STUDENT, username=f"kid{number}", date_of_birth=born_years_ago(14))
        guardian = member(lincoln, Role.GUARDIAN, username=f"parent{number}")
        GuardianLinkFactory(guardian=guardian, student=student, organization=lincoln)
        ParticipantFactory(cohort=cohort, user=student)
        ConsentFactory(program=program, student=student, guardian=guardian)
    client.force_login(alice)
    client.get(reverse("consent_list", args=[program.pk]))
    with django_assert_num_queries(15):
        response = client.get(reverse("consent_list", args=[program.pk]))
    assert len(response.context["rows"]) == extra


# The guardian's signed link ------------------------------------------------------------------------


def test_guardian_link_shows_program_orientation_and_form(client, carol_consent, program, alice):
    response = client.get(respond_url(carol_consent))
    content = response.content.decode()
    assert response.status_code == 200
    assert program.name in content
    assert "How to raise a concern" in content
    assert "Alice Moreno" in content
    assert 'type="checkbox" name="orientation_acknowledged"' in content
    assert "<legend>" in content


def test_guardian_gives_consent_through_link(client, carol_consent, carol_mentee):
    response = client.post(respond_url(carol_consent), GIVE)
    assert response.status_code == 200
    assert "has been recorded" in response.content.decode()
    carol_consent.refresh_from_db()
    assert carol_consent.status == Consent.Status.GIVEN
    assert carol_consent.answered_at is not None
    assert carol_consent.orientation_acknowledged is True
    assert carol_consent.preferences == {
        "mentor_language": "Spanish",
        "same_gender_mentor": True,
        "note": "Shy at first.",
    }
    entry = AuditEntry.objects.get(action="consent.given")
    assert entry.actor is None
    assert entry.actor_label == "Erin Jimenez"
    assert entry.target_id == str(carol_consent.pk)
    assert is_matchable(carol_mentee).is_matchable


def test_guardian_refuses_consent_through_link(client, carol_consent, carol_mentee):
    client.post(respond_url(carol_consent), {"decision": "refused", "mentor_language": "French"})
    carol_consent.refresh_from_db()
    assert carol_consent.status == Consent.Status.REFUSED
    assert carol_consent.preferences == {}
    assert AuditEntry.objects.filter(action="consent.refused").count() == 1
    assert [gate.key for gate in is_matchable(carol_mentee).open_gates] == [CONSENT]


def test_giving_consent_requires_orientation(client, carol_consent):
    response = client.post(respond_url(carol_consent), {**GIVE, "orientation_acknowledged": ""})
    assert response.status_code == 200
    assert "tick this box to give consent" in response.content.decode()
    assert 'value="Spanish"' in response.content.decode()  # what was typed is kept
    carol_consent.refresh_from_db()
    assert carol_consent.status == Consent.Status.REQUESTED
    assert not AuditEntry.objects.filter(action__in=["consent.given", "consent.refused"]).exists()


def assert_link_refused_and_nothing_changed(client, url, consent):
    before = Consent.objects.values().get(pk=consent.pk)
    audit_before = AuditEntry.objects.count()
    for response in (client.get(url), client.post(url, GIVE)):
        assert response.status_code == 410
        assert "This link has expired or was already used" in response.content.decode()
    assert Consent.objects.values().get(pk=consent.pk) == before
    assert AuditEntry.objects.count() == audit_before


def test_tampered_link_changes_nothing(client, carol_consent):
    token = make_consent_token(carol_consent)
    forged = signing.dumps({"c": carol_consent.pk, "e": 1}, salt="something-else")
    for bad in (token[:-2] + "xx", forged, "not-a-token"):
        assert_link_refused_and_nothing_changed(client, reverse("consent_respond", args=[bad]), carol_consent)


def test_expired_link_changes_nothing(client, carol_consent):
    url = respond_url(carol_consent)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        assert_link_refused_and_nothing_changed(client, url, carol_consent)


def test_used_link_changes_nothing(client, carol_consent):
    url = respond_url(carol_consent)
    client.post(url, GIVE)
    carol_consent.refresh_from_db()
    assert_link_refused_and_nothing_changed(client, url, carol_consent)


def test_new_request_makes_older_link_useless(client, carol_consent, program, carol, alice):
    old_url = respond_url(carol_consent)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        request_consent(program=program, student=carol, actor=alice)
    carol_consent.refresh_from_db()
    assert_link_refused_and_nothing_changed(client, old_url, carol_consent)
    assert client.get(respond_url(carol_consent)).status_code == 200


# The signed-in guardian -------------------------------------------------------------------------


def test_my_consents_lists_only_own_requests(client, erin, carol_consent, program, lincoln):
    other_child = member(lincoln, Role.STUDENT, username="other", first_name="Otto", last_name="Other")
    other_parent = member(lincoln, Role.GUARDIAN, username="otherparent")
    ConsentFactory(program=program, student=other_child, guardian=other_parent, status="requested")
    client.force_login(erin)
    response = client.get(reverse("my_consents"))
    assert [consent.pk for consent in response.context["pending"]] == [carol_consent.pk]
    assert "Otto Other" not in response.content.decode()
    assert reverse("consent_answer", args=[carol_consent.pk]) in response.content.decode()


def test_signed_in_guardian_answers(client, erin, carol_consent):
    client.force_login(erin)
    assert client.get(reverse("consent_answer", args=[carol_consent.pk])).status_code == 200
    response = client.post(reverse("consent_answer", args=[carol_consent.pk]), GIVE)
    assert response.status_code == 302
    carol_consent.refresh_from_db()
    assert carol_consent.status == Consent.Status.GIVEN
    entry = AuditEntry.objects.get(action="consent.given")
    assert entry.actor == erin
    # Answered: read only, and posting again changes nothing.
    response = client.post(reverse("consent_answer", args=[carol_consent.pk]), {"decision": "refused"})
    assert "you gave consent." in response.content.decode()
    carol_consent.refresh_from_db()
    assert carol_consent.status == Consent.Status.GIVEN


def test_bob_cannot_see_carols_consent(client, bob, carol_consent):
    client.force_login(bob)
    assert client.get(reverse("consent_answer", args=[carol_consent.pk])).status_code == 404
    assert client.post(reverse("consent_answer", args=[carol_consent.pk]), GIVE).status_code == 404
    response = client.get(reverse("my_consents"))
    assert response.context["pending"] == []
    assert response.context["answered"] == []
    assert client.get(reverse("consent_list", args=[carol_consent.program_id])).status_code == 404


def test_staff_cannot_answer_for_the_guardian(client, alice, frank, carol_consent):
    for person in (alice, frank):
        client.force_login(person)
        assert client.post(reverse("consent_answer", args=[carol_consent.pk]), GIVE).status_code == 404
    carol_consent.refresh_from_db()
    assert carol_consent.status == Consent.Status.REQUESTED


def test_educator_cannot_manage_consent(client, frank, program):
    client.force_login(frank)
    assert client.get(reverse("consent_list", args=[program.pk])).status_code == 404


# Tenancy -----------------------------------------------------------------------------------------


def lincoln_consent_urls(program, consent):
    return [
        reverse("consent_list", args=[program.pk]),
        reverse("consent_request", args=[program.pk]),
        reverse("my_consents"),
        reverse("consent_answer", args=[consent.pk]),
    ]


def test_every_lincoln_consent_page_is_404_for_dave(client, dave, program, carol_consent):
    client.force_login(dave)
    for url in lincoln_consent_urls(program, carol_consent):
        if url == reverse("my_consents"):
            response = client.get(url)
            assert "Carol" not in response.content.decode()
            continue
        assert client.get(url).status_code in {404, 405}, url
        assert client.post(url, {"all": "1"}).status_code == 404, url
    assert Consent.objects.get(pk=carol_consent.pk).status == Consent.Status.REQUESTED


def test_consent_pages_send_anonymous_to_login(client, program, carol_consent):
    for url in lincoln_consent_urls(program, carol_consent):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_signed_link_is_public_by_design(client, carol_consent):
    assert client.get(respond_url(carol_consent)).status_code == 200
