"""Matching engine: hard constraints, score components, chunking, exact assignment, explanations. No DB."""

import itertools
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from peerpath.engine import pruning, solve
from peerpath.engine.explanations import explain
from peerpath.engine.inputs import COMPONENTS, CONSTRAINTS, Constraints, Side, Vocabulary, Weights
from peerpath.engine.scoring import Scorer, component_labels, explain_pairs, score_pairs
from peerpath.engine.solve import EngineResult, match
from peerpath.engine.synthetic import DEMO_VOCABULARY, generate_school

NO_CONSTRAINTS = Constraints(
    require_matchable=False,
    same_school=False,
    min_grade_gap=None,
    min_shared_slots=None,
    shared_language=False,
)
ONLY = dict.fromkeys(COMPONENTS, 0.0)


def tags(rows: list[list[int]], width: int = 6) -> sp.csr_array:
    matrix = np.zeros((len(rows), width), dtype=np.int64)
    for r, cols in enumerate(rows):
        matrix[r, cols] = 1
    return sp.csr_array(matrix)


def side(prefix: str, n: int, **overrides: object) -> Side:
    fields: dict[str, object] = {
        "ids": [f"{prefix}{k}" for k in range(n)],
        "grade": [9] * n if prefix == "e" else [11] * n,
        "school": [1] * n,
        "interests": tags([[] for _ in range(n)]),
        "goals": tags([[] for _ in range(n)]),
        "subjects": tags([[] for _ in range(n)]),
        "languages": [1] * n,
        "availability": [0b1111] * n,
        "background": [0] * n,
    }
    fields.update(overrides)
    return Side(**fields)  # type: ignore[arg-type]


def feasible(mentees: Side, mentors: Side, constraints: Constraints) -> set[tuple[int, int]]:
    scored = score_pairs(mentees, mentors, Weights(), constraints)
    return set(zip(scored.rows.tolist(), scored.cols.tolist(), strict=True))


def exclusions(mentees: Side, mentors: Side, constraints: Constraints, name: str) -> list[int]:
    scored = score_pairs(mentees, mentors, Weights(), constraints)
    return scored.exclusions[:, CONSTRAINTS.index(name)].tolist()


def component(name: str, mentees: Side, mentors: Side, pair: tuple[int, int] = (0, 0)) -> float:
    weights = Weights(**{**ONLY, name: 1.0})
    (breakdown,) = explain_pairs(mentees, mentors, weights, [pair])
    return breakdown.components[name]


# --- Hard constraints -----------------------------------------------------------------------------------


def test_no_constraints_everything_feasible() -> None:
    assert feasible(side("e", 2), side("r", 3), NO_CONSTRAINTS) == set(itertools.product(range(2), range(3)))


def test_require_matchable_excludes_unmatchable_people() -> None:
    mentees = side("e", 2, matchable=[True, False])
    mentors = side("r", 3, matchable=[True, True, False])
    on = Constraints(**{**NO_CONSTRAINTS.__dict__, "require_matchable": True})
    assert feasible(mentees, mentors, on) == {(0, 0), (0, 1)}
    assert exclusions(mentees, mentors, on, "matchable") == [1, 3]


def test_mentor_without_places_is_excluded() -> None:
    mentors = side("r", 2, capacity=[0, 1])
    assert feasible(side("e", 1), mentors, NO_CONSTRAINTS) == {(0, 1)}
    assert exclusions(side("e", 1), mentors, NO_CONSTRAINTS, "mentor_full") == [1]


def test_same_school_allows_listed_partner_schools() -> None:
    mentees = side("e", 2, school=[1, 2])
    mentors = side("r", 3, school=[1, 2, 3])
    strict = Constraints(**{**NO_CONSTRAINTS.__dict__, "same_school": True})
    assert feasible(mentees, mentors, strict) == {(0, 0), (1, 1)}
    assert exclusions(mentees, mentors, strict, "same_school") == [2, 2]
    partnered = Constraints(**{**strict.__dict__, "allowed_school_pairs": frozenset({(1, 3)})})
    assert feasible(mentees, mentors, partnered) == {(0, 0), (0, 2), (1, 1)}


def test_min_grade_gap_needs_mentor_that_many_grades_above() -> None:
    mentees = side("e", 1, grade=[10])
    mentors = side("r", 4, grade=[9, 10, 11, 12])
    gap2 = Constraints(**{**NO_CONSTRAINTS.__dict__, "min_grade_gap": 2})
    assert feasible(mentees, mentors, gap2) == {(0, 3)}
    assert exclusions(mentees, mentors, gap2, "grade_gap") == [3]


def test_min_shared_slots_counts_common_bits() -> None:
    mentees = side("e", 1, availability=[0b0111])
    mentors = side("r", 3, availability=[0b0001, 0b0011, 0b1000])
    two = Constraints(**{**NO_CONSTRAINTS.__dict__, "min_shared_slots": 2})
    assert feasible(mentees, mentors, two) == {(0, 1)}
    assert exclusions(mentees, mentors, two, "shared_slots") == [2]


def test_shared_language_needs_a_common_bit() -> None:
    mentees = side("e", 1, languages=[0b010])
    mentors = side("r", 3, languages=[0b001, 0b011, 0b100])
    on = Constraints(**{**NO_CONSTRAINTS.__dict__, "shared_language": True})
    assert feasible(mentees, mentors, on) == {(0, 1)}


@pytest.mark.parametrize("name", ["avoid", "never_rematch", "forbidden"])
def test_pair_sets_exclude_exactly_their_pairs(name: str) -> None:
    pairs = frozenset({("e0", "r1"), ("e1", "r0"), ("e1", "r2"), ("ghost", "r0")})
    constraints = Constraints(**{**NO_CONSTRAINTS.__dict__, name: pairs})
    assert feasible(side("e", 2), side("r", 3), constraints) == {(0, 0), (0, 2), (1, 1)}
    assert exclusions(side("e", 2), side("r", 3), constraints, name) == [1, 2]


def test_constraints_combine_and_each_counts_alone() -> None:
    mentees = side("e", 1, grade=[10], school=[1])
    mentors = side("r", 3, grade=[9, 11, 12], school=[2, 2, 1])
    scored = score_pairs(mentees, mentors, Weights(), Constraints())
    assert list(zip(scored.rows.tolist(), scored.cols.tolist(), strict=True)) == [(0, 2)]
    counts = dict(zip(CONSTRAINTS, scored.exclusions[0].tolist(), strict=True))
    assert counts["same_school"] == 2
    assert counts["grade_gap"] == 1
    assert scored.feasible_count.tolist() == [1]


# --- Components -----------------------------------------------------------------------------------------


def test_interest_overlap_is_idf_weighted_jaccard() -> None:
    mentees = side("e", 1, interests=tags([[0, 1]]))
    mentors = side("r", 2, interests=tags([[0, 1], [0, 2]]))
    assert component("interests", mentees, mentors, (0, 0)) == 1.0
    half = component("interests", mentees, mentors, (0, 1))
    assert 0 < half < 0.5  # tag 0 is shared by everyone, so it weighs least
    assert component("interests", mentees, side("r", 1)) == 0.0


def test_rare_shared_interest_outweighs_common_one() -> None:
    mentees = side("e", 2, interests=tags([[0, 5], [1, 5]]))
    mentors = side("r", 3, interests=tags([[0, 4], [1, 3], [0, 2]]))
    rare = component("interests", mentees, mentors, (1, 1))  # tag 1 held by 2 people
    common = component("interests", mentees, mentors, (0, 0))  # tag 0 held by 3 people
    assert rare > common


def test_goal_coverage_is_share_of_mentee_goals() -> None:
    mentees = side("e", 2, goals=tags([[0, 1, 2, 3], []]))
    mentors = side("r", 1, goals=tags([[1, 3, 5]]))
    assert component("goals", mentees, mentors, (0, 0)) == 0.5
    assert component("goals", mentees, mentors, (1, 0)) == 0.0


def test_subject_match_is_share_of_mentee_subjects() -> None:
    mentees = side("e", 1, subjects=tags([[2, 4]]))
    mentors = side("r", 1, subjects=tags([[2]]))
    assert component("subjects", mentees, mentors) == 0.5


def test_availability_is_shared_slots_over_mentee_slots() -> None:
    mentees = side("e", 2, availability=[0b1111, 0])
    mentors = side("r", 1, availability=[0b0110_0011])
    assert component("availability", mentees, mentors, (0, 0)) == 0.5
    assert component("availability", mentees, mentors, (1, 0)) == 0.0


def test_high_slot_bits_count() -> None:
    top = 1 << 63
    mentees = side("e", 1, availability=[top | 1])
    mentors = side("r", 1, availability=[top])
    assert component("availability", mentees, mentors) == 0.5


def test_language_is_any_shared_language() -> None:
    mentees = side("e", 1, languages=[0b110])
    assert component("language", mentees, side("r", 1, languages=[0b100])) == 1.0
    assert component("language", mentees, side("r", 1, languages=[0b001])) == 0.0


def test_background_counts_only_when_both_opted_in() -> None:
    mentees = side("e", 2, background=[0b011, 0])
    mentors = side("r", 2, background=[0b110, 0b001])
    assert component("background", mentees, mentors, (0, 0)) == pytest.approx(1 / 3)
    assert component("background", mentees, mentors, (0, 1)) == 0.5
    assert component("background", mentees, mentors, (1, 0)) == 0.0


def test_semantic_uses_embeddings_and_clips_negative() -> None:
    vectors = np.eye(3, 256, dtype=np.float32)
    mentees = side("e", 1, embeddings=vectors[:1])
    mentors = side("r", 3, embeddings=np.stack([vectors[0], vectors[1], -vectors[0]]))
    assert component("semantic", mentees, mentors, (0, 0)) == 1.0
    assert component("semantic", mentees, mentors, (0, 1)) == 0.0
    assert component("semantic", mentees, mentors, (0, 2)) == 0.0


def test_missing_texts_give_zero_semantic() -> None:
    mentees = side("e", 1, texts=[None])
    mentors = side("r", 1, texts=["I like robots"])
    assert component("semantic", mentees, mentors) == 0.0


def test_request_bonus_only_for_requested_pair() -> None:
    weights = Weights(**{**ONLY, "request": 1.0})
    scored = score_pairs(side("e", 1), side("r", 2), weights, NO_CONSTRAINTS, requests={("e0", "r1")})
    assert scored.score.tolist() == [0, 1000]


def test_score_is_rounded_weighted_total() -> None:
    mentees = side("e", 1, availability=[0b1111], goals=tags([[0, 1]]))
    mentors = side("r", 1, availability=[0b0001], goals=tags([[0]]))
    weights = Weights(**{**ONLY, "availability": 2.0, "goals": 1.5, "language": 0.3})
    scored = score_pairs(mentees, mentors, weights, NO_CONSTRAINTS)
    assert scored.score.tolist() == [round(1000 * (2.0 * 0.25 + 1.5 * 0.5 + 0.3 * 1.0))]


def test_explained_score_equals_scored_score() -> None:
    mentees, mentors = generate_school(60, 50, seed=3)
    scored = score_pairs(mentees, mentors, Weights(), Constraints(), requests={("e1", "r1")})
    pairs = list(zip(scored.rows.tolist(), scored.cols.tolist(), strict=True))
    breakdowns = explain_pairs(mentees, mentors, Weights(), pairs, requests={("e1", "r1")})
    assert [b.score for b in breakdowns] == scored.score.tolist()
    for b in breakdowns:
        assert all(0.0 <= value <= 1.0 for value in b.components.values())


# --- Chunking and determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_cells", [1, 37, 1000])
def test_chunked_scoring_equals_unchunked(chunk_cells: int) -> None:
    mentees, mentors = generate_school(90, 70, seed=5)
    constraints = Constraints(avoid=frozenset({("e3", "r4")}), never_rematch=frozenset({("e80", "r2")}))
    whole = score_pairs(mentees, mentors, Weights(), constraints, chunk_cells=10**9)
    parts = score_pairs(mentees, mentors, Weights(), constraints, chunk_cells=chunk_cells)
    assert len(whole) > 0
    for name in ("rows", "cols", "score", "exclusions", "feasible_count"):
        np.testing.assert_array_equal(getattr(parts, name), getattr(whole, name))


def test_scoring_is_deterministic() -> None:
    first = score_pairs(*generate_school(80, 80, seed=9), Weights(), Constraints())
    second = score_pairs(*generate_school(80, 80, seed=9), Weights(), Constraints())
    np.testing.assert_array_equal(first.score, second.score)
    np.testing.assert_array_equal(first.cols, second.cols)


def test_generated_school_is_mostly_infeasible() -> None:
    mentees, mentors = generate_school(400, 300, seed=1)
    share = len(score_pairs(mentees, mentors, Weights(), Constraints())) / (400 * 300)
    assert 0.05 <= share <= 0.2
    assert set(np.unique(mentees.grade).tolist()) <= {9, 10, 11, 12}
    assert mentees.texts is not None
    assert all(mentees.texts)


# --- Matching -------------------------------------------------------------------------------------------


def brute_force_best(scores: dict[tuple[int, int], int], n: int, capacity: list[int]) -> int:
    best = 0
    options = [[None] + [j for j in range(len(capacity)) if (i, j) in scores] for i in range(n)]
    for choice in itertools.product(*options):
        used = [sum(1 for c in choice if c == j) for j in range(len(capacity))]
        if all(u <= c for u, c in zip(used, capacity, strict=True)):
            best = max(best, sum(scores[i, j] for i, j in enumerate(choice) if j is not None))
    return best


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 5), m=st.integers(1, 4))
def test_match_total_is_optimal_against_brute_force(seed: int, n: int, m: int) -> None:
    mentees, mentors = generate_school(n, m, seed)
    constraints = Constraints(same_school=False, min_grade_gap=None)
    scored = score_pairs(mentees, mentors, Weights(), constraints)
    keys = zip(scored.rows.tolist(), scored.cols.tolist(), strict=True)
    scores = dict(zip(keys, scored.score.tolist(), strict=True))
    assert mentors.capacity is not None
    result = match(mentees, mentors, Weights(), constraints)
    assert result.total == brute_force_best(scores, n, mentors.capacity.tolist())
    assert result.total == sum(a.score for a in result.assignments)
    assert all(scores[a.mentee, a.mentor] == a.score == a.breakdown.score for a in result.assignments)
    assert len(result.assignments) + len(result.unmatched) == n


def test_match_small_case_assignment_breakdown_and_reasons() -> None:
    mentees = side(
        "e",
        4,
        interests=tags([[0], [0], [1], []]),
        school=[1, 1, 1, 2],
    )
    mentors = side("r", 2, interests=tags([[0, 2], [1]]), capacity=[1, 1])
    weights = Weights(**{**ONLY, "interests": 1.0, "language": 0.1})
    result = match(mentees, mentors, weights, Constraints(), requests={("e1", "r0")})
    pairs = {(a.mentee_id, a.mentor_id) for a in result.assignments}
    assert pairs == {("e0", "r0"), ("e2", "r1")}  # e0 and e1 tie on r0; the request weight is 0 here
    by_id = {u.mentee_id: u for u in result.unmatched}
    assert by_id["e1"].reason == "better_used_elsewhere"
    assert by_id["e1"].message == "all feasible mentors were better used elsewhere"
    assert by_id["e3"].reason == "no_feasible_mentor"
    assert by_id["e3"].constraint == "same_school"
    assert by_id["e3"].excluded == 2
    assert result.optimal
    assert result.total == sum(a.score for a in result.assignments)
    first = next(a for a in result.assignments if a.mentee_id == "e2")
    assert first.breakdown.components["interests"] == 1.0
    assert first.breakdown.shared_interests == (1,)


def test_match_request_bonus_changes_the_choice() -> None:
    mentees = side("e", 2, interests=tags([[0], [0]]))
    mentors = side("r", 1, interests=tags([[0]]))
    result = match(mentees, mentors, Weights(), Constraints(), requests={("e1", "r0")})
    assert [(a.mentee_id, a.mentor_id) for a in result.assignments] == [("e1", "r0")]
    assert result.assignments[0].breakdown.requested


def test_match_keeps_infeasible_lock_with_warning() -> None:
    mentees = side("e", 1, school=[1])
    mentors = side("r", 2, school=[2, 1])
    result = match(mentees, mentors, Weights(), Constraints(), locked={("e0", "r0")})
    assert [(a.mentee_id, a.mentor_id, a.locked) for a in result.assignments] == [("e0", "r0", True)]
    assert "different school" in result.warnings[0]


def test_match_max_min_and_stable_modes_run() -> None:
    mentees, mentors = generate_school(40, 30, seed=4)
    best = match(mentees, mentors, Weights(), Constraints())
    fair = match(mentees, mentors, Weights(), Constraints(), mode="max_min")
    stable = match(mentees, mentors, Weights(), Constraints(), mode="stable")
    assert fair.total <= best.total
    assert len(fair.assignments) >= len(best.assignments)  # max_min matches as many as possible
    assert stable.total <= best.total
    assert stable.assignments


def _fairness(result: EngineResult) -> tuple[int, int, int]:
    """max_min's objective: matched, the lowest score of the pairs that are not locked, the total."""
    chosen = [a.score for a in result.assignments if not a.locked]
    return len(result.assignments), min(chosen, default=0), result.total


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_match_max_min_with_locks_certified_path_equals_exact_path(seed: int) -> None:
    mentees, mentors = generate_school(160, 150, seed, school_size=60)
    # Lock two mentees to their lowest feasible mentor: low scores, the coordinator's decision.
    scored = score_pairs(mentees, mentors, Weights(), Constraints())
    lows = []
    for i in (0, 7):
        mine = np.flatnonzero(scored.rows == i)
        if len(mine):
            k = mine[np.argmin(scored.score[mine])]
            lows.append((mentees.ids[i], mentors.ids[int(scored.cols[k])], int(scored.score[k])))
    locked = {(a, b) for a, b, _ in lows}

    exact = match(mentees, mentors, Weights(), Constraints(), mode="max_min", locked=locked, solver="exact")
    pruned = match(mentees, mentors, Weights(), Constraints(), mode="max_min", locked=locked, solver="pruned")

    assert lows
    assert pruned.optimal
    assert _fairness(pruned) == _fairness(exact)
    assert {(a.mentee_id, a.mentor_id) for a in pruned.assignments if a.locked} == locked
    # The others are matched as if the locked mentees and their mentors' places were not in the round:
    # a low lock does not pull their floor down.
    assert mentees.matchable is not None
    assert mentors.capacity is not None
    matchable, capacity = mentees.matchable.copy(), mentors.capacity.copy()
    for a, b, _ in lows:
        matchable[mentees.ids.index(a)] = False
        capacity[mentors.ids.index(b)] -= 1
    rest = match(
        replace(mentees, matchable=matchable),
        replace(mentors, capacity=capacity),
        Weights(),
        Constraints(),
        mode="max_min",
        solver="exact",
    )
    assert _fairness(exact)[1] == _fairness(rest)[1]
    assert _fairness(exact)[0] == _fairness(rest)[0] + len(lows)


def test_match_max_min_certified_path_without_locks_equals_exact_path() -> None:
    mentees, mentors = generate_school(300, 260, seed=9, school_size=100)

    exact = match(mentees, mentors, Weights(), Constraints(), mode="max_min", solver="exact")
    pruned = match(mentees, mentors, Weights(), Constraints(), mode="max_min", solver="pruned")

    assert pruned.optimal
    assert _fairness(pruned) == _fairness(exact)


# --- Explanations ---------------------------------------------------------------------------------------


def test_explain_in_plain_words_biggest_first() -> None:
    vocabulary = Vocabulary(interests=["robotics", "music", "chess"], languages=["English", "Spanish"])
    mentees = side("e", 1, interests=tags([[0, 1]]), languages=[0b11], availability=[0b1111])
    mentors = side("r", 1, interests=tags([[0, 1, 2]]), languages=[0b10], availability=[0b1111])
    weights = Weights(**{**ONLY, "interests": 1.0, "availability": 0.4, "language": 0.2})
    (breakdown,) = explain_pairs(mentees, mentors, weights, [(0, 0)])
    assert explain(breakdown, vocabulary) == [
        "both like robotics, music",
        "4 shared free periods",
        "both speak Spanish",
    ]


def test_explain_generated_match_has_reasons() -> None:
    result = match(*generate_school(30, 30, seed=2), Weights(), Constraints())
    for assignment in result.assignments:
        reasons = explain(assignment.breakdown, DEMO_VOCABULARY)
        assert reasons
        assert all(isinstance(reason, str) and reason for reason in reasons)


# --- Scale paths: school blocks, threads, the certified large solver, progress ----------------------------


def test_block_scoring_equals_scoring_every_cell() -> None:
    mentees, mentors = generate_school(300, 260, seed=11)
    constraints = Constraints(
        allowed_school_pairs=frozenset({(0, 1)}), avoid=frozenset({("e3", "r5"), ("e10", "r0")})
    )
    scorer = Scorer(mentees, mentors, Weights(), constraints)
    assert len(scorer.blocks()) > 1
    everything = scorer.score_cells(np.arange(300), np.arange(260))  # one block over all cells
    scored = score_pairs(mentees, mentors, Weights(), constraints)
    np.testing.assert_array_equal(scored.rows, everything[0])
    np.testing.assert_array_equal(scored.cols, everything[1])
    np.testing.assert_array_equal(scored.score, everything[2])
    np.testing.assert_array_equal(scored.exclusions, everything[3])  # exact over every mentor by default


@pytest.mark.parametrize(("threads", "chunk_cells"), [(1, 1), (2, 777), (3, 10**9)])
def test_scoring_does_not_depend_on_threads_or_chunks(threads: int, chunk_cells: int) -> None:
    mentees, mentors = generate_school(120, 90, seed=6)
    reference = score_pairs(mentees, mentors, Weights(), Constraints())
    scorer = Scorer(mentees, mentors, Weights(), Constraints())
    seen: list[float] = []
    scored = scorer.score(chunk_cells, threads=threads, progress=seen.append)
    for name in ("rows", "cols", "score", "exclusions", "feasible_count"):
        np.testing.assert_array_equal(getattr(scored, name), getattr(reference, name))
    assert seen == sorted(seen)
    assert seen[-1] == 1.0


@pytest.mark.parametrize(
    "constraints",
    [
        Constraints(),
        Constraints(
            allowed_school_pairs=frozenset({(0, 1), (2, 0)}),
            avoid=frozenset({("e3", "r5"), ("e10", "r0")}),
            never_rematch=frozenset({("e7", "r7")}),
            forbidden=frozenset({("e1", "r1"), ("e2", "r9")}),
        ),
        Constraints(
            require_matchable=False,
            same_school=False,
            min_grade_gap=None,
            min_shared_slots=None,
            shared_language=False,
        ),
        Constraints(min_grade_gap=0, min_shared_slots=2),
    ],
)
@pytest.mark.parametrize("weights", [Weights(), Weights(semantic=0.0, request=0.0, goals=0.0)])
def test_fast_scoring_without_exclusions_equals_full_scoring(
    constraints: Constraints, weights: Weights
) -> None:
    # match() scores without exclusion counts: school blocks minus excluded people, split by grade.
    mentees, mentors = generate_school(400, 260, seed=4, school_size=100)
    assert mentors.capacity is not None
    mentors.capacity[::7] = 0
    mentees.priority = np.arange(len(mentees)) % 5 == 0  # rematch priority: part of every scoring path
    scorer = Scorer(mentees, mentors, weights, constraints, requests={("e1", "r1"), ("e5", "r7")})
    full = scorer.score(full_exclusions=True)
    for chunk_cells in (50, 10**9):
        fast = scorer.score(chunk_cells, full_exclusions=False)
        for name in ("rows", "cols", "score", "feasible_count"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(full, name))
    assert len(full) > 0
    # The bonus is in the scores: the same pairs score weight.priority * 1000 more for priority mentees.
    plain = Scorer(
        mentees, mentors, replace(weights, priority=0.0), constraints, requests={("e1", "r1"), ("e5", "r7")}
    )
    bonus = full.score - plain.score(full_exclusions=True).score
    expected = np.where(mentees.priority[full.rows], round(weights.priority * 1000), 0)
    assert np.abs(bonus - expected).max() <= 1  # each total is rounded once, so +-1 at most
    assert (bonus[mentees.priority[full.rows]] >= 999).all()


def test_generated_district_has_school_sized_programs() -> None:
    mentees, mentors = generate_school(6000, 5000, seed=3)
    sizes = np.bincount(mentees.school)
    assert len(sizes) == 6
    assert sizes.min() >= 300
    assert sizes.max() <= 1800
    assert set(np.unique(mentors.school).tolist()) == set(range(6))
    small, _ = generate_school(6000, 5000, seed=3, school_size=None)
    assert len(np.unique(small.school)) <= 3


def dense_best(
    scored_rows: np.ndarray, scored_cols: np.ndarray, scores: np.ndarray, n: int, cap: list[int]
) -> int:
    """Independent exact optimum: scipy's LAPJV over mentees x mentor places (infeasible cells score 0)."""
    slots = [(j, c) for j, room in enumerate(cap) for c in range(min(room, n))]
    if not slots or n == 0:
        return 0
    column = {}
    for k, (j, _) in enumerate(slots):
        column.setdefault(j, []).append(k)
    profit = np.zeros((n, len(slots)))
    for i, j, s in zip(scored_rows.tolist(), scored_cols.tolist(), scores.tolist(), strict=True):
        profit[i, column.get(j, [])] = s
    r, c = linear_sum_assignment(profit, maximize=True)
    return int(profit[r, c].sum())


def check_result(result: EngineResult, mentees: Side, mentors: Side, locks: set[tuple[str, str]]) -> None:
    assert mentors.capacity is not None
    assert result.total == sum(a.score for a in result.assignments)
    assert len({a.mentee for a in result.assignments}) == len(result.assignments)
    loads = np.bincount([a.mentor for a in result.assignments], minlength=len(mentors))
    assert (loads <= mentors.capacity).all()
    assert locks <= {(a.mentee_id, a.mentor_id) for a in result.assignments}
    assert len(result.assignments) + len(result.unmatched) == len(mentees)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 40),
    m=st.integers(1, 30),
    join=st.booleans(),
    lock=st.booleans(),
    forbid=st.booleans(),
)
def test_pruned_solver_equals_exact_solver_and_scipy(
    seed: int, n: int, m: int, join: bool, lock: bool, forbid: bool
) -> None:
    mentees, mentors = generate_school(n, m, seed)
    assert mentors.capacity is not None
    mentors.capacity[: m // 4] = 0  # some mentors without places
    constraints = Constraints(
        allowed_school_pairs=frozenset({(0, 1), (1, 0)}) if join else frozenset(),
        forbidden=frozenset({("e0", "r0"), ("e1", "r1")}) if forbid else frozenset(),
    )
    locks = {(mentees.ids[-1], mentors.ids[-1])} if lock else set()
    exact = match(mentees, mentors, Weights(), constraints, locked=locks, solver="exact")
    pruned = match(mentees, mentors, Weights(), constraints, locked=locks, solver="pruned")
    assert pruned.optimal
    assert pruned.gap_bound == 0.0
    assert pruned.total == exact.total
    check_result(pruned, mentees, mentors, locks)
    if not locks:
        scored = score_pairs(mentees, mentors, Weights(), constraints)
        assert pruned.total == dense_best(
            scored.rows, scored.cols, scored.score, n, mentors.capacity.tolist()
        )
    exact_mm = match(
        mentees, mentors, Weights(), constraints, locked=locks, mode="max_matched", solver="exact"
    )
    pruned_mm = match(
        mentees, mentors, Weights(), constraints, locked=locks, mode="max_matched", solver="pruned"
    )
    assert pruned_mm.optimal
    assert len(pruned_mm.assignments) == len(exact_mm.assignments)  # maximum cardinality
    assert pruned_mm.total == exact_mm.total  # then the highest total
    check_result(pruned_mm, mentees, mentors, locks)
    assert {u.mentee_id: u.reason for u in pruned.unmatched} == {
        u.mentee_id: u.reason for u in exact.unmatched
    }


def test_large_instances_go_to_the_pruned_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    mentees, mentors = generate_school(60, 50, seed=8)
    calls: list[int] = []

    def spy(original: Any) -> Any:
        def call(*args: object, **kwargs: object) -> object:
            calls.append(1)
            return original(*args, **kwargs)

        return call

    monkeypatch.setattr(pruning, "solve_by_components", spy(pruning.solve_by_components))
    monkeypatch.setattr(pruning, "solve_groups", spy(pruning.solve_groups))  # the compact form (no locks)
    monkeypatch.setattr(solve, "LARGE_PAIRS", 10)
    big = match(mentees, mentors, Weights(), Constraints())
    assert calls == [1]
    big_fair = match(mentees, mentors, Weights(), Constraints(), mode="max_min")  # certified too
    assert calls == [1, 1]
    match(mentees, mentors, Weights(), Constraints(), mode="stable")  # stays on the exact solver
    assert calls == [1, 1]
    monkeypatch.setattr(solve, "LARGE_PAIRS", 10**9)
    small = match(mentees, mentors, Weights(), Constraints())
    small_fair = match(mentees, mentors, Weights(), Constraints(), mode="max_min")
    assert calls == [1, 1]
    assert big.total == small.total
    assert _fairness(big_fair) == _fairness(small_fair)
    assert big.optimal


@pytest.mark.parametrize("solver", ["exact", "pruned"])
def test_progress_runs_from_zero_to_one(solver: str) -> None:
    seen: list[float] = []
    match(*generate_school(80, 70, seed=5), Weights(), Constraints(), progress=seen.append, solver=solver)  # type: ignore[arg-type]
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    assert all(0.0 <= f <= 1.0 for f in seen)
    assert len(seen) >= 4


def test_pruned_match_is_deterministic() -> None:
    first = match(*generate_school(150, 140, seed=12), Weights(), Constraints(), solver="pruned")
    second = match(*generate_school(150, 140, seed=12), Weights(), Constraints(), solver="pruned")
    assert [(a.mentee, a.mentor) for a in first.assignments] == [
        (a.mentee, a.mentor) for a in second.assignments
    ]


def test_thousand_mentees_match_is_the_exact_optimum() -> None:
    """The CI-sized bench case (N = 1,000, seed 7): certified optimal and equal to scipy's dense optimum."""
    for capacity in (1, 2):
        n = 1000
        m = n // capacity
        mentees, mentors = generate_school(n, m, seed=7)
        mentors.capacity = np.full(m, capacity, np.int64)
        result = match(mentees, mentors, Weights(), Constraints(), solver="pruned")  # the large-instance path
        scored = score_pairs(mentees, mentors, Weights(), Constraints())
        assert result.optimal
        assert result.total == dense_best(
            scored.rows, scored.cols, scored.score, n, mentors.capacity.tolist()
        )


@pytest.mark.parametrize("seed", [3, 21])
def test_compact_scores_equal_scored_pairs(seed: int) -> None:
    mentees, mentors = generate_school(300, 260, seed, school_size=80)
    assert mentors.texts is not None
    mentors = replace(mentors, texts=[mentors.texts[j % 9] for j in range(len(mentors))])  # shared texts
    constraints = Constraints(allowed_school_pairs=frozenset({(0, 1)}), forbidden=frozenset({("e0", "r0")}))
    scorer = Scorer(mentees, mentors, Weights(), constraints)
    fast = scorer.score(50_000, full_exclusions=False)
    compact = scorer.score_compact(50_000)
    again = compact.to_scored()
    assert len(compact) == len(fast)
    full = scorer.score(50_000, full_exclusions=True)  # the numpy formulas, not the compiled kernel
    for name in ("rows", "cols", "score", "feasible_count"):
        assert np.array_equal(getattr(full, name), getattr(fast, name)), name
    for name in ("rows", "cols", "score", "exclusions", "feasible_count"):
        assert np.array_equal(getattr(again, name), getattr(fast, name)), name
    seen = 0
    for group in compact.groups():
        rows = np.repeat(group.mentees, np.diff(group.indptr))
        keys = rows * len(mentors) + group.mentors[group.cols.astype(np.int64)]
        at = np.searchsorted(fast.rows.astype(np.int64) * len(mentors) + fast.cols, keys)
        assert np.array_equal(fast.score[at], group.scores)
        seen += len(keys)
    assert seen == len(fast)


@pytest.mark.parametrize("mode", ["max_total", "max_matched"])
def test_compact_solver_equals_solver_on_all_pairs(mode: str) -> None:
    mentees, mentors = generate_school(400, 330, 5, school_size=90)
    assert mentors.capacity is not None
    mentors.capacity[::7] = 0
    scorer = Scorer(mentees, mentors, Weights(), Constraints())
    scored = scorer.score(full_exclusions=False)
    label_a, label_b = component_labels(scorer)
    full = pruning.solve_by_components(
        scored.rows, scored.cols, scored.score, len(mentees), mentors.capacity,
        mentee_component=label_a, mentor_component=label_b, mode=mode, k=2,
    )  # fmt: skip
    compact = scorer.score_compact()
    grouped = pruning.solve_groups(
        compact.groups(release=True), len(mentees), mentors.capacity, components=compact.components,
        mode=mode, k=2,
    )  # fmt: skip
    with pytest.raises(ValueError, match="released"):
        compact.to_scored()  # solve_groups consumed the released pairs
    assert grouped.solution.optimal
    assert full.solution.optimal
    assert grouped.solution.assignments == full.solution.assignments
    assert grouped.solution.total == full.solution.total


def test_background_table_equals_the_formula() -> None:
    mentees, mentors = generate_school(200, 180, 4)
    scorer = Scorer(mentees, mentors, Weights(), NO_CONSTRAINTS)
    assert scorer.background_table is not None
    rows = np.repeat(np.arange(200), 180)
    cols = np.tile(np.arange(180), 200)
    table = scorer._components(rows, cols, None, None, None, None, None)["background"]
    scorer.background_table = None
    plain = scorer._components(rows, cols, None, None, None, None, None)["background"]
    assert np.array_equal(table, plain)
    assert (plain > 0).any()
    assert (plain < 1).any()
