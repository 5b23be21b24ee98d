"""Stable matching with mentor capacities: mentee-proposing deferred acceptance (Gale–Shapley).

Pure Python, no Django. A pair (mentee, mentor) is *acceptable* when it is listed in ``problem.pairs``,
is not forbidden, the mentee ranks the mentor and the mentor ranks the mentee. Unranked or unlisted
pairs are never matched, whatever their score.

Locked pairs are fixed first: each locked mentee is matched to its mentor and takes one of that
mentor's seats, whether or not the pair is acceptable. Deferred acceptance then runs on the other
mentees with the seats that are left. The result is the mentee-optimal stable matching of that
reduced problem: every unlocked mentee gets the best mentor they can have in any stable matching.

Stability is therefore defined without the locked mentees. A *blocking pair* is an acceptable pair
(m, t) with m not locked, where m is unmatched or prefers t to their mentor, and t has a free seat or
prefers m to the worst unlocked mentee it holds. A lock can create a pair that would block in the
unconstrained problem (t prefers m to a mentee locked to t, or a locked mentee prefers another mentor);
such pairs are the coordinator's decision and are not counted.

Ties cannot occur (rankings are strict orders); the mentee-optimal stable matching is unique, so the
result does not depend on the order in which mentees propose. Proposals still go in index order so
the run itself is reproducible.
"""

import heapq
from collections import deque

from peerpath.engine.assignment import Problem, ProblemError, Solution

NO_ACCEPTABLE_PAIR = "no_acceptable_pair"  # the mentee has no acceptable mentor at all
REJECTED_BY_ALL = "rejected_by_all"  # every acceptable mentor preferred others (or had no seat left)


def solve_stable(problem: Problem) -> Solution:
    """Return the mentee-optimal stable matching of ``problem`` (after its locked pairs)."""
    mentor_count = len(problem.capacities)
    scores = _pair_scores(problem, mentor_count)
    forbidden = set(problem.forbidden)
    locked_mentor = _locked_mentors(problem, scores, forbidden)

    seats = list(problem.capacities)
    for mentor in locked_mentor.values():
        seats[mentor] -= 1

    # Position of each mentee in each mentor's ranking; lower is better.
    mentor_rank: list[dict[int, int]] = [{} for _ in range(mentor_count)]
    for mentor, ranking in problem.mentor_ranks.items():
        _check_index(mentor, mentor_count, "mentor", "mentor_ranks")
        for position, mentee in enumerate(ranking):
            _check_index(mentee, problem.mentee_count, "mentee", "mentor_ranks")
            mentor_rank[mentor].setdefault(mentee, position)

    # Each unlocked mentee's acceptable mentors, best first.
    proposals: list[list[int]] = [[] for _ in range(problem.mentee_count)]
    for mentee, ranking in problem.mentee_ranks.items():
        _check_index(mentee, problem.mentee_count, "mentee", "mentee_ranks")
        if mentee in locked_mentor:
            continue
        seen: set[int] = set()
        for mentor in ranking:
            _check_index(mentor, mentor_count, "mentor", "mentee_ranks")
            if mentor in seen:
                continue
            seen.add(mentor)
            pair = (mentee, mentor)
            if pair in scores and pair not in forbidden and mentee in mentor_rank[mentor]:
                proposals[mentee].append(mentor)

    # held[t] is a max-heap (by rank position) of the unlocked mentees t tentatively accepts.
    held: list[list[tuple[int, int]]] = [[] for _ in range(mentor_count)]
    next_choice = [0] * problem.mentee_count
    free = deque(m for m in range(problem.mentee_count) if m not in locked_mentor and proposals[m])
    while free:
        mentee = free.popleft()
        if next_choice[mentee] == len(proposals[mentee]):
            continue  # rejected by every acceptable mentor: stays unmatched
        mentor = proposals[mentee][next_choice[mentee]]
        next_choice[mentee] += 1
        heapq.heappush(held[mentor], (-mentor_rank[mentor][mentee], mentee))
        if len(held[mentor]) > seats[mentor]:
            _, rejected = heapq.heappop(held[mentor])
            free.append(rejected)

    mentor_of: dict[int, int] = dict(locked_mentor)
    for mentor, heap in enumerate(held):
        for _, mentee in heap:
            mentor_of[mentee] = mentor

    assignments = [(m, mentor_of[m], scores[(m, mentor_of[m])]) for m in sorted(mentor_of)]
    unmatched = [m for m in range(problem.mentee_count) if m not in mentor_of]
    return Solution(
        assignments=assignments,
        total=sum(score for _, _, score in assignments),
        matched=len(assignments),
        unmatched=unmatched,
        optimal=True,
        gap_bound=0.0,
        reasons={m: REJECTED_BY_ALL if proposals[m] else NO_ACCEPTABLE_PAIR for m in unmatched},
    )


def _check_index(index: int, count: int, side: str, where: str) -> None:
    if not 0 <= index < count:
        raise ProblemError(f"unknown {side} index {index} in {where}")


def _pair_scores(problem: Problem, mentor_count: int) -> dict[tuple[int, int], int]:
    scores: dict[tuple[int, int], int] = {}
    for mentee, mentor, score in problem.pairs:
        _check_index(mentee, problem.mentee_count, "mentee", "pairs")
        _check_index(mentor, mentor_count, "mentor", "pairs")
        if (mentee, mentor) in scores:
            raise ProblemError(f"pair {[mentee, mentor]} is listed twice")
        scores[(mentee, mentor)] = score
    for mentor, capacity in enumerate(problem.capacities):
        if capacity < 0:
            raise ProblemError(f"mentor {mentor} has negative capacity {capacity}")
    return scores


def _locked_mentors(
    problem: Problem, scores: dict[tuple[int, int], int], forbidden: set[tuple[int, int]]
) -> dict[int, int]:
    locked_mentor: dict[int, int] = {}
    locks_per_mentor = [0] * len(problem.capacities)
    for mentee, mentor in problem.locked:
        pair = (mentee, mentor)
        if pair not in scores:
            raise ProblemError(f"lock {[mentee, mentor]} is not a listed pair")
        if pair in forbidden:
            raise ProblemError(f"lock {[mentee, mentor]} is on a forbidden pair")
        if mentee in locked_mentor:
            raise ProblemError(f"mentee {mentee} is locked more than once")
        locked_mentor[mentee] = mentor
        locks_per_mentor[mentor] += 1
        if locks_per_mentor[mentor] > problem.capacities[mentor]:
            raise ProblemError(
                f"mentor {mentor} has more locked mentees than its capacity {problem.capacities[mentor]}"
            )
    return locked_mentor
