"""The gate: who may be matched, and for everyone else, what is still open.

A mentor is matchable only when approved, screened (a clear background check that has not expired),
trained (every training requirement of the program met: modules completed and not expired, training
workshops attended) and, for a minor, with guardian consent. A mentee needs the approval (enrollment),
the training the program requires of mentees (if any) and, as a minor, consent. The matching engine
never sees anyone else.

This module reads recruitment and training so that those apps need not import each other.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peerpath.programs.models import Attendance, Participant, ParticipantRole, Program
from peerpath.recruitment.models import Application, BackgroundCheck, Consent
from peerpath.training.models import Completion, Requirement

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
    """The gates of many participants in a constant number of queries, keyed by participant id.

    Five queries, plus one for completions when a program requires modules and one for attendance
    when it requires workshops.
    """
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
    training = training_gates({(p.user_id, p.cohort.program_id, p.role) for p in people}, today)
    return {
        p.pk: Matchability(
            participant=p,
            gates=_gates(
                p,
                today,
                approved,
                checks[(p.user_id, school_of_program[p.cohort.program_id])],
                consented,
                training[(p.user_id, p.cohort.program_id, p.role)],
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
    training: Gate | None,
) -> list[Gate]:
    enrolled = participant.status == Participant.Status.ENROLLED
    if participant.role == ParticipantRole.MENTOR:
        has_approval = (participant.cohort_id, participant.user_id, participant.role) in approved
        gates = [
            Gate(APPROVED, enrolled and has_approval, "" if has_approval else str(_("not approved yet")))
        ]
        gates.append(_screening_gate(checks, today))
    else:
        gates = [Gate(APPROVED, enrolled, "" if enrolled else str(_("withdrawn")))]
    if training is not None:
        gates.append(training)
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


# Training ----------------------------------------------------------------------------------------

TrainingKey = tuple[int, int, str]  # (user id, program id, role)


def training_gates(keys: Iterable[TrainingKey], today: datetime.date) -> dict[TrainingKey, Gate | None]:
    """The training gate of each (user, program, role), in at most three queries.

    A mentor always has the gate (done when the program requires nothing); a mentee has it only when
    the program requires training of mentees, so None means "no gate".
    """
    keys = set(keys)
    requirements: dict[tuple[int, str], list[Requirement]] = defaultdict(list)
    if keys:
        rows = (
            Requirement.objects.filter(program_id__in={program_id for _user, program_id, _role in keys})
            .select_related("module", "workshop")
            .order_by("due_on", "id")
        )
        for requirement in rows:
            requirements[(requirement.program_id, requirement.role)].append(requirement)
    user_ids = {user_id for user_id, _program, _role in keys}
    module_ids = {r.module_id for group in requirements.values() for r in group if r.module_id}
    workshop_ids = {r.workshop_id for group in requirements.values() for r in group if r.workshop_id}
    completions: dict[tuple[int, int], datetime.datetime | None] = {}
    if module_ids:
        completions = {
            (user_id, module_id): expires_at
            for user_id, module_id, expires_at in Completion.objects.filter(
                user_id__in=user_ids, module_id__in=module_ids
            ).values_list("user_id", "module_id", "expires_at")
        }
    attended: set[tuple[int, int]] = set()
    if workshop_ids:
        attended = set(
            Attendance.objects.filter(
                user_id__in=user_ids, event_id__in=workshop_ids, present=True
            ).values_list("user_id", "event_id")
        )
    gates: dict[TrainingKey, Gate | None] = {}
    for key in keys:
        user_id, program_id, role = key
        required = requirements.get((program_id, role), [])
        if not required:
            no_gate = role != ParticipantRole.MENTOR
            gates[key] = None if no_gate else Gate(TRAINED, True, str(_("no required training set up yet")))
            continue
        gates[key] = _training_gate(user_id, required, completions, attended, today)
    return gates


def _training_gate(
    user_id: int,
    required: list[Requirement],
    completions: dict[tuple[int, int], datetime.datetime | None],
    attended: set[tuple[int, int]],
    today: datetime.date,
) -> Gate:
    modules: list[str] = []
    workshops: list[str] = []
    for requirement in required:
        if requirement.module_id is not None:
            title = requirement.module.title if requirement.module else ""
            if (user_id, requirement.module_id) not in completions:
                modules.append(title)
                continue
            expires_at = completions[(user_id, requirement.module_id)]
            if expires_at is not None and timezone.localdate(expires_at) < today:
                modules.append(str(_("%(title)s (expired)") % {"title": title}))
        elif requirement.workshop_id is not None and (user_id, requirement.workshop_id) not in attended:
            workshops.append(requirement.workshop.title if requirement.workshop else "")
    if not modules and not workshops:
        return Gate(TRAINED, True)
    parts = []
    if modules:
        parts.append(
            ngettext(
                "%(count)d module to complete: %(items)s",
                "%(count)d modules to complete: %(items)s",
                len(modules),
            )
            % {"count": len(modules), "items": ", ".join(modules)}
        )
    if workshops:
        parts.append(
            ngettext(
                "%(count)d workshop to attend: %(items)s",
                "%(count)d workshops to attend: %(items)s",
                len(workshops),
            )
            % {"count": len(workshops), "items": ", ".join(workshops)}
        )
    return Gate(TRAINED, False, "; ".join(parts))
