"""The matching engine's JSON file interface: parse a problem file, write a solution file.

No Django: the command line (``python -m peerpath.matching``) runs without settings. The format is
described in ``docs/matching.md``. Ids are mapped to indexes in the order the file lists them, so
the engine's ties break by input order, and the output lists assignments in mentee input order.
Every problem with the file raises ``ProblemError`` with a message that names it.
"""

import json
from dataclasses import dataclass
from typing import Any, cast, get_args

from peerpath.engine.assignment import Mode, Problem, ProblemError, Solution

MODES: tuple[str, ...] = get_args(Mode)
KEYS = ("mode", "mentees", "mentors", "pairs", "locked", "forbidden", "mentee_ranks", "mentor_ranks")
REQUIRED_KEYS = ("mentees", "mentors", "pairs")


@dataclass(frozen=True)
class ProblemFile:
    """A parsed problem with the ids its indexes stand for."""

    problem: Problem
    mentee_ids: list[str]
    mentor_ids: list[str]


def parse_problem(text: str) -> ProblemFile:
    """Parse and validate a problem file's text."""
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as error:
        raise ProblemError(
            f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(data, dict):
        raise ProblemError(f"the problem must be a JSON object, got {_json_type(data)}")
    for key in data:
        if key not in KEYS:
            raise ProblemError(f"unknown key {key!r} (expected some of {', '.join(KEYS)})")
    for key in REQUIRED_KEYS:
        if key not in data:
            raise ProblemError(f"missing key {key!r}")

    mode = data.get("mode", "max_total")
    if mode not in MODES:
        raise ProblemError(f"unknown mode {mode!r} (expected one of {', '.join(map(repr, MODES))})")

    mentee_ids = [mentee["id"] for mentee in _parse_people(data["mentees"], "mentee", allowed_keys=("id",))]
    mentors = _parse_people(data["mentors"], "mentor", allowed_keys=("id", "capacity"))
    mentor_ids = [mentor["id"] for mentor in mentors]
    mentee_index = {mentee_id: i for i, mentee_id in enumerate(mentee_ids)}
    mentor_index = {mentor_id: i for i, mentor_id in enumerate(mentor_ids)}
    capacities = [_parse_capacity(mentor) for mentor in mentors]

    pairs: list[tuple[int, int, int]] = []
    scores: dict[tuple[int, int], int] = {}
    for item in _list(data["pairs"], "pairs"):
        if not isinstance(item, list) or len(item) != 3:
            raise ProblemError(f"each entry of pairs must be [mentee id, mentor id, score], got {item!r}")
        mentee_id, mentor_id, score = item
        pair = _pair_indexes(mentee_id, mentor_id, mentee_index, mentor_index, "pairs")
        if not _is_int(score) or score < 0:
            raise ProblemError(
                f"pair {[mentee_id, mentor_id]!r}: score must be a non-negative integer, got {score!r}"
            )
        if pair in scores:
            raise ProblemError(f"pair {[mentee_id, mentor_id]!r} is listed twice")
        scores[pair] = score
        pairs.append((*pair, score))

    forbidden: list[tuple[int, int]] = []
    for mentee_id, mentor_id in _id_pairs(data.get("forbidden", []), "forbidden"):
        pair = _pair_indexes(mentee_id, mentor_id, mentee_index, mentor_index, "forbidden")
        if pair not in forbidden:
            forbidden.append(pair)

    locked: list[tuple[int, int]] = []
    locks_per_mentor = [0] * len(mentor_ids)
    for mentee_id, mentor_id in _id_pairs(data.get("locked", []), "locked"):
        pair = _pair_indexes(mentee_id, mentor_id, mentee_index, mentor_index, "locked")
        name = f"lock {[mentee_id, mentor_id]!r}"
        if pair in locked:
            raise ProblemError(f"{name} is listed twice")
        if pair not in scores:
            raise ProblemError(f"{name} is not a listed pair")
        if pair in forbidden:
            raise ProblemError(f"{name} is on a forbidden pair")
        if any(mentee == pair[0] for mentee, _ in locked):
            raise ProblemError(f"mentee {mentee_id!r} is locked to more than one mentor")
        locks_per_mentor[pair[1]] += 1
        if locks_per_mentor[pair[1]] > capacities[pair[1]]:
            raise ProblemError(
                f"mentor {mentor_id!r} has more locked mentees than its capacity {capacities[pair[1]]}"
            )
        locked.append(pair)

    mentee_ranks = _parse_ranks(data, "mentee_ranks", mentee_index, "mentee", mentor_index, "mentor")
    mentor_ranks = _parse_ranks(data, "mentor_ranks", mentor_index, "mentor", mentee_index, "mentee")
    if mode != "stable":
        for key in ("mentee_ranks", "mentor_ranks"):
            if data.get(key):
                raise ProblemError(
                    f"{key} is given but mode is {mode!r}; rankings are used only in mode 'stable'"
                )

    problem = Problem(
        mentee_count=len(mentee_ids),
        capacities=capacities,
        pairs=pairs,
        locked=locked,
        forbidden=forbidden,
        mode=cast(Mode, mode),
        mentee_ranks=mentee_ranks,
        mentor_ranks=mentor_ranks,
    )
    return ProblemFile(problem=problem, mentee_ids=mentee_ids, mentor_ids=mentor_ids)


def solution_to_dict(problem_file: ProblemFile, solution: Solution) -> dict[str, Any]:
    """The output format: ids instead of indexes, assignments in mentee input order."""
    mentee_ids, mentor_ids = problem_file.mentee_ids, problem_file.mentor_ids
    return {
        "assignments": [
            [mentee_ids[mentee], mentor_ids[mentor], score]
            for mentee, mentor, score in sorted(solution.assignments)
        ],
        "total": solution.total,
        "matched": solution.matched,
        "unmatched": [mentee_ids[mentee] for mentee in sorted(solution.unmatched)],
        "optimal": solution.optimal,
        "gap_bound": float(solution.gap_bound),
    }


def format_solution(problem_file: ProblemFile, solution: Solution) -> str:
    """The output file's text: valid JSON with one assignment per line, so diffs stay readable."""
    output = solution_to_dict(problem_file, solution)
    rows = ",\n".join(f"    {json.dumps(row)}" for row in output["assignments"])
    lines = [f'  "assignments": [\n{rows}\n  ]' if rows else '  "assignments": []']
    lines += [
        f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in output.items() if key != "assignments"
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _reject_duplicate_keys(items: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in items:
        if key in result:
            raise ProblemError(f"key {key!r} appears twice in the same JSON object")
        result[key] = value
    return result


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list(value: object, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise ProblemError(f"{key} must be a list, got {_json_type(value)}")
    return value


def _parse_people(value: object, side: str, *, allowed_keys: tuple[str, ...]) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, person in enumerate(_list(value, f"{side}s")):
        where = f"{side}s[{position}]"
        if not isinstance(person, dict):
            raise ProblemError(f"{where} must be an object, got {_json_type(person)}")
        for key in person:
            if key not in allowed_keys:
                raise ProblemError(f"{where} has unknown key {key!r} (expected {', '.join(allowed_keys)})")
        if "id" not in person:
            raise ProblemError(f"{where} is missing key 'id'")
        person_id = person["id"]
        if not isinstance(person_id, str) or not person_id:
            raise ProblemError(f"{where}: id must be a non-empty string, got {person_id!r}")
        if person_id in seen:
            raise ProblemError(f"duplicate {side} id {person_id!r}")
        seen.add(person_id)
        people.append(person)
    return people


def _parse_capacity(mentor: dict[str, Any]) -> int:
    capacity = mentor.get("capacity", 1)
    if not _is_int(capacity) or capacity < 0:
        raise ProblemError(
            f"mentor {mentor['id']!r}: capacity must be a non-negative integer, got {capacity!r}"
        )
    return cast(int, capacity)


def _pair_indexes(
    mentee_id: object,
    mentor_id: object,
    mentee_index: dict[str, int],
    mentor_index: dict[str, int],
    where: str,
) -> tuple[int, int]:
    if not isinstance(mentee_id, str) or mentee_id not in mentee_index:
        raise ProblemError(f"unknown mentee id {mentee_id!r} in {where}")
    if not isinstance(mentor_id, str) or mentor_id not in mentor_index:
        raise ProblemError(f"unknown mentor id {mentor_id!r} in {where}")
    return mentee_index[mentee_id], mentor_index[mentor_id]


def _id_pairs(value: object, key: str) -> list[tuple[object, object]]:
    result: list[tuple[object, object]] = []
    for item in _list(value, key):
        if not isinstance(item, list) or len(item) != 2:
            raise ProblemError(f"each entry of {key} must be [mentee id, mentor id], got {item!r}")
        result.append((item[0], item[1]))
    return result


def _parse_ranks(
    data: dict[str, Any],
    key: str,
    owner_index: dict[str, int],
    owner_side: str,
    ranked_index: dict[str, int],
    ranked_side: str,
) -> dict[int, list[int]]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ProblemError(
            f"{key} must be an object mapping {owner_side} ids to lists of {ranked_side} ids, "
            f"got {_json_type(value)}"
        )
    ranks: dict[int, list[int]] = {}
    for owner_id, ranking in value.items():
        if owner_id not in owner_index:
            raise ProblemError(f"unknown {owner_side} id {owner_id!r} in {key}")
        where = f"{key}[{owner_id!r}]"
        seen: set[str] = set()
        for ranked_id in _list(ranking, where):
            if not isinstance(ranked_id, str) or ranked_id not in ranked_index:
                raise ProblemError(f"unknown {ranked_side} id {ranked_id!r} in {where}")
            if ranked_id in seen:
                raise ProblemError(f"{ranked_side} {ranked_id!r} appears twice in {where}")
            seen.add(ranked_id)
        ranks[owner_index[owner_id]] = [ranked_index[ranked_id] for ranked_id in ranking]
    return ranks
