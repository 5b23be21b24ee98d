import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.core.roles import Role
from peerpath.mentorships.models import Match
from peerpath.mentorships.services import (
    IllegalMatchTransition,
    propose_match,
    return_to_pool,
    set_match_status,
)
from tests.factories import GuardianLinkFactory, MatchFactory, born_years_ago, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(cohort, bob, carol):
    return MatchFactory(
        cohort=cohort, mentor=bob, mentee=carol, status=Match.Status.PROPOSED, started_at=None
    )


def test_set_match_status_proposed_to_active_sets_started_at(proposed, alice, lincoln):
    with time_machine.travel("2026-10-05 15:00 +0000", tick=False):
        set_match_status(match=proposed, status=Match.Status.ACTIVE, actor=alice, reason="Good fit")
    proposed.refresh_from_db()
    assert proposed.status == Match.Status.ACTIVE
    assert proposed.started_at.isoformat() == "2026-10-05T15:00:00+00:00"
    entry = AuditEntry.objects.get(action="match.status_changed")
    assert entry.actor == alice
    assert entry.organization_id == lincoln.pk
    assert entry.target_id == str(proposed.pk)
    assert entry.detail == {"from": "proposed", "to": "active", "reason": "Good fit"}


def test_set_match_status_pause_and_resume_keep_started_at(proposed, alice):
    set_match_status(match=proposed, status=Match.Status.ACTIVE, actor=alice)
    started = Match.objects.get(pk=proposed.pk).started_at
    set_match_status(match=proposed, status=Match.Status.PAUSED, actor=alice)
    set_match_status(match=proposed, status=Match.Status.ACTIVE, actor=alice)
    proposed.refresh_from_db()
    assert proposed.started_at == started
    transitions = list(
        AuditEntry.objects.filter(action="match.status_changed")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert [(d["from"], d["to"]) for d in transitions] == [
        ("proposed", "active"),
        ("active", "paused"),
        ("paused", "active"),
    ]


def test_set_match_status_closed_is_final(proposed, alice):
    set_match_status(match=proposed, status=Match.Status.CLOSED, actor=alice, reason="Moved away")
    proposed.refresh_from_db()
    assert proposed.closed_at is not None
    assert proposed.closed_at <= timezone.now()
    for status in (Match.Status.ACTIVE, Match.Status.PAUSED, Match.Status.PROPOSED):
        with pytest.raises(IllegalMatchTransition, match="A match that is closed cannot become"):
            set_match_status(match=proposed, status=status, actor=alice)
    assert Match.objects.get(pk=proposed.pk).status == Match.Status.CLOSED
    assert AuditEntry.objects.filter(action="match.status_changed").count() == 1


def test_set_match_status_illegal_move_raises_with_message_and_changes_nothing(proposed, alice):
    with pytest.raises(IllegalMatchTransition) as refusal:
        set_match_status(match=proposed, status=Match.Status.PAUSED, actor=alice)
    assert str(refusal.value) == "A match that is proposed cannot become paused."
    assert Match.objects.get(pk=proposed.pk).status == Match.Status.PROPOSED
    assert not AuditEntry.objects.filter(action="match.status_changed").exists()


LEGAL = {
    (Match.Status.PROPOSED, Match.Status.ACTIVE),
    (Match.Status.PROPOSED, Match.Status.CLOSED),
    (Match.Status.ACTIVE, Match.Status.PAUSED),
    (Match.Status.ACTIVE, Match.Status.CLOSED),
    (Match.Status.PAUSED, Match.Status.ACTIVE),
    (Match.Status.PAUSED, Match.Status.CLOSED),
}
EVERY = [(old, new) for old in Match.Status for new in Match.Status]


@pytest.mark.parametrize(("old", "new"), sorted(LEGAL))
def test_set_match_status_every_legal_transition_and_its_second_effects(
    proposed, alice, lincoln, old, new, django_capture_on_commit_callbacks
):
    Match.objects.filter(pk=proposed.pk).update(status=old)
    proposed.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_match_status(match=proposed, status=new, actor=alice, reason="why")

    saved = Match.objects.get(pk=proposed.pk)
    assert saved.status == new
    assert (saved.started_at is not None) == (new == Match.Status.ACTIVE)
    assert (saved.closed_at is not None) == (new == Match.Status.CLOSED)
    entry = AuditEntry.objects.get(action="match.status_changed")
    assert (entry.actor, entry.organization_id) == (alice, lincoln.pk)
    assert entry.detail == {"from": old, "to": new, "reason": "why"}
    assert callbacks == []  # a status change queues no e-mail (only a new proposal does)
    assert mail.outbox == []


@pytest.mark.parametrize(("old", "new"), sorted(set(EVERY) - LEGAL))
def test_set_match_status_every_illegal_transition_changes_nothing(proposed, alice, old, new):
    Match.objects.filter(pk=proposed.pk).update(status=old)
    proposed.refresh_from_db()

    with pytest.raises(IllegalMatchTransition, match="cannot become"):
        set_match_status(match=proposed, status=new, actor=alice)

    assert Match.objects.get(pk=proposed.pk).status == old
    assert not AuditEntry.objects.exists()


def test_set_match_status_records_the_request_address_and_an_empty_reason(proposed, alice, rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    set_match_status(match=proposed, status=Match.Status.ACTIVE, actor=alice, request=request)
    entry = AuditEntry.objects.get(action="match.status_changed")
    assert entry.ip_address == "203.0.113.7"
    assert entry.detail["reason"] == ""


def test_set_match_status_closing_keeps_started_at_and_returns_the_match(proposed, alice):
    set_match_status(match=proposed, status=Match.Status.ACTIVE, actor=alice)
    started = Match.objects.get(pk=proposed.pk).started_at
    with time_machine.travel("2027-03-01 12:00 +0000", tick=False):
        returned = set_match_status(match=proposed, status=Match.Status.CLOSED, actor=alice)
    assert returned is proposed
    stored = Match.objects.get(pk=proposed.pk)
    assert stored.started_at == started
    assert stored.closed_at.isoformat() == "2027-03-01T12:00:00+00:00"


def test_set_match_status_activating_leaves_closed_at_empty(proposed, alice):
    set_match_status(match=proposed, status=Match.Status.ACTIVE, actor=alice)
    assert Match.objects.get(pk=proposed.pk).closed_at is None


def test_set_match_status_only_saves_the_status_fields(proposed, alice):
    proposed.subject = "changed in memory only"
    set_match_status(match=proposed, status=Match.Status.ACTIVE, actor=alice)
    assert Match.objects.get(pk=proposed.pk).subject != "changed in memory only"


def test_set_match_status_proposed_can_close_without_starting(proposed, alice):
    set_match_status(match=proposed, status=Match.Status.CLOSED, actor=alice)
    stored = Match.objects.get(pk=proposed.pk)
    assert stored.status == Match.Status.CLOSED
    assert stored.started_at is None


def test_return_to_pool_closes_with_a_default_reason(proposed, alice, rf):
    set_match_status(match=proposed, status=Match.Status.ACTIVE, actor=alice)
    return_to_pool(match=proposed, actor=alice, request=rf.post("/", REMOTE_ADDR="203.0.113.9"))
    assert Match.objects.get(pk=proposed.pk).status == Match.Status.CLOSED
    entry = AuditEntry.objects.filter(action="match.status_changed").latest("pk")
    assert entry.detail == {
        "from": "active",
        "to": "closed",
        "reason": "returned to the pool for a new match",
    }
    assert entry.actor == alice
    assert entry.ip_address == "203.0.113.9"


def test_return_to_pool_keeps_the_coordinators_reason(proposed, alice):
    return_to_pool(match=proposed, actor=alice, reason="They never met")
    entry = AuditEntry.objects.get(action="match.status_changed")
    assert entry.detail["reason"] == "They never met"


def test_propose_match_creates_a_proposed_match_and_emails_both_and_the_guardian(
    cohort, alice, bob, carol, erin, lincoln, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match = propose_match(cohort=cohort, mentor=bob, mentee=carol, actor=alice, subject="Algebra")
    match.refresh_from_db()
    assert (match.status, match.mentor, match.mentee, match.subject) == (
        Match.Status.PROPOSED,
        bob,
        carol,
        "Algebra",
    )
    entry = AuditEntry.objects.get(action="match.proposed")
    assert (entry.actor, entry.organization_id, entry.target_id) == (alice, lincoln.pk, str(match.pk))
    assert entry.detail == {"mentor": bob.pk, "mentee": carol.pk, "subject": "Algebra"}
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {bob.email, carol.email, erin.email}
    to_bob = by_address[bob.email]
    assert to_bob.subject == "Lincoln Peer Mentors: you have a proposed match"
    assert "Hello Bob," in to_bob.body
    assert "a match for you with Carol" in to_bob.body
    assert "Subject: Algebra." in to_bob.body
    assert "a match for you with Bob Nguyen" in by_address[carol.email].body
    to_erin = by_address[erin.email]
    assert to_erin.subject == "Lincoln Peer Mentors: a proposed match for your child"
    assert "Hello Erin," in to_erin.body
    assert "proposed Bob Nguyen as a mentor for Carol" in to_erin.body


def test_propose_match_adult_mentee_guardians_get_no_email(
    cohort, alice, bob, lincoln, django_capture_on_commit_callbacks
):
    adult = member(lincoln, Role.STUDENT, username="ada", date_of_birth=born_years_ago(19))
    GuardianLinkFactory(
        student=adult, guardian=member(lincoln, Role.GUARDIAN, username="gus"), organization=lincoln
    )
    with django_capture_on_commit_callbacks(execute=True):
        propose_match(cohort=cohort, mentor=bob, mentee=adult, actor=alice)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([bob.email, adult.email])
    assert AuditEntry.objects.get(action="match.proposed").detail["subject"] == ""
