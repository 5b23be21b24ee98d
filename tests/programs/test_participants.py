"""set_participant_status: the one place a participant's status changes."""

import pytest

from peerpath.core.models import AuditEntry
from peerpath.programs.models import Participant
from peerpath.programs.services.participants import IllegalParticipantTransition, set_participant_status
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

Status = Participant.Status


def test_set_participant_status_withdraws_and_audits(cohort, alice, carol):
    participant = ParticipantFactory(cohort=cohort, user=carol)
    set_participant_status(participant=participant, status=Status.WITHDRAWN, actor=alice, reason="Moved away")
    assert Participant.objects.get(pk=participant.pk).status == Status.WITHDRAWN
    entry = AuditEntry.objects.get(action="participant.status_changed")
    assert (entry.actor, entry.organization_id, entry.target_id) == (
        alice,
        cohort.program.organization_id,
        str(participant.pk),
    )
    assert entry.detail == {"from": "enrolled", "to": "withdrawn", "reason": "Moved away", "role": "mentee"}


def test_set_participant_status_brings_a_withdrawn_participant_back(cohort, alice, carol):
    participant = ParticipantFactory(cohort=cohort, user=carol, status=Status.WITHDRAWN)
    set_participant_status(participant=participant, status=Status.ENROLLED, actor=alice)
    assert Participant.objects.get(pk=participant.pk).status == Status.ENROLLED


@pytest.mark.parametrize("status", Status.values)
def test_set_participant_status_refuses_a_move_to_the_same_status(cohort, alice, carol, status):
    participant = ParticipantFactory(cohort=cohort, user=carol, status=status)
    with pytest.raises(IllegalParticipantTransition, match=f"cannot become {status}"):
        set_participant_status(participant=participant, status=status, actor=alice)
    assert not AuditEntry.objects.exists()


def test_set_participant_status_saves_only_the_status(cohort, alice, carol):
    participant = ParticipantFactory(cohort=cohort, user=carol, source="bulk")
    Participant.objects.filter(pk=participant.pk).update(source="referral")  # changed meanwhile
    set_participant_status(participant=participant, status=Status.WITHDRAWN, actor=alice)
    assert Participant.objects.get(pk=participant.pk).source == "referral"


def test_set_participant_status_refusal_names_both_statuses_in_a_sentence(cohort, alice, carol):
    participant = ParticipantFactory(cohort=cohort, user=carol, status=Status.WITHDRAWN)
    with pytest.raises(IllegalParticipantTransition) as refused:
        set_participant_status(participant=participant, status=Status.WITHDRAWN, actor=alice)
    assert str(refused.value) == "A participant who is withdrawn cannot become withdrawn."


def test_set_participant_status_audits_an_empty_reason_and_the_request_address(cohort, alice, carol, rf):
    participant = ParticipantFactory(cohort=cohort, user=carol)
    request = rf.post("/", REMOTE_ADDR="203.0.113.5")
    set_participant_status(participant=participant, status=Status.WITHDRAWN, actor=alice, request=request)
    entry = AuditEntry.objects.get(action="participant.status_changed")
    assert entry.detail["reason"] == ""
    assert entry.ip_address == "203.0.113.5"
