"""The matching command line (python -m peerpath.matching), run as a real process. No database.

Every run happens without DJANGO_SETTINGS_MODULE, which proves the CLI needs no Django settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from peerpath.matching.__main__ import main

REPO = Path(__file__).resolve().parents[2]
ENV = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}

# Mentees are listed out of id order on purpose: the output follows input order.
MAX_TOTAL = {
    "mode": "max_total",
    "mentees": [{"id": "m3"}, {"id": "m1"}, {"id": "m2"}, {"id": "m4"}, {"id": "m5"}],
    "mentors": [
        {"id": "t1", "capacity": 2},
        {"id": "t2"},
        {"id": "t3", "capacity": 1},
        {"id": "t4", "capacity": 0},
    ],
    "pairs": [
        ["m1", "t1", 90],
        ["m1", "t2", 80],
        ["m2", "t1", 85],
        ["m2", "t3", 10],
        ["m3", "t1", 70],
        ["m3", "t2", 75],
        ["m4", "t2", 60],
        ["m4", "t3", 55],
        ["m5", "t1", 40],
        ["m5", "t3", 95],
        ["m5", "t4", 99],
    ],
    "locked": [["m4", "t3"]],
    "forbidden": [["m2", "t1"]],
}

STABLE = {
    "mode": "stable",
    "mentees": [{"id": "ana"}, {"id": "ben"}, {"id": "cy"}],
    "mentors": [{"id": "t1"}, {"id": "t2", "capacity": 2}],
    "pairs": [["ana", "t1", 10], ["ana", "t2", 5], ["ben", "t1", 7], ["ben", "t2", 8], ["cy", "t1", 3]],
    "mentee_ranks": {"ana": ["t1", "t2"], "ben": ["t1", "t2"], "cy": ["t1"]},
    "mentor_ranks": {"t1": ["ben", "ana", "cy"], "t2": ["ana", "ben"]},
}


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "peerpath.matching", *args],
        cwd=REPO,
        env=ENV,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(path: Path, problem: dict | str) -> Path:
    path.write_text(problem if isinstance(problem, str) else json.dumps(problem), encoding="utf-8")
    return path


def scipy_max_total(problem: dict) -> int:
    """The optimum of a max_total problem, computed independently with scipy's linear_sum_assignment.

    Locks are fixed first; each mentor becomes `capacity` columns and each mentee gets a private
    zero-score "unmatched" column; unlisted or forbidden cells are excluded by a huge negative score.
    """
    locked = {(m, t) for m, t in problem.get("locked", [])}
    forbidden = {(m, t) for m, t in problem.get("forbidden", [])}
    scores = {(m, t): score for m, t, score in problem["pairs"]}
    locked_mentees = {m for m, _ in locked}
    mentees = [p["id"] for p in problem["mentees"] if p["id"] not in locked_mentees]
    slots = [
        mentor["id"]
        for mentor in problem["mentors"]
        for _ in range(mentor.get("capacity", 1) - sum(t == mentor["id"] for _, t in locked))
    ]
    excluded = -(10**9)
    matrix = np.full((len(mentees), len(slots) + len(mentees)), excluded)
    for row, mentee in enumerate(mentees):
        for column, mentor in enumerate(slots):
            if (mentee, mentor) in scores and (mentee, mentor) not in forbidden:
                matrix[row, column] = scores[(mentee, mentor)]
        matrix[row, len(slots) + row] = 0
    rows, columns = linear_sum_assignment(matrix, maximize=True)
    assert (matrix[rows, columns] > excluded).all()
    return int(matrix[rows, columns].sum()) + sum(scores[pair] for pair in locked)


def test_cli_max_total_matches_an_independent_optimum(tmp_path):
    problem_path = write(tmp_path / "problem.json", MAX_TOTAL)
    output_path = tmp_path / "solution.json"

    result = run_cli("solve", str(problem_path), "-o", str(output_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    output = json.loads(output_path.read_text(encoding="utf-8"))
    assert list(output) == ["assignments", "total", "matched", "unmatched", "optimal", "gap_bound"]
    assert output["total"] == scipy_max_total(MAX_TOTAL) == 90 + 75 + 55 + 40
    assert output["assignments"] == [["m3", "t2", 75], ["m1", "t1", 90], ["m4", "t3", 55], ["m5", "t1", 40]]
    assert output["matched"] == 4
    assert output["unmatched"] == ["m2"]
    assert output["optimal"] is True
    assert output["gap_bound"] == 0.0


def test_cli_stable_reads_stdin_and_writes_stdout():
    result = run_cli("solve", "-", "-o", "-", stdin=json.dumps(STABLE))

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "assignments": [["ana", "t2", 5], ["ben", "t1", 7]],
        "total": 12,
        "matched": 2,
        "unmatched": ["cy"],
        "optimal": True,
        "gap_bound": 0.0,
    }


def test_cli_imports_no_django():
    code = (
        "import sys, peerpath.matching.__main__ as cli;"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))"
    )

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def problem_with(**changes: object) -> dict:
    base: dict = {
        "mentees": [{"id": "m1"}, {"id": "m2"}],
        "mentors": [{"id": "t1", "capacity": 2}],
        "pairs": [["m1", "t1", 5], ["m2", "t1", 3]],
    }
    return base | changes


BAD_INPUTS: dict[str, tuple[dict | str, str]] = {
    "malformed_json": ('{"mentees": [\n  {"id": "m1"},\n]}', "malformed JSON at line "),
    "not_an_object": ("[1, 2]", "the problem must be a JSON object, got a list"),
    "missing_key": ({"mentees": [], "mentors": []}, "missing key 'pairs'"),
    "unknown_key": (problem_with(forbiden=[]), "unknown key 'forbiden'"),
    "unknown_mode": (problem_with(mode="fastest"), "unknown mode 'fastest'"),
    "duplicate_mentee": (problem_with(mentees=[{"id": "m1"}, {"id": "m1"}]), "duplicate mentee id 'm1'"),
    "duplicate_mentor": (problem_with(mentors=[{"id": "t1"}, {"id": "t1"}]), "duplicate mentor id 't1'"),
    "mentor_without_id": (problem_with(mentors=[{"capacity": 1}]), "mentors[0] is missing key 'id'"),
    "unknown_mentor_in_pairs": (
        problem_with(pairs=[["m1", "t9", 5]]),
        "unknown mentor id 't9' in pairs",
    ),
    "unknown_mentee_in_pairs": (problem_with(pairs=[["m9", "t1", 5]]), "unknown mentee id 'm9' in pairs"),
    "unknown_mentee_in_locked": (problem_with(locked=[["m9", "t1"]]), "unknown mentee id 'm9' in locked"),
    "unknown_mentor_in_forbidden": (
        problem_with(forbidden=[["m1", "t9"]]),
        "unknown mentor id 't9' in forbidden",
    ),
    "unknown_mentor_in_ranks": (
        problem_with(mode="stable", mentee_ranks={"m1": ["t9"]}),
        "unknown mentor id 't9' in mentee_ranks['m1']",
    ),
    "unknown_mentor_ranking": (
        problem_with(mode="stable", mentor_ranks={"t9": ["m1"]}),
        "unknown mentor id 't9' in mentor_ranks",
    ),
    "ranked_twice": (
        problem_with(mode="stable", mentor_ranks={"t1": ["m1", "m2", "m1"]}),
        "mentee 'm1' appears twice in mentor_ranks['t1']",
    ),
    "ranks_outside_stable_mode": (
        problem_with(mentee_ranks={"m1": ["t1"]}),
        "mentee_ranks is given but mode is 'max_total'",
    ),
    "negative_capacity": (
        problem_with(mentors=[{"id": "t1", "capacity": -1}]),
        "mentor 't1': capacity must be a non-negative integer, got -1",
    ),
    "fractional_capacity": (
        problem_with(mentors=[{"id": "t1", "capacity": 1.5}]),
        "mentor 't1': capacity must be a non-negative integer, got 1.5",
    ),
    "fractional_score": (
        problem_with(pairs=[["m1", "t1", 2.5]]),
        "pair ['m1', 't1']: score must be a non-negative integer, got 2.5",
    ),
    "negative_score": (
        problem_with(pairs=[["m1", "t1", -3]]),
        "pair ['m1', 't1']: score must be a non-negative integer, got -3",
    ),
    "pair_listed_twice": (
        problem_with(pairs=[["m1", "t1", 5], ["m1", "t1", 6]]),
        "pair ['m1', 't1'] is listed twice",
    ),
    "lock_on_forbidden_pair": (
        problem_with(locked=[["m1", "t1"]], forbidden=[["m1", "t1"]]),
        "lock ['m1', 't1'] is on a forbidden pair",
    ),
    "lock_on_unlisted_pair": (
        problem_with(pairs=[["m1", "t1", 5]], locked=[["m2", "t1"]]),
        "lock ['m2', 't1'] is not a listed pair",
    ),
    "locks_over_capacity": (
        problem_with(mentors=[{"id": "t1"}], locked=[["m1", "t1"], ["m2", "t1"]]),
        "mentor 't1' has more locked mentees than its capacity 1",
    ),
    "missing_file": ("", "cannot read"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_cli_bad_input_exits_2_naming_the_problem(tmp_path, capsys, name):
    # In process through the CLI's own main(): each real process would spend about 0.5 s importing
    # numpy, scipy and OR-Tools. The real-process tests below cover the same path end to end.
    problem, message = BAD_INPUTS[name]
    path = tmp_path / "does-not-exist.json" if name == "missing_file" else write(tmp_path / "p.json", problem)

    exit_code = main(["solve", str(path)])

    out, err = capsys.readouterr()
    assert exit_code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert message in err


@pytest.mark.parametrize("name", ["malformed_json", "unknown_mentor_in_pairs", "pair_listed_twice"])
def test_cli_process_bad_input_exits_2_naming_the_problem(tmp_path, name):
    problem, message = BAD_INPUTS[name]

    result = run_cli("solve", str(write(tmp_path / "problem.json", problem)))

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {message}")


def test_cli_bad_input_leaves_the_output_file_alone(tmp_path):
    problem_path = write(tmp_path / "problem.json", problem_with(pairs=[["m1", "t9", 5]]))
    output_path = write(tmp_path / "solution.json", "previous")

    result = run_cli("solve", str(problem_path), "-o", str(output_path))

    assert result.returncode == 2
    assert output_path.read_text(encoding="utf-8") == "previous"


def test_cli_max_min_a_low_lock_does_not_lower_the_floor_for_the_others():
    problem = {
        "mode": "max_min",
        "mentees": [{"id": "m0"}, {"id": "m1"}, {"id": "m2"}],
        "mentors": [{"id": "t0"}, {"id": "t1"}, {"id": "t2"}],
        "pairs": [["m0", "t0", 2], ["m1", "t1", 3], ["m1", "t2", 4], ["m2", "t2", 10], ["m2", "t1", 4]],
        "locked": [["m0", "t0"]],
    }

    result = run_cli("solve", "-", stdin=json.dumps(problem))

    assert result.returncode == 0, result.stderr
    # The lock (2) stays; the others are matched at 4 and 4 rather than 3 and 10 (a higher total).
    assert json.loads(result.stdout)["assignments"] == [["m0", "t0", 2], ["m1", "t2", 4], ["m2", "t1", 4]]
