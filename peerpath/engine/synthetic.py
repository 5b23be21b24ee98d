"""Synthetic schools for tests and the bench: `generate_school` (people, scored by the engine) and
`Generated` (an older generator of already-scored pairs, no engine, kept for the solver's own tests).
"""

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from peerpath.engine.inputs import FloatArray, IntArray, MaskArray, Side, Vocabulary
from peerpath.engine.pruning import Chunk

DISTRICT_SCHOOL_SIZE = 1000  # generate_school: mentees per school in the program, on average

DEMO_VOCABULARY = Vocabulary(
    interests=(
        "music",
        "gaming",
        "basketball",
        "soccer",
        "art",
        "robotics",
        "coding",
        "reading",
        "anime",
        "dance",
        "photography",
        "cooking",
        "theatre",
        "chess",
        "writing",
        "science",
        "movies",
        "running",
        "volleyball",
        "fashion",
        "debate",
        "history",
        "hiking",
        "guitar",
        "piano",
        "swimming",
        "film making",
        "baseball",
        "animals",
        "math puzzles",
        "podcasts",
        "skateboarding",
        "drawing",
        "astronomy",
        "gardening",
        "volunteering",
        "languages",
        "cars",
        "poetry",
        "tennis",
    ),  # fmt: skip
    goals=(
        "study skills",
        "time management",
        "college applications",
        "making friends",
        "confidence",
        "test anxiety",
        "career ideas",
        "homework routine",
        "public speaking",
        "staying organised",
        "sports and school balance",
        "new to the school",
    ),  # fmt: skip
    subjects=(
        "algebra",
        "geometry",
        "biology",
        "chemistry",
        "physics",
        "English",
        "history",
        "Spanish",
        "computer science",
        "art",
        "economics",
        "statistics",
    ),  # fmt: skip
    languages=("English", "Spanish", "Vietnamese"),
    background=(
        "first generation",
        "moved here recently",
        "multilingual home",
        "student athlete",
        "military family",
        "LGBTQ+",
    ),  # fmt: skip
)

_TEMPLATES = (
    "I really like {a} and {b}. I want help with {g}.",
    "Most of my free time goes to {a}. Lately I have been into {b} too. {g} is hard for me.",
    "I'm into {a}, and my friends say I talk about {b} too much. Looking for advice on {g}.",
    "{a} and {b} are my thing. I'd like to get better at {g}.",
)
_MENTOR_TEMPLATES = (
    "I love {a} and {b}, and I can help with {g}.",
    "Senior who spends weekends on {a}. Happy to talk about {b} or {g}.",
    "I'm good at {g} and I'm into {a} and {b}.",
    "{a} fan, also {b}. I went through {g} myself and can share what worked.",
)


def _pick_tags(rng: np.random.Generator, n: int, popularity: FloatArray, low: int, high: int) -> sp.csr_array:
    """Each row picks between low and high distinct tags, weighted by popularity (Gumbel top-k)."""
    vocabulary = len(popularity)
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(n, vocabulary))
    order = np.argsort(-keys, axis=1)
    counts = rng.integers(low, high + 1, size=n)
    keep = np.arange(vocabulary)[None, :] < counts[:, None]
    rows = np.repeat(np.arange(n), counts)
    cols = order[keep]
    return sp.csr_array((np.ones(len(rows), np.int64), (rows, cols)), shape=(n, vocabulary))


def _zipf(size: int, exponent: float) -> FloatArray:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def _masks_from_tags(tags: sp.csr_array) -> MaskArray:
    coo = tags.tocoo()
    out = np.zeros(tags.shape[0], dtype=np.uint64)
    np.bitwise_or.at(out, coo.row, np.left_shift(np.uint64(1), coo.col.astype(np.uint64)))
    return out


def _generate_side(rng: np.random.Generator, n: int, prefix: str, mentor: bool, shares: FloatArray) -> Side:
    v = DEMO_VOCABULARY
    school = rng.choice(len(shares), size=n, p=shares)
    grade_share = [0.05, 0.15, 0.35, 0.45] if mentor else [0.45, 0.35, 0.15, 0.05]
    grade = 9 + rng.choice(4, size=n, p=grade_share)
    interests = _pick_tags(rng, n, _zipf(len(v.interests), 1.0), 2, 6)
    goals = (
        _pick_tags(rng, n, _zipf(len(v.goals), 0.6), 2, 4)
        if mentor
        else _pick_tags(rng, n, _zipf(len(v.goals), 0.6), 1, 3)
    )
    subjects = (
        _pick_tags(rng, n, _zipf(len(v.subjects), 0.5), 2, 3)
        if mentor
        else _pick_tags(rng, n, _zipf(len(v.subjects), 0.5), 1, 2)
    )
    # Languages: English (bit 0) for almost everyone; Spanish and Vietnamese minorities.
    spanish = rng.random(n) < 0.15
    vietnamese = ~spanish & (rng.random(n) < 0.05)
    no_english = (spanish | vietnamese) & (rng.random(n) < (0.0 if mentor else 0.1))
    languages = (np.where(no_english, 0, 1) | np.where(spanish, 2, 0) | np.where(vietnamese, 4, 0)).astype(
        np.uint64
    )
    # 35 weekly slots (5 days x 7 periods); lunch (period 3) and after school (period 6) are the common ones.
    period_weight = np.array([0.5, 0.5, 0.6, 2.0, 0.6, 0.5, 1.5])
    slot_weight = np.tile(period_weight, 5)
    slots = _pick_tags(rng, n, slot_weight / slot_weight.sum(), 2, 5)
    availability = _masks_from_tags(slots)
    # Background: about 30% opt in, with one or two attributes.
    opted = rng.random(n) < 0.3
    background_tags = _masks_from_tags(_pick_tags(rng, n, _zipf(len(v.background), 0.7), 1, 2))
    background = np.where(opted, background_tags, np.uint64(0)).astype(np.uint64)
    capacity = np.where(rng.random(n) < 0.25, 2, 1) if mentor else np.ones(n, np.int64)
    matchable = rng.random(n) < 0.95
    templates = _MENTOR_TEMPLATES if mentor else _TEMPLATES
    texts: list[str | None] = []
    template_pick = rng.integers(len(templates), size=n)
    for row in range(n):
        tags = interests.indices[interests.indptr[row] : interests.indptr[row + 1]]
        goal = goals.indices[goals.indptr[row]]
        texts.append(
            templates[template_pick[row]].format(
                a=v.interests[tags[0]], b=v.interests[tags[-1]], g=v.goals[goal]
            )
        )
    return Side(
        ids=[f"{prefix}{k}" for k in range(n)],
        grade=grade,
        school=school,
        interests=interests,
        goals=goals,
        subjects=subjects,
        languages=languages,
        availability=availability,
        background=background,
        texts=texts,
        capacity=capacity,
        matchable=matchable,
    )


def generate_school(
    n_mentees: int, n_mentors: int, seed: int, *, school_size: int | None = DISTRICT_SCHOOL_SIZE
) -> tuple[Side, Side]:
    """Realistic seeded (mentees, mentors) over `DEMO_VOCABULARY`.

    Schools: up to 1.5 x `school_size` mentees, 2-3 schools of uneven size (55/30/15 %) as in one small
    district; beyond that, a district of about n_mentees / `school_size` schools whose programs have
    0.5-1.5 x `school_size` mentees each (mentors in the same proportions, so every school recruits for
    its own program). `school_size=None` keeps 2-3 schools at any size (the dense worst case: nearly half
    of all pairs are in a same-school block). Within a school: grades 9-12 (mentees younger),
    Zipf-popular interests, goals and strengths, English with Spanish and Vietnamese minorities, sparse
    availability over 35 slots, ~30% background opt-in, ~5% not cleared, capacities 1 or 2 and template
    "about me" texts. With default `Constraints()` about 25-30% of same-school pairs are feasible, which
    is 5-15% of all pairs with 2-3 schools and about 28% / number of schools in a larger district.
    """
    rng = np.random.default_rng(seed)
    schools = int(rng.integers(2, 4))
    shares = np.array([0.55, 0.30, 0.15][:schools])
    if school_size is not None and n_mentees > 1.5 * school_size:
        schools = max(2, round(n_mentees / school_size))
        shares = rng.uniform(0.5, 1.5, size=schools)
    shares = shares / shares.sum()
    mentees = _generate_side(rng, n_mentees, "e", mentor=False, shares=shares)
    mentors = _generate_side(rng, n_mentors, "r", mentor=True, shares=shares)
    return mentees, mentors


def _mix(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x7FEB352D)
    h = h ^ (h >> np.uint32(15))
    h = h * np.uint32(0x846CA68B)
    return h ^ (h >> np.uint32(16))


class Generated:
    """A seeded synthetic school: pairs are produced block by block and are the same on every pass."""

    def __init__(self, n_mentees: int, n_mentors: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.n, self.m = n_mentees, n_mentors
        schools = int(rng.integers(2, 4))
        weights = rng.dirichlet(np.full(schools, 4.0))
        self.school_e = rng.choice(schools, n_mentees, p=weights)
        self.school_r = rng.choice(schools, n_mentors, p=weights)
        same = float((weights**2).sum())
        self.p_same = min(0.9, 0.10 / same)  # about 10 % of all pairs feasible, mostly within a school
        self.p_cross = 0.003
        dim = 4
        self.taste_e = rng.normal(size=(n_mentees, dim)).astype(np.float32)
        self.taste_r = rng.normal(size=(n_mentors, dim)).astype(np.float32)
        self.quality = rng.normal(size=n_mentors).astype(np.float32)
        self.key_e = rng.integers(0, 2**32, n_mentees, dtype=np.uint64).astype(np.uint32)
        self.key_r = rng.integers(0, 2**32, n_mentors, dtype=np.uint64).astype(np.uint32)
        self.block = max(1, 4_000_000 // max(n_mentors, 1))

    def blocks(self) -> Iterator[Chunk]:
        for lo in range(0, self.n, self.block):
            hi = min(self.n, lo + self.block)
            h = _mix(self.key_e[lo:hi, None] ^ _mix(self.key_r[None, :]))
            same = self.school_e[lo:hi, None] == self.school_r[None, :]
            thresh = np.where(same, np.uint32(self.p_same * 2**20), np.uint32(self.p_cross * 2**20))
            feasible = (h & np.uint32(2**20 - 1)) < thresh
            r, c = np.nonzero(feasible)
            taste = np.einsum("pd,pd->p", self.taste_e[lo + r], self.taste_r[c])
            noise = ((h[r, c] >> np.uint32(20)) % np.uint32(161)).astype(np.float32) - 80.0
            score = 500.0 + 110.0 * taste + 60.0 * self.quality[c] + noise
            yield (
                (r + lo).astype(np.int32),
                c.astype(np.int32),
                np.clip(np.rint(score), 0, 1000).astype(np.int32),
            )

    def arrays(self) -> tuple[IntArray, IntArray, IntArray]:
        parts = list(self.blocks())
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]
