"""The gate: who may be matched, and for everyone else, what is still open.

A mentor is matchable only when approved, screened (a clear background check that has not expired),
trained (required modules complete) and, for a minor, with guardian consent. A mentee needs the
approval (enrollment) and, as a minor, consent. The matching engine never sees anyone else.

This module reads recruitment (and, later, training) so that those apps need not import each other.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerpath.programs.models import Participant, ParticipantRole, Program
from peerpath.recruitment.models import Application, BackgroundCheck, Consent

APPROVED = "approved"
SCREENED = "screened"
TRAINED = "trained"
CONSENT = "consent"
GATE_LABELS = {
    APPROVED: _("Application approved"),
    SCREENED: _("Background check current"),
    TRAINED: _("Required training complete"),
    CONSENT: _("Guardian consent"),
}


@dataclass(frozen=True)
class Gate:
    key: str
    done: bool
    detail: str = ""

    @property
    def label(self) -> str:
        return str(GATE_LABELS[self.key])


@dataclass
class Matchability:
    participant: Participant
    gates: list[Gate] = field(default_factory=list)

    @property
    def is_matchable(self) -> bool:
        return all(gate.done for gate in self.gates)

    @property
    def open_gates(self) -> list[Gate]:
        return [gate for gate in self.gates if not gate.done]


def matchability(
    participants: Iterable[Participant], today: datetime.date | None = None
) -> dict[int, Matchability]:
    """The gates of many participants in a constant number of queries, keyed by participant id."""
    today = today or timezone.localdate()
    people = list(participants)
    user_ids = {p.user_id for p in people}
    approved = set(
        Application.objects.filter(applicant_id__in=user_ids, status=Application.Status.APPROVED).values_list(
            "cohort_id", "applicant_id", "role"
        )
    )
    # A check counts for the programs of the school that recorded it (as on the screening pages).
    school_of_program = dict(
        Program.objects.filter(cohorts__in={p.cohort_id for p in people}).values_list("pk", "organization_id")
    )
    checks: dict[tuple[int, int], list[BackgroundCheck]] = defaultdict(list)
    for check in BackgroundCheck.objects.filter(person_id__in=user_ids):
        checks[(check.person_id, check.organization_id)].append(check)
    consented = set(
        Consent.objects.filter(student_id__in=user_ids, status=Consent.Status.GIVEN).values_list(
            "program_id", "student_id"
        )
    )
    return {
        p.pk: Matchability(
            participant=p,
            gates=_gates(
                p, today, approved, checks[(p.user_id, school_of_program[p.cohort.program_id])], consented
            ),
        )
        for p in people
    }


def is_matchable(participant: Participant, today: datetime.date | None = None) -> Matchability:
    return matchability([participant], today)[participant.pk]


def _gates(
    participant: Participant,
    today: datetime.date,
    approved: set[tuple[int, int, str]],
    checks: list[BackgroundCheck],
    consented: set[tuple[int, int]],
) -> list[Gate]:
    enrolled = participant.status == Participant.Status.ENROLLED
    if participant.role == ParticipantRole.MENTOR:
        has_approval = (participant.cohort_id, participant.user_id, participant.role) in approved
        gates = [
            Gate(APPROVED, enrolled and has_approval, "" if has_approval else str(_("not approved yet")))
        ]
        gates.append(_screening_gate(checks, today))
        # Training requirements arrive with the training issue; until then nobody is gated on them.
        gates.append(Gate(TRAINED, True, str(_("no required training set up yet"))))
    else:
        gates = [Gate(APPROVED, enrolled, "" if enrolled else str(_("withdrawn")))]
    if participant.user.is_minor:
        has_consent = (participant.cohort.program_id, participant.user_id) in consented
        gates.append(Gate(CONSENT, has_consent, "" if has_consent else str(_("waiting for a guardian"))))
    return gates


def _screening_gate(checks: list[BackgroundCheck], today: datetime.date) -> Gate:
    if any(check.result == BackgroundCheck.Result.FLAGGED for check in checks):
        return Gate(SCREENED, False, str(_("a check was flagged")))
    current = [
        check
        for check in checks
        if check.result == BackgroundCheck.Result.CLEAR
        and (check.expires_on is None or check.expires_on >= today)
    ]
    if current:
        return Gate(SCREENED, True)
    if any(check.result == BackgroundCheck.Result.CLEAR for check in checks):
        return Gate(SCREENED, False, str(_("the check has expired")))
    return Gate(SCREENED, False, str(_("no clear check recorded")))
