"""The live preview of a program's matching settings: the engine run on the current cohort with settings
that are not saved. Nothing is stored, not even the profiles the run would create on the way."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from peerpath.accounts.models import User
from peerpath.engine.solve import match as engine_match
from peerpath.matching import reasons
from peerpath.matching.features import build_inputs, parse_mentee_key
from peerpath.matching.models import MatchSettings
from peerpath.matching.services import rounds as services
from peerpath.programs.models import Cohort, Program

PREVIEW_PAIRS = 10


@dataclass(frozen=True)
class PreviewPair:
    mentee: User
    mentor: User
    subject: str
    score: int  # fit, 0-100 (reasons.fit)
    reasons: list[str]


@dataclass(frozen=True)
class Preview:
    cohort: Cohort | None
    pool: int = 0  # mentees (in peer tutoring: mentee and subject) waiting for a match
    mentors: int = 0
    matched: int = 0
    average: float | None = None  # fit
    lowest: int | None = None  # fit
    pairs: list[PreviewPair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def unmatched(self) -> int:
        return self.pool - self.matched


def settings_of(program: Program) -> MatchSettings:
    """The program's settings, or unsaved defaults suited to its model (`pk` None). Never writes: the
    first save (`services.settings.save_settings`) or the first round (`services.rounds.settings_for`)
    stores them."""
    return MatchSettings.objects.filter(program=program).first() or MatchSettings.default_for(program)


def preview_settings(program: Program, data: dict[str, Any]) -> Preview:
    """What a round of the current cohort would propose under `data` (the settings form's cleaned data)."""
    cohort = program.current_cohort()
    if cohort is None:
        return Preview(cohort=None)
    config = services.snapshot(MatchSettings(program=program, **data))
    with transaction.atomic():
        try:
            return _run(cohort, config)
        finally:
            # build_inputs only reads, but a preview must leave no trace whatever it calls.
            transaction.set_rollback(True)


def _run(cohort: Cohort, config: dict[str, Any]) -> Preview:
    inputs = build_inputs(cohort, config)
    if not len(inputs.mentees) or not len(inputs.mentors):
        return Preview(cohort=cohort, pool=len(inputs.mentees), mentors=len(inputs.mentors))
    try:
        result = engine_match(
            inputs.mentees,
            inputs.mentors,
            inputs.weights,
            inputs.constraints,
            mode=config["mode"],
            requests=inputs.requests,
        )
    except ValueError as exc:
        return Preview(cohort=cohort, error=str(exc))
    weights = config.get("weights", {})
    details = {
        a.mentee_id: services.breakdown_details(a.breakdown, inputs.vocabulary) for a in result.assignments
    }
    scores = [reasons.fit(a.score, details[a.mentee_id], weights) for a in result.assignments]
    best = sorted(result.assignments, key=lambda a: (-a.score, a.mentee_id))[:PREVIEW_PAIRS]
    pairs = []
    for a in best:
        mentee_id, subject = parse_mentee_key(a.mentee_id)
        pairs.append(
            PreviewPair(
                mentee=inputs.people[mentee_id].participant.user,
                mentor=inputs.people[int(a.mentor_id)].participant.user,
                subject=subject,
                score=reasons.fit(a.score, details[a.mentee_id], weights),
                reasons=reasons.reasons(details[a.mentee_id]),
            )
        )
    return Preview(
        cohort=cohort,
        pool=len(inputs.mentees),
        mentors=len(inputs.mentors),
        matched=len(scores),
        average=sum(scores) / len(scores) if scores else None,
        lowest=min(scores) if scores else None,
        pairs=pairs,
        warnings=[*inputs.warnings, *result.warnings],
    )
