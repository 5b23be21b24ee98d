"""Stable matching with capacities (peerpath/matching/stable.py). No database."""

import itertools
import math
import random
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerpath.engine.assignment import Problem, ProblemError, Solution
from peerpath.engine.stable import NO_ACCEPTABLE_PAIR, REJECTED_BY_ALL, solve_stable

# The autouse Django settings fixture in tests/conftest.py is function-scoped; it is harmless here.
property_settings = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def problems(draw: st.DrawFn, max_mentees: int = 8, max_mentors: int = 5) -> Problem:
    mentee_count = draw(st.integers(0, max_mentees))
    capacities = draw(st.lists(st.integers(0, 3), min_size=0, max_size=max_mentors))
    everyone = [(m, t) for m in range(mentee_count) for t in range(len(capacities))]
    listed = draw(st.lists(st.sampled_from(everyone), unique=True) if everyone else st.just([]))
    pairs = [(m, t, draw(st.integers(0, 1000))) for m, t in listed]
    forbidden = [pair for pair in listed if draw(st.integers(0, 5)) == 0]
    locked: list[tuple[int, int]] = []
    locks = Counter[int]()
    for m, t in listed:
        mentee_free = all(m != locked_mentee for locked_mentee, _ in locked)
        if (
            (m, t) not in forbidden
            and mentee_free
            and locks[t] < capacities[t]
            and draw(st.integers(0, 6)) == 0
        ):
            locked.append((m, t))
            locks[t] += 1
    # Rankings over the listed pairs (each entry dropped now and then), plus a few unlisted ones.
    mentee_ranks = {}
    for m in range(mentee_count):
        extra = draw(st.lists(st.integers(0, len(capacities) - 1), max_size=2)) if capacities else []
        options = sorted({t for mm, t in listed if mm == m} | set(extra))
        if draw(st.integers(0, 9)) > 0:
            mentee_ranks[m] = [t for t in draw(st.permutations(options)) if draw(st.integers(0, 4)) > 0]
    mentor_ranks = {}
    for t in range(len(capacities)):
        extra = draw(st.lists(st.integers(0, mentee_count - 1), max_size=2)) if mentee_count else []
        options = sorted({m for m, tt in listed if tt == t} | set(extra))
        if draw(st.integers(0, 9)) > 0:
            mentor_ranks[t] = [m for m in draw(st.permutations(options)) if draw(st.integers(0, 4)) > 0]
    return Problem(
        mentee_count=mentee_count,
        capacities=capacities,
        pairs=pairs,
        locked=locked,
        forbidden=forbidden,
        mode="stable",
        mentee_ranks=mentee_ranks,
        mentor_ranks=mentor_ranks,
    )


def _position(ranking: list[int], who: int) -> float:
    return ranking.index(who) if who in ranking else math.inf


def acceptable_pairs(problem: Problem) -> set[tuple[int, int]]:
    forbidden = set(problem.forbidden)
    return {
        (m, t)
        for m, t, _ in problem.pairs
        if (m, t) not in forbidden
        and t in problem.mentee_ranks.get(m, [])
        and m in problem.mentor_ranks.get(t, [])
    }


def blocking_pairs(problem: Problem, mentor_of: dict[int, int]) -> list[tuple[int, int]]:
    """Acceptable (m, t), m not locked, where m is unmatched or prefers t, and t has a free seat or
    prefers m to the worst unlocked mentee it holds (locked mentees cannot be displaced)."""
    locked_mentees = {m for m, _ in problem.locked}
    seats_used = Counter(mentor_of.values())
    blocking = []
    for m, t in sorted(acceptable_pairs(problem)):
        if m in locked_mentees or mentor_of.get(m) == t:
            continue
        mentee_ranking = problem.mentee_ranks[m]
        mentee_prefers = m not in mentor_of or _position(mentee_ranking, t) < _position(
            mentee_ranking, mentor_of[m]
        )
        mentor_ranking = problem.mentor_ranks[t]
        held = [x for x, tt in mentor_of.items() if tt == t and x not in locked_mentees]
        mentor_prefers = seats_used[t] < problem.capacities[t] or any(
            _position(mentor_ranking, m) < _position(mentor_ranking, x) for x in held
        )
        if mentee_prefers and mentor_prefers:
            blocking.append((m, t))
    return blocking


def mentor_of(solution: Solution) -> dict[int, int]:
    return {m: t for m, t, _ in solution.assignments}


def is_feasible(problem: Problem, matching: dict[int, int]) -> bool:
    seats = Counter(matching.values())
    locked = dict(problem.locked)
    acceptable = acceptable_pairs(problem)
    return (
        all(seats[t] <= capacity for t, capacity in enumerate(problem.capacities))
        and all(matching.get(m) == t for m, t in locked.items())
        and all((m, t) in acceptable for m, t in matching.items() if m not in locked)
    )


def all_stable_matchings(problem: Problem) -> list[dict[int, int]]:
    locked = dict(problem.locked)
    acceptable = acceptable_pairs(problem)
    free = [m for m in range(problem.mentee_count) if m not in locked]
    choices = [[None] + [t for mm, t in sorted(acceptable) if mm == m] for m in free]
    stable = []
    for combination in itertools.product(*choices):
        matching = dict(locked) | {m: t for m, t in zip(free, combination, strict=True) if t is not None}
        if is_feasible(problem, matching) and not blocking_pairs(problem, matching):
            stable.append(matching)
    return stable


@property_settings
@given(problem=problems())
def test_solve_stable_has_no_blocking_pair(problem):
    solution = solve_stable(problem)

    assert blocking_pairs(problem, mentor_of(solution)) == []


@property_settings
@given(problem=problems())
def test_solve_stable_respects_capacities_locks_and_acceptability(problem):
    scores = {(m, t): score for m, t, score in problem.pairs}

    solution = solve_stable(problem)

    matching = mentor_of(solution)
    assert len(matching) == len(solution.assignments)  # a mentee at most once
    assert is_feasible(problem, matching)
    assert all(score == scores[(m, t)] for m, t, score in solution.assignments)
    assert solution.assignments == sorted(solution.assignments)
    assert solution.total == sum(score for _, _, score in solution.assignments)
    assert solution.matched == len(solution.assignments)
    assert solution.unmatched == [m for m in range(problem.mentee_count) if m not in matching]
    assert solution.optimal is True
    assert solution.gap_bound == 0.0


@property_settings
@given(problem=problems())
def test_solve_stable_gives_reasons_for_every_unmatched_mentee(problem):
    acceptable = acceptable_pairs(problem)

    solution = solve_stable(problem)

    assert set(solution.reasons) == set(solution.unmatched)
    for m, reason in solution.reasons.items():
        has_acceptable = any(mm == m for mm, _ in acceptable)
        assert reason == (REJECTED_BY_ALL if has_acceptable else NO_ACCEPTABLE_PAIR)


@property_settings
@given(problem=problems(max_mentees=4, max_mentors=3))
def test_solve_stable_is_mentee_optimal(problem):
    stable_matchings = all_stable_matchings(problem)

    matching = mentor_of(solve_stable(problem))

    assert matching in stable_matchings
    for other in stable_matchings:
        for m in range(problem.mentee_count):
            ranking = problem.mentee_ranks.get(m, [])
            mine = _position(ranking, matching[m]) if m in matching else math.inf
            theirs = _position(ranking, other[m]) if m in other else math.inf
            if m not in dict(problem.locked):
                assert mine <= theirs


@property_settings
@given(problem=problems(), seed=st.integers(0, 2**32))
def test_solve_stable_is_deterministic_and_independent_of_list_order(problem, seed):
    shuffled_pairs = list(problem.pairs)
    random.Random(seed).shuffle(shuffled_pairs)
    reordered = Problem(
        mentee_count=problem.mentee_count,
        capacities=problem.capacities,
        pairs=shuffled_pairs,
        locked=list(reversed(problem.locked)),
        forbidden=list(reversed(problem.forbidden)),
        mode="stable",
        mentee_ranks=dict(reversed(problem.mentee_ranks.items())),
        mentor_ranks=dict(reversed(problem.mentor_ranks.items())),
    )

    first, second, third = solve_stable(problem), solve_stable(problem), solve_stable(reordered)

    assert first == second == third


def test_solve_stable_mentees_get_their_best_stable_mentor():
    # Two mentees both want mentor 0 first; mentor 0 prefers mentee 1.
    problem = Problem(
        mentee_count=3,
        capacities=[1, 2],
        pairs=[(0, 0, 10), (0, 1, 5), (1, 0, 7), (1, 1, 8), (2, 1, 3)],
        mode="stable",
        mentee_ranks={0: [0, 1], 1: [0, 1], 2: [1]},
        mentor_ranks={0: [1, 0], 1: [2, 0, 1]},
    )

    solution = solve_stable(problem)

    assert solution.assignments == [(0, 1, 5), (1, 0, 7), (2, 1, 3)]
    assert solution.total == 15
    assert solution.matched == 3
    assert solution.unmatched == []


def test_solve_stable_reports_why_mentees_stay_unmatched():
    problem = Problem(
        mentee_count=3,
        capacities=[1],
        pairs=[(0, 0, 1), (1, 0, 1), (2, 0, 1)],
        forbidden=[(2, 0)],
        mode="stable",
        mentee_ranks={0: [0], 1: [0], 2: [0]},
        mentor_ranks={0: [0, 1, 2]},
    )

    solution = solve_stable(problem)

    assert solution.assignments == [(0, 0, 1)]
    assert solution.reasons == {1: REJECTED_BY_ALL, 2: NO_ACCEPTABLE_PAIR}


def test_solve_stable_needs_both_sides_to_rank_a_listed_pair():
    problem = Problem(
        mentee_count=2,
        capacities=[2],
        pairs=[(0, 0, 9), (1, 0, 9)],
        mode="stable",
        mentee_ranks={0: [0], 1: [0]},
        mentor_ranks={0: [0]},  # the mentor does not rank mentee 1
    )

    solution = solve_stable(problem)

    assert solution.assignments == [(0, 0, 9)]
    assert solution.reasons == {1: NO_ACCEPTABLE_PAIR}


def test_solve_stable_locks_take_a_seat_first():
    # Mentee 1 is locked to mentor 0 though mentor 0 prefers mentee 0: that pair is not blocking,
    # because locked mentees cannot be displaced.
    problem = Problem(
        mentee_count=2,
        capacities=[1, 1],
        pairs=[(0, 0, 4), (0, 1, 2), (1, 0, 6)],
        locked=[(1, 0)],
        mode="stable",
        mentee_ranks={0: [0, 1], 1: [0]},
        mentor_ranks={0: [0, 1], 1: [0]},
    )

    solution = solve_stable(problem)

    assert solution.assignments == [(0, 1, 2), (1, 0, 6)]
    assert blocking_pairs(problem, mentor_of(solution)) == []


@pytest.mark.parametrize(
    ("locked", "forbidden", "message"),
    [
        ([(0, 1)], [], "lock [0, 1] is not a listed pair"),
        ([(0, 0)], [(0, 0)], "lock [0, 0] is on a forbidden pair"),
        ([(0, 0), (1, 0)], [], "mentor 0 has more locked mentees than its capacity 1"),
    ],
)
def test_solve_stable_rejects_impossible_locks(locked, forbidden, message):
    problem = Problem(
        mentee_count=2,
        capacities=[1, 1],
        pairs=[(0, 0, 1), (1, 0, 1)],
        locked=locked,
        forbidden=forbidden,
        mode="stable",
    )

    with pytest.raises(ProblemError, match=re.escape(message)):
        solve_stable(problem)
