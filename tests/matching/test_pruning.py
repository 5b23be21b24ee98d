"""Top-k pruning with a duality certificate: same optimum as the exact solver, and a valid bound."""

import itertools
import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from peerpath.engine.assignment import Problem, ProblemError, solve
from peerpath.engine.pruning import (
    Group,
    _shortest_distances,
    _top_k_rows,
    highest_floor,
    solve_by_components,
    solve_groups,
    solve_large,
)
from peerpath.engine.synthetic import Generated


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, np.ndarray]:
    n = draw(st.integers(0, 10))
    m = draw(st.integers(1, 7))
    cap = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), np.int64)
    cells = [(i, j) for i in range(n) for j in range(m) if draw(st.booleans())]
    scores = [draw(st.integers(0, 30)) for _ in cells]
    rows = np.array([i for i, _ in cells], np.int64)
    cols = np.array([j for _, j in cells], np.int64)
    return rows, cols, np.array(scores, np.int64), n, cap


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(1, 3))
def test_matches_exact_solver_and_certifies(instance, k):
    rows, cols, scores, n, cap = instance
    pairs = list(zip(rows.tolist(), cols.tolist(), scores.tolist(), strict=True))
    reference = solve(Problem(n, cap.tolist(), pairs))
    solution, certificate = solve_large(rows, cols, scores, n, cap, k=k)
    assert solution.total == reference.total
    assert certificate.optimal
    assert solution.optimal
    assert certificate.dual == certificate.primal == solution.total
    # The returned matching is feasible for the full problem.
    listed = {(i, j): s for i, j, s in pairs}
    assert all(listed[i, j] == s for i, j, s in solution.assignments)
    assert len({i for i, _, _ in solution.assignments}) == solution.matched
    loads = np.bincount([j for _, j, _ in solution.assignments], minlength=cap.size)
    assert (loads <= cap).all()
    # The prices are a feasible dual for every pair.
    u, v = certificate.mentee_prices, certificate.mentor_prices
    live = cap[cols] > 0
    assert (u >= 0).all()
    assert (v >= 0).all()
    assert (u[rows[live]] + v[cols[live]] >= scores[live]).all()


@settings(max_examples=100, deadline=None)
@given(instances(), st.integers(1, 3))
def test_dual_bound_is_an_upper_bound_even_when_cut_short(instance, k):
    rows, cols, scores, n, cap = instance
    pairs = list(zip(rows.tolist(), cols.tolist(), scores.tolist(), strict=True))
    best = solve(Problem(n, cap.tolist(), pairs)).total
    solution, certificate = solve_large(rows, cols, scores, n, cap, k=k, max_rounds=1)
    assert certificate.dual >= best >= solution.total
    assert 0.0 <= certificate.gap <= 1.0
    if certificate.optimal:
        assert solution.total == best


def test_certification_adds_the_pruned_pair_that_top_k_misses():
    # Both mentees rank mentor 0 first (k = 1 keeps only that pair), so the pruned graph can match just
    # one of them: total 10. The optimum sends mentee 1 to mentor 1 (10 + 9 = 19).
    rows = np.array([0, 0, 1, 1])
    cols = np.array([0, 1, 0, 1])
    scores = np.array([10, 1, 10, 9])
    solution, certificate = solve_large(rows, cols, scores, 2, np.array([1, 1]), k=1)
    assert solution.total == 19
    assert certificate.optimal
    assert certificate.rounds == 2
    assert certificate.violations[0] >= 1
    assert certificate.violations[-1] == 0
    assert sorted((i, j) for i, j, _ in solution.assignments) == [(0, 0), (1, 1)]

    # Cut short after the first round: not proven, but the bound still holds.
    solution, certificate = solve_large(rows, cols, scores, 2, np.array([1, 1]), k=1, max_rounds=1)
    assert solution.total == 10
    assert not certificate.optimal
    assert certificate.dual >= 19
    assert certificate.gap > 0


def test_generated_thousand_equals_dense_optimum():
    n = 1000
    rows, cols, scores = Generated(n, n, seed=7).arrays()
    solution, certificate = solve_large(rows, cols, scores, n, np.ones(n, np.int64), k=6)
    profit = np.zeros((n, n))
    profit[rows, cols] = scores
    r, c = linear_sum_assignment(profit, maximize=True)
    assert solution.total == int(profit[r, c].sum())
    assert certificate.optimal


@settings(max_examples=100, deadline=None)
@given(instances(), st.integers(1, 3), st.integers(1, 3), st.sampled_from(["max_total", "max_matched"]))
def test_components_solver_matches_exact_solver(instance, k, parts, mode):
    rows, cols, scores, n, cap = instance
    # Random labels, then keep only the pairs inside one label (components never share a pair).
    rng = np.random.default_rng(n * 31 + cap.size)
    mentee_label = rng.integers(0, parts, n)
    mentor_label = rng.integers(0, parts, cap.size)
    inside = mentee_label[rows] == mentor_label[cols] if rows.size else np.zeros(0, bool)
    rows, cols, scores = rows[inside], cols[inside], scores[inside]
    pairs = list(zip(rows.tolist(), cols.tolist(), scores.tolist(), strict=True))
    reference = solve(Problem(n, cap.tolist(), pairs, mode=mode))
    result = solve_by_components(
        rows,
        cols,
        scores,
        n,
        cap,
        mentee_component=mentee_label,
        mentor_component=mentor_label,
        mode=mode,
        k=k,
    )
    solution = result.solution
    assert solution.optimal
    assert solution.total == reference.total
    assert solution.matched == reference.matched
    listed = {(i, j): s for i, j, s in pairs}
    assert all(listed[i, j] == s for i, j, s in solution.assignments)
    assert len({i for i, _, _ in solution.assignments}) == solution.matched
    assert (np.bincount([j for _, j, _ in solution.assignments], minlength=cap.size) <= cap).all()
    assert sorted(solution.unmatched + [i for i, _, _ in solution.assignments]) == list(range(n))


def test_components_solver_rejects_a_pair_across_components():
    with pytest.raises(ProblemError, match="joins two components"):
        solve_by_components([0], [0], [5], 1, [1], mentee_component=[0], mentor_component=[1])


def test_components_solver_breaks_ties_by_index_like_the_exact_solver():
    # Every pair scores the same: the exact solver's tie rule prefers lower-index mentees and mentors.
    rows = np.repeat(np.arange(4), 3)
    cols = np.tile(np.arange(3), 4)
    scores = np.full(12, 7)
    result = solve_by_components(rows, cols, scores, 4, np.array([1, 1, 1]), k=1)
    reference = solve(
        Problem(4, [1, 1, 1], list(zip(rows.tolist(), cols.tolist(), scores.tolist(), strict=True)))
    )
    assert result.solution.assignments == reference.assignments


def test_cut_short_components_report_a_valid_gap():
    rows = np.array([0, 0, 1, 1])
    cols = np.array([0, 1, 0, 1])
    scores = np.array([10, 1, 10, 9])
    result = solve_by_components(rows, cols, scores, 2, np.array([1, 1]), k=1, max_rounds=1)
    assert not result.solution.optimal
    assert 0.0 < result.solution.gap_bound <= 1.0
    assert result.solution.total * 1.0 >= 19 * (1 - result.solution.gap_bound)  # optimum 19 within the bound


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(-5, 5), max_size=15), min_size=1, max_size=12), st.integers(1, 4))
def test_top_k_rows_keeps_the_k_largest_of_every_row_first_by_position(row_keys, k):
    counts = [len(r) for r in row_keys]
    indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    keys = np.array([v for r in row_keys for v in r], np.int64)
    expected: list[int] = []
    for row in range(len(row_keys)):
        run = list(range(int(indptr[row]), int(indptr[row + 1])))
        expected += sorted(run, key=lambda p: (-keys[p], p))[:k]  # ties: the first positions
    assert _top_k_rows(indptr, keys, k).tolist() == sorted(expected)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 12), st.data())
def test_shortest_distances_match_plain_bellman_ford(nodes, data):
    # Arcs of reduced cost >= 0 under random potentials: no negative cycle, but negative arc costs.
    potential = data.draw(st.lists(st.integers(-20, 20), min_size=nodes, max_size=nodes))
    arcs = data.draw(
        st.lists(st.tuples(st.integers(0, nodes - 1), st.integers(0, nodes - 1), st.integers(0, 9)))
    )
    arcs = [(a, b, potential[b] - potential[a] + extra) for a, b, extra in arcs if a != b]
    root = nodes
    a = np.array([x for x, _, _ in arcs] + [root] * nodes, np.int64)
    b = np.array([y for _, y, _ in arcs] + list(range(nodes)), np.int64)
    w = np.array([z for _, _, z in arcs] + [0] * nodes, np.int64)
    d = _shortest_distances(a, b, w, root, nodes + 1)
    best = [0] * (nodes + 1)
    for _ in range(nodes + 1):
        for x, y, z in zip(a.tolist(), b.tolist(), w.tolist(), strict=True):
            best[y] = min(best[y], best[x] + z)
    assert d.tolist() == best


def test_shortest_distances_with_parallel_arcs_need_no_cycle_and_a_negative_cycle_raises():
    # Parallel negative arcs make a distance drop more often than there are nodes: still no cycle.
    a, b, w = [0, 0, 2, 3, 3, 3], [1, 1, 0, 0, 1, 2], [-1, -2, -2, 0, 0, 0]
    d = _shortest_distances(np.array(a), np.array(b), np.array(w), 3, 4)
    assert d.tolist() == [-2, -4, 0, 0]
    with pytest.raises(RuntimeError, match="negative cycle"):
        _shortest_distances(np.array([0, 1, 2, 2]), np.array([1, 0, 0, 1]), np.array([-1, 0, 0, 0]), 2, 3)


# --- Fairness (max_min) on groups: against enumeration ------------------------------------------------------


def _fairest(n: int, caps: list[int], pairs: list[tuple[int, int, int]]) -> tuple[int, int, int]:
    """(matched, lowest score, total), the best by enumeration of every matching."""
    best = (0, 0, 0)
    options = [[None, *[p for p in pairs if p[0] == i]] for i in range(n)]
    for choice in itertools.product(*options):
        chosen = [p for p in choice if p is not None]
        load = Counter(j for _, j, _ in chosen)
        if all(load[j] <= cap for j, cap in enumerate(caps)):
            scores = [s for _, _, s in chosen]
            best = max(best, (len(chosen), min(scores, default=0), sum(scores)))
    return best


def _group(n: int, m: int, pairs: list[tuple[int, int, int]]) -> Group:
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount([i for i, _, _ in pairs], minlength=n), out=indptr[1:])
    cols = np.array([j for _, j, _ in pairs], np.uint16)
    return Group(np.arange(n), np.arange(m), indptr, cols, np.array([s for *_, s in pairs], np.int16))


def test_highest_floor_and_max_min_groups_equal_enumeration():
    rng = random.Random(11)
    for _ in range(300):
        n, m = rng.randint(1, 6), rng.randint(1, 4)
        caps = [rng.randint(0, 2) for _ in range(m)]
        pairs = [(i, j, rng.randint(0, 9)) for i in range(n) for j in range(m) if rng.random() < 0.5]
        group = _group(n, m, pairs)
        best = _fairest(n, caps, pairs)

        count, floor = highest_floor(group, np.array(caps, np.int64))
        result = solve_groups([group], n, np.array(caps), components=1, mode="max_min", k=1)

        assert (count, floor if count else 0) == best[:2]
        solution = result.solution
        assert solution.optimal
        assert (solution.matched, solution.bottleneck or 0, solution.total) == best


def test_max_min_floor_is_the_lowest_over_independent_groups():
    # Group 0 can be matched at 5 at best, group 1 at 7: the round's floor is 5, and group 1 then takes
    # its best total at or above 5 (10 + 6) rather than its own fairest (7 + 7).
    low = _group(1, 1, [(0, 0, 5)])
    high = _group(2, 2, [(0, 0, 10), (0, 1, 7), (1, 0, 7), (1, 1, 6)])
    high = Group(np.array([1, 2]), np.array([1, 2]), high.indptr, high.cols, high.scores)

    result = solve_groups([low, high], 3, np.ones(3, np.int64), components=2, mode="max_min", k=1)

    assert result.solution.assignments == [(0, 0, 5), (1, 1, 10), (2, 2, 6)]
    assert result.solution.bottleneck == 5


def test_max_min_by_components_equals_the_exact_solver():
    rng = random.Random(5)
    for _ in range(60):
        n, m = rng.randint(2, 9), rng.randint(2, 7)
        label_a = [rng.randint(0, 2) for _ in range(n)]
        label_b = [rng.randint(0, 2) for _ in range(m)]
        caps = [rng.randint(0, 2) for _ in range(m)]
        pairs = [
            (i, j, rng.randint(0, 30))
            for i in range(n)
            for j in range(m)
            if label_a[i] == label_b[j] and rng.random() < 0.6
        ]
        exact = solve(Problem(n, caps, pairs, mode="max_min"))
        large = solve_by_components(
            np.array([i for i, _, _ in pairs], np.int64),
            np.array([j for _, j, _ in pairs], np.int64),
            np.array([s for *_, s in pairs], np.int64),
            n,
            caps,
            mentee_component=label_a,
            mentor_component=label_b,
            mode="max_min",
            k=2,
        ).solution

        assert large.optimal
        expected = (exact.matched, exact.bottleneck, exact.total)
        assert (large.matched, large.bottleneck, large.total) == expected
