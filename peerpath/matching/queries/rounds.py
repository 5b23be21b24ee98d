"""Reads for the round pages: the review summary (distribution, coverage, load, subgroups) and comparisons.

Each function runs a fixed number of queries whatever the size of the round.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.db.models import Case, Count, Q, QuerySet, When
from django.utils.translation import gettext as _

from peerpath.accounts.models import Membership, User
from peerpath.engine.inputs import CONSTRAINTS, Constraints
from peerpath.engine.scoring import score_pairs
from peerpath.matching.features import build_inputs, mentee_key, mentor_places
from peerpath.matching.models import MatchRound, MatchSettings, Proposal
from peerpath.matching.reasons import (
    COMPONENT_LABELS,
    CONSTRAINT_REASONS,
    breakdown,
    fit,
    reasons,
    unmatched_message,
)
from peerpath.programs.models import Participant, ParticipantRole, Program

BUCKETS = 10  # score distribution bars
FINISHED = (MatchRound.Status.DRAFT, MatchRound.Status.PUBLISHED)  # rounds with proposals to show


def rounds_of(program: Program) -> QuerySet[MatchRound]:
    """A program's rounds, newest first, with the cohort, who started each and how many mentees it
    matched (`matched`), in one query."""
    return (
        MatchRound.objects.filter(cohort__program=program)
        .select_related("cohort", "created_by")
        .annotate(matched=Count("proposals", filter=Q(proposals__mentor__isnull=False)))
        .order_by("-created", "-pk")
    )


def finished_rounds(program: Program) -> QuerySet[MatchRound]:
    """The program's rounds that have proposals (in review or published), newest first."""
    return (
        MatchRound.objects.filter(cohort__program=program, status__in=FINISHED)
        .select_related("cohort")
        .order_by("-pk")
    )


def other_finished_rounds(round: MatchRound) -> QuerySet[MatchRound]:
    """The cohort's other rounds with proposals: what this one can be compared with."""
    return (
        MatchRound.objects.filter(cohort_id=round.cohort_id, status__in=FINISHED)
        .exclude(pk=round.pk)
        .order_by("-number")
    )


def pending_proposal_ids(round: MatchRound) -> list[int]:
    """The proposed pairs still waiting for a decision."""
    return list(
        round.proposals.filter(decision=Proposal.Decision.PENDING, mentor__isnull=False).values_list(
            "pk", flat=True
        )
    )


def is_in_round(round: MatchRound, user_id: int) -> bool:
    """Whether the person is a mentee or a mentor in one of the round's lines."""
    return round.proposals.filter(Q(mentee_id=user_id) | Q(mentor_id=user_id)).exists()


def publish_counts(round: MatchRound) -> tuple[int, int]:
    """(accepted pairs, proposed pairs not accepted) in one query."""
    counts = round.proposals.filter(mentor__isnull=False).aggregate(
        accepted=Count("pk", filter=Q(decision=Proposal.Decision.ACCEPTED)),
        pairs=Count("pk"),
    )
    return counts["accepted"], counts["pairs"] - counts["accepted"]


def proposals_of(round: MatchRound, decision: str = "", matched: str = "") -> QuerySet[Proposal]:
    rows = (
        round.proposals.select_related("mentee", "mentor")
        .annotate(unmatched=Case(When(mentor__isnull=True, then=1), default=0))
        .order_by("unmatched", "-score", "mentee_id")
    )
    if decision:
        rows = rows.filter(decision=decision)
    if matched == "yes":
        rows = rows.filter(mentor__isnull=False)
    elif matched == "no":
        rows = rows.filter(mentor__isnull=True)
    return rows


def annotate(proposals: list[Proposal], weights: dict[str, float] | None = None) -> list[Proposal]:
    """Attach the worded reasons, the fit (0-100) and the breakdown in fit points to each proposal, under
    the round's `weights` (no queries)."""
    for proposal in proposals:
        round_weights = weights if weights is not None else proposal.round.config.get("weights", {})
        proposal.reason_list = reasons(proposal.contributions, limit=4)  # type: ignore[attr-defined]
        proposal.fit = fit(proposal.score, proposal.contributions, round_weights)  # type: ignore[attr-defined]
        proposal.breakdown_rows = breakdown(proposal.contributions, round_weights)  # type: ignore[attr-defined]
    return proposals


@dataclass
class Coverage:
    label: str
    mentees: int = 0
    matched: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.matched / self.mentees) if self.mentees else 0


@dataclass
class Review:
    matched: int
    unmatched: int
    accepted: int
    rejected: int
    pending: int
    average: float  # fit, 0-100
    lowest: int | None  # fit
    highest: int | None  # fit
    distribution: list[tuple[str, int]]  # (fit range, how many pairs)
    mentor_load: list[dict[str, Any]]  # mentors who can take mentees in this round
    not_ready_mentors: list[Any] = field(default_factory=list)  # enrolled, not cleared: no places
    subgroups: dict[str, list[Coverage]] = field(default_factory=dict)
    unmatched_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def mentees(self) -> int:
        return self.matched + self.unmatched


def _distribution(fits: list[int]) -> list[tuple[str, int]]:
    """Pairs per tenth of the fit scale: the same ten ranges whatever the scores (all 0 included)."""
    if not fits:
        return []
    width = 100 // BUCKETS
    counts = Counter(min(value // width, BUCKETS - 1) for value in fits)
    last = BUCKETS - 1
    return [
        (f"{k * width}–{100 if k == last else (k + 1) * width - 1}", counts.get(k, 0)) for k in range(BUCKETS)
    ]


def review(round: MatchRound) -> Review:
    """Everything the review page shows above the proposal list (four queries)."""
    program: Program = round.cohort.program
    weights = round.config.get("weights", {})
    rows = list(
        round.proposals.values_list(
            "mentee_id", "mentor_id", "score", "decision", "unmatched_reason", "contributions"
        )
    )
    lines = [row[:5] for row in rows]
    pairs = [line for line in lines if line[1] is not None]
    scores = [fit(row[2], row[5] or {}, weights) for row in rows if row[1] is not None]
    decisions = Counter(decision for _mentee, _mentor, _score, decision, _reason in pairs)

    # Load per mentor: proposals (not rejected) against places.
    load: Counter[int] = Counter(
        mentor for _m, mentor, _s, decision, _r in pairs if decision != Proposal.Decision.REJECTED
    )
    mentors = list(
        Participant.objects.filter(
            cohort=round.cohort, role=ParticipantRole.MENTOR, status=Participant.Status.ENROLLED
        )
        .select_related("user", "profile")
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    # A mentor the gate kept out of the run (not approved, screened, trained: stored by `run_round`) had
    # no places in it; nor had an excluded one.
    excluded = {int(x) for x in round.config.get("excluded", [])}
    not_ready = {int(x) for x in round.config.get("not_ready_mentors", [])}
    mentors = [p for p in mentors if p.user_id not in excluded]
    ready = [p for p in mentors if p.user_id not in not_ready]
    mentor_load = [
        {
            "user": participant.user,
            "proposed": load.get(participant.user_id, 0),
            "places": mentor_places(program, getattr(participant, "profile", None)),
        }
        for participant in ready
    ]

    # Coverage per subgroup: grade and school (from memberships at the program's schools).
    mentee_ids = {mentee for mentee, *_rest in lines}
    matched_ids = {mentee for mentee, mentor, *_rest in lines if mentor is not None}
    grade_of: dict[int, int | None] = {}
    school_of: dict[int, str] = {}
    for user_id, grade, school in Membership.objects.filter(
        user_id__in=mentee_ids, organization_id__in=program.school_ids()
    ).values_list("user_id", "grade", "organization__name"):
        grade_of.setdefault(user_id, grade)
        school_of.setdefault(user_id, school)
    subgroups: dict[str, dict[str, Coverage]] = {_("Grade"): {}, _("School"): {}}
    for mentee in sorted(mentee_ids):
        grade = grade_of.get(mentee)
        keys = {
            _("Grade"): str(grade) if grade is not None else _("Not recorded"),
            _("School"): school_of.get(mentee, _("Not recorded")),
        }
        for group, key in keys.items():
            coverage = subgroups[group].setdefault(key, Coverage(label=key))
            coverage.mentees += 1
            coverage.matched += mentee in matched_ids
    reasons_count = Counter(
        unmatched_message(reason) for _m, mentor, _s, _d, reason in lines if mentor is None
    )
    return Review(
        matched=len(matched_ids),
        unmatched=len(mentee_ids - matched_ids),
        accepted=decisions.get(Proposal.Decision.ACCEPTED, 0),
        rejected=decisions.get(Proposal.Decision.REJECTED, 0),
        pending=decisions.get(Proposal.Decision.PENDING, 0),
        average=sum(scores) / len(scores) if scores else 0.0,
        lowest=min(scores) if scores else None,
        highest=max(scores) if scores else None,
        distribution=_distribution(scores),
        mentor_load=mentor_load,
        not_ready_mentors=[p.user for p in mentors if p.user_id in not_ready],
        subgroups={
            group: sorted(values.values(), key=lambda c: _natural(c.label))
            for group, values in subgroups.items()
        },
        unmatched_reasons=reasons_count.most_common(),
    )


def _natural(label: str) -> tuple[int, str]:
    return (int(label), "") if label.isdigit() else (10**6, label)


@dataclass
class Difference:
    mentee: User
    subject: str
    mentor_a: Any
    score_a: int | None  # fit, 0-100
    mentor_b: Any
    score_b: int | None  # fit

    @property
    def delta(self) -> int:
        return (self.score_b or 0) - (self.score_a or 0)


def compare(a: MatchRound, b: MatchRound) -> list[Difference]:
    """Mentees whose mentor differs between two rounds (one query per round)."""
    lines: dict[tuple[int, str], dict[str, Proposal]] = defaultdict(dict)
    for side, round in (("a", a), ("b", b)):
        for proposal in round.proposals.select_related("mentee", "mentor"):
            lines[(proposal.mentee_id, proposal.subject)][side] = proposal
    differences = []
    weights = {"a": a.config.get("weights", {}), "b": b.config.get("weights", {})}

    def fit_of(side: str, proposal: Proposal | None) -> int | None:
        if proposal is None or proposal.mentor_id is None:
            return None
        return fit(proposal.score, proposal.contributions, weights[side])

    for (_mentee, subject), found in lines.items():
        pa, pb = found.get("a"), found.get("b")
        if pa and pb and pa.mentor_id == pb.mentor_id:
            continue
        any_side = pa or pb
        assert any_side is not None  # noqa: S101 - every key has at least one side
        differences.append(
            Difference(
                mentee=any_side.mentee,
                subject=subject,
                mentor_a=pa.mentor if pa else None,
                score_a=fit_of("a", pa),
                mentor_b=pb.mentor if pb else None,
                score_b=fit_of("b", pb),
            )
        )
    differences.sort(key=lambda d: (d.delta, d.mentee.last_name, d.mentee.pk))
    return differences


def round_summary(round: MatchRound) -> dict[str, Any]:
    """Headline numbers of a round for the comparison page, fits on the 0-100 scale (two queries)."""
    weights = round.config.get("weights", {})
    scores = [
        fit(score, details or {}, weights)
        for score, details in round.proposals.filter(mentor__isnull=False).values_list(
            "score", "contributions"
        )
    ]
    unmatched = round.proposals.filter(mentor__isnull=True).count()
    return {
        "round": round,
        "matched": len(scores),
        "unmatched": unmatched,
        "total": round.total,
        "average": sum(scores) / len(scores) if scores else 0,
        "lowest": min(scores) if scores else None,
    }


def weights_side_by_side(a: MatchRound, b: MatchRound) -> list[tuple[str, float | None, float | None]]:
    """(component label, weight in a, weight in b) for every component either round weighed."""
    wa, wb = a.config.get("weights", {}), b.config.get("weights", {})
    return [
        (str(COMPONENT_LABELS.get(name, name)), wa.get(name), wb.get(name))
        for name in COMPONENT_LABELS
        if name in wa or name in wb
    ]


# Blockers -----------------------------------------------------------------------------------------------

# Rules a coordinator can relax on the settings page, by the engine's constraint name: (the setting's
# label, the Constraints field and the value that turns the rule off).
RELAXABLE: dict[str, tuple[Any, str, Any]] = {
    "matchable": (
        MatchSettings._meta.get_field("require_matchable").verbose_name,
        "require_matchable",
        False,
    ),
    "same_school": (MatchSettings._meta.get_field("same_school").verbose_name, "same_school", False),
    "grade_gap": (MatchSettings._meta.get_field("grade_gap_on").verbose_name, "min_grade_gap", None),
    "shared_slots": (MatchSettings._meta.get_field("shared_slots_on").verbose_name, "min_shared_slots", None),
    "shared_language": (
        MatchSettings._meta.get_field("shared_language").verbose_name,
        "shared_language",
        False,
    ),
    "avoid": (MatchSettings._meta.get_field("respect_avoid").verbose_name, "avoid", frozenset()),
    "never_rematch": (
        MatchSettings._meta.get_field("never_rematch").verbose_name,
        "never_rematch",
        frozenset(),
    ),
}
BLOCKER_CELLS = 5_000_000  # mentee rows x mentors: above this, the page shows the stored reasons only


@dataclass
class Blocker:
    code: str  # the engine's constraint name, or "capacity"
    reason: str  # in plain words
    mentees: int  # unmatched mentees this rule keeps from at least one mentor who would otherwise fit
    rule: str = ""  # the setting to relax, if it is one
    would_fit: int | None = None  # of the mentees no mentor fits, how many would have one with the rule off


@dataclass
class Blockers:
    unmatched: int
    no_mentor_fits: int  # unmatched mentees with no mentor who passes every rule
    rules: list[Blocker] = field(default_factory=list)
    capacity: int = 0  # unmatched mentees with mentors who fit, all of them full or better used elsewhere
    measured: bool = True  # False for a round too large to recompute on a page


def blockers(round: MatchRound) -> Blockers:
    """Everything that keeps the round's unmatched mentees from a mentor, at once: per rule, how many
    mentees it blocks and, for the rules a coordinator can relax, how many of the mentees no mentor fits
    would have one with that rule off (the cohort as it is now, under the round's settings). Read only."""
    unmatched = [
        mentee_key(mentee, subject)
        for mentee, subject in round.proposals.filter(mentor__isnull=True).values_list("mentee_id", "subject")
    ]
    if not unmatched:
        return Blockers(unmatched=0, no_mentor_fits=0)
    inputs = build_inputs(round.cohort, round.config)
    row_of = {key: r for r, key in enumerate(inputs.mentees.ids)}
    rows = np.array(sorted(row_of[key] for key in unmatched if key in row_of), dtype=np.int64)
    if not len(rows) or not len(inputs.mentors):
        return Blockers(unmatched=len(unmatched), no_mentor_fits=len(unmatched))
    if len(inputs.mentees) * len(inputs.mentors) > BLOCKER_CELLS:
        return Blockers(unmatched=len(unmatched), no_mentor_fits=0, measured=False)

    def feasible_counts(constraints: Constraints) -> tuple[Any, Any]:
        scored = score_pairs(
            inputs.mentees, inputs.mentors, inputs.weights, constraints, requests=inputs.requests
        )
        return scored.feasible_count[rows], scored.exclusions[rows]

    feasible, exclusions = feasible_counts(inputs.constraints)
    stuck = feasible == 0
    result = Blockers(unmatched=len(unmatched), no_mentor_fits=int(stuck.sum()), capacity=int((~stuck).sum()))
    for k, code in enumerate(CONSTRAINTS):
        blocked = int((exclusions[:, k] > 0).sum())
        if not blocked:
            continue
        blocker = Blocker(code=code, reason=str(CONSTRAINT_REASONS.get(code, code)), mentees=blocked)
        if code in RELAXABLE and stuck.any():
            label, name, off = RELAXABLE[code]
            relaxed, _exclusions = feasible_counts(replace(inputs.constraints, **{name: off}))
            blocker.rule = str(label)
            blocker.would_fit = int(((relaxed > 0) & stuck).sum())
        result.rules.append(blocker)
    result.rules.sort(key=lambda b: (-b.mentees, b.code))
    return result
