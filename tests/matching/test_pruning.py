"""Top-k pruning with a duality certificate: same optimum as the exact solver, and a valid bound."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from peerpath.matching.assignment import Problem, solve
from peerpath.matching.bench import Generated
from peerpath.matching.pruning import solve_large


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
