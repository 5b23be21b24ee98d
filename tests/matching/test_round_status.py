"""`set_round_status`: every legal and illegal transition, and what each one writes."""

import pytest
from django.core import mail

from peerpath.core.models import AuditEntry
from peerpath.matching.models import MatchRound
from peerpath.matching.services import rounds as services

pytestmark = pytest.mark.django_db

Status = MatchRound.Status
LEGAL = {
    (Status.QUEUED, Status.RUNNING),
    (Status.QUEUED, Status.FAILED),
    (Status.RUNNING, Status.DRAFT),
    (Status.RUNNING, Status.FAILED),
    (Status.DRAFT, Status.PUBLISHED),
}
ALL = [(old, new) for old in Status for new in Status]  # staying put is not a transition either


@pytest.fixture
def make_round(cohort, alice):
    def make(status):
        round = services.create_round(cohort=cohort, actor=alice)
        MatchRound.objects.filter(pk=round.pk).update(status=status)
        round.refresh_from_db()
        return round

    return make


@pytest.mark.parametrize(("old", "new"), sorted(LEGAL))
def test_a_legal_transition_saves_and_writes_one_audit_row(make_round, alice, lincoln, old, new):
    round = make_round(old)
    AuditEntry.objects.all().delete()

    services.set_round_status(round=round, status=new, actor=alice, message="note")

    saved = MatchRound.objects.get(pk=round.pk)
    assert (saved.status, saved.message) == (new, "note")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.organization_id) == (
        "match_round.status_changed",
        alice,
        lincoln.pk,
    )
    assert entry.detail == {"from": old, "to": new}
    assert mail.outbox == []  # nobody hears of a round before its matches are proposed


@pytest.mark.parametrize(("old", "new"), sorted(set(ALL) - LEGAL))
def test_an_illegal_transition_is_refused_and_writes_nothing(make_round, alice, old, new):
    round = make_round(old)
    AuditEntry.objects.all().delete()

    with pytest.raises(services.MatchingError, match="cannot become"):
        services.set_round_status(round=round, status=new, actor=alice)

    assert MatchRound.objects.get(pk=round.pk).status == old
    assert not AuditEntry.objects.exists()


def test_a_published_round_never_goes_back_to_draft(make_round, alice):
    round = make_round(Status.PUBLISHED)
    with pytest.raises(
        services.MatchingError, match="A round that is published cannot become ready for review"
    ):
        services.set_round_status(round=round, status=Status.DRAFT, actor=alice)
    assert MatchRound.objects.get(pk=round.pk).status == Status.PUBLISHED
