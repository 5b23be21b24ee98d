"""Scoring: every feasible mentee-mentor pair's integer score, and any pair's component breakdown.

Pure Python + numpy/scipy, no Django. `score_pairs`, `Scorer.score` and `Scorer.score_compact` only look at
cells that can be feasible: with `same_school` on, the mentees of one school against the mentors of that
school and of its `allowed_school_pairs` partners (`Scorer.blocks`), which divides the work by about the
number of schools in a district. Blocks are cut into chunks of mentee rows (no n x m matrix is ever held)
that run on 2 threads. `solve.match` scores each chunk with the compiled `kernels.score_block` (one pass:
the cell rules, then the components of the feasible pairs only); the numpy formulas below
(`Scorer._components`, `_score`) are the reference it equals bit for bit, and score the path that counts
exclusions. Each component is in [0, 1]; the pair's integer score is
round(SCORE_SCALE * sum(weight * component)). Results are placed in (mentee, mentor) order, so they do not
depend on blocks, chunks or threads.

Exactness and determinism. Every matrix product is taken over integers: tag weights (idf) are quantised to
integers, tags are 0/1, and embeddings are quantised to integers in [-127, 127] (256 dimensions, so every
partial sum stays below 2**24 and float32 holds it exactly). Products are therefore exact whatever the
chunking, the BLAS kernel or its thread count; the components are then the same element-wise formulas in
every path. So chunked scores equal unchunked scores bit for bit, and `explain_pairs` reproduces them.
"""

import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from threadpoolctl import threadpool_limits

from peerpath.engine import kernels, semantic
from peerpath.engine.inputs import (
    COMPONENTS,
    CONSTRAINTS,
    SCORE_SCALE,
    BoolArray,
    Constraints,
    FloatArray,
    IntArray,
    MaskArray,
    Pair,
    Side,
    Weights,
)
from peerpath.engine.pairs import DEFAULT_THREADS, NO_INTS, CompactScores, ScoredPairs

DEFAULT_CHUNK_CELLS = 4_000_000  # mentee rows per chunk = this // mentor count (about 100 MB of temporaries)
_IDF_SCALE = 16  # tag weight = round(16 * idf): integers keep products exact
_EMBED_SCALE = 127  # embeddings as integers in [-127, 127]

_DENSE_VOCABULARY = 2048  # tag matrices up to this many columns are multiplied dense
_BACKGROUND_TABLE = 1 << 16  # background masks: largest (distinct mentee x mentor values) table
_FAST_CHUNK_CELLS = 1_000_000  # cells per task when exclusion counts are not needed (cache-sized)


@dataclass(frozen=True)
class Breakdown:
    """One pair's components, weighted contributions, score, and what the two have in common."""

    mentee: int
    mentor: int
    components: dict[str, float]
    contributions: dict[str, float]  # weight * component
    score: int
    shared_interests: tuple[int, ...]
    shared_goals: tuple[int, ...]  # mentee goals the mentor lists as strengths
    shared_subjects: tuple[int, ...]
    shared_slots: int
    shared_languages: int  # bit mask
    shared_background: int  # bit mask (0 unless both opted in)
    requested: bool


class _Cross:
    """Exact integer products rows(A) . rows(B) of two non-negative integer matrices, by block or by pair."""

    def __init__(self, a: Any, b: Any) -> None:
        self.dense = a.shape[1] <= _DENSE_VOCABULARY
        if self.dense:
            self.a: Any = a.toarray().astype(np.float64)
            self.b: Any = b.toarray().astype(np.float64)
            self.bt: Any = np.ascontiguousarray(self.b.T)
        else:
            self.a, self.b = a.astype(np.float64), b.astype(np.float64)
            self.bt = self.b.T.tocsc()
        # float32 products are exact while every product (at most a row sum of `a`, `b` being 0/1 and
        # the entries integers) stays below 2**24: then the fast path multiplies in float32.
        row_sum = np.asarray(abs(a).sum(axis=1)).ravel()
        b_max = int(b.max()) if b.shape[0] and b.shape[1] and b.nnz else 0
        self.exact32 = self.dense and float(row_sum.max(initial=0)) < 2**24 and b_max <= 1
        if self.exact32:
            self.a32 = self.a.astype(np.float32)
            self.bt32 = self.bt.astype(np.float32)

    def block32(self, rows: IntArray, cols: IntArray) -> npt.NDArray[np.floating[Any]]:
        """Like `block_between`, in float32 when that is exact (see __init__); else float64."""
        if self.exact32:
            return np.asarray(self.a32[rows] @ self.bt32[:, cols])
        return self.block_between(rows, cols)

    def block_between(self, rows: IntArray, cols: IntArray) -> FloatArray:
        product = self.a[rows] @ self.bt[:, cols]
        return np.asarray(product if self.dense else product.toarray(), dtype=np.float64)

    def pairs(self, rows: IntArray, cols: IntArray) -> FloatArray:
        if self.dense:
            return np.einsum("ij,ij->i", self.a[rows], self.b[cols])
        return np.asarray(self.a[rows].multiply(self.b[cols]).sum(axis=1), dtype=np.float64).ravel()


def _popcount(values: npt.NDArray[np.uint64]) -> IntArray:
    return np.bitwise_count(values).astype(np.int64)


def _background(bg_a: MaskArray, bg_b: MaskArray) -> FloatArray:
    """Background component: shared opt-in attributes over the union, 0 unless both opted in."""
    both = (bg_a != 0) & (bg_b != 0)
    shared_bg = np.where(both, _popcount(bg_a & bg_b), 0).astype(np.float64)
    return _ratio(shared_bg, _popcount(bg_a | bg_b).astype(np.float64))


def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    """numerator / denominator in float64, 0 where the denominator is 0 (denominators are >= 0). A float32
    or small integer numerator is promoted to float64 exactly: the same values as passing it in float64."""
    if denominator.size and float(denominator.min()) > 0:  # the common case: one plain division
        return np.asarray(np.divide(numerator, denominator, dtype=np.float64), dtype=np.float64)
    out = np.zeros(np.shape(numerator), np.float64)
    return np.divide(numerator, denominator, out=out, where=denominator > 0, dtype=np.float64)


def _index_pairs(pairs: Iterable[Pair], mentee_pos: dict[str, int], mentor_pos: dict[str, int]) -> IntArray:
    """Known pairs as a sorted, unique (k, 2) index array."""
    found = {(mentee_pos[a], mentor_pos[b]) for a, b in pairs if a in mentee_pos and b in mentor_pos}
    return np.array(sorted(found), dtype=np.int64).reshape(-1, 2)


class Scorer:
    """Everything `score_pairs` and `explain_pairs` share, prepared once for two sides."""

    def __init__(
        self,
        mentees: Side,
        mentors: Side,
        weights: Weights,
        constraints: Constraints,
        requests: Collection[Pair] = (),
    ) -> None:
        self.mentees, self.mentors = mentees, mentors
        self.weights, self.constraints = weights, constraints
        self.n, self.m = len(mentees), len(mentors)
        mentee_pos = {x: i for i, x in enumerate(mentees.ids)}
        mentor_pos = {x: j for j, x in enumerate(mentors.ids)}
        self.mentee_pos, self.mentor_pos = mentee_pos, mentor_pos

        # Tag rarity over both sides: idf = 1 + ln((N + 1) / (df + 1)), quantised to integers.
        if mentees.interests.shape[1] != mentors.interests.shape[1]:
            raise ValueError("interest vocabularies differ in size")
        people = self.n + self.m
        df = (
            np.asarray(mentees.interests.sum(axis=0)).ravel()
            + np.asarray(mentors.interests.sum(axis=0)).ravel()
        )
        self.idf = np.rint(_IDF_SCALE * (1.0 + np.log((people + 1.0) / (df + 1.0)))).astype(np.int64)
        weighted_a = mentees.interests @ sp.diags_array(self.idf, dtype=np.int64)
        self.interest_cross = _Cross(weighted_a, mentors.interests)
        self.interest_a = np.asarray(weighted_a.sum(axis=1), dtype=np.float64).ravel()
        self.interest_b = np.asarray(
            (mentors.interests @ sp.diags_array(self.idf, dtype=np.int64)).sum(axis=1), np.float64
        ).ravel()
        self.goal_cross = _Cross(mentees.goals, mentors.goals)
        self.goal_a = np.asarray(mentees.goals.sum(axis=1), dtype=np.float64).ravel()
        self.subject_cross = _Cross(mentees.subjects, mentors.subjects)
        self.subject_a = np.asarray(mentees.subjects.sum(axis=1), dtype=np.float64).ravel()
        self.slots_a = _popcount(mentees.availability).astype(np.float64)
        # The background component of every (mentee mask, mentor mask) value pair, when there are few
        # distinct masks (opt-in attributes): pairs then read it from this table (the same formula, so the
        # same float64 values).
        values_a, code_a = np.unique(mentees.background, return_inverse=True)
        values_b, code_b = np.unique(mentors.background, return_inverse=True)
        self.background_table: FloatArray | None = None
        if values_a.size * values_b.size <= _BACKGROUND_TABLE:
            self.background_table = _background(
                np.repeat(values_a, values_b.size), np.tile(values_b, values_a.size)
            )
            self.background_code_a = code_a.ravel().astype(np.int64) * values_b.size
            self.background_code_b = code_b.ravel().astype(np.int64)

        self._embeddings: tuple[Any, Any, FloatArray, FloatArray] | None = None
        self._kernel: dict[str, Any] | None = None
        self._embed_rows_b: npt.NDArray[np.float32] | None = None
        self._gathered = threading.local()  # per scoring thread: the last block's mentor vectors

        requested = _index_pairs(requests, mentee_pos, mentor_pos)
        self.request_rows, self.request_cols = requested[:, 0], requested[:, 1]
        self.request_keys = requested[:, 0] * self.m + requested[:, 1]

        # Pair-set constraints, sorted by mentee for slicing by chunk.
        self.pair_sets = {
            name: _index_pairs(getattr(constraints, name), mentee_pos, mentor_pos)
            for name in ("avoid", "never_rematch", "forbidden")
        }
        # School compatibility as a small table over school codes.
        schools, codes = np.unique(np.concatenate([mentees.school, mentors.school]), return_inverse=True)
        self.school_a, self.school_b = codes[: self.n], codes[self.n :]
        table = np.eye(len(schools), dtype=np.bool_)
        code_of = {int(s): k for k, s in enumerate(schools)}
        for a, b in constraints.allowed_school_pairs:
            if a in code_of and b in code_of:
                table[code_of[a], code_of[b]] = True
        self.school_table = table

    # Embeddings are computed only when needed (semantic weight > 0, or an explanation).
    def embeddings(self) -> tuple[Any, Any, FloatArray, FloatArray]:
        if self._embeddings is None:
            with ThreadPoolExecutor(max_workers=2) as pool:  # the two sides at once (same vectors)
                a, b = pool.map(_quantised_embeddings, (self.mentees, self.mentors))
            norm_a = np.sqrt(np.einsum("ij,ij->i", a, a, dtype=np.float64))
            norm_b = np.sqrt(np.einsum("ij,ij->i", b, b, dtype=np.float64))
            self._embeddings = (a, np.ascontiguousarray(b.T), norm_a, norm_b)
        return self._embeddings

    # Hard constraints ---------------------------------------------------------------------------------------

    def constraint_masks(self, start: int, stop: int) -> dict[str, BoolArray]:
        """For mentees start..stop-1: name -> allowed (rows x m) mask, for each constraint that is on."""
        return self.masks_between(np.arange(start, stop), np.arange(self.m))

    def masks_between(self, mentees: IntArray, mentors: IntArray) -> dict[str, BoolArray]:
        """name -> allowed (len(mentees) x len(mentors)) mask, for each constraint that is on."""
        a, b, c = self.mentees, self.mentors, self.constraints
        shape = (len(mentees), len(mentors))
        masks: dict[str, BoolArray] = {}
        if c.require_matchable:
            assert a.matchable is not None  # noqa: S101 - set in Side
            assert b.matchable is not None  # noqa: S101 - set in Side
            masks["matchable"] = a.matchable[mentees, None] & b.matchable[None, mentors]
        assert b.capacity is not None  # noqa: S101 - set in Side
        masks["mentor_full"] = np.broadcast_to(b.capacity[None, mentors] > 0, shape)
        if c.same_school:
            masks["same_school"] = self.school_table[np.ix_(self.school_a[mentees], self.school_b[mentors])]
        if c.min_grade_gap is not None:
            masks["grade_gap"] = b.grade[None, mentors] - a.grade[mentees, None] >= c.min_grade_gap
        if c.min_shared_slots is not None:
            shared = np.bitwise_count(a.availability[mentees, None] & b.availability[None, mentors])
            masks["shared_slots"] = shared >= c.min_shared_slots
        if c.shared_language:
            masks["shared_language"] = (a.languages[mentees, None] & b.languages[None, mentors]) != 0
        for name, pairs in self.pair_sets.items():
            if len(pairs):
                row_of = np.full(self.n, -1, np.int64)
                row_of[mentees] = np.arange(len(mentees))
                col_of = np.full(self.m, -1, np.int64)
                col_of[mentors] = np.arange(len(mentors))
                r, k = row_of[pairs[:, 0]], col_of[pairs[:, 1]]
                hit = (r >= 0) & (k >= 0)
                mask = np.ones(shape, dtype=np.bool_)
                mask[r[hit], k[hit]] = False
                masks[name] = mask
        return masks

    def blocks(self) -> list[tuple[IntArray, IntArray]]:
        """(mentees, mentors that can be feasible for them) blocks covering every feasible pair.

        With `same_school` on, the mentees of one school only ever pair with mentors of that school and of
        the `allowed_school_pairs` partners, so only those cells are scored: this divides the work by about
        the number of schools. Each mentee is in exactly one block; indexes are ascending in each block.
        """
        if not self.constraints.same_school:
            return [(np.arange(self.n), np.arange(self.m))]
        order_b = np.argsort(self.school_b, kind="stable")
        codes_b, starts_b = np.unique(self.school_b[order_b], return_index=True)
        ends_b = np.append(starts_b[1:], self.m)
        order_a = np.argsort(self.school_a, kind="stable")
        codes_a, starts_a = np.unique(self.school_a[order_a], return_index=True)
        ends_a = np.append(starts_a[1:], self.n)
        result = []
        for code, lo, hi in zip(codes_a.tolist(), starts_a.tolist(), ends_a.tolist(), strict=True):
            partners = np.flatnonzero(self.school_table[code, codes_b])
            mentors = np.concatenate(
                [order_b[starts_b[p] : ends_b[p]] for p in partners.tolist()] or [np.zeros(0, np.int64)]
            )
            result.append((np.sort(order_a[lo:hi]), np.sort(mentors)))
        return result

    # Components ---------------------------------------------------------------------------------------------

    def _components(
        self,
        rows: IntArray,
        cols: IntArray,
        interest_shared: FloatArray | None,
        goal_shared: FloatArray | None,
        subject_shared: FloatArray | None,
        embed_dot: FloatArray | None,
        requested: BoolArray | None,
        slots_shared: FloatArray | None = None,
        language_shared: bool = False,
        priority: bool = True,
    ) -> dict[str, FloatArray]:
        """Components of pairs (rows[k], cols[k]) from exact intermediates; None skips a component
        (`slots_shared`: the shared free slots when already counted; `language_shared`: every pair is
        known to share a language; `priority` False: no mentee of `rows` has priority, component left
        out)."""
        a, b = self.mentees, self.mentors
        out: dict[str, FloatArray] = {}
        if interest_shared is not None:
            union = self.interest_a[rows] + self.interest_b[cols] - interest_shared
            out["interests"] = _ratio(interest_shared, union)  # idf-weighted Jaccard
        if goal_shared is not None:
            out["goals"] = _ratio(goal_shared, self.goal_a[rows])  # share of the mentee's goals covered
        if subject_shared is not None:
            out["subjects"] = _ratio(subject_shared, self.subject_a[rows])
        shared = slots_shared
        if shared is None:
            shared = _popcount(a.availability[rows] & b.availability[cols]).astype(np.float64)
        out["availability"] = _ratio(shared, self.slots_a[rows])
        if language_shared:
            out["language"] = np.ones(len(rows), np.float64)
        else:
            out["language"] = ((a.languages[rows] & b.languages[cols]) != 0).astype(np.float64)
        if self.background_table is not None:
            key = self.background_code_a[rows] + self.background_code_b[cols]
            out["background"] = self.background_table.take(key)
        else:
            out["background"] = _background(a.background[rows], b.background[cols])
        if embed_dot is not None:
            _, _, norm_a, norm_b = self.embeddings()
            out["semantic"] = np.clip(_ratio(embed_dot, norm_a[rows] * norm_b[cols]), 0.0, 1.0)
        if requested is not None:
            out["request"] = requested.astype(np.float64)
        assert a.priority is not None  # noqa: S101 - set in Side
        if priority:
            out["priority"] = a.priority[rows].astype(np.float64)
        return out

    def _score(self, components: dict[str, FloatArray], size: int) -> IntArray:
        # Fixed order: the same float sum in every path. Starting from the first term instead of 0.0,
        # skipping "* 1.0" and leaving out components that are 0 for every pair (not in `components`; only
        # `_score_task` does that) change no value (components are >= 0, so no -0.0 either).
        total: FloatArray | None = None
        for name in COMPONENTS:
            weight = getattr(self.weights, name)
            if weight > 0 and name in components:
                term = components[name] if weight == 1.0 else weight * components[name]
                if total is None:
                    total = np.array(term, dtype=np.float64)
                else:
                    total += term
        if total is None:
            total = np.zeros(size, dtype=np.float64)
        total *= SCORE_SCALE
        return np.rint(total, out=total).astype(np.int64)

    def _needs(self, name: str) -> bool:
        return bool(getattr(self.weights, name) > 0)

    def score_cells(
        self, mentees: IntArray, mentors: IntArray, count_exclusions: bool = True
    ) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Feasible pairs among mentees x mentors: (rows, cols, score, exclusion counts (len(mentees) x K)).

        Exclusions are counted over the given mentors only (left at 0 without `count_exclusions`). Pairs
        come mentee by mentee (in the order of `mentees`), mentors ascending when `mentors` is.
        """
        masks = self.masks_between(mentees, mentors)
        exclusions = np.zeros((len(mentees), len(CONSTRAINTS)), dtype=np.int64)
        feasible: BoolArray | None = None
        for k, name in enumerate(CONSTRAINTS):
            if name in masks:
                mask = masks[name]
                if count_exclusions:
                    exclusions[:, k] = len(mentors) - np.count_nonzero(mask, axis=1)
                feasible = mask.copy() if feasible is None else np.logical_and(feasible, mask, out=feasible)
        if feasible is None:
            feasible = np.ones((len(mentees), len(mentors)), dtype=np.bool_)
        del masks
        local, pos = np.nonzero(feasible)
        del feasible
        rows, cols = mentees[local], mentors[pos]
        if not len(rows):
            empty = np.zeros(0, np.int64)
            return empty, empty, empty, exclusions

        def gather(cross: _Cross, name: str) -> FloatArray | None:
            if not self._needs(name):
                return None
            return cross.block_between(mentees, mentors)[local, pos]

        embed_dot = None
        if self._needs("semantic"):
            qa, qbt, _, _ = self.embeddings()
            embed_dot = (qa[mentees] @ qbt[:, mentors])[local, pos].astype(np.float64)
        requested = None
        if self._needs("request"):
            requested = np.isin(rows * self.m + cols, self.request_keys)
        components = self._components(
            rows,
            cols,
            gather(self.interest_cross, "interests"),
            gather(self.goal_cross, "goals"),
            gather(self.subject_cross, "subjects"),
            embed_dot,
            requested,
        )
        return rows, cols, self._score(components, len(rows)), exclusions

    def _fast_tasks(self, chunk_cells: int) -> list[tuple[IntArray, IntArray]]:
        """(mentees, mentors) cell blocks for `_score_task`: the school `blocks`, without the people that a
        per-person rule excludes everywhere (not cleared, no places), and split by mentee grade so that
        only mentors passing the grade gap are looked at. Every mentee is in at most one task; indexes
        are ascending in each."""
        a, b, c = self.mentees, self.mentors, self.constraints
        assert a.matchable is not None  # noqa: S101 - set in Side
        assert b.matchable is not None  # noqa: S101 - set in Side
        assert b.capacity is not None  # noqa: S101 - set in Side
        ok_a = a.matchable if c.require_matchable else np.ones(self.n, np.bool_)
        ok_b = (b.capacity > 0) & (b.matchable if c.require_matchable else True)
        tasks: list[tuple[IntArray, IntArray]] = []
        for block_a, block_b in self.blocks():
            mentees, mentors = block_a[ok_a[block_a]], block_b[ok_b[block_b]]
            if not len(mentees) or not len(mentors):
                continue
            groups = [(mentees, mentors)]
            if c.min_grade_gap is not None:
                grades = a.grade[mentees]
                groups = [
                    (mentees[grades == g], mentors[b.grade[mentors] - g >= c.min_grade_gap])
                    for g in np.unique(grades).tolist()
                ]
            for group_a, group_b in groups:
                if len(group_b):
                    step = max(1, chunk_cells // len(group_b))
                    tasks += [(group_a[lo : lo + step], group_b) for lo in range(0, len(group_a), step)]
        return tasks

    def _kernel_inputs(self) -> dict[str, Any]:
        """The arrays `kernels.score_block` reads, built once: tag sets as bit sets, integer tag weights,
        the weights in `COMPONENTS` order (and the mentors' embeddings as rows, for `_embedding_dots`)."""
        if self._kernel is None:
            a, b = self.mentees, self.mentors
            interest_words = -(-a.interests.shape[1] // 64)  # 64 tags per uint64 word
            goal_words = -(-a.goals.shape[1] // 64)
            subject_words = -(-a.subjects.shape[1] // 64)
            norm_a, norm_b = np.zeros(self.n), np.zeros(self.m)
            if self._needs("semantic"):
                _, qbt, norm_a, norm_b = self.embeddings()
                self._embed_rows_b = np.ascontiguousarray(qbt.T)  # mentors' vectors as rows
            assert a.priority is not None  # noqa: S101 - set in Side
            self._kernel = {
                "availability_a": a.availability,
                "availability_b": b.availability,
                "languages_a": a.languages,
                "languages_b": b.languages,
                "background_a": a.background,
                "background_b": b.background,
                "interest_a": kernels.bits_from_csr(a.interests, interest_words),
                "interest_b": kernels.bits_from_csr(b.interests, interest_words),
                "idf_planes": kernels.weight_planes(self.idf, interest_words),
                "interest_total_a": self.interest_a,
                "interest_total_b": self.interest_b,
                "goals_a": kernels.bits_from_csr(a.goals, goal_words),
                "goals_b": kernels.bits_from_csr(b.goals, goal_words),
                "goal_count_a": self.goal_a,
                "subjects_a": kernels.bits_from_csr(a.subjects, subject_words),
                "subjects_b": kernels.bits_from_csr(b.subjects, subject_words),
                "subject_count_a": self.subject_a,
                "slot_count_a": self.slots_a,
                "norm_a": np.asarray(norm_a, np.float64),
                "norm_b": np.asarray(norm_b, np.float64),
                "priority_a": a.priority,
                "weights": np.array([getattr(self.weights, name) for name in COMPONENTS], np.float64),
            }
        return self._kernel

    def _cell_keys(self, pairs: IntArray, mentees: IntArray, mentors: IntArray) -> IntArray:
        """Sorted local cell keys (row * len(mentors) + column) of the given (mentee, mentor) index pairs
        that fall in the block mentees x mentors (both ascending)."""
        if not len(pairs) or not len(mentees) or not len(mentors):
            return NO_INTS
        r = np.minimum(np.searchsorted(mentees, pairs[:, 0]), len(mentees) - 1)
        k = np.minimum(np.searchsorted(mentors, pairs[:, 1]), len(mentors) - 1)
        hit = (mentees[r] == pairs[:, 0]) & (mentors[k] == pairs[:, 1])
        return np.sort(r[hit] * len(mentors) + k[hit])

    def _embedding_dots(self, mentees: IntArray, mentors: IntArray) -> npt.NDArray[np.float32]:
        """Dot products of the quantised embeddings of mentees x mentors, one BLAS product (exact: integer
        sums below 2**24 in float32). Consecutive tasks of a thread share their mentors: gathered once."""
        qa, _, _, _ = self.embeddings()
        assert self._embed_rows_b is not None  # noqa: S101 - set by _kernel_inputs
        cache = self._gathered
        if getattr(cache, "mentors", None) is not mentors:
            cache.mentors, cache.rows = mentors, self._embed_rows_b[mentors]
        return np.asarray(qa[mentees] @ cache.rows.T)

    def _score_task(
        self, mentees: IntArray, mentors: IntArray, col_value: IntArray | None = None
    ) -> tuple[npt.NDArray[np.int32], IntArray, IntArray]:
        """Feasible pairs of a `_fast_tasks` block and their scores, by the compiled `kernels.score_block`:
        the same pairs and scores as `score_cells` (the per-person, school and grade rules already hold for
        every cell). Returns (col_value of each pair's mentor (default: its index), scores, pairs per
        mentee); pairs come mentee by mentee, mentors ascending."""
        c = self.constraints
        banned = [self._cell_keys(pairs, mentees, mentors) for pairs in self.pair_sets.values()]
        banned_keys = np.unique(np.concatenate(banned)) if banned else NO_INTS
        requested = self._cell_keys(
            np.stack([self.request_rows, self.request_cols], axis=1), mentees, mentors
        )
        cells = len(mentees) * len(mentors)
        out_col = np.empty(cells, np.int32)
        out_score = np.empty(cells, np.int64)
        per_mentee = np.zeros(len(mentees), np.int64)
        dots = np.zeros((0, 0), np.float32)
        if self._needs("semantic"):
            dots = self._embedding_dots(mentees, mentors)
        count = kernels.score_block(
            mentees,
            mentors,
            mentors if col_value is None else col_value,
            min_slots=-1 if c.min_shared_slots is None else int(c.min_shared_slots),
            shared_language=bool(c.shared_language),
            banned=banned_keys,
            requested=requested,
            dots=dots,
            out_col=out_col,
            out_score=out_score,
            per_mentee=per_mentee,
            **self._kernel_inputs(),
        )
        return out_col[:count].copy(), out_score[:count].copy(), per_mentee

    def score(
        self,
        chunk_cells: int = DEFAULT_CHUNK_CELLS,
        *,
        full_exclusions: bool = True,
        threads: int = DEFAULT_THREADS,
        progress: Callable[[float], None] | None = None,
    ) -> ScoredPairs:
        """Score the feasible pairs block by block (see `blocks`), in chunks of about `chunk_cells` cells.

        Chunks run on `threads` threads (numpy releases the GIL); results are put in (mentee, mentor)
        order, so they do not depend on the thread count or the chunking. `progress` is called from the
        calling thread with the share of cells done. With `full_exclusions` off, exclusion counts are not
        computed (all 0): `match` only needs them for mentees with no feasible mentor, and gets those from
        `exclusions_for`; this saves a pass over every mentee x mentor cell.
        """
        if self.m and (self.mentees.embeddings is not None or self._needs("semantic")):
            self.embeddings()  # once, before the threads start
        if not full_exclusions:
            self._kernel_inputs()
        tasks: list[tuple[IntArray, IntArray]] = []
        if full_exclusions:
            for mentees, mentors in self.blocks():
                step = max(1, chunk_cells // max(len(mentors), 1))
                tasks += [(mentees[lo : lo + step], mentors) for lo in range(0, len(mentees), step)]
        else:  # smaller cell blocks: their temporaries stay in the processor's cache
            tasks = self._fast_tasks(min(chunk_cells, _FAST_CHUNK_CELLS))
        no_exclusions = np.zeros((0, len(CONSTRAINTS)), dtype=np.int64)
        Part = tuple[IntArray, IntArray, IntArray, IntArray, IntArray]

        def score_task(task: tuple[IntArray, IntArray]) -> Part:
            mentees, mentors = task
            # Also the pairs per mentee of the task (each mentee's pairs are one run, in `mentees` order).
            if full_exclusions:
                rows, cols, score, excl = self.score_cells(mentees, mentors, True)
                per_mentee = np.bincount(np.searchsorted(mentees, rows), minlength=len(mentees))
                return rows, cols, score, excl, per_mentee
            local, score, per_mentee = self._score_task(mentees, mentors)
            return np.repeat(mentees, per_mentee), local.astype(np.int64), score, no_exclusions, per_mentee

        cells = sum(len(i) * len(j) for i, j in tasks) or 1
        parts: list[Part] = []
        done = 0
        exclusions = np.zeros((self.n, len(CONSTRAINTS)), dtype=np.int64)
        counts = np.zeros(self.n, dtype=np.int64)
        # One BLAS thread per scoring thread: concurrent multi-threaded BLAS calls wait for each other.
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            for (mentees, mentors), part in zip(tasks, pool.map(score_task, tasks), strict=True):
                parts.append(part)
                counts[mentees] += part[4]
                if full_exclusions:
                    exclusions[mentees] = part[3]
                done += len(mentees) * len(mentors)
                if progress is not None:
                    progress(done / cells)
            # Each mentee's pairs come from one task, mentors ascending: placing each part's pairs at its
            # mentees' offsets gives (mentee, mentor) order without a sort (in parallel: parts are disjoint).
            total = int(counts.sum())
            offsets = np.cumsum(counts) - counts
            out_rows = np.empty(total, np.int32)
            out_cols = np.empty(total, np.int32)
            out_score = np.empty(total, np.int64)

            def place(item: tuple[tuple[IntArray, IntArray], Part]) -> None:
                (mentees, _), (rows, cols, score, _, per_mentee) = item
                if len(rows):
                    before = np.cumsum(per_mentee) - per_mentee
                    dest = np.repeat(offsets[mentees] - before, per_mentee) + np.arange(len(rows))
                    out_rows[dest] = rows
                    out_cols[dest] = cols
                    out_score[dest] = score

            list(pool.map(place, zip(tasks, parts, strict=True)))
        del parts
        if full_exclusions:  # mentees whose block leaves mentors out: count those mentors too
            partial = [i for i, j in tasks if len(j) < self.m]
            if partial:
                left_out = np.sort(np.concatenate(partial))
                exclusions[left_out] = self.exclusions_for(left_out, chunk_cells)
        return ScoredPairs(out_rows, out_cols, out_score, exclusions, counts)

    def score_compact(
        self,
        chunk_cells: int = DEFAULT_CHUNK_CELLS,
        *,
        threads: int = DEFAULT_THREADS,
        progress: Callable[[float], None] | None = None,
    ) -> CompactScores:
        """`score(full_exclusions=False)` into the compact per-component form (`CompactScores`): the same
        pairs and scores, about 4 bytes a pair instead of 16, and no global placement pass."""
        if self.m and (self.mentees.embeddings is not None or self._needs("semantic")):
            self.embeddings()  # once, before the threads start
        self._kernel_inputs()
        mentee_label, mentor_label = component_labels(self)
        components = int(max(mentee_label.max(initial=-1), mentor_label.max(initial=-1))) + 1
        order_b = np.argsort(mentor_label, kind="stable")
        starts_b = np.searchsorted(mentor_label[order_b], np.arange(components + 1))
        local_b = np.empty(self.m, np.int64)  # mentor -> index inside its component
        local_b[order_b] = np.arange(self.m) - np.repeat(starts_b[:-1], np.diff(starts_b))
        wide = np.diff(starts_b) >= 2**16
        tasks = self._fast_tasks(min(chunk_cells, _FAST_CHUNK_CELLS))
        Part = tuple[IntArray, IntArray, npt.NDArray[np.integer], npt.NDArray[np.integer]]

        def score_task(task: tuple[IntArray, IntArray]) -> Part:
            mentees, mentors = task
            local, score, per_mentee = self._score_task(mentees, mentors, local_b[mentors])
            if not wide[mentee_label[mentees[0]]]:
                local = local.astype(np.uint16)
            narrow: Any = score
            if len(score) and int(score.max()) < 2**15:  # scores are >= 0
                narrow = score.astype(np.int16)  # (16-bit signed: the certificate then works in 16 bits)
            elif len(score) and int(score.max()) < 2**31:
                narrow = score.astype(np.int32)
            return mentees, per_mentee, local, narrow

        cells = sum(len(i) * len(j) for i, j in tasks) or 1
        parts: list[Part] = []
        done = 0
        counts = np.zeros(self.n, dtype=np.int64)
        # One BLAS thread per scoring thread: concurrent multi-threaded BLAS calls wait for each other.
        with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            for (mentees, mentors), part in zip(tasks, pool.map(score_task, tasks), strict=True):
                counts[mentees] += part[1]
                if len(part[2]):
                    parts.append(part)
                done += len(mentees) * len(mentors)
                if progress is not None:
                    progress(done / cells)
        return CompactScores(self.n, self.m, components, mentee_label, mentor_label, counts, parts)

    def exclusions_for(self, mentees: IntArray, chunk_cells: int = DEFAULT_CHUNK_CELLS) -> IntArray:
        """Exact exclusion counts over every mentor for the given mentees (a pass over all their cells)."""
        out = np.zeros((len(mentees), len(CONSTRAINTS)), dtype=np.int64)
        step = max(1, chunk_cells // max(self.m, 1))
        everyone = np.arange(self.m)
        for lo in range(0, len(mentees), step):
            masks = self.masks_between(mentees[lo : lo + step], everyone)
            for k, name in enumerate(CONSTRAINTS):
                if name in masks:
                    out[lo : lo + step, k] = self.m - np.count_nonzero(masks[name], axis=1)
        return out

    def component_arrays(
        self, rows: Sequence[int] | IntArray, cols: Sequence[int] | IntArray
    ) -> dict[str, FloatArray]:
        """Every component (whatever its weight) of the given pairs, plus "score"; same values as scoring."""
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        qa, qbt, _, _ = self.embeddings()
        embed_dot = np.einsum("ij,ji->i", qa[r].astype(np.float64), qbt[:, c].astype(np.float64))
        components = self._components(
            r,
            c,
            self.interest_cross.pairs(r, c),
            self.goal_cross.pairs(r, c),
            self.subject_cross.pairs(r, c),
            embed_dot,
            np.isin(r * self.m + c, self.request_keys),
        )
        components["score"] = self._score(components, len(r)).astype(np.float64)
        return components

    def breakdowns(self, pairs: Sequence[tuple[int, int]]) -> list[Breakdown]:
        rows = np.array([i for i, _ in pairs], dtype=np.int64)
        cols = np.array([j for _, j in pairs], dtype=np.int64)
        values = self.component_arrays(rows, cols)
        a, b = self.mentees, self.mentors
        interests = _shared(a.interests, b.interests, rows, cols)
        goals = _shared(a.goals, b.goals, rows, cols)
        subjects = _shared(a.subjects, b.subjects, rows, cols)
        slots = np.bitwise_count(a.availability[rows] & b.availability[cols]).tolist()
        languages = (a.languages[rows] & b.languages[cols]).tolist()
        bg_a, bg_b = a.background[rows], b.background[cols]
        background = np.where((bg_a != 0) & (bg_b != 0), bg_a & bg_b, np.uint64(0)).tolist()
        per_name = {name: values[name].tolist() for name in COMPONENTS}
        scores = values["score"].tolist()
        requested = values["request"].tolist()
        weight = {name: getattr(self.weights, name) for name in COMPONENTS}
        result = []
        for k, (i, j) in enumerate(pairs):
            components = {name: float(per_name[name][k]) for name in COMPONENTS}
            result.append(
                Breakdown(
                    mentee=i,
                    mentor=j,
                    components=components,
                    contributions={name: weight[name] * v for name, v in components.items()},
                    score=int(scores[k]),
                    shared_interests=interests[k],
                    shared_goals=goals[k],
                    shared_subjects=subjects[k],
                    shared_slots=int(slots[k]),
                    shared_languages=int(languages[k]),
                    shared_background=int(background[k]),
                    requested=bool(requested[k]),
                )
            )
        return result


def _shared(a: Any, b: Any, rows: IntArray, cols: IntArray) -> list[tuple[int, ...]]:
    """For each pair k, the tags row rows[k] of `a` and row cols[k] of `b` share, ascending."""
    both = sp.csr_array(a[rows].multiply(b[cols]))
    both.eliminate_zeros()
    both.sort_indices()
    indices, bounds = both.indices.tolist(), both.indptr.tolist()
    return [tuple(indices[bounds[k] : bounds[k + 1]]) for k in range(len(rows))]


def _quantised_embeddings(side: Side) -> npt.NDArray[np.float32]:
    if side.embeddings is not None:
        vectors = np.asarray(side.embeddings, dtype=np.float32)
    elif side.texts is not None:
        vectors = semantic.embed_texts(side.texts)
    else:
        vectors = np.zeros((len(side), semantic.DIMENSIONS), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return np.rint(unit * _EMBED_SCALE).astype(np.float32)


def score_pairs(
    mentees: Side,
    mentors: Side,
    weights: Weights,
    constraints: Constraints,
    *,
    requests: Collection[Pair] = (),
    chunk_cells: int = DEFAULT_CHUNK_CELLS,
) -> ScoredPairs:
    """Score every feasible pair, chunk by chunk of mentee rows (at most about `chunk_cells` cells each)."""
    return Scorer(mentees, mentors, weights, constraints, requests).score(chunk_cells)


def explain_pairs(
    mentees: Side,
    mentors: Side,
    weights: Weights,
    pairs: Sequence[tuple[int, int]],
    *,
    requests: Collection[Pair] = (),
) -> list[Breakdown]:
    """Component breakdown of the given (mentee index, mentor index) pairs (constraints are not checked)."""
    return Scorer(mentees, mentors, weights, Constraints(), requests).breakdowns(pairs)


def component_labels(scorer: Scorer) -> tuple[IntArray, IntArray]:
    """Component labels (mentees, mentors): no feasible pair joins two labels (schools that never mix)."""
    if not scorer.constraints.same_school:
        return np.zeros(scorer.n, np.int64), np.zeros(scorer.m, np.int64)
    table = sp.csr_array(scorer.school_table | scorer.school_table.T)
    _, label = connected_components(table, directed=False)
    return label[scorer.school_a].astype(np.int64), label[scorer.school_b].astype(np.int64)
