"""Scored feasible pairs, as the solvers read them.

`ScoredPairs` is every feasible pair in (mentee, mentor) order with its integer score (and, from
`Scorer.score`, why other pairs were excluded). `CompactScores` is what `Scorer.score_compact` keeps for the
certified solver: per scoring task, each pair as its mentor's index inside the mentor's school group and
its score, about 4 bytes a pair; `CompactScores.groups` hands the groups to `pruning.solve_groups` one at a
time, releasing the parts as it goes.
"""

import ctypes
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from peerpath.engine import kernels, pruning
from peerpath.engine.inputs import CONSTRAINTS, IntArray

DEFAULT_THREADS = 2  # scoring threads (numpy and BLAS release the GIL)

_TRIM_EVERY = 64  # CompactScores.groups(release=True): give freed pages back after this many parts


@dataclass
class ScoredPairs:
    """The feasible pairs, sorted by (mentee, mentor), with integer scores, plus why others were excluded."""

    rows: npt.NDArray[np.int32]  # mentee index
    cols: npt.NDArray[np.int32]  # mentor index
    score: IntArray
    # exclusions[i, k]: how many mentors constraint CONSTRAINTS[k] alone excludes for mentee i
    # (a mentor excluded by two constraints counts under both).
    exclusions: IntArray
    feasible_count: IntArray  # per mentee

    def __len__(self) -> int:
        return len(self.rows)


NO_INTS = np.zeros(0, np.int64)


@dataclass
class CompactScores:
    """The feasible pairs as `Scorer.score_compact` keeps them: per scoring task, each pair as its mentor's
    index inside the mentor's component (16 bits while a component has fewer than 2**16 mentors) and its
    score (16 bits while it fits), about 4 bytes a pair. `groups` gives each component's pairs row-sorted
    for `pruning.solve_groups`; `to_scored` gives the same `ScoredPairs` as `Scorer.score` without
    exclusion counts."""

    n: int
    m: int
    components: int  # component labels 0..components-1 (no feasible pair joins two)
    mentee_label: IntArray
    mentor_label: IntArray
    feasible_count: IntArray  # per mentee
    # (task mentees ascending, pairs per task mentee, local mentor indexes, scores), mentee by mentee
    parts: list[tuple[IntArray, IntArray, npt.NDArray[np.integer], npt.NDArray[np.integer]]]
    released: bool = False  # set by groups(release=True)

    def __len__(self) -> int:
        return int(self.feasible_count.sum())

    def _members(self, labels: IntArray) -> tuple[IntArray, IntArray]:
        order = np.argsort(labels, kind="stable")  # by component, ascending inside
        return order, np.searchsorted(labels[order], np.arange(self.components + 1))

    def groups(self, threads: int = DEFAULT_THREADS, *, release: bool = False) -> Iterator[pruning.Group]:
        """Each component's pairs, row-sorted (mentees ascending, mentors ascending in a row), built one
        component at a time. With `release`, each component's parts are dropped once its group is built
        (less memory; this object can then not be read again)."""
        if self.released:
            raise ValueError("the compact pairs were released")
        members_a, starts_a = self._members(self.mentee_label)
        members_b, starts_b = self._members(self.mentor_label)
        by_component: list[list[int]] = [[] for _ in range(self.components)]
        for k, part in enumerate(self.parts):
            by_component[int(self.mentee_label[part[0][0]])].append(k)
        with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            for t in range(self.components):
                mentees = members_a[starts_a[t] : starts_a[t + 1]]
                mentors = members_b[starts_b[t] : starts_b[t + 1]]
                indptr = np.zeros(mentees.size + 1, np.int64)
                np.cumsum(self.feasible_count[mentees], out=indptr[1:])
                col_type = np.uint16 if mentors.size < 2**16 else np.int32
                score_type = np.result_type(np.int16, *[self.parts[k][3].dtype for k in by_component[t]])
                # Pages of np.empty are taken as they are written, and with `release` each part is dropped
                # once copied: the group grows as its parts shrink.
                cols: Any = np.empty(int(indptr[-1]), col_type)
                scores: Any = np.empty(int(indptr[-1]), score_type)
                if release:
                    self.released = True

                def place(
                    k: int,
                    mentees: IntArray = mentees,
                    indptr: IntArray = indptr,
                    cols: Any = cols,
                    scores: Any = scores,
                ) -> None:
                    task, per_mentee, local, score = self.parts[k]
                    start = indptr[np.searchsorted(mentees, task)]
                    kernels.place_rows(local, score, per_mentee, start, cols, scores)
                    if release:
                        self.parts[k] = (NO_INTS, NO_INTS, NO_INTS, NO_INTS)

                for lo in range(0, len(by_component[t]), _TRIM_EVERY):
                    list(pool.map(place, by_component[t][lo : lo + _TRIM_EVERY]))
                    if release:
                        return_free_memory()
                yield pruning.Group(mentees, mentors, indptr, cols, scores)

    def to_scored(self, threads: int = DEFAULT_THREADS) -> ScoredPairs:
        """All pairs in (mentee, mentor) order, global indexes: what `Scorer.score` returns."""
        if self.released:
            raise ValueError("the compact pairs were released")
        members_b, starts_b = self._members(self.mentor_label)
        counts = self.feasible_count
        total = int(counts.sum())
        offsets = np.cumsum(counts) - counts
        out_rows = np.empty(total, np.int32)
        out_cols = np.empty(total, np.int32)
        out_score = np.empty(total, np.int64)

        def place(part: tuple[IntArray, IntArray, npt.NDArray[np.integer], npt.NDArray[np.integer]]) -> None:
            task, per_mentee, local, score = part
            if len(local):
                t = int(self.mentee_label[task[0]])
                before = np.cumsum(per_mentee) - per_mentee
                dest = np.repeat(offsets[task] - before, per_mentee) + np.arange(len(local))
                out_rows[dest] = np.repeat(task, per_mentee)
                out_cols[dest] = members_b[starts_b[t] + np.asarray(local, np.int64)]
                out_score[dest] = score

        with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            list(pool.map(place, self.parts))
        exclusions = np.zeros((self.n, len(CONSTRAINTS)), dtype=np.int64)
        return ScoredPairs(out_rows, out_cols, out_score, exclusions, counts)


def return_free_memory() -> None:
    """Ask the C allocator to give freed pages back to the system (glibc's malloc_trim). The compact parts
    are many sub-megabyte arrays on the heap: without this, releasing them while a group is built does not
    lower the process's memory. A no-op where there is no glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.malloc_trim(0)
