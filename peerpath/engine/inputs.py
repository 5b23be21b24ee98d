"""The engine's inputs: the two sides as arrays, the weights, the hard constraints and tag names.

Pure Python + numpy/scipy, no Django. `Side` holds one side (mentees or mentors) as arrays, one entry per
person; `Weights` the per-program weights of the score components (`COMPONENTS`, the one list of them:
`matching.models.MatchSettings.WEIGHT_FIELDS` is derived from it); `Constraints` the hard rules
(`CONSTRAINTS`, in the order used for exclusion counts); `Vocabulary` the names behind indexes and bits.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
MaskArray = npt.NDArray[np.uint64]
Pair = tuple[str, str]  # (mentee id, mentor id)
Mode = Literal["max_total", "max_matched", "max_min", "stable"]

SCORE_SCALE = 1000  # integer score = round(SCORE_SCALE * weighted total)

COMPONENTS = (
    "interests",
    "goals",
    "subjects",
    "availability",
    "language",
    "background",
    "semantic",
    "request",
    "priority",
)
# Hard constraints, in the order used for exclusion counts (ties for "excluded most" go to the first).
CONSTRAINTS = (
    "matchable",
    "mentor_full",
    "same_school",
    "grade_gap",
    "shared_slots",
    "shared_language",
    "avoid",
    "never_rematch",
    "forbidden",
)
CONSTRAINT_LABELS = {
    "matchable": "not cleared to be matched",
    "mentor_full": "mentor has no places",
    "same_school": "different school",
    "grade_gap": "grade gap too small",
    "shared_slots": "too few shared free periods",
    "shared_language": "no shared language",
    "avoid": "asked to avoid",
    "never_rematch": "matched before",
    "forbidden": "not allowed together",
}


def _csr(matrix: Any, rows: int, name: str) -> sp.csr_array:
    result = sp.csr_array(matrix, dtype=np.int64, copy=True)
    if result.shape[0] != rows:
        raise ValueError(f"{name} has {result.shape[0]} rows, expected {rows}")
    result.data[:] = 1  # tags are 0/1
    result.sum_duplicates()
    result.sort_indices()
    return result


@dataclass
class Side:
    """One side (mentees or mentors) as arrays, one entry per person, in the order of `ids`.

    `goals` holds the mentees' goals and the mentors' strengths, in one shared vocabulary. Bit masks are
    uint64: `languages` (bit k = language k), `availability` (bit k = weekly slot k), `background`
    (opt-in attributes; 0 = not opted in). `embeddings` may be passed precomputed (unit rows); otherwise
    they are computed from `texts` when the semantic weight is positive.
    """

    ids: list[str]
    grade: IntArray
    school: IntArray
    interests: Any  # scipy sparse (CSR) 0/1, people x interest vocabulary
    goals: Any  # scipy sparse 0/1, people x goal vocabulary
    subjects: Any  # scipy sparse 0/1, people x subject vocabulary
    languages: MaskArray
    availability: MaskArray
    background: MaskArray
    texts: list[str | None] | None = None
    capacity: IntArray | None = None  # mentors; defaults to 1 each
    matchable: BoolArray | None = None  # defaults to True each
    priority: BoolArray | None = None  # mentees matched with priority (defaults to False each)
    embeddings: npt.NDArray[np.float32] | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        if len(set(self.ids)) != n:
            raise ValueError("ids must be unique")
        self.grade = np.asarray(self.grade, dtype=np.int64)
        self.school = np.asarray(self.school, dtype=np.int64)
        self.languages = np.asarray(self.languages, dtype=np.uint64)
        self.availability = np.asarray(self.availability, dtype=np.uint64)
        self.background = np.asarray(self.background, dtype=np.uint64)
        self.capacity = np.ones(n, np.int64) if self.capacity is None else np.asarray(self.capacity, np.int64)
        self.matchable = (
            np.ones(n, np.bool_) if self.matchable is None else np.asarray(self.matchable, dtype=np.bool_)
        )
        self.priority = (
            np.zeros(n, np.bool_) if self.priority is None else np.asarray(self.priority, dtype=np.bool_)
        )
        arrays = (
            "grade",
            "school",
            "languages",
            "availability",
            "background",
            "capacity",
            "matchable",
            "priority",
        )
        for name in arrays:
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
        self.interests = _csr(self.interests, n, "interests")
        self.goals = _csr(self.goals, n, "goals")
        self.subjects = _csr(self.subjects, n, "subjects")
        if self.texts is not None and len(self.texts) != n:
            raise ValueError(f"texts must have {n} entries")
        if self.embeddings is not None and self.embeddings.shape[0] != n:
            raise ValueError(f"embeddings must have {n} rows")

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Weights:
    """Per-program weights (>= 0) of the score components, each component being in [0, 1]."""

    interests: float = 1.0
    goals: float = 1.0
    subjects: float = 0.5
    availability: float = 1.0
    language: float = 0.5
    background: float = 0.25
    semantic: float = 0.5
    request: float = 2.0
    priority: float = 1.0  # added to every pair of a priority mentee (returned to the pool: rematch)

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"weight {name} must be finite and >= 0, got {value!r}")


@dataclass(frozen=True)
class Constraints:
    """Hard constraints. A pair is feasible only if every constraint that is on allows it.

    Pair sets hold (mentee id, mentor id); unknown ids are ignored. `None` turns a numeric rule off.
    """

    require_matchable: bool = True  # both people passed the gate (`Side.matchable`)
    same_school: bool = True
    # With same_school on, these (mentee school, mentor school) pairs are also allowed.
    allowed_school_pairs: frozenset[tuple[int, int]] = frozenset()
    min_grade_gap: int | None = 1  # mentor grade - mentee grade >= this
    min_shared_slots: int | None = 1  # at least this many common free slots
    shared_language: bool = True  # at least one common language
    avoid: frozenset[Pair] = frozenset()  # the mentee asked not to be matched with the mentor
    never_rematch: frozenset[Pair] = frozenset()  # matched before and closed
    forbidden: frozenset[Pair] = frozenset()  # anything else (e.g. a guardian's rule)


@dataclass(frozen=True)
class Vocabulary:
    """Names for explanations: index -> tag name; for bit masks, bit k -> name."""

    interests: Sequence[str] = ()
    goals: Sequence[str] = ()
    subjects: Sequence[str] = ()
    languages: Sequence[str] = ()
    background: Sequence[str] = ()
