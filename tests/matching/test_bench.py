"""`make bench`: its greedy baseline, and one small run with both goals and the reference checks. No DB."""

import random

import numpy as np
import pytest

from peerpath.engine import bench


def _argsort_greedy(rows: list[int], cols: list[int], scores: list[int], n: int, cap: list[int]) -> int:
    room, free, total = list(cap), [True] * n, 0
    for p in sorted(range(len(scores)), key=lambda p: (-scores[p], p)):
        if free[rows[p]] and room[cols[p]] > 0:
            free[rows[p]] = False
            room[cols[p]] -= 1
            total += scores[p]
    return total


def test_greedy_baseline_takes_pairs_by_score_then_list_order():
    rng = random.Random(3)
    for _ in range(200):
        n, m = rng.randint(1, 12), rng.randint(1, 8)
        cells = [(i, j) for i in range(n) for j in range(m) if rng.random() < 0.4]
        rows, cols = [i for i, _ in cells], [j for _, j in cells]
        scores = [rng.randint(0, 9) for _ in cells]
        cap = [rng.randint(0, 2) for _ in range(m)]

        got = bench.greedy_total(np.array(rows, np.int64), np.array(cols), np.array(scores), n, np.array(cap))

        assert got == _argsort_greedy(rows, cols, scores, n, cap)


@pytest.mark.slow
def test_bench_runs_both_goals_with_references_in_their_own_process(capsys):
    assert bench.main(["--sizes", "300", "--modes", "max_total,max_min", "--school-size", "150"]) == 0

    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines if line.startswith("    300")]
    assert [row[2] for row in rows] == ["max_total", "max_min"]
    best, fair = rows
    assert best[13] == fair[13] == "yes"  # both proven optimal
    assert best[15] == "1.000000"  # equal to scipy's dense optimum
    assert int(fair[12]) >= int(best[12])  # the fairest goal's lowest score is at least best total's
    assert any("check_peak_mb" in line for line in lines)  # the references' own process and peak
