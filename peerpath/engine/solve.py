"""Assignment: `match` scores a round, then assigns exactly for its goal and explains every outcome.

Pure Python + numpy/scipy, no Django: `Side` arrays in, `EngineResult` out. `matching.services.rounds`
maps the ORM to these dataclasses and ids back.

"max_total", "max_matched" and "max_min" with more than `LARGE_PAIRS` feasible pairs go to
`pruning.solve_groups` / `pruning.solve_by_components`: school groups that no pair joins are solved
independently, each by top-k candidate pruning plus min-cost flow, with an LP-duality certificate checked
in exact integer arithmetic over every feasible pair (pruned pairs that violate it are added back until it
holds), so the result is proven optimal (`EngineResult.optimal`) or comes with a certified `gap_bound`.
"max_min" first finds the highest floor on the score that keeps the most mentees matched (maximum
matchings, exact), then solves "max_matched" on the pairs at or above it. `match` scores into the compact
per-group form (`Scorer.score_compact`, about 4 bytes a pair) that `pruning.solve_groups` reads directly
when no pair is locked; otherwise it converts it to `ScoredPairs`. Small instances and the "stable" mode
go to `assignment.solve` (exact sparse min-cost flow / deferred acceptance).

Locked pairs are the coordinator's decision: they are fixed first (their mentees leave the problem, their
mentors' places drop), and every goal applies to the pairs the engine chooses. In "max_min" a locked pair
with a low score does not lower the floor for the others.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from peerpath.engine import assignment, pruning
from peerpath.engine.inputs import (
    CONSTRAINT_LABELS,
    CONSTRAINTS,
    Constraints,
    Mode,
    Pair,
    Side,
    Weights,
)
from peerpath.engine.pairs import CompactScores, ScoredPairs
from peerpath.engine.scoring import DEFAULT_CHUNK_CELLS, Breakdown, Scorer, component_labels

LARGE_PAIRS = 100_000  # match(): above this many feasible pairs, max_total/max_matched use pruning


@dataclass(frozen=True)
class Assignment:
    mentee_id: str
    mentor_id: str
    mentee: int
    mentor: int
    score: int
    breakdown: Breakdown
    locked: bool = False


@dataclass(frozen=True)
class Unmatched:
    mentee_id: str
    mentee: int
    reason: Literal["no_feasible_mentor", "better_used_elsewhere"]
    constraint: str | None  # with no feasible mentor: the constraint that excluded the most mentors
    excluded: int  # how many mentors that constraint excluded
    message: str


@dataclass
class EngineResult:
    mode: Mode
    assignments: list[Assignment]
    unmatched: list[Unmatched]
    total: int
    optimal: bool
    feasible_pairs: int
    warnings: list[str] = field(default_factory=list)
    gap_bound: float = 0.0  # when not optimal: relative bound on the loss (see `pruning`); 0.0 when optimal


def _stable_ranks(scored: ScoredPairs) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Both sides rank their feasible partners by pair score, best first (ties by index)."""
    rows, cols, score = scored.rows.astype(np.int64), scored.cols.astype(np.int64), scored.score
    mentee_ranks: dict[int, list[int]] = {}
    for k in np.lexsort((cols, -score, rows)):
        mentee_ranks.setdefault(int(rows[k]), []).append(int(cols[k]))
    mentor_ranks: dict[int, list[int]] = {}
    for k in np.lexsort((rows, -score, cols)):
        mentor_ranks.setdefault(int(cols[k]), []).append(int(rows[k]))
    return mentee_ranks, mentor_ranks


def _listed_scores(scored: ScoredPairs, pairs: Sequence[tuple[int, int]], m: int) -> list[int | None]:
    """The scored pair's score for each (i, j), or None when it is not a feasible pair."""
    if not pairs:
        return []
    keys = scored.rows.astype(np.int64) * m + scored.cols.astype(np.int64)  # sorted: pairs are in order
    wanted = np.array([i * m + j for i, j in pairs], dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = (keys[at] == wanted) if len(keys) else np.zeros(len(wanted), np.bool_)
    return [int(scored.score[k]) if ok else None for k, ok in zip(at.tolist(), found.tolist(), strict=True)]


def _solve_pruned(
    scorer: Scorer,
    scored: ScoredPairs,
    locks: list[tuple[int, int, int]],
    mode: Mode,
    progress: Callable[[float], None],
) -> assignment.Solution:
    """max_total / max_matched by `pruning.solve_by_components` (certified), locks fixed first."""
    capacity = scorer.mentors.capacity
    assert capacity is not None  # noqa: S101 - set in Side
    # The same lock checks as the exact solver (one lock per mentee, at most capacity per mentor).
    assignment._validate(
        assignment.Problem(
            scorer.n, capacity.tolist(), locks, locked=[(i, j) for i, j, _ in locks], mode=mode
        )
    )
    room = capacity.copy()
    free = np.ones(scorer.n, np.bool_)
    for i, j, _ in locks:
        room[j] -= 1
        free[i] = False
    keep = free[scored.rows]
    mentee_label, mentor_label = component_labels(scorer)
    large = pruning.solve_by_components(
        scored.rows[keep],
        scored.cols[keep],
        scored.score[keep],
        scorer.n,
        room,
        mentee_component=mentee_label,
        mentor_component=mentor_label,
        mode=mode,
        progress=progress,
    )
    solution = large.solution
    chosen = sorted(solution.assignments + locks)
    matched = np.zeros(scorer.n, np.bool_)
    matched[[i for i, _, _ in chosen]] = True
    return assignment.Solution(
        assignments=chosen,
        total=sum(s for _, _, s in chosen),
        matched=len(chosen),
        unmatched=np.flatnonzero(~matched).tolist(),
        optimal=solution.optimal,
        gap_bound=solution.gap_bound,
        bottleneck=solution.bottleneck,  # the pairs the solver chose: locks are left out
    )


def _solve_compact(
    scorer: Scorer, compact: CompactScores, mode: Mode, progress: Callable[[float], None]
) -> assignment.Solution:
    """max_total / max_matched without locks by `pruning.solve_groups` on the compact pairs: the same
    result as `_solve_pruned` on `compact.to_scored()`."""
    capacity = scorer.mentors.capacity
    assert capacity is not None  # noqa: S101 - set in Side
    assignment._validate(assignment.Problem(scorer.n, capacity.tolist(), [], mode=mode))
    large = pruning.solve_groups(
        compact.groups(release=True),
        scorer.n,
        capacity,
        components=compact.components,
        mode=mode,
        progress=progress,
    )
    return large.solution


def match(
    mentees: Side,
    mentors: Side,
    weights: Weights,
    constraints: Constraints,
    *,
    mode: Mode = "max_total",
    requests: Collection[Pair] = (),
    locked: Collection[Pair] = (),
    chunk_cells: int = DEFAULT_CHUNK_CELLS,
    progress: Callable[[float], None] | None = None,
    solver: Literal["auto", "exact", "pruned"] = "auto",
) -> EngineResult:
    """Score, then assign exactly for `mode`; explain every pair and unmatched mentee.

    A locked pair is kept even when a hard constraint excludes it (the coordinator decided); a warning
    names the constraint. In "stable" mode both sides rank their feasible partners by pair score.

    Solvers. "max_total", "max_matched" and "max_min" with more than `LARGE_PAIRS` feasible pairs go to
    `pruning.solve_groups` or, with locks, `pruning.solve_by_components` (independent school groups solved
    apart, top-k candidates, an LP-duality certificate that adds back pruned pairs until optimality is
    proven; `optimal` says whether it was, and `gap_bound` bounds the loss otherwise). "stable", and small
    instances, go to `assignment.solve` (exact sparse min-cost flow). `solver` forces one ("exact" /
    "pruned"; "pruned" only applies to those three modes). In "max_min" the floor (the lowest score) is
    the lowest of the pairs the engine chose: locked pairs do not count.

    `progress`, if given, is called in the calling thread with a fraction from 0 to 1 as scoring (to about
    0.6), solving (to about 0.95) and explaining advance; it ends with 1.0.
    """

    def report(fraction: float) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)))

    report(0.0)
    scorer = Scorer(mentees, mentors, weights, constraints, requests)
    compact = scorer.score_compact(chunk_cells, progress=lambda f: report(0.6 * f))
    unknown = [
        pair for pair in locked if pair[0] not in scorer.mentee_pos or pair[1] not in scorer.mentor_pos
    ]
    if unknown:
        raise ValueError(f"locked pairs name unknown people: {sorted(unknown)}")
    lock_index = sorted({(scorer.mentee_pos[a], scorer.mentor_pos[b]) for a, b in locked})
    pruned = mode in ("max_total", "max_matched", "max_min") and (
        solver == "pruned" or (solver == "auto" and len(compact) > LARGE_PAIRS)
    )
    feasible_count, feasible_pairs = compact.feasible_count, len(compact)
    warnings = []
    if pruned and not lock_index:  # the certified solver reads the compact pairs (no global copy)
        solution = _solve_compact(scorer, compact, mode, lambda f: report(0.6 + 0.35 * f))
    else:
        scored = compact.to_scored()
        del compact
        locks: list[tuple[int, int, int]] = []
        for (i, j), listed in zip(lock_index, _listed_scores(scored, lock_index, len(mentors)), strict=True):
            if listed is None:
                masks = scorer.constraint_masks(i, i + 1)
                broken = [name for name in CONSTRAINTS if name in masks and not masks[name][0, j]]
                listed = scorer.breakdowns([(i, j)])[0].score
                warnings.append(
                    f"locked pair {mentees.ids[i]} - {mentors.ids[j]} kept although: "
                    + ", ".join(CONSTRAINT_LABELS[name] for name in broken)
                )
            locks.append((i, j, listed))
        if pruned:
            solution = _solve_pruned(scorer, scored, locks, mode, lambda f: report(0.6 + 0.35 * f))
        else:
            pairs = list(zip(scored.rows.tolist(), scored.cols.tolist(), scored.score.tolist(), strict=True))
            listed_keys = {(i, j) for i, j, _ in pairs}
            pairs += [p for p in locks if (p[0], p[1]) not in listed_keys]
            mentee_ranks, mentor_ranks = _stable_ranks(scored) if mode == "stable" else ({}, {})
            assert mentors.capacity is not None  # noqa: S101 - set in Side
            problem = assignment.Problem(
                mentee_count=len(mentees),
                capacities=mentors.capacity.tolist(),
                pairs=pairs,
                locked=lock_index,
                mode=mode,
                mentee_ranks=mentee_ranks,
                mentor_ranks=mentor_ranks,
            )
            solution = assignment.solve(problem)
        del scored
    report(0.95)
    chosen = [(i, j) for i, j, _ in solution.assignments]
    lock_set = set(lock_index)
    assignments = [
        Assignment(
            mentee_id=mentees.ids[b.mentee],
            mentor_id=mentors.ids[b.mentor],
            mentee=b.mentee,
            mentor=b.mentor,
            score=b.score,
            breakdown=b,
            locked=(b.mentee, b.mentor) in lock_set,
        )
        for b in scorer.breakdowns(chosen)
    ]
    unmatched = []
    no_pair = [i for i in solution.unmatched if feasible_count[i] == 0]
    # Exact counts over every mentor, for the few mentees with no feasible mentor at all.
    exclusions = dict(
        zip(no_pair, scorer.exclusions_for(np.array(no_pair, dtype=np.int64), chunk_cells), strict=True)
    )
    for i in solution.unmatched:
        if feasible_count[i] == 0:
            k = int(np.argmax(exclusions[i]))
            name, count = CONSTRAINTS[k], int(exclusions[i][k])
            message = (
                f"no feasible mentor (most excluded: {CONSTRAINT_LABELS[name]}, {count} of {len(mentors)})"
            )
            unmatched.append(Unmatched(mentees.ids[i], i, "no_feasible_mentor", name, count, message))
        else:
            message = "all feasible mentors were better used elsewhere"
            unmatched.append(Unmatched(mentees.ids[i], i, "better_used_elsewhere", None, 0, message))
    report(1.0)
    return EngineResult(
        mode=mode,
        assignments=assignments,
        unmatched=unmatched,
        total=solution.total,
        optimal=solution.optimal,
        feasible_pairs=feasible_pairs,
        warnings=warnings,
        gap_bound=solution.gap_bound,
    )
