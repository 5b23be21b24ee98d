"""Exact assignment on already-scored pairs: the solver core of the matching engine.

Pure Python + numpy/scipy/OR-Tools, no Django. Mentees and mentors are referred to by index; the
caller maps ids. Only listed pairs are feasible. Scores are integers (the caller scales real scores),
so optimality is exact, not up to floating-point noise.

Modes:
- ``max_total``: the feasible matching of highest total score (mentor capacities, locks, forbids).
- ``max_matched``: as many mentees matched as possible, then the highest total.
- ``max_min``: as many mentees matched as possible; among those, the highest lowest score of the pairs
  that are not locked (a lock is the coordinator's decision: its score does not lower the floor for the
  others); then the highest total.
- ``stable``: mentee-proposing deferred acceptance with capacities (see ``stable.py``).

Ties are broken by index (the file interface maps ids in input order), so the same input gives the
same output.
"""

import operator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow
from scipy.optimize import linear_sum_assignment

Mode = Literal["max_total", "max_matched", "max_min", "stable"]


@dataclass(frozen=True)
class Problem:
    mentee_count: int
    capacities: list[int]  # one per mentor; the mentor count is len(capacities)
    pairs: list[tuple[int, int, int]]  # (mentee index, mentor index, score >= 0); only these are feasible
    locked: list[tuple[int, int]] = field(default_factory=list)  # must be in the result
    forbidden: list[tuple[int, int]] = field(default_factory=list)  # must not be in the result
    mode: Mode = "max_total"
    mentee_ranks: dict[int, list[int]] = field(
        default_factory=dict
    )  # stable mode: mentee -> mentors, best first
    mentor_ranks: dict[int, list[int]] = field(
        default_factory=dict
    )  # stable mode: mentor -> mentees, best first


@dataclass
class Solution:
    assignments: list[tuple[int, int, int]]  # (mentee, mentor, score), sorted by mentee then mentor
    total: int
    matched: int
    unmatched: list[int]  # mentee indexes
    optimal: bool  # proven optimal for the mode's objective
    gap_bound: float = 0.0  # relative gap bound when not proven optimal
    # For each unmatched mentee: "no_feasible_pair", "forbidden", or "better_used_elsewhere".
    reasons: dict[int, str] = field(default_factory=dict)
    # Lowest score of the pairs the solver chose, locks left out (the max_min objective); None when none.
    bottleneck: int | None = None


class ProblemError(ValueError):
    """The problem is malformed (the message names the problem)."""


# --- Solver -------------------------------------------------------------------------------------------------
#
# Exactness. Every mode reduces to min-cost flow (or max flow) on the sparse graph
#   source -> mentee (cap 1) -> mentor (cap 1 per listed pair) -> sink (cap = remaining capacity)
# with integer costs, solved by OR-Tools, whose network-simplex/cost-scaling algorithms are exact on integers.
# Locked pairs are fixed first (their mentee leaves the graph, their mentor's capacity drops), which is exact:
# the feasible solutions containing the locks are exactly "locks + a feasible solution of the residual graph".
# - max_total: every mentee also has a cost-0 "skip" arc to the sink, so all n units of flow are routed and
#   leaving a mentee unmatched is allowed; min cost = max total.
# - max_matched: `solve_max_flow_with_min_cost` computes a maximum flow (= maximum number matched) and, among
#   maximum flows, one of minimum cost (= maximum total). This is the lexicographic objective exactly, with no
#   big-M constant that could overflow.
# - max_min: K* = maximum flow; binary search over the distinct scores for the largest t such that pairs with
#   score >= t still carry K* (feasibility is monotone in t); then a max-flow-min-cost solve on the pairs
#   with score >= t gives the highest total among those. Locked pairs are already fixed and out of the
#   residual graph, so their scores never lower t.
#
# Determinism and ties. Input is validated and sorted, so pair/forbid/lock order does not matter, and the
# graph is built in a canonical order for a deterministic single-threaded solver. Ties are broken through an
# exact secondary integer objective: each pair's weight is  score * K + tie(i, j)  with
#   tie(i, j) = (n - i) * (m + 1) + (m - j)  (n mentees, m mentors, original indexes),
# so that, among solutions equal on the mode's objective, the solver maximises the sum of tie(): more
# matches, then lower-index mentees matched, then lower-index mentors (a weighted sum, not a strict
# lexicographic rule).
# K is larger than any possible sum of tie() over a matching, so the tie-break can never trade away one unit
# of score. If score * K would leave OR-Tools' safe cost range, the tie-break is dropped (K = 1, tie = 0):
# the result is still exactly optimal and deterministic, only the choice among tied optima is unspecified.

_SAFE_COST = 2**62  # OR-Tools multiplies costs by about the node count during cost scaling
_DENSE_MAX_CELLS = 40_000  # dense Hungarian (scipy LAPJV) below this many matrix cells
_FLOAT_EXACT = 2**53

_Pair = tuple[int, int, int]


@dataclass(frozen=True)
class _Residual:
    """The problem left after fixing locks: free mentees' allowed pairs to mentors with room left."""

    mentee_count: int
    mentor_count: int
    locked: list[_Pair]
    pairs: list[_Pair]  # sorted by (mentee, mentor)
    room: list[int]  # capacity left per mentor after locks


def _as_int(value: object, what: str) -> int:
    if isinstance(value, bool):
        raise ProblemError(f"{what} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ProblemError(f"{what} must be an integer, got {value!r}") from None


def _validate(
    problem: Problem,
) -> tuple[dict[tuple[int, int], int], set[tuple[int, int]], list[tuple[int, int]]]:
    """Check the problem; return the listed pairs' scores, the forbidden set and the locks (sorted)."""
    if problem.mode not in ("max_total", "max_matched", "max_min", "stable"):
        raise ProblemError(f"unknown mode {problem.mode!r}")
    n = _as_int(problem.mentee_count, "mentee_count")
    if n < 0:
        raise ProblemError(f"mentee_count must be >= 0, got {n}")
    m = len(problem.capacities)
    for j, cap in enumerate(problem.capacities):
        if _as_int(cap, f"capacity of mentor {j}") < 0:
            raise ProblemError(f"negative capacity {cap} for mentor {j}")

    def check_pair(i: object, j: object, what: str) -> tuple[int, int]:
        ii, jj = _as_int(i, f"{what} mentee index"), _as_int(j, f"{what} mentor index")
        if not 0 <= ii < n:
            raise ProblemError(f"{what} ({ii}, {jj}): mentee index {ii} out of range 0..{n - 1}")
        if not 0 <= jj < m:
            raise ProblemError(f"{what} ({ii}, {jj}): mentor index {jj} out of range 0..{m - 1}")
        return ii, jj

    scores: dict[tuple[int, int], int] = {}
    for entry in problem.pairs:
        if len(entry) != 3:
            raise ProblemError(f"pair {entry!r} must be (mentee, mentor, score)")
        key = check_pair(entry[0], entry[1], "pair")
        score = _as_int(entry[2], f"score of pair {key}")
        if score < 0:
            raise ProblemError(f"pair {key}: negative score {score}")
        if key in scores:
            raise ProblemError(f"pair {key} is listed twice")
        scores[key] = score

    forbidden = {check_pair(i, j, "forbidden pair") for i, j in problem.forbidden}

    locked = sorted(check_pair(i, j, "locked pair") for i, j in problem.locked)
    locked_mentees: set[int] = set()
    locks_per_mentor = [0] * m
    for i, j in locked:
        if (i, j) not in scores:
            raise ProblemError(f"locked pair ({i}, {j}) is not a listed pair")
        if (i, j) in forbidden:
            raise ProblemError(f"locked pair ({i}, {j}) is also forbidden")
        if i in locked_mentees:
            raise ProblemError(f"mentee {i} is locked more than once")
        locked_mentees.add(i)
        locks_per_mentor[j] += 1
        if locks_per_mentor[j] > problem.capacities[j]:
            raise ProblemError(
                f"mentor {j} has {locks_per_mentor[j]} locked mentees but capacity {problem.capacities[j]}"
            )
    return scores, forbidden, locked


def _residual(problem: Problem) -> _Residual:
    scores, forbidden, locked = _validate(problem)
    room = [int(c) for c in problem.capacities]
    locked_mentees = set()
    for i, j in locked:
        room[j] -= 1
        locked_mentees.add(i)
    pairs = sorted(
        (i, j, s)
        for (i, j), s in scores.items()
        if i not in locked_mentees and room[j] > 0 and (i, j) not in forbidden
    )
    return _Residual(
        mentee_count=int(problem.mentee_count),
        mentor_count=len(room),
        locked=[(i, j, scores[i, j]) for i, j in locked],
        pairs=pairs,
        room=room,
    )


def _weights(res: _Residual, pairs: list[_Pair], base: list[int]) -> list[int]:
    """Exact combined weights base * K + tie (see the comment above), or plain base when out of range."""
    if not pairs:
        return []
    n, m = res.mentee_count, res.mentor_count
    ties = [(n - i) * (m + 1) + (m - j) for i, j, _ in pairs]
    best_tie: dict[int, int] = {}
    for (i, _, _), tie in zip(pairs, ties, strict=True):
        best_tie[i] = max(best_tie.get(i, 0), tie)
    k = sum(best_tie.values()) + 1  # exceeds the tie sum of any matching (one pair per mentee)
    nodes = n + m + 2
    if max(base) * k + max(ties) <= _SAFE_COST // nodes:
        return [b * k + t for b, t in zip(base, ties, strict=True)]
    if max(base) <= _SAFE_COST // nodes:
        return list(base)
    raise ProblemError(f"scores too large for an exact solve (max {max(base)})")


def _flow_matching(res: _Residual, pairs: list[_Pair], weights: list[int], *, max_count: bool) -> list[_Pair]:
    """Maximum-weight matching on `pairs` (max_count=False) or, among maximum matchings, the heaviest one."""
    if not pairs:
        return []
    n, m = res.mentee_count, res.mentor_count
    source, sink = n + m, n + m + 1
    mentees = sorted({i for i, _, _ in pairs})
    mentors = sorted({j for _, j, _ in pairs})
    tails = [source] * len(mentees) + [i for i, _, _ in pairs] + [n + j for j in mentors]
    heads = list(mentees) + [n + j for _, j, _ in pairs] + [sink] * len(mentors)
    caps = [1] * (len(mentees) + len(pairs)) + [res.room[j] for j in mentors]
    costs = [0] * len(mentees) + [-w for w in weights] + [0] * len(mentors)
    if not max_count:  # a cost-0 skip arc lets a mentee stay unmatched
        tails += mentees
        heads += [sink] * len(mentees)
        caps += [1] * len(mentees)
        costs += [0] * len(mentees)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int32),
        np.asarray(heads, dtype=np.int32),
        np.asarray(caps, dtype=np.int64),
        np.asarray(costs, dtype=np.int64),
    )
    flow.set_node_supply(source, len(mentees))
    flow.set_node_supply(sink, -len(mentees))
    # Without skip arcs the supply may be more than can flow: route the maximum flow, at minimum cost.
    status = flow.solve_max_flow_with_min_cost() if max_count else flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")  # unreachable on validated input
    pair_arcs = np.arange(len(mentees), len(mentees) + len(pairs))
    used = flow.flows(pair_arcs)
    return [p for p, f in zip(pairs, used.tolist(), strict=True) if f]


def _dense_matching(res: _Residual, pairs: list[_Pair], weights: list[int]) -> list[_Pair] | None:
    """The same max-weight matching by scipy's LAPJV on a mentee x (mentor slots + skip) matrix.

    Returns None when the matrix would be too big or float64 could not hold the weights exactly.
    """
    if not pairs:
        return []
    mentees = sorted({i for i, _, _ in pairs})
    rows = {i: r for r, i in enumerate(mentees)}
    slots: dict[int, list[int]] = {}
    column = 0
    for j in sorted({j for _, j, _ in pairs}):
        width = min(res.room[j], len(mentees))
        slots[j] = list(range(column, column + width))
        column += width
    width = column + len(mentees)  # one skip column per mentee
    if len(mentees) * width > _DENSE_MAX_CELLS or max(weights) * len(mentees) >= _FLOAT_EXACT:
        return None
    cost = np.full((len(mentees), width), np.inf)
    cost[:, column:] = 0.0
    for (i, j, _), w in zip(pairs, weights, strict=True):
        cost[rows[i], slots[j]] = -float(w)
    row_ind, col_ind = linear_sum_assignment(cost)
    slot_owner = {c: j for j, cols in slots.items() for c in cols}
    chosen = {
        (mentees[r], slot_owner[c])
        for r, c in zip(row_ind.tolist(), col_ind.tolist(), strict=True)
        if c < column
    }
    return [p for p in pairs if (p[0], p[1]) in chosen]


def _max_cardinality(res: _Residual, pairs: list[_Pair]) -> int:
    if not pairs:
        return 0
    n, m = res.mentee_count, res.mentor_count
    source, sink = n + m, n + m + 1
    mentees = sorted({i for i, _, _ in pairs})
    mentors = sorted({j for _, j, _ in pairs})
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        np.asarray(
            [source] * len(mentees) + [i for i, _, _ in pairs] + [n + j for j in mentors], dtype=np.int32
        ),
        np.asarray(list(mentees) + [n + j for _, j, _ in pairs] + [sink] * len(mentors), dtype=np.int32),
        np.asarray([1] * (len(mentees) + len(pairs)) + [res.room[j] for j in mentors], dtype=np.int64),
    )
    status = flow.solve(source, sink)
    if status != flow.OPTIMAL:
        raise RuntimeError(f"max flow failed with status {status}")  # unreachable on validated input
    return int(flow.optimal_flow())


def _solve_max_total(res: _Residual, backend: Literal["auto", "flow", "dense"] = "auto") -> list[_Pair]:
    weights = _weights(res, res.pairs, [s for _, _, s in res.pairs])
    if backend in ("auto", "dense"):
        dense = _dense_matching(res, res.pairs, weights)
        if dense is not None:
            return dense
        if backend == "dense":
            raise ValueError("instance too large for the dense backend")
    return _flow_matching(res, res.pairs, weights, max_count=False)


def _solve_max_matched(res: _Residual) -> list[_Pair]:
    weights = _weights(res, res.pairs, [s for _, _, s in res.pairs])
    return _flow_matching(res, res.pairs, weights, max_count=True)


def _solve_max_min(res: _Residual) -> list[_Pair]:
    target = _max_cardinality(res, res.pairs)
    if target == 0:
        return []
    thresholds = sorted({s for _, _, s in res.pairs})
    low, high = 0, len(thresholds) - 1  # thresholds[low] is always feasible (it keeps every pair)
    while low < high:
        mid = (low + high + 1) // 2
        if _max_cardinality(res, [p for p in res.pairs if p[2] >= thresholds[mid]]) == target:
            low = mid
        else:
            high = mid - 1
    kept = [p for p in res.pairs if p[2] >= thresholds[low]]
    return _flow_matching(res, kept, _weights(res, kept, [s for _, _, s in kept]), max_count=True)


def _reasons(problem: Problem, unmatched: list[int]) -> dict[int, str]:
    """Why each unmatched mentee is unmatched.

    "no_feasible_pair": no listed pair to a mentor with any capacity; "forbidden": every listed pair to such a
    mentor is forbidden; "better_used_elsewhere": an allowed pair existed but the optimum (or a lock) gave
    those mentors' places to others.
    """
    forbidden = {(int(i), int(j)) for i, j in problem.forbidden}
    listed: dict[int, list[int]] = {}
    for i, j, _ in problem.pairs:
        if problem.capacities[j] > 0:
            listed.setdefault(int(i), []).append(int(j))
    reasons = {}
    for i in unmatched:
        mentors = listed.get(i, [])
        if not mentors:
            reasons[i] = "no_feasible_pair"
        elif all((i, j) in forbidden for j in mentors):
            reasons[i] = "forbidden"
        else:
            reasons[i] = "better_used_elsewhere"
    return reasons


def solve(problem: Problem) -> Solution:
    """Solve `problem` exactly for its mode (see the module docstring); raise ProblemError if malformed."""
    if problem.mode == "stable":
        _validate(problem)
        from peerpath.engine.stable import solve_stable

        return solve_stable(problem)
    res = _residual(problem)
    if problem.mode == "max_total":
        chosen = _solve_max_total(res)
    elif problem.mode == "max_matched":
        chosen = _solve_max_matched(res)
    else:
        chosen = _solve_max_min(res)
    assignments = sorted(res.locked + chosen)
    matched = {i for i, _, _ in assignments}
    unmatched = [i for i in range(res.mentee_count) if i not in matched]
    return Solution(
        assignments=assignments,
        total=sum(s for _, _, s in assignments),
        matched=len(assignments),
        unmatched=unmatched,
        optimal=True,
        gap_bound=0.0,
        reasons=_reasons(problem, unmatched),
        bottleneck=min((s for _, _, s in chosen), default=None),
    )
