"""Exact max-total assignment on very large candidate graphs: top-k pruning with an LP-duality certificate.

Pure numpy/scipy/OR-Tools, no Django. Input is scored feasible pairs as flat arrays ``rows`` (mentee),
``cols`` (mentor), ``scores`` (integers >= 0), each (mentee, mentor) listed at most once, plus mentor
capacities. With 5-15 % of all pairs feasible, 10,000 mentees give 5-15 million pairs: too many for one
min-cost flow in the time budget, so we solve a small candidate graph and *prove* that nothing was lost.

Algorithm (mode ``max_total`` only)
1. Keep the ``k`` highest-scoring feasible mentors of every mentee (``kernels.top_k_rows``, one compiled
   pass). This is the candidate set ``K``.
2. Solve max-total on ``K`` exactly by min-cost flow (OR-Tools): arcs mentee -> mentor (cost -s, cap 1),
   mentor -> sink (cost 0, cap c_j), and mentee -> sink (cost 0, cap 1, the "skip" arc: staying unmatched).
3. Read dual prices off the optimal flow: shortest-path distances ``d`` in its residual graph (from a virtual
   root joined to every node by cost-0 arcs; no negative cycle exists because the flow is optimal; computed
   by Bellman-Ford with a queue, ``_shortest_distances``) give
       u_i = max(0, d(i) - d(t)),   v_j = max(0, d(t) - d(j))       (t = sink).
4. Check every pair -- kept or pruned -- in one compiled pass (``kernels.check_prices``, 2 threads): reduced
   profit r_ij = s_ij - u_i - v_j.
   If some r_ij > 0, add the worst violators (up to ``k`` per mentee) to ``K`` and go to 2; stop when none
   violates (certified optimal) or when the round/time budget is spent (then a gap bound is reported).

Why this is a proof
The LP relaxation of the full problem is  max sum s_ij x_ij  s.t.  sum_j x_ij <= 1 (dual u_i >= 0),
sum_i x_ij <= c_j (dual v_j >= 0), x >= 0, over *all* feasible pairs. Its dual is
    min  D(u, v) = sum_i u_i + sum_j c_j v_j   s.t.  u_i + v_j >= s_ij for every feasible pair, u, v >= 0.
Weak duality: for any dual-feasible (u, v) and any feasible matching M (integral or fractional),
total(M) <= D(u, v). So if the prices pass the check of step 4 on every pair and D(u, v) equals the total of
the matching found on K (which is feasible for the full problem), that matching is optimal for the full
problem. The certificate is *self-checking*: ``optimal`` is set only after verifying, in exact integer
arithmetic, u >= 0, v >= 0, u_i + v_j >= s_ij for every pair, and D(u, v) == total. Step 3 is only how we
find good prices; a mistake there can cost optimality proofs, never correctness.

Why step 3 gives such prices on K. The capacity 1 of pair and skip arcs is implied by the mentee's supply
of 1, so the flow stays optimal with those arcs uncapacitated; in that network's residual graph every pair
and skip arc is present forwards, used ones also backwards, mentor -> sink forwards while the mentor is below
capacity and backwards while it carries flow. No cycle is negative (optimality), so shortest distances d
exist and d(b) <= d(a) + w on every residual arc (a, b) of cost w. Hence: every kept pair has
s_ij <= d(i) - d(j), with equality for used pairs (both directions); d(i) >= d(t) (skip forwards), with
equality for unmatched mentees; d(j) <= d(t) for mentors carrying flow, with equality below capacity. So
u_i = d(i) - d(t) needs no clipping and is 0 for unmatched mentees; v_j = d(t) - d(j) is >= 0 and is 0
below capacity for mentors with flow; only idle mentors can be clipped up to 0, and raising a price keeps
u_i + v_j >= s_ij while their pairs are all unused. That is dual feasibility on K plus complementary
slackness, so D(u, v) = total on K. (Mentors of capacity 0 take no pairs; their pairs are dropped.)

``solve_by_components`` (and ``solve_groups``, the same on pairs already split into components in a compact
local form: what the engine calls without locked pairs) runs this per independent component (school groups no
pair joins), with exact integer weights that add the exact solver's tie rule and, for ``max_matched``, a
per-pair bonus that makes one more match outweigh any score difference.

When the budget runs out, the prices are repaired into a full-problem dual: u_i += max_j max(0, r_ij) (the
worst violation in mentee i's row), which makes every constraint hold, and the reported bound
``(D - total) / D`` is a valid relative optimality gap. It is also reported (as 0) when certified.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from peerpath.engine import kernels
from peerpath.engine.assignment import ProblemError, Solution

IntArray = npt.NDArray[np.int64]
Chunk = tuple[npt.NDArray[np.integer], npt.NDArray[np.integer], npt.NDArray[np.integer]]

_BLOCK_CELLS = 1 << 20  # pairs per vectorised check (cache-sized temporaries)
_SAFE = 2**53  # keeps prices and costs far inside OR-Tools' int64 cost range
_THREADS = 2  # threads of the compiled passes over the pairs
_NONE = np.zeros(0, np.int64)


@dataclass
class Certificate:
    optimal: bool  # proven optimal for the full problem (dual objective == primal total)
    primal: int  # total score of the returned matching
    dual: int  # objective of a dual-feasible (u, v) for the full problem: an upper bound on any matching
    gap: float  # (dual - primal) / dual, 0.0 when dual == 0
    rounds: int  # reduced solves performed
    kept_pairs: int  # size of the final candidate graph
    total_pairs: int  # size of the full graph
    violations: list[int] = field(default_factory=list)  # pruned pairs violating the prices, per round
    mentee_prices: IntArray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    mentor_prices: IntArray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    seconds: dict[str, float] = field(default_factory=dict)


def _check_chunk(r: IntArray, c: IntArray, s: IntArray, n: int, m: int) -> None:
    if r.size and (r.min() < 0 or r.max() >= n):
        raise ProblemError(f"mentee index out of range 0..{n - 1}")
    if c.size and (c.min() < 0 or c.max() >= m):
        raise ProblemError(f"mentor index out of range 0..{m - 1}")
    if s.size and s.min() < 0:
        raise ProblemError("negative score")


def _as64(a: npt.NDArray[np.integer]) -> IntArray:
    return np.asarray(a, dtype=np.int64)


def _solve_reduced(
    kr: IntArray, kc: IntArray, ks: IntArray, n: int, cap: IntArray
) -> tuple[npt.NDArray[np.bool_], IntArray, IntArray]:
    """Max-total matching on the kept pairs; returns (pair used?, mentee prices u, mentor prices v)."""
    m = cap.size
    t = n + m
    mentors = np.flatnonzero(cap > 0)
    tails = np.concatenate([kr, n + mentors, np.arange(n)])
    heads = np.concatenate([n + kc, np.full(mentors.size, t), np.full(n, t)])
    caps = np.concatenate([np.ones(kr.size, np.int64), cap[mentors], np.ones(n, np.int64)])
    costs = np.concatenate([-ks, np.zeros(mentors.size + n, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    supplies = np.zeros(t + 1, np.int64)
    supplies[:n] = 1
    supplies[t] = -n
    flow.set_nodes_supplies(np.arange(t + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    x = flow.flows(np.arange(tails.size, dtype=np.int32))
    used = x[: kr.size] > 0
    load = x[kr.size : kr.size + mentors.size]
    skip_used = x[kr.size + mentors.size :] > 0

    # Residual graph (a -> b, cost) of the optimal flow, plus a virtual root r = t + 1. The pair and skip
    # arcs' capacity 1 is implied by the mentee's supply of 1, so they are treated as uncapacitated: their
    # forward arc is always residual (this is what makes used pairs tight, see the module docstring).
    root = t + 1
    a_t = [kr, n + kc[used]]  # pair arcs forward, and backward where used
    b_t = [n + kc, kr[used]]
    w_t = [-ks, ks[used]]
    free = load < cap[mentors]  # mentor -> sink while below capacity, sink -> mentor where it carries flow
    a_t += [n + mentors[free], np.full(int((load > 0).sum()), t)]
    b_t += [np.full(int(free.sum()), t), n + mentors[load > 0]]
    w_t += [np.zeros(int(free.sum()) + int((load > 0).sum()), np.int64)]
    a_t += [np.arange(n), np.full(int(skip_used.sum()), t)]  # skip arcs forward, backward where used
    b_t += [np.full(n, t), np.arange(n)[skip_used]]
    w_t += [np.zeros(n + int(skip_used.sum()), np.int64)]
    a_t += [np.full(t + 1, root)]
    b_t += [np.arange(t + 1)]
    w_t += [np.zeros(t + 1, np.int64)]
    a, b, w = np.concatenate(a_t), np.concatenate(b_t), np.concatenate(w_t)
    d = _shortest_distances(a, b, w, root, root + 1)
    u = np.maximum(0, d[:n] - d[t])
    v = np.maximum(0, d[t] - d[n : n + m])
    return used, u, v


def _shortest_distances(a: IntArray, b: IntArray, w: IntArray, root: int, nodes: int) -> IntArray:
    """Exact shortest distances from `root` (arcs a -> b of integer cost w, no negative cycle).

    `root` must have a cost-0 arc to every other node (it does in `_solve_reduced`), so every distance starts
    at 0: `kernels.shortest_distances` (Bellman-Ford with a queue, compiled). A negative cycle is an error
    (unreachable for an optimal flow).
    """
    order = np.argsort(a, kind="stable")
    indptr = np.zeros(nodes + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=nodes), out=indptr[1:])
    return np.asarray(kernels.shortest_distances(indptr, _as64(b[order]), _as64(w[order])))


# --- Row-sorted core (what ``solve_large`` and ``solve_by_components`` run) ---------------------------------


def _row_pieces(indptr: IntArray, pieces: int) -> list[tuple[int, int]]:
    """Row ranges [r0, r1) holding about the same number of pairs each, for the threads of a pass."""
    n = indptr.size - 1
    cuts = np.searchsorted(indptr, np.linspace(0, int(indptr[-1]), pieces + 1)[1:-1], side="right") - 1
    edges = sorted({0, n, *[int(x) for x in cuts.tolist() if 0 < x < n]})
    return list(zip(edges[:-1], edges[1:], strict=True))


def _by_rows(indptr: IntArray, kernel: Callable[..., object], *args: object) -> None:
    """kernel(r0, r1, *args) over the rows in pieces on `_THREADS` threads (compiled kernels release
    the GIL; each writes only its own rows)."""
    pieces = _row_pieces(indptr, 4 * _THREADS)
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        list(pool.map(lambda piece: kernel(*piece, *args), pieces))


def _top_k_rows(indptr: IntArray, key: npt.NDArray[np.integer], k: int) -> IntArray:
    """Positions (ascending) of the (at most) k largest ``key`` in every row of row-sorted pairs (row i holds
    positions indptr[i]..indptr[i + 1] - 1; ties: the first positions). Deterministic."""
    top = np.empty((indptr.size - 1, k), np.int64)
    _by_rows(indptr, kernels.top_k_rows, indptr, key, top)
    return np.sort(top[top >= 0])


def _solve_rows(
    indptr: IntArray,
    cols: npt.NDArray[np.integer],
    weights: npt.NDArray[np.integer],
    cap: IntArray,
    k: int,
    max_rounds: int,
    time_limit: float | None,
    col_local: IntArray | None = None,
) -> tuple[IntArray, Certificate]:
    """Certified max-total on row-sorted pairs (row i: positions indptr[i]..indptr[i+1]-1, every mentor
    of capacity > 0). Returns (positions of the chosen pairs, certificate). See the module docstring.

    With `col_local`, `cols` are global mentor indexes and col_local[j] is mentor j's index in `cap` (so a
    component's pairs need no relabelled copy)."""
    start = time.perf_counter()
    n = indptr.size - 1
    size = int(indptr[-1])
    seconds = {"prune": 0.0, "solve": 0.0, "certify": 0.0}
    max_w = int(np.max(weights)) if size else 0
    if max_w * max(n, 1) >= _SAFE:
        raise ProblemError(f"scores too large for an exact certificate (max {max_w})")
    keep = _top_k_rows(indptr, weights, k)
    seconds["prune"] = time.perf_counter() - start
    rounds = 0
    violations: list[int] = []
    worst = np.zeros(n, np.int64)
    while True:
        rounds += 1
        t0 = time.perf_counter()
        kr = np.searchsorted(indptr, keep, side="right") - 1
        kc = np.asarray(cols[keep], np.int64)
        if col_local is not None:
            kc = col_local[kc]
        used, u, v = _solve_reduced(kr, kc, np.asarray(weights[keep], np.int64), n, cap)
        t1 = time.perf_counter()
        seconds["solve"] += t1 - t0
        # 4. Certificate: every pair's slack w_ij - v_j - u_i, in one compiled pass (prices indexed like
        # `cols`; other components' stale entries in col_local are never read: clip them).
        col_price = v if col_local is None else np.take(v, col_local, mode="clip")
        violators = np.zeros(n, np.int64)
        top = np.empty((n, k), np.int64)
        _by_rows(indptr, kernels.check_prices, indptr, cols, weights, col_price, u, worst, violators, top)
        count = int(violators.sum())
        found = top[top >= 0]  # each row's worst violators, up to k (kept pairs never violate)
        seconds["certify"] += time.perf_counter() - t1
        violations.append(count)
        out_of_time = time_limit is not None and time.perf_counter() - start > time_limit
        if count == 0 or rounds >= max_rounds or out_of_time:
            break
        keep = np.sort(np.concatenate([keep, found]))  # kept pairs never violate: no repeats
    chosen = keep[used]
    primal = int(np.asarray(weights[chosen], np.int64).sum())
    u_full = u + worst  # repaired: now u_i + v_j >= w_ij holds on every pair
    dual = int(u_full.sum() + (cap * v).sum())
    optimal = count == 0 and dual == primal and bool((u >= 0).all() and (v >= 0).all())
    gap = 0.0 if dual == 0 else (dual - primal) / dual
    certificate = Certificate(
        optimal=optimal,
        primal=primal,
        dual=dual,
        gap=gap,
        rounds=rounds,
        kept_pairs=int(keep.size),
        total_pairs=size,
        violations=violations,
        mentee_prices=u_full,
        mentor_prices=v,
        seconds=seconds,
    )
    return chosen, certificate


def solve_large(
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    scores: npt.ArrayLike,
    n_mentees: int,
    capacities: npt.ArrayLike,
    k: int = 6,
    mode: str = "max_total",
    max_rounds: int = 20,
    time_limit: float | None = None,
) -> tuple[Solution, Certificate]:
    """Exact max-total matching on scored pairs, with a duality certificate (see the module docstring)."""
    if mode != "max_total":
        raise ProblemError(f"solve_large supports only mode 'max_total', got {mode!r}")
    if k < 1:
        raise ProblemError(f"k must be >= 1, got {k}")
    r, c, s = np.asarray(rows), np.asarray(cols), np.asarray(scores)
    if not (r.shape == c.shape == s.shape and r.ndim == 1):
        raise ProblemError("rows, cols and scores must be 1-d arrays of the same length")
    n = int(n_mentees)
    cap = np.asarray(capacities, dtype=np.int64).ravel()
    if n < 0 or (cap < 0).any():
        raise ProblemError("mentee count and capacities must be >= 0")
    _check_chunk(r, c, s, n, cap.size)
    total_pairs = int(r.size)
    r, c, s = _live_sorted(r, c, s, cap)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(r, minlength=n), out=indptr[1:])
    chosen, certificate = _solve_rows(indptr, c, s, cap, k, max_rounds, time_limit)
    certificate.total_pairs = total_pairs
    assignments = sorted(zip(r[chosen].tolist(), c[chosen].tolist(), s[chosen].tolist(), strict=True))
    matched = np.zeros(n, np.bool_)
    matched[r[chosen]] = True
    solution = Solution(
        assignments=assignments,
        total=certificate.primal,
        matched=len(assignments),
        unmatched=np.flatnonzero(~matched).tolist(),
        optimal=certificate.optimal,
        gap_bound=0.0 if certificate.optimal else certificate.gap,
        reasons={},  # per-mentee reasons are the engine's job (it knows the constraints)
        bottleneck=min((x for _, _, x in assignments), default=None),
    )
    return solution, certificate


def _live_sorted(
    r: npt.NDArray[np.integer], c: npt.NDArray[np.integer], s: npt.NDArray[np.integer], cap: IntArray
) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.integer], npt.NDArray[np.integer]]:
    """Pairs of mentors with capacity > 0, sorted by mentee (stable; no copy when already so)."""
    if r.size and not bool((cap > 0).all()):
        live = cap[c] > 0
        if not live.all():
            r, c, s = r[live], c[live], s[live]
    step = _BLOCK_CELLS
    if any(
        bool((r[lo + 1 : lo + step + 1] < r[lo : lo + step][: r.size - lo - 1]).any())
        for lo in range(0, r.size, step)
    ):
        order = np.argsort(r, kind="stable")
        r, c, s = r[order], c[order], s[order]
    return r, c, s


# --- Independent components, exact tie-breaking and score transforms (used by the engine) -----------------


def _tie_weights(
    indptr: IntArray,
    cols: npt.NDArray[np.integer],
    col_local: IntArray,
    base: npt.NDArray[np.integer],
    m: int,
) -> tuple[npt.NDArray[np.integer], int]:
    """Weights base * K + tie(i, j) for row-sorted pairs (mentor j = col_local[cols]), the same exact tie
    rule as ``assignment`` (see its comment), or (base, 1) when they would not fit the certificate's exact
    range. Returns (weights, K)."""
    n = indptr.size - 1
    counts = np.diff(indptr)
    nonempty = np.flatnonzero(counts)
    if nonempty.size == 0:
        return base, 1
    # tie(i, j) = (n - i) (m + 1) + (m - j) is largest at the row's smallest mentor index (col_local keeps
    # the order of mentor indexes).
    row_tie = (n - np.arange(n, dtype=np.int64)) * (m + 1)
    best = row_tie[nonempty] + (m - col_local[np.minimum.reduceat(cols, indptr[nonempty])])
    k = int(best.sum()) + 1  # exceeds the tie sum of any matching (one pair per mentee)
    if (int(np.max(base)) * k + int(best.max())) * (n + 1) >= _SAFE:
        return base, 1
    tie = np.repeat(row_tie, counts) + (m - col_local[cols])
    return np.asarray(base, np.int64) * k + tie, k


def _solve_group(
    indptr: IntArray,
    cols: npt.NDArray[np.integer],
    base: npt.NDArray[np.integer],
    cap: IntArray,
    col_local: IntArray | None,
    mode: str,
    k: int,
    max_rounds: int,
    time_limit: float | None,
) -> tuple[IntArray, Certificate, int]:
    """One component: exact weights for `mode` (see ``solve_by_components``), then ``_solve_rows``.
    Without `col_local`, `cols` are already the mentors' indexes in `cap`. Returns (positions of the chosen
    pairs, certificate, K)."""
    if mode == "max_matched":
        most = min(indptr.size - 1, int(cap.sum()))
        bonus = most * int(np.max(base)) + 1
        base = np.asarray(base, np.int64) + bonus
    identity = np.arange(cap.size, dtype=np.int64) if col_local is None else col_local
    weights, big = _tie_weights(indptr, cols, identity, base, cap.size)
    picked, cert = _solve_rows(indptr, cols, weights, cap, k, max_rounds, time_limit, col_local=col_local)
    return picked, cert, big


@dataclass
class LargeResult:
    solution: Solution
    certificates: list[Certificate]  # one per component
    components: int


def solve_by_components(
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    scores: npt.ArrayLike,
    n_mentees: int,
    capacities: npt.ArrayLike,
    *,
    mentee_component: npt.ArrayLike | None = None,
    mentor_component: npt.ArrayLike | None = None,
    mode: str = "max_total",
    k: int = 6,
    max_rounds: int = 20,
    time_limit: float | None = None,
    progress: Callable[[float], None] | None = None,
) -> LargeResult:
    """Exact ``max_total`` or ``max_matched`` on scored pairs, one independent component at a time.

    Components: mentees and mentors with the same label (no pair may join two labels; checked). Without
    labels everything is one component. Each component is solved by ``solve_large`` on exact integer weights
      max_total:    w = s * K + tie          max_matched:  w = (s + B) * K + tie,  B = C * max(s) + 1
    where C bounds the pairs in any matching, so one more matched pair always outweighs any score
    difference (the lexicographic objective, exactly), and tie() is the ``assignment`` tie rule on local
    indexes (kept only while the weights stay in the certificate's exact range; else K = 1, tie = 0: still
    exact and deterministic, only the choice among tied optima is unspecified). Optimal for w implies
    optimal for the mode. If a component is not certified, its bound on the score total is dual(w) // K
    (max_total: the solution's ``gap_bound`` is then (sum of bounds - total) / sum of bounds; max_matched:
    the largest relative gap in weights of any component).
    """
    if mode not in ("max_total", "max_matched", "max_min"):
        raise ProblemError(f"solve_by_components supports max_total, max_matched and max_min, got {mode!r}")
    r, c, s = np.asarray(rows), np.asarray(cols), np.asarray(scores)
    if not (r.shape == c.shape == s.shape and r.ndim == 1):
        raise ProblemError("rows, cols and scores must be 1-d arrays of the same length")
    n = int(n_mentees)
    cap = np.asarray(capacities, dtype=np.int64).ravel()
    m = cap.size
    _check_chunk(r, c, s, n, m)
    if mentee_component is None or mentor_component is None:
        la, lb = np.zeros(n, np.int64), np.zeros(m, np.int64)
    else:
        la, lb = _as64(np.asarray(mentee_component)), _as64(np.asarray(mentor_component))
    labels, code = np.unique(np.concatenate([la, lb]), return_inverse=True)
    small = np.uint16 if labels.size < 2**16 else np.int64
    code_a, code_b = code[:n].astype(small), code[n:].astype(small)
    for lo in range(0, r.size, _BLOCK_CELLS):
        if not np.array_equal(code_a[r[lo : lo + _BLOCK_CELLS]], code_b[c[lo : lo + _BLOCK_CELLS]]):
            raise ProblemError("a pair joins two components")
    r, c, s = _live_sorted(r, c, s, cap)  # by mentee: each component is a set of row ranges
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(r, minlength=n), out=indptr[1:])
    counts = np.diff(indptr)
    members_a = np.argsort(code_a, kind="stable")  # mentees by component, ascending inside
    starts_a = np.searchsorted(code_a[members_a], np.arange(labels.size + 1))
    members_b = np.argsort(code_b, kind="stable")
    starts_b = np.searchsorted(code_b[members_b], np.arange(labels.size + 1))
    local = np.zeros(m, np.int64)  # scratch: mentor -> index inside its component
    if mode == "max_min":  # by `solve_groups`, on each component's pairs in the local form

        def local_groups() -> Iterator[Group]:
            for t in range(labels.size):
                mentees = members_a[starts_a[t] : starts_a[t + 1]]
                mentors = members_b[starts_b[t] : starts_b[t + 1]]
                local_indptr = np.zeros(mentees.size + 1, np.int64)
                np.cumsum(counts[mentees], out=local_indptr[1:])
                local[mentors] = np.arange(mentors.size)
                runs = zip(indptr[mentees].tolist(), indptr[mentees + 1].tolist(), strict=True)
                positions = np.concatenate([np.arange(a, b) for a, b in runs] or [_NONE])
                yield Group(mentees, mentors, local_indptr, local[c[positions]], s[positions])

        return solve_groups(
            local_groups(),
            n,
            cap,
            components=int(labels.size),
            mode=mode,
            k=k,
            max_rounds=max_rounds,
            time_limit=time_limit,
            progress=progress,
        )
    chosen: list[tuple[IntArray, IntArray, IntArray]] = []
    certificates: list[Certificate] = []
    upper = 0  # max_total: bound on the optimum's score total over all components
    worst_gap = 0.0  # max_matched: the largest relative gap (in weights) of any component
    all_optimal = True
    start = time.perf_counter()
    for t in range(labels.size):
        mentees = members_a[starts_a[t] : starts_a[t + 1]]
        mentors = members_b[starts_b[t] : starts_b[t + 1]]
        size = counts[mentees]
        if int(size.sum()) == 0:
            if progress is not None:
                progress((t + 1) / labels.size)
            continue
        first, last = int(mentees[0]), int(mentees[-1])
        local_indptr = np.zeros(mentees.size + 1, np.int64)
        np.cumsum(size, out=local_indptr[1:])
        local[mentors] = np.arange(mentors.size)
        narrow = np.int32 if s.size == 0 or int(np.max(s)) < 2**31 else s.dtype
        if last - first + 1 == mentees.size:  # one run of mentees: views, no copy
            offset: int | None = int(indptr[first])
            comp_c, base = c[offset : int(indptr[last + 1])], s[offset : int(indptr[last + 1])]
        else:  # copied row by row (no index array over the pairs), scores in 32 bits when they fit
            offset = None
            runs = [
                (a, b) for a, b in zip(indptr[mentees].tolist(), indptr[mentees + 1].tolist(), strict=True)
            ]
            comp_c = np.concatenate([c[a:b] for a, b in runs])
            base = np.concatenate([s[a:b] for a, b in runs], dtype=narrow)
            del runs
        left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - start))
        picked, cert, big = _solve_group(
            local_indptr, comp_c, base, cap[mentors], local, mode, k, max_rounds, left
        )
        del base, comp_c
        if offset is not None:
            where = picked + offset
        else:  # position inside the component -> (mentee, rank in its row) -> global position
            row = np.searchsorted(local_indptr, picked, side="right") - 1
            where = indptr[mentees[row]] + (picked - local_indptr[row])
        chosen.append((_as64(r[where]), _as64(c[where]), _as64(s[where])))
        certificates.append(cert)
        all_optimal &= cert.optimal
        upper += cert.dual // big
        worst_gap = max(worst_gap, cert.gap)
        if progress is not None:
            progress((t + 1) / labels.size)
    return _combine(chosen, certificates, n, mode, all_optimal, upper, worst_gap, int(labels.size))


def _combine(
    chosen: list[tuple[IntArray, IntArray, IntArray]],
    certificates: list[Certificate],
    n: int,
    mode: str,
    all_optimal: bool,
    upper: int,
    worst_gap: float,
    components: int,
) -> LargeResult:
    """The components' chosen (mentee, mentor, score) arrays as one solution."""
    ar = np.concatenate([x[0] for x in chosen]) if chosen else np.zeros(0, np.int64)
    ac = np.concatenate([x[1] for x in chosen]) if chosen else np.zeros(0, np.int64)
    asc = np.concatenate([x[2] for x in chosen]) if chosen else np.zeros(0, np.int64)
    assignments = sorted(zip(ar.tolist(), ac.tolist(), asc.tolist(), strict=True))
    total = int(asc.sum())
    matched = np.zeros(n, np.bool_)
    matched[ar] = True
    if all_optimal:
        gap = 0.0
    elif mode == "max_total":
        gap = max(0.0, (upper - total) / upper) if upper > 0 else 0.0
    else:
        gap = worst_gap
    solution = Solution(
        assignments=assignments,
        total=total,
        matched=len(assignments),
        unmatched=np.flatnonzero(~matched).tolist(),
        optimal=all_optimal,
        gap_bound=gap,
        reasons={},
        bottleneck=min((x for _, _, x in assignments), default=None),
    )
    return LargeResult(solution, certificates, components)


@dataclass
class Group:
    """One independent component's feasible pairs, row-sorted, with local indexes (``solve_groups``).

    Row r is mentee ``mentees[r]`` (global indexes, ascending); its pairs are positions
    indptr[r]..indptr[r + 1] - 1, mentor ``mentors[cols[p]]`` (``mentors`` ascending, so local order is
    global order), score ``scores[p]`` (>= 0). Mentors of capacity 0 may be listed but must have no pairs.
    """

    mentees: IntArray
    mentors: IntArray
    indptr: IntArray
    cols: npt.NDArray[np.integer]  # local mentor index (uint16 while the component has < 2**16 mentors)
    scores: npt.NDArray[np.integer]  # narrow integer type


def solve_groups(
    groups: Iterable[Group],
    n_mentees: int,
    capacities: npt.ArrayLike,
    *,
    components: int,
    mode: str = "max_total",
    k: int = 6,
    max_rounds: int = 20,
    time_limit: float | None = None,
    progress: Callable[[float], None] | None = None,
) -> LargeResult:
    """``solve_by_components`` on pairs already split into components (`components` of them, in label
    order), in their compact local form: the same weights, candidates, prices and result, without a global
    copy of the pairs (groups may be built one at a time by a generator).

    ``max_min`` (fairness: as many matched as possible, then the highest lowest score, then the highest
    total) first finds, per group, how many mentees can be matched and the highest floor that keeps that
    many (``highest_floor``); the round's floor is the lowest of them (groups are independent, so every
    group can keep its count at that floor and none at a higher one). Each group is then solved on its pairs
    at or above the floor: as ``max_total`` first (cheaper weights), which is the answer when it matches the
    group's most (no matching has a higher total, so none of the most matched does), else as
    ``max_matched``; either is exactly the lexicographic objective. The groups are all held at once in this
    mode (each must be read twice), and their pairs below the floor are dropped in place (``at_least``)."""
    if mode not in ("max_total", "max_matched", "max_min"):
        raise ProblemError(f"solve_groups supports max_total, max_matched and max_min, got {mode!r}")
    n = int(n_mentees)
    cap = np.asarray(capacities, dtype=np.int64).ravel()
    floor: int | None = None
    most: dict[int, int] = {}  # max_min: each held group's most mentees matchable
    share = 0.0  # of the progress, taken by finding the floor
    if mode == "max_min":
        held = [group for group in groups if int(group.indptr[-1]) > 0]
        floors = []
        for t, group in enumerate(held):
            most[id(group)], group_floor = highest_floor(group, cap[group.mentors])
            floors.append(group_floor)
            if progress is not None:
                progress(0.3 * (t + 1) / max(len(held), 1))
        floor, share = min(floors, default=0), 0.3
        groups = _popped(held)
    chosen: list[tuple[IntArray, IntArray, IntArray]] = []
    certificates: list[Certificate] = []
    upper = 0
    worst_gap = 0.0
    all_optimal = True
    start = time.perf_counter()
    for t, group in enumerate(groups):
        target = most.pop(id(group), 0)
        if floor is not None:
            group = at_least(group, floor)
        if int(group.indptr[-1]) > 0:
            left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - start))
            solve_as = "max_total" if mode == "max_min" else mode
            arguments = (group.indptr, group.cols, group.scores, cap[group.mentors], None)
            picked, cert, big = _solve_group(*arguments, solve_as, k, max_rounds, left)
            if mode == "max_min" and (picked.size < target or not cert.optimal):
                left = None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - start))
                picked, cert, big = _solve_group(*arguments, "max_matched", k, max_rounds, left)
            row = np.searchsorted(group.indptr, picked, side="right") - 1
            chosen.append(
                (
                    _as64(group.mentees[row]),
                    _as64(group.mentors[_as64(group.cols[picked])]),
                    _as64(group.scores[picked]),
                )
            )
            certificates.append(cert)
            all_optimal &= cert.optimal
            upper += cert.dual // big
            worst_gap = max(worst_gap, cert.gap)
        del group  # before the next one is built
        if progress is not None:
            progress(share + (1 - share) * (t + 1) / max(components, 1))
    return _combine(chosen, certificates, n, mode, all_optimal, upper, worst_gap, components)


def _popped(groups: list[Group]) -> Iterator[Group]:
    """The groups in order, each dropped from the list as it is handed out (so it can be freed once used)."""
    groups.reverse()
    while groups:
        yield groups.pop()


# --- Fairness: the highest floor that keeps the most mentees matched -------------------------------------


def highest_floor(group: Group, cap: IntArray) -> tuple[int, int]:
    """(K, t): K the most mentees of the group that can be matched (mentor capacities `cap`, local), t the
    highest score floor such that K can still be matched with pairs scoring at least t (0 when K = 0).

    Exact: maximum matchings by augmenting paths (``kernels.grow_matching``, Hopcroft-Karp), and a binary
    search on the floor (feasibility only falls as the floor rises). t is at most the K-th largest of the
    mentees' best scores (fewer mentees have any pair above that); that bound is tried first. Each step
    starts from the largest feasible floor's matching, without its pairs below the new floor, and stops as
    soon as K are matched."""
    indptr, cols, scores = group.indptr, group.cols, group.scores
    rows = indptr.size - 1
    counts = np.diff(indptr)
    nonempty = np.flatnonzero(counts)
    if nonempty.size == 0:
        return 0, 0
    slot_start = np.zeros(cap.size, np.int64)
    np.cumsum(cap[:-1], out=slot_start[1:])
    slots = np.empty(int(cap.sum()), np.int64)
    load = np.zeros(cap.size, np.int64)
    mate = np.full(rows, -1, np.int64)
    seen = np.zeros(rows, np.int64)
    target = min(int(nonempty.size), int(cap.sum()))
    low = int(np.min(scores))  # every pair: the most that can be matched at all
    best = kernels.grow_matching(indptr, cols, scores, low, cap, slot_start, slots, load, mate, target, seen)
    if best == 0:
        return 0, 0
    row_best = np.maximum.reduceat(np.asarray(scores), indptr[nonempty])
    high = int(np.partition(row_best, row_best.size - best)[row_best.size - best])  # K-th largest
    state = (slots, load, mate)
    mid = high  # the bound first: it is often the floor (when every mentee can be matched, it is the
    while low < high:  # lowest of their best scores)
        trial = (state[0].copy(), state[1].copy(), state[2].copy())
        got = kernels.grow_matching(indptr, cols, scores, mid, cap, slot_start, *trial, best, seen)
        if got == best:
            low, state = mid, trial
        else:
            high = mid - 1
        mid = (low + high + 1) // 2
    return best, low


def at_least(group: Group, floor: int) -> Group:
    """The group's pairs scoring at least `floor`, compacted in place (no copy: the group's `cols` and
    `scores` are overwritten; the result's arrays are views of them). The same group when none is below."""
    if int(group.indptr[-1]) == 0 or int(np.min(group.scores)) >= floor:
        return group
    indptr = np.empty_like(group.indptr)
    kept = kernels.keep_at_least(group.indptr, group.cols, group.scores, floor, indptr)
    return Group(group.mentees, group.mentors, indptr, group.cols[:kept], group.scores[:kept])
