import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from peerpath.core.models import AuditEntry
from peerpath.mentorships.models import Match
from peerpath.mentorships.services import IllegalMatchTransition, set_match_status
from tests.factories import MatchFactory

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
