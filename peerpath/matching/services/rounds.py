"""Writes with business meaning for matching: settings snapshots, running a round, the coordinator's review
(accept, reject, swap, lock, exclude), re-running, and publishing into matches.

A round never changes anything outside itself until `publish_round`; that is what lets a coordinator run,
compare and throw away rounds freely.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.core.audit import record_audit
from peerpath.engine.explanations import bit_indexes, tag_names
from peerpath.engine.inputs import SCORE_SCALE, Vocabulary
from peerpath.engine.scoring import Breakdown, explain_pairs, score_pairs
from peerpath.engine.solve import EngineResult, Unmatched
from peerpath.engine.solve import match as engine_match
from peerpath.matching.features import Inputs, Person, build_inputs, mentee_key, parse_mentee_key
from peerpath.matching.models import MatchRound, MatchSettings, Proposal
from peerpath.matching.reasons import fit, reasons
from peerpath.matching.services.profiles import ensure_profiles
from peerpath.mentorships.services import propose_match
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program

Status = MatchRound.Status
ROUND_TRANSITIONS: dict[str, set[str]] = {
    Status.QUEUED: {Status.RUNNING, Status.FAILED},
    Status.RUNNING: {Status.DRAFT, Status.FAILED},
    Status.DRAFT: {Status.PUBLISHED},
    Status.PUBLISHED: set(),
    Status.FAILED: set(),
}
BACKGROUND_THRESHOLD = 300  # participants: above this, a round runs as a background task


class MatchingError(Exception):
    """The message is shown to the coordinator as it is."""


def settings_for(program: Program) -> MatchSettings:
    """The program's settings, saved with defaults suited to its model on first use (a write: pages that
    only read use `queries.settings.settings_of`, which does not save)."""
    found = MatchSettings.objects.filter(program=program).first()
    if found:
        return found
    default = MatchSettings.default_for(program)
    fields = {f.attname: getattr(default, f.attname) for f in MatchSettings._meta.concrete_fields}
    for name in ("id", "program_id", "created", "updated"):
        fields.pop(name, None)
    settings, _created = MatchSettings.objects.get_or_create(program=program, defaults=fields)
    return settings


def snapshot(settings: MatchSettings) -> dict[str, Any]:
    return {"mode": settings.mode, "weights": settings.weights(), "constraints": settings.constraints()}


def set_round_status(
    *,
    round: MatchRound,
    status: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> MatchRound:
    """The one place a round's status changes: validate, save (with `fields`), audit."""
    old = round.status
    if status not in ROUND_TRANSITIONS[old]:
        raise MatchingError(
            _("A round that is %(old)s cannot become %(new)s.")
            % {"old": Status(old).label.lower(), "new": Status(status).label.lower()}
        )
    round.status = status
    for name, value in fields.items():
        setattr(round, name, value)
    round.save(update_fields=["status", "updated", *fields])
    record_audit(
        action="match_round.status_changed",
        actor=actor,
        target=round,
        organization_id=round.cohort.program.organization_id,
        detail={"from": old, "to": status},
        request=request,
    )
    return round


# Creating and running ---------------------------------------------------------------------------------


def create_round(
    *,
    cohort: Cohort,
    actor: User,
    config: dict[str, Any] | None = None,
    previous: MatchRound | None = None,
) -> MatchRound:
    """A queued round with the program's current settings (plus locks and exclusions carried over)."""
    config = dict(config or snapshot(settings_for(cohort.program)))
    config.setdefault("locked", [])
    config.setdefault("excluded", [])
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)  # serialise round numbers per cohort
        number = (cohort.match_rounds.aggregate(n=Max("number"))["n"] or 0) + 1
        round = MatchRound.objects.create(
            cohort=cohort, number=number, config=config, previous=previous, created_by=actor
        )
        record_audit(
            action="match_round.created",
            actor=actor,
            target=round,
            organization_id=cohort.program.organization_id,
            detail={"number": number, "previous": previous.pk if previous else None},
        )
    return round


def rerun_round(*, round: MatchRound, actor: User, use_current_settings: bool = True) -> MatchRound:
    """A new round keeping this one's locked pairs and exclusions; weights from the settings now."""
    config = snapshot(settings_for(round.cohort.program)) if use_current_settings else dict(round.config)
    config["locked"] = [
        [p.mentee_id, p.mentor_id, p.subject]
        for p in round.proposals.filter(locked=True, mentor__isnull=False)
    ]
    config["excluded"] = list(round.config.get("excluded", []))
    return create_round(cohort=round.cohort, actor=actor, config=config, previous=round)


def run_round(round_id: int, progress: Callable[[float], None] | None = None) -> MatchRound:
    """Run the engine for a queued round and store its proposals. Safe to call once per round."""
    round = MatchRound.objects.select_related("cohort__program").get(pk=round_id)
    set_round_status(round=round, status=Status.RUNNING, started_at=timezone.now(), progress=0.05)
    try:
        # The round stores what it read: participants without a profile row get theirs saved now.
        ensure_profiles(
            list(Participant.objects.filter(cohort=round.cohort, status=Participant.Status.ENROLLED))
        )
        inputs = build_inputs(round.cohort, round.config)
        _save_progress(round, 0.2)
        result = _match(inputs, round.config.get("mode", "max_total"), round, progress)
        with transaction.atomic():
            _store_proposals(round, inputs, result)
            set_round_status(
                round=round,
                status=Status.DRAFT,
                finished_at=timezone.now(),
                progress=1.0,
                total=result.total,
                optimal=result.optimal,
                mentee_count=len(inputs.mentees),
                mentor_count=len(inputs.mentors),
                feasible_pairs=result.feasible_pairs,
                warnings=[*inputs.warnings, *result.warnings],
                # What the gate said at run time: the review counts only ready mentors in the load.
                config={**round.config, "not_ready_mentors": _not_ready_mentors(inputs)},
            )
    except Exception as exc:  # a failed run must show as failed, never stay "running" for ever
        round.refresh_from_db()
        set_round_status(
            round=round,
            status=Status.FAILED,
            finished_at=timezone.now(),
            message=str(exc)[:500] or type(exc).__name__,
        )
        if not isinstance(exc, (MatchingError, ValueError)):
            raise
    return round


def _not_ready_mentors(inputs: Inputs) -> list[int]:
    """The mentors the gate keeps out of this run (when the round requires people cleared to match)."""
    if not inputs.constraints.require_matchable:
        return []
    return sorted(
        user_id
        for user_id, person in inputs.people.items()
        if person.participant.role == ParticipantRole.MENTOR and not person.matchable
    )


def _save_progress(round: MatchRound, value: float) -> None:
    MatchRound.objects.filter(pk=round.pk).update(progress=value)


def _match(
    inputs: Inputs, mode: str, round: MatchRound, progress: Callable[[float], None] | None
) -> EngineResult:
    if not len(inputs.mentees) or not len(inputs.mentors):
        return EngineResult(
            mode=mode,  # type: ignore[arg-type]
            assignments=[],
            unmatched=[
                Unmatched(key, i, "no_feasible_mentor", None, 0, "no mentors in the pool")
                for i, key in enumerate(inputs.mentees.ids)
            ],
            total=0,
            optimal=True,
            feasible_pairs=0,
        )

    saved = [0.0]

    def report(fraction: float) -> None:
        # The engine reports often; write the round only every 5 %.
        if fraction - saved[0] >= 0.05 or fraction >= 1.0:
            saved[0] = fraction
            _save_progress(round, 0.2 + 0.75 * fraction)
        if progress:
            progress(fraction)

    return engine_match(
        inputs.mentees,
        inputs.mentors,
        inputs.weights,
        inputs.constraints,
        mode=mode,  # type: ignore[arg-type]
        requests=inputs.requests,
        locked=inputs.locked,
        progress=report,
    )


def breakdown_details(breakdown: Breakdown, vocabulary: Vocabulary) -> dict[str, Any]:
    """What a pair has in common, by name, for reasons rendered later in the reader's language."""
    names, bits = tag_names, bit_indexes
    return {
        "interests": names(breakdown.shared_interests, vocabulary.interests),
        "goals": names(breakdown.shared_goals, vocabulary.goals),
        "subjects": names(breakdown.shared_subjects, vocabulary.subjects),
        "slots": breakdown.shared_slots,
        "languages": names(bits(breakdown.shared_languages), vocabulary.languages),
        "background": names(bits(breakdown.shared_background), vocabulary.background),
        "semantic": round(breakdown.components.get("semantic", 0.0), 3),
        "requested": breakdown.requested,
        "contributions": {k: round(v * SCORE_SCALE) for k, v in breakdown.contributions.items() if v},
    }


def _store_proposals(round: MatchRound, inputs: Inputs, result: EngineResult) -> None:
    rows = []
    for a in result.assignments:
        mentee_id, subject = parse_mentee_key(a.mentee_id)
        rows.append(
            Proposal(
                round=round,
                mentee_id=mentee_id,
                mentor_id=int(a.mentor_id),
                subject=subject,
                score=a.score,
                contributions=breakdown_details(a.breakdown, inputs.vocabulary),
                locked=a.locked,
                priority=a.mentee_id in inputs.priority,
                requested=a.breakdown.requested,
            )
        )
    for u in result.unmatched:
        mentee_id, subject = parse_mentee_key(u.mentee_id)
        rows.append(
            Proposal(
                round=round,
                mentee_id=mentee_id,
                subject=subject,
                unmatched_reason=_unmatched_reason(u),
                contributions={"excluded": u.excluded, "mentors": len(inputs.mentors)},
                priority=u.mentee_id in inputs.priority,
            )
        )
    Proposal.objects.bulk_create(rows, batch_size=2000)


def _unmatched_reason(unmatched: Unmatched) -> str:
    """A code, worded in the reader's language when shown (`reasons.unmatched_message`)."""
    if unmatched.reason == "better_used_elsewhere":
        return "better_used_elsewhere"
    return unmatched.constraint or "no_mentors"


def start_round(*, cohort: Cohort, actor: User, previous: MatchRound | None = None) -> MatchRound:
    """Create a round and run it: at once for a small cohort, as a background task for a large one."""
    round = rerun_round(round=previous, actor=actor) if previous else create_round(cohort=cohort, actor=actor)
    size = cohort.participants.count()
    if size > BACKGROUND_THRESHOLD:
        from peerpath.matching.tasks import run_match_round

        transaction.on_commit(lambda: run_match_round.enqueue(round_id=round.pk))
    else:
        run_round(round.pk)
        round.refresh_from_db()
    return round


# Review -----------------------------------------------------------------------------------------------


def _editable(round: MatchRound) -> None:
    if round.status != Status.DRAFT:
        raise MatchingError(_("Only a round that is ready for review can be changed."))


class ProposalAction:
    """What a coordinator can do to a round's proposals: each one through `set_proposal_decision`."""

    ACCEPT = Proposal.Decision.ACCEPTED.value
    REJECT = Proposal.Decision.REJECTED.value
    RESET = Proposal.Decision.PENDING.value
    LOCK = "lock"
    UNLOCK = "unlock"
    EXCLUDE = "exclude"
    MOVE = "move"  # to a mentor with a place left (or, for an unmatched mentee, a first mentor)
    EXCHANGE = "exchange"  # two mentees trade mentors
    BUMP = "bump"  # to a full mentor, whose mentee goes back to "not matched"

    DECISIONS = frozenset({ACCEPT, REJECT, RESET})
    CHANGES = frozenset({MOVE, EXCHANGE, BUMP})
    ALL = frozenset({*DECISIONS, LOCK, UNLOCK, EXCLUDE, *CHANGES})


def set_proposal_decision(
    *,
    round: MatchRound,
    action: str,
    actor: User,
    proposal_ids: Iterable[int] = (),
    person_id: int | None = None,
    mentor_id: int | None = None,
    request: HttpRequest | None = None,
) -> int:
    """The one place a round's proposals change in review: decide (accept, reject, back to review), lock or
    unlock a pair, exclude a person from re-runs, or change a mentee's mentor: move (`proposal_ids=[p]`,
    `mentor_id`), exchange two mentees' mentors (`proposal_ids=[p, other]`) or bump the other's mentee
    (`proposal_ids=[p, other]`: p takes other's mentor, other goes back to "not matched"). Every change
    writes one audit row (`match_round.<action>`). Returns how many proposals changed.

    Only a round in review (draft) changes; the round row is locked while it does, so a decision cannot
    slip in after a concurrent publish. A published round is final.
    """
    if action not in ProposalAction.ALL:
        raise MatchingError(_("Unknown decision."))
    ids = [int(pk) for pk in proposal_ids]
    with transaction.atomic():
        current = MatchRound.objects.select_for_update().only("status").get(pk=round.pk)
        _editable(current)
        if action in ProposalAction.DECISIONS:
            changed, detail = _decide(round, ids, action)
        elif action in (ProposalAction.LOCK, ProposalAction.UNLOCK):
            changed, detail = _lock(round, ids, action == ProposalAction.LOCK)
        elif action == ProposalAction.EXCLUDE:
            if person_id is None:
                raise MatchingError(_("Choose a person to leave out."))
            changed, detail = _exclude(round, int(person_id))
        else:
            changed, detail = _change_mentor(round, action, ids, mentor_id)
        if changed or action == ProposalAction.EXCLUDE or action in ProposalAction.CHANGES:
            record_audit(
                action=f"match_round.{_AUDIT_NAMES[action]}",
                actor=actor,
                target=round,
                organization_id=round.cohort.program.organization_id,
                detail={**detail, "count": changed},
                request=request,
            )
    return changed


_AUDIT_NAMES = {
    ProposalAction.ACCEPT: "decided",
    ProposalAction.REJECT: "decided",
    ProposalAction.RESET: "decided",
    ProposalAction.LOCK: "locked",
    ProposalAction.UNLOCK: "unlocked",
    ProposalAction.EXCLUDE: "excluded",
    ProposalAction.MOVE: "swapped",
    ProposalAction.EXCHANGE: "exchanged",
    ProposalAction.BUMP: "bumped",
}


def _decide(round: MatchRound, ids: list[int], decision: str) -> tuple[int, dict[str, Any]]:
    """Unmatched lines are skipped: there is no pair to decide on."""
    rows = round.proposals.filter(pk__in=ids, mentor__isnull=False).exclude(decision=decision)
    changed_ids = sorted(rows.values_list("pk", flat=True))
    changed = round.proposals.filter(pk__in=changed_ids).update(decision=decision)
    return changed, {"decision": decision, "proposals": changed_ids}


def _lock(round: MatchRound, ids: list[int], locked: bool) -> tuple[int, dict[str, Any]]:
    rows = round.proposals.filter(pk__in=ids)
    if not ids or rows.filter(mentor__isnull=True).exists() or rows.count() != len(set(ids)):
        raise MatchingError(_("Only a proposed pair can be locked."))
    changed_ids = sorted(rows.exclude(locked=locked).values_list("pk", flat=True))
    changed = round.proposals.filter(pk__in=changed_ids).update(locked=locked)
    return changed, {"proposals": changed_ids}


def _exclude(round: MatchRound, user_id: int) -> tuple[int, dict[str, Any]]:
    """Leave a person out of re-runs of this round; their proposals here are rejected (and unlocked)."""
    if not round.proposals.filter(Q(mentee_id=user_id) | Q(mentor_id=user_id)).exists():
        raise MatchingError(_("That person is not in this round."))
    round.refresh_from_db(fields=["config"])
    excluded = set(round.config.get("excluded", []))
    excluded.add(user_id)
    round.config = {**round.config, "excluded": sorted(excluded)}
    round.save(update_fields=["config", "updated"])
    rows = round.proposals.filter(Q(mentee_id=user_id) | Q(mentor_id=user_id), mentor__isnull=False).exclude(
        decision=Proposal.Decision.REJECTED, locked=False
    )
    changed_ids = sorted(rows.values_list("pk", flat=True))
    changed = round.proposals.filter(pk__in=changed_ids).update(
        decision=Proposal.Decision.REJECTED, locked=False
    )
    return changed, {"person": user_id, "proposals": changed_ids}


def _change_mentor(
    round: MatchRound, action: str, ids: list[int], mentor_id: int | None
) -> tuple[int, dict[str, Any]]:
    """Apply one of the options `swap_options` offers, recomputed now so that nothing stale is applied."""
    if not ids or (action == ProposalAction.MOVE and (len(ids) != 1 or mentor_id is None)):
        raise MatchingError(_("Choose a mentor."))
    if action != ProposalAction.MOVE and len(ids) != 2:
        raise MatchingError(_("Choose the mentee to exchange with or to move out."))
    proposal = round.proposals.select_related("mentee", "mentor").filter(pk=ids[0]).first()
    if proposal is None:
        raise MatchingError(_("That proposal is not in this round."))
    proposal.round = round
    other_id = ids[1] if len(ids) == 2 else None
    option = next(
        (
            o
            for o in swap_options(proposal)
            if o.kind == action
            and (o.mentor_id == mentor_id if action == ProposalAction.MOVE else o.other_id == other_id)
        ),
        None,
    )
    if option is None:
        if action == ProposalAction.MOVE and any(
            o.mentor_id == mentor_id for o in swap_options(proposal) if o.kind != ProposalAction.MOVE
        ):
            raise MatchingError(
                _(
                    "That mentor has no place left in this round. "
                    "Exchange with or move out one of their mentees instead."
                )
            )
        raise MatchingError(_("That mentor does not fit this mentee under the round's rules."))
    old_mentor = proposal.mentor_id
    changed = [_assign(proposal, option.mentor_id, option.score, option.details)]
    detail: dict[str, Any] = {
        "mentee": proposal.mentee_id,
        "from": old_mentor,
        "to": option.mentor_id,
        "fit_change": option.delta,
    }
    if option.other_id is not None:
        other = round.proposals.get(pk=option.other_id)
        if action == ProposalAction.EXCHANGE:
            assert option.other_score is not None  # noqa: S101 - set on an exchange
            assert old_mentor is not None  # noqa: S101 - only a matched mentee exchanges
            changed.append(_assign(other, old_mentor, option.other_score, option.other_details))
        else:
            changed.append(_unassign(other))
        detail.update(other_mentee=other.mentee_id)
    for row in changed:
        row.save(
            update_fields=[
                "mentor",
                "score",
                "contributions",
                "requested",
                "unmatched_reason",
                "decision",
                "locked",
            ]
        )
    return len(changed), {"proposals": [row.pk for row in changed], **detail}


def _assign(proposal: Proposal, mentor_id: int, score: int, details: dict[str, Any]) -> Proposal:
    proposal.mentor_id = mentor_id
    proposal.score = score
    proposal.contributions = details
    proposal.requested = bool(details.get("requested"))
    proposal.unmatched_reason = ""
    proposal.decision = Proposal.Decision.PENDING
    proposal.locked = False
    return proposal


def _unassign(proposal: Proposal) -> Proposal:
    proposal.mentor_id = None
    proposal.score = 0
    proposal.contributions = {}
    proposal.requested = False
    proposal.unmatched_reason = "bumped"
    proposal.decision = Proposal.Decision.PENDING
    proposal.locked = False
    return proposal


def mentor_load(round: MatchRound) -> Counter[int]:
    """Proposals per mentor in a round, rejected ones left out."""
    return Counter(
        round.proposals.filter(mentor__isnull=False)
        .exclude(decision=Proposal.Decision.REJECTED)
        .values_list("mentor_id", flat=True)
    )


@dataclass(frozen=True)
class SwapOption:
    """One way to give a mentee another mentor, with what it does to the round.

    `kind` is a `ProposalAction` change: "move" to a mentor with a place, "exchange" with `other` (their
    mentee takes this mentee's mentor) or "bump" `other` (their mentee goes back to "not matched")."""

    kind: str
    mentor_id: int
    person: Person
    score: int  # the engine's score of the new pair
    fit: int  # the new pair's fit, 0-100
    delta: int  # change in the round's total fit (both mentees' fits for an exchange or a bump)
    places_left: int
    details: dict[str, Any]
    reasons: list[str]
    other: Proposal | None = None
    other_fit: int | None = None  # exchange: the other mentee's fit with this mentee's mentor
    other_score: int | None = None
    other_details: dict[str, Any] = field(default_factory=dict)

    @property
    def other_id(self) -> int | None:
        return self.other.pk if self.other is not None else None

    @property
    def value(self) -> str:
        """The form value that names this option."""
        return f"{self.kind}:{self.mentor_id}:{self.other_id or ''}"


def swap_options(proposal: Proposal) -> list[SwapOption]:
    """Every way to give this mentee (matched or not) another mentor who fits under the round's rules, best
    fit first: a move to a mentor with a place; for a full mentor, an exchange with each of their mentees
    who fits this mentee's mentor, else a bump of each of them (locked pairs are never broken). Each with
    the fit, the change in the round's total fit, and the reasons."""
    round = proposal.round
    inputs = build_inputs(round.cohort, round.config)
    key = mentee_key(proposal.mentee_id, proposal.subject)
    if key not in inputs.mentees.ids:
        return []
    weights = round.config.get("weights", {})
    row_of = {k: r for r, k in enumerate(inputs.mentees.ids)}
    column_of = {int(m): c for c, m in enumerate(inputs.mentors.ids)}
    i = row_of[key]
    scored = score_pairs(
        inputs.mentees, inputs.mentors, inputs.weights, inputs.constraints, requests=inputs.requests
    )
    feasible = set(zip(scored.rows.tolist(), scored.cols.tolist(), strict=True))
    columns = sorted(j for r, j in feasible if r == i)
    load = mentor_load(round)
    assert inputs.mentors.capacity is not None  # noqa: S101 - set in Side
    current_fit = fit(proposal.score, proposal.contributions, weights) if not proposal.is_unmatched else 0
    own_column = column_of.get(proposal.mentor_id) if proposal.mentor_id else None
    occupants: dict[int, list[Proposal]] = {}
    for other in (
        round.proposals.filter(mentor_id__in=[int(inputs.mentors.ids[j]) for j in columns])
        .exclude(decision=Proposal.Decision.REJECTED)
        .exclude(pk=proposal.pk)
        .select_related("mentee")
        .order_by("score", "pk")
    ):
        assert other.mentor_id is not None  # noqa: S101 - filtered on mentor
        occupants.setdefault(other.mentor_id, []).append(other)

    # Every pair to explain: this mentee with each fitting mentor, and each occupant with this mentee's
    # mentor (an exchange) when that pair passes the rules.
    wanted: list[tuple[int, int]] = [(i, j) for j in columns]
    for others in occupants.values():
        for other in others:
            r = row_of.get(mentee_key(other.mentee_id, other.subject))
            if own_column is not None and r is not None and (r, own_column) in feasible:
                wanted.append((r, own_column))
    explained = dict(
        zip(
            wanted,
            explain_pairs(inputs.mentees, inputs.mentors, inputs.weights, wanted, requests=inputs.requests),
            strict=True,
        )
    )
    options = []
    for j in columns:
        mentor_id = int(inputs.mentors.ids[j])
        if mentor_id == proposal.mentor_id:
            continue
        breakdown = explained[(i, j)]
        details = breakdown_details(breakdown, inputs.vocabulary)
        new_fit = fit(breakdown.score, details, weights)
        move = SwapOption(
            kind=ProposalAction.MOVE,
            mentor_id=mentor_id,
            person=inputs.people[mentor_id],
            score=breakdown.score,
            fit=new_fit,
            delta=new_fit - current_fit,
            places_left=int(inputs.mentors.capacity[j]) - load.get(mentor_id, 0),
            details=details,
            reasons=reasons(details, limit=4),
        )
        if move.places_left > 0:
            options.append(move)
            continue
        for other in occupants.get(mentor_id, []):
            if other.locked:
                continue
            other_fit_now = fit(other.score, other.contributions, weights)
            r = row_of.get(mentee_key(other.mentee_id, other.subject))
            swap_back = explained.get((r, own_column)) if r is not None and own_column is not None else None
            if swap_back is not None:
                back_details = breakdown_details(swap_back, inputs.vocabulary)
                back_fit = fit(swap_back.score, back_details, weights)
                options.append(
                    replace(
                        move,
                        kind=ProposalAction.EXCHANGE,
                        delta=new_fit + back_fit - current_fit - other_fit_now,
                        other=other,
                        other_fit=back_fit,
                        other_score=swap_back.score,
                        other_details=back_details,
                    )
                )
            else:
                options.append(
                    replace(
                        move,
                        kind=ProposalAction.BUMP,
                        delta=new_fit - current_fit - other_fit_now,
                        other=other,
                    )
                )
    options.sort(key=lambda o: (-o.fit, -o.delta, o.mentor_id, o.other_id or 0))
    return options


# Publishing -------------------------------------------------------------------------------------------


def publish_round(*, round: MatchRound, actor: User, request: HttpRequest | None = None) -> int:
    """Turn the accepted proposals into proposed matches (notifications queued on commit).

    Returns how many matches were made."""
    _editable(round)
    with transaction.atomic():
        locked_round = MatchRound.objects.select_for_update().get(pk=round.pk)
        if locked_round.status != Status.DRAFT:
            raise MatchingError(_("This round has already been published."))
        accepted = list(
            round.proposals.filter(decision=Proposal.Decision.ACCEPTED, mentor__isnull=False).select_related(
                "mentee", "mentor"
            )
        )
        if not accepted:
            raise MatchingError(_("Accept at least one proposal before publishing."))
        for proposal in accepted:
            assert proposal.mentor is not None  # noqa: S101 - filtered above
            match = propose_match(
                cohort=round.cohort,
                mentor=proposal.mentor,
                mentee=proposal.mentee,
                subject=proposal.subject,
                actor=actor,
            )
            proposal.match = match
        Proposal.objects.bulk_update(accepted, ["match"])
        set_round_status(
            round=round,
            status=Status.PUBLISHED,
            actor=actor,
            request=request,
            published_at=timezone.now(),
            published_by=actor,
        )
    return len(accepted)
