"""Exact assignment solver: property tests against independent references, plus input validation.

References are computed here, independently of the solver: scipy's Hungarian algorithm on a matrix with
mentors expanded by capacity and one "stay unmatched" column per mentee, scipy's maximum bipartite matching
on the same expansion, and plain enumeration of every feasible matching on tiny instances.
"""

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from peerpath.engine.assignment import (
    Mode,
    Problem,
    ProblemError,
    Solution,
    _residual,
    _solve_max_total,
    solve,
)

EXACT_MODES: list[Mode] = ["max_total", "max_matched", "max_min"]
PROPERTY = settings(max_examples=150, deadline=None)


@st.composite
def problems(draw: st.DrawFn, max_mentees: int = 7, max_mentors: int = 5, max_score: int = 12) -> Problem:
    # Mostly instances big enough to have conflicts; empty ones now and then.
    n = draw(st.integers(0, max_mentees) | st.integers(max_mentees - 2, max_mentees))
    m = draw(st.integers(0, max_mentors) | st.integers(max_mentors - 2, max_mentors))
    capacities = draw(st.lists(st.integers(0, 3) | st.integers(1, 2), min_size=m, max_size=m))
    cells = [(i, j) for i in range(n) for j in range(m)]
    density = draw(st.integers(1, 4))  # a cell is listed with probability density / 5
    listed = [cell for cell in cells if draw(st.integers(0, 4)) < density]
    pairs = [(i, j, draw(st.integers(0, max_score))) for i, j in listed]
    forbidden = draw(st.lists(st.sampled_from(cells), unique=True, max_size=4)) if cells else []
    allowed = [(i, j) for i, j in listed if (i, j) not in forbidden]
    candidates = draw(st.permutations(allowed)) if allowed else []
    locked: list[tuple[int, int]] = []
    per_mentor: Counter[int] = Counter()
    for i, j in candidates[: draw(st.integers(0, 2))]:
        if all(i != li for li, _ in locked) and per_mentor[j] < capacities[j]:
            locked.append((i, j))
            per_mentor[j] += 1
    return Problem(n, capacities, pairs, locked=locked, forbidden=forbidden)


def with_mode(problem: Problem, mode: Mode) -> Problem:
    return Problem(
        problem.mentee_count, problem.capacities, problem.pairs, problem.locked, problem.forbidden, mode
    )


def free_pairs(problem: Problem) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Allowed pairs of unlocked mentees, and each mentor's capacity left after the locks."""
    room = list(problem.capacities)
    for _, j in problem.locked:
        room[j] -= 1
    locked_mentees = {i for i, _ in problem.locked}
    pairs = [
        (i, j, s)
        for i, j, s in problem.pairs
        if i not in locked_mentees and (i, j) not in problem.forbidden and room[j] > 0
    ]
    return pairs, room


def locked_total(problem: Problem) -> int:
    scores = {(i, j): s for i, j, s in problem.pairs}
    return sum(scores[lock] for lock in problem.locked)


def expanded_columns(room: list[int]) -> list[int]:
    return [j for j, slots in enumerate(room) for _ in range(max(slots, 0))]


def reference_max_total(problem: Problem) -> int:
    """Hungarian algorithm: mentors expanded by capacity, plus one zero-cost dummy column per mentee."""
    pairs, room = free_pairs(problem)
    columns = expanded_columns(room)
    n = problem.mentee_count
    infeasible = 10**9
    cost = np.full((n, len(columns) + n), float(infeasible))
    cost[:, len(columns) :] = 0.0
    for i, j, s in pairs:
        for c, owner in enumerate(columns):
            if owner == j:
                cost[i, c] = -s
    rows, cols = linear_sum_assignment(cost)
    assert cost[rows, cols].max(initial=0) < infeasible
    return locked_total(problem) - int(cost[rows, cols].sum())


def reference_max_matched(problem: Problem) -> int:
    """Maximum cardinality by scipy's bipartite matching on the capacity-expanded graph."""
    pairs, room = free_pairs(problem)
    columns = expanded_columns(room)
    if not pairs or not columns:
        return len(problem.locked)
    entries = [(i, c) for i, j, _ in pairs for c, owner in enumerate(columns) if owner == j]
    graph = csr_matrix(
        (np.ones(len(entries)), ([i for i, _ in entries], [c for _, c in entries])),
        shape=(problem.mentee_count, len(columns)),
    )
    matched = maximum_bipartite_matching(graph, perm_type="column")
    return len(problem.locked) + int((matched >= 0).sum())


def all_matchings(problem: Problem) -> Iterator[list[tuple[int, int, int]]]:
    """Every feasible assignment (locks in, forbids out, capacities respected), by enumeration."""
    options: list[list[tuple[int, int, int] | None]] = []
    locks = dict(problem.locked)
    for i in range(problem.mentee_count):
        mine = [p for p in problem.pairs if p[0] == i and (p[0], p[1]) not in problem.forbidden]
        if i in locks:
            options.append([p for p in mine if p[1] == locks[i]])
        else:
            options.append([None, *mine])
    load = [0] * len(problem.capacities)

    def extend(i: int, chosen: list[tuple[int, int, int]]) -> Iterator[list[tuple[int, int, int]]]:
        if i == problem.mentee_count:
            yield list(chosen)
            return
        for option in options[i]:
            if option is None:
                yield from extend(i + 1, chosen)
            elif load[option[1]] < problem.capacities[option[1]]:
                load[option[1]] += 1
                chosen.append(option)
                yield from extend(i + 1, chosen)
                chosen.pop()
                load[option[1]] -= 1

    yield from extend(0, [])


def brute_force_best(problem: Problem, key: Callable[[list[tuple[int, int, int]]], tuple[int, ...]]) -> tuple:
    return max(key(matching) for matching in all_matchings(problem))


def objective(
    mode: Mode, assignments: list[tuple[int, int, int]], locked: list[tuple[int, int]] | None = None
) -> tuple[int, ...]:
    """The mode's objective, compared lexicographically. max_min's floor leaves the locked pairs out."""
    total = sum(s for _, _, s in assignments)
    if mode == "max_total":
        return (total,)
    if mode == "max_matched":
        return (len(assignments), total)
    chosen = [s for i, j, s in assignments if (i, j) not in set(locked or [])]
    return (len(assignments), min(chosen, default=0), total)


def assert_feasible(problem: Problem, solution: Solution) -> None:
    scores = {(i, j): s for i, j, s in problem.pairs}
    pairs = [(i, j) for i, j, _ in solution.assignments]
    assert solution.assignments == sorted(solution.assignments)
    assert all(scores[i, j] == s for i, j, s in solution.assignments)
    assert set(problem.locked) <= set(pairs)
    assert not set(problem.forbidden) & set(pairs)
    assert len({i for i, _ in pairs}) == len(pairs)
    load = Counter(j for _, j in pairs)
    assert all(load[j] <= cap for j, cap in enumerate(problem.capacities))
    assert solution.total == sum(s for _, _, s in solution.assignments)
    assert solution.matched == len(pairs)
    assert solution.unmatched == sorted(set(range(problem.mentee_count)) - {i for i, _ in pairs})
    assert set(solution.reasons) == set(solution.unmatched)
    assert solution.optimal is True
    assert solution.gap_bound == 0.0
    chosen = [s for i, j, s in solution.assignments if (i, j) not in set(problem.locked)]
    assert solution.bottleneck == min(chosen, default=None)


def shuffled(problem: Problem, seed: int) -> Problem:
    rng = random.Random(seed)
    pairs, locked, forbidden = list(problem.pairs), list(problem.locked), list(problem.forbidden)
    rng.shuffle(pairs)
    rng.shuffle(locked)
    rng.shuffle(forbidden)
    return Problem(problem.mentee_count, problem.capacities, pairs, locked, forbidden, problem.mode)


# --- Exactness -------------------------------------------------------------------------------------------


@PROPERTY
@given(problems())
def test_max_total_equals_hungarian_reference(problem: Problem) -> None:
    solution = solve(problem)

    assert_feasible(problem, solution)
    assert solution.total == reference_max_total(problem)


@PROPERTY
@given(problems())
def test_max_total_dense_and_flow_backends_agree(problem: Problem) -> None:
    residual = _residual(problem)

    flow = _solve_max_total(residual, backend="flow")
    dense = _solve_max_total(residual, backend="dense")

    assert sum(s for _, _, s in flow) == sum(s for _, _, s in dense)
    assert sum(s for _, _, s in flow) + locked_total(problem) == reference_max_total(problem)


@PROPERTY
@given(problems())
def test_max_matched_matches_maximum_cardinality(problem: Problem) -> None:
    problem = with_mode(problem, "max_matched")

    solution = solve(problem)

    assert_feasible(problem, solution)
    assert solution.matched == reference_max_matched(problem)


@PROPERTY
@given(problems(), st.integers(0, 1000))
def test_max_min_matches_maximum_cardinality(problem: Problem, seed: int) -> None:
    problem = with_mode(problem, "max_min")

    solution = solve(problem)

    assert_feasible(problem, solution)
    assert solution.matched == reference_max_matched(problem)


@pytest.mark.parametrize("mode", EXACT_MODES)
@settings(max_examples=400, deadline=None)
@given(problem=problems(max_mentees=5, max_mentors=4))
def test_every_mode_equals_brute_force_optimum(problem: Problem, mode: Mode) -> None:
    problem = with_mode(problem, mode)

    solution = solve(problem)

    assert_feasible(problem, solution)
    best = brute_force_best(problem, lambda matching: objective(mode, matching, problem.locked))
    assert objective(mode, solution.assignments, problem.locked) == best


def test_max_total_may_leave_mentees_unmatched_for_a_higher_total() -> None:
    # Matching both (0-1, 1-0) gives 2; leaving mentee 1 unmatched gives 10.
    problem = Problem(2, [1, 1], [(0, 0, 10), (0, 1, 1), (1, 0, 1)])

    assert solve(problem).assignments == [(0, 0, 10)]
    assert solve(with_mode(problem, "max_matched")).assignments == [(0, 1, 1), (1, 0, 1)]


def test_max_min_prefers_a_higher_bottleneck_over_a_higher_total() -> None:
    problem = Problem(2, [1, 1], [(0, 0, 10), (0, 1, 4), (1, 0, 4), (1, 1, 1)], mode="max_min")

    solution = solve(problem)

    assert solution.bottleneck == 4
    assert solution.assignments == [(0, 1, 4), (1, 0, 4)]
    assert solve(with_mode(problem, "max_matched")).assignments == [(0, 0, 10), (1, 1, 1)]


def test_max_min_maximises_the_total_above_the_bottleneck() -> None:
    problem = Problem(2, [1, 1, 1], [(0, 0, 10), (0, 1, 4), (1, 0, 4), (1, 1, 1), (1, 2, 4)], mode="max_min")

    solution = solve(problem)

    assert solution.bottleneck == 4
    assert solution.assignments == [(0, 0, 10), (1, 2, 4)]


def test_max_min_a_low_locked_pair_does_not_lower_the_floor_for_the_others() -> None:
    # The lock scores 2. The others can all be matched at 4 or more (1-2, 2-1); matching 1-1 (3) with
    # 2-2 (10) would give a higher total but a lower floor among the pairs the engine chooses.
    problem = Problem(
        3,
        [1, 1, 1],
        [(0, 0, 2), (1, 1, 3), (1, 2, 4), (2, 2, 10), (2, 1, 4)],
        locked=[(0, 0)],
        mode="max_min",
    )

    solution = solve(problem)

    assert solution.assignments == [(0, 0, 2), (1, 2, 4), (2, 1, 4)]
    assert solution.bottleneck == 4


@settings(max_examples=300, deadline=None)
@given(problem=problems(max_mentees=6, max_mentors=4), locks=st.integers(1, 3))
def test_max_min_with_locks_equals_brute_force(problem: Problem, locks: int) -> None:
    """Among the matchings that keep every lock and match the most mentees: the highest lowest score of
    the unlocked pairs, then the highest total (enumeration of every matching)."""
    rng = random.Random(len(problem.pairs) * 31 + locks)
    allowed = [(i, j) for i, j, _ in problem.pairs if (i, j) not in problem.forbidden]
    rng.shuffle(allowed)
    locked: list[tuple[int, int]] = []
    load: Counter[int] = Counter()
    for i, j in allowed:
        if len(locked) < locks and all(i != li for li, _ in locked) and load[j] < problem.capacities[j]:
            locked.append((i, j))
            load[j] += 1
    problem = Problem(
        problem.mentee_count, problem.capacities, problem.pairs, locked, problem.forbidden, "max_min"
    )

    solution = solve(problem)

    assert_feasible(problem, solution)
    best = brute_force_best(problem, lambda matching: objective("max_min", matching, locked))
    assert objective("max_min", solution.assignments, locked) == best


def test_huge_scores_stay_exact_without_the_tie_break() -> None:
    big = 10**13
    problem = Problem(3, [1, 2], [(0, 0, big), (1, 0, big + 1), (1, 1, big - 5), (2, 1, 3)])

    solution = solve(problem)

    assert solution.total == reference_max_total(problem)


def test_scores_beyond_the_exact_range_are_rejected() -> None:
    with pytest.raises(ProblemError, match="scores too large"):
        solve(Problem(2, [1], [(0, 0, 2**62), (1, 0, 1)]))


# --- Determinism and ties --------------------------------------------------------------------------------


@PROPERTY
@given(problems(), st.sampled_from(EXACT_MODES), st.integers(0, 10**6))
def test_solution_ignores_input_order_and_repeats(problem: Problem, mode: Mode, seed: int) -> None:
    problem = with_mode(problem, mode)

    first, second, reordered = solve(problem), solve(problem), solve(shuffled(problem, seed))

    assert first == second == reordered


@pytest.mark.parametrize("mode", EXACT_MODES)
def test_tie_goes_to_the_lower_mentee_index(mode: Mode) -> None:
    problem = Problem(3, [1], [(2, 0, 4), (1, 0, 4)], mode=mode)

    assert solve(problem).assignments == [(1, 0, 4)]


@pytest.mark.parametrize("mode", EXACT_MODES)
def test_tie_goes_to_the_lower_mentor_index(mode: Mode) -> None:
    problem = Problem(1, [1, 1, 1], [(0, 2, 4), (0, 1, 4)], mode=mode)

    assert solve(problem).assignments == [(0, 1, 4)]


def test_zero_score_pair_is_used_rather_than_left_empty() -> None:
    assert solve(Problem(1, [1], [(0, 0, 0)])).assignments == [(0, 0, 0)]


# --- Reasons -------------------------------------------------------------------------------------------


def test_reasons_name_why_each_mentee_is_unmatched() -> None:
    problem = Problem(
        5,
        [1, 0],
        [(1, 0, 3), (2, 0, 9), (3, 0, 1), (4, 1, 5)],
        forbidden=[(1, 0)],
    )

    solution = solve(problem)

    assert solution.assignments == [(2, 0, 9)]
    assert solution.reasons == {
        0: "no_feasible_pair",
        1: "forbidden",
        3: "better_used_elsewhere",
        4: "no_feasible_pair",  # its only mentor has capacity 0
    }


# --- Validation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (Problem(1, [1], [(1, 0, 1)]), r"pair \(1, 0\): mentee index 1 out of range"),
        (Problem(1, [1], [(0, 2, 1)]), r"pair \(0, 2\): mentor index 2 out of range"),
        (Problem(1, [1], [(-1, 0, 1)]), "mentee index -1 out of range"),
        (Problem(1, [-1], []), "negative capacity -1 for mentor 0"),
        (Problem(-1, [1], []), "mentee_count must be >= 0"),
        (Problem(1, [1], [(0, 0, -3)]), r"pair \(0, 0\): negative score -3"),
        (Problem(1, [1], [(0, 0, 1.5)]), "score of pair .* must be an integer"),  # type: ignore[list-item]
        (Problem(1, [1], [(0, 0, 1), (0, 0, 2)]), r"pair \(0, 0\) is listed twice"),
        (Problem(1, [1], [], forbidden=[(0, 3)]), r"forbidden pair \(0, 3\): mentor index 3 out of range"),
        (Problem(1, [1], [], locked=[(0, 0)]), r"locked pair \(0, 0\) is not a listed pair"),
        (
            Problem(1, [1], [(0, 0, 1)], locked=[(0, 0)], forbidden=[(0, 0)]),
            r"locked pair \(0, 0\) is also forbidden",
        ),
        (
            Problem(1, [1, 1], [(0, 0, 1), (0, 1, 1)], locked=[(0, 0), (0, 1)]),
            "mentee 0 is locked more than once",
        ),
        (
            Problem(2, [1], [(0, 0, 1), (1, 0, 1)], locked=[(0, 0), (1, 0)]),
            "mentor 0 has 2 locked mentees but capacity 1",
        ),
        (Problem(1, [1], [], mode="greedy"), "unknown mode 'greedy'"),  # type: ignore[arg-type]
    ],
)
def test_malformed_problem_raises_problem_error(problem: Problem, message: str) -> None:
    with pytest.raises(ProblemError, match=message):
        solve(problem)


def test_stable_mode_delegates_to_the_stable_solver() -> None:
    stable = pytest.importorskip("peerpath.engine.stable")
    problem = Problem(
        2, [1], [(0, 0, 1), (1, 0, 1)], mode="stable", mentee_ranks={0: [0], 1: [0]}, mentor_ranks={0: [1, 0]}
    )

    assert solve(problem) == stable.solve_stable(problem)


# --- Timing helper (prints only; no timing assertions) ------------------------------------------------------


def random_problem(mentees: int, mentors: int, density: float, seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    feasible = np.argwhere(rng.random((mentees, mentors)) < density)
    scores = rng.integers(0, 101, size=len(feasible))
    pairs = [(int(i), int(j), int(s)) for (i, j), s in zip(feasible, scores, strict=True)]
    capacities = rng.integers(0, 4, size=mentors).tolist()
    return Problem(mentees, capacities, pairs)


def time_solve(problem: Problem) -> float:
    start = time.perf_counter()
    solution = solve(problem)
    elapsed = time.perf_counter() - start
    print(
        f"{problem.mode}: {problem.mentee_count}x{len(problem.capacities)}, {len(problem.pairs)} pairs, "
        f"matched {solution.matched}, total {solution.total}: {elapsed:.2f} s"
    )
    return elapsed


def test_medium_instance_every_mode_is_feasible_and_max_total_matches_hungarian() -> None:
    problem = random_problem(120, 90, 0.1)

    for mode in EXACT_MODES:
        time_solve(with_mode(problem, mode))
    solution = solve(problem)

    assert_feasible(problem, solution)
    assert solution.total == reference_max_total(problem)
