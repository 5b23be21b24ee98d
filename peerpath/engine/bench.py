"""Benchmark of the matching engine at scale: ``python -m peerpath.engine.bench [--sizes ...]``.

Each (N, capacity) case runs in its own subprocess so that peak memory (``ru_maxrss``) is per case, and
runs exactly what ``solve.match`` runs for ``max_total``: ``synthetic.generate_school`` (a seeded district:
about ``--school-size`` mentees per school, see its docstring), scoring of the compatible school blocks on 2
threads with default weights and constraints (embeddings of the "about me" texts included) into the compact
per-component form (``Scorer.score_compact``), then ``pruning.solve_groups`` (per school group: top-k
candidates, min-cost flow, LP-duality certificate).
Reported: scoring and solving time and their sum, peak RSS, feasible pairs (also as a share of all pairs
and of the same-school blocks), total, matched, minimum pair score, proven optimal / certified gap, the
ratio to an independent exact optimum (scipy's dense ``linear_sum_assignment`` over all mentees x all
mentor places, only when the dense matrix fits) and the ratio of a greedy baseline (pairs by score, take if
both free). Explanations (the per-pair breakdowns ``match`` also builds) are not included.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
AnyInts = npt.NDArray[np.integer]  # pair arrays: int32 indexes, int64 scores
_DENSE_LIMIT_BYTES = 2_000_000_000  # skip the dense reference above this matrix size


def greedy_total(rows: AnyInts, cols: AnyInts, scores: AnyInts, n: int, cap: IntArray) -> int:
    order = np.argsort(-np.asarray(scores, np.int64), kind="stable")
    room = cap.copy()
    free = np.ones(n, bool)
    total, left = 0, min(n, int(cap.sum()))
    for lo in range(0, order.size, 1_000_000):  # by chunks: pairs already blocked are skipped vectorised
        part = order[lo : lo + 1_000_000]
        part = part[free[rows[part]] & (room[cols[part]] > 0)]
        for i, j, s in zip(rows[part].tolist(), cols[part].tolist(), scores[part].tolist(), strict=True):
            if free[i] and room[j] > 0:
                free[i] = False
                room[j] -= 1
                total += s
                left -= 1
                if left == 0:
                    return total
    return total


def dense_optimum(rows: AnyInts, cols: AnyInts, scores: AnyInts, n: int, cap: IntArray) -> int | None:
    """Exact optimum by scipy's LAPJV on mentees x (mentor slots); infeasible cells score 0 (scores >= 0,
    so a zero cell is as good as staying unmatched). None if the matrix would be too big."""
    from scipy.optimize import linear_sum_assignment

    slots = np.minimum(cap, n)
    width = int(slots.sum())
    if n * width * 8 * 2 > _DENSE_LIMIT_BYTES or width == 0:
        return None
    first = np.concatenate(([0], np.cumsum(slots)[:-1]))
    profit = np.zeros((n, width))
    for copy in range(int(slots.max())):
        ok = slots[cols] > copy
        profit[rows[ok], first[cols[ok]] + copy] = scores[ok]
    r, c = linear_sum_assignment(profit, maximize=True)
    return int(round(profit[r, c].sum()))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(
    n: int, capacity: int, seed: int, k: int, reference: bool, school_size: int | None
) -> dict[str, Any]:
    """One case, exactly as ``solve.match`` runs it: score (blocks, 2 threads), then the certified solver."""
    from peerpath.engine.inputs import Constraints, Weights
    from peerpath.engine.pruning import solve_groups
    from peerpath.engine.scoring import Scorer
    from peerpath.engine.synthetic import generate_school

    m = n if capacity == 1 else -(-n // capacity)
    out: dict[str, Any] = {"n": n, "capacity": capacity, "mentors": m}
    mentees, mentors = generate_school(n, m, seed, school_size=school_size)
    mentors.capacity = np.full(m, capacity, np.int64)
    cap = mentors.capacity
    out["schools"] = int(np.unique(mentees.school).size)
    t0 = time.perf_counter()
    scorer = Scorer(mentees, mentors, Weights(), Constraints())
    compact = scorer.score_compact()
    out["scoring_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    large = solve_groups(compact.groups(release=True), n, cap, components=compact.components, k=k)
    out["solving_s"] = time.perf_counter() - t1
    out["total_s"] = out["scoring_s"] + out["solving_s"]
    out["peak_mb"] = _peak_mb()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)  # includes generating the data
    out["load_avg_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine skews the timings
    sol, certs = large.solution, large.certificates
    blocks = sum(len(i) * len(j) for i, j in scorer.blocks())
    out.update(
        pairs=len(compact),
        feasible_share=len(compact) / (n * m),
        block_share=len(compact) / max(blocks, 1),
        components=large.components,
        kept=sum(c.kept_pairs for c in certs),
        rounds=max((c.rounds for c in certs), default=0),
        total=sol.total,
        matched=sol.matched,
        min_score=sol.bottleneck,
        optimal=sol.optimal,
        gap=sol.gap_bound,
        phases={
            key: round(sum(c.seconds.get(key, 0.0) for c in certs), 2)
            for key in ("prune", "solve", "certify")
        },
    )
    del large
    compact = scorer.score_compact()  # again (not timed): the solve released the pairs
    del scorer
    # Greedy per component (no pair joins two, so the decisions are the same as over all pairs at once).
    greedy = 0
    for group in compact.groups():
        rows = np.repeat(group.mentees, np.diff(group.indptr))
        cols = group.mentors[np.asarray(group.cols, np.int64)]
        greedy += greedy_total(rows, cols, np.asarray(group.scores, np.int64), n, cap)
        del rows, cols, group
    out["greedy_ratio"] = greedy / sol.total if sol.total else 1.0
    if reference:
        scored = compact.to_scored()
        t2 = time.perf_counter()
        best = dense_optimum(scored.rows, scored.cols, scored.score, n, cap)
        out["exact_ratio"] = None if best is None else (sol.total / best if best else 1.0)
        out["exact_s"] = time.perf_counter() - t2
        if best is None:
            out["note"] = "dense reference skipped (matrix too large)"
    return out


def _fmt(row: dict[str, Any]) -> str:
    def num(key: str, spec: str) -> str:
        value = row.get(key)
        return "-" if value is None else format(value, spec)

    return (
        f"{row['n']:>7} {row['capacity']:>3} {row['pairs']:>11,} {row['kept']:>8,} {row['rounds']:>3} "
        f"{num('scoring_s', '.2f'):>8} {num('solving_s', '.2f'):>8} {num('total_s', '.2f'):>8} "
        f"{num('peak_mb', '.0f'):>7} "
        f"{row['total']:>11,} {row['matched']:>7} {num('min_score', 'd'):>5} "
        f"{'yes' if row['optimal'] else 'no':>4} {row['gap']:>8.2e} "
        f"{num('exact_ratio', '.6f'):>9} {num('greedy_ratio', '.4f'):>8}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--capacity", default="1", help="1, 2 or a comma list such as 1,2")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-k", type=int, default=6)
    parser.add_argument("--reference-max", type=int, default=10_000, help="largest N for the dense check")
    parser.add_argument(
        "--school-size",
        type=int,
        default=1000,
        help="mentees per school in the generated district (0: 2-3 schools at any size, dense worst case)",
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: "N,capacity" in a subprocess
    args = parser.parse_args(argv)
    if args.case:
        n, capacity = (int(x) for x in args.case.split(","))
        size = args.school_size or None
        print(json.dumps(run_case(n, capacity, args.seed, args.k, n <= args.reference_max, size)))
        return 0
    header = (
        f"{'N':>7} {'cap':>3} {'pairs':>11} {'kept':>8} {'rnd':>3} {'score_s':>8} {'solve_s':>8} "
        f"{'total_s':>8} "
        f"{'peak_MB':>7} {'total':>11} {'matched':>7} {'min':>5} {'opt':>4} {'gap':>8} "
        f"{'vs_exact':>9} {'greedy':>8}"
    )
    print(header)
    layout = (
        f"district, ~{args.school_size} mentees per school (0.5-1.5x), same_school on"
        if args.school_size
        else "2-3 schools at any size (dense worst case)"
    )
    print(
        f"# data: synthetic.generate_school seed {args.seed}, {layout}; "
        f"default Weights and Constraints; k={args.k}"
    )
    for n in (int(x) for x in args.sizes.split(",")):
        for capacity in (int(x) for x in args.capacity.split(",")):
            cmd = [sys.executable, "-m", "peerpath.engine.bench", "--case", f"{n},{capacity}"]
            cmd += ["--seed", str(args.seed), "-k", str(args.k), "--reference-max", str(args.reference_max)]
            cmd += ["--school-size", str(args.school_size)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
            if done.returncode != 0:
                print(f"{n:>7} {capacity:>3} failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
                continue
            row = json.loads(done.stdout.strip().splitlines()[-1])
            print(_fmt(row), flush=True)
            extra = {
                key: row[key]
                for key in (
                    "schools",
                    "components",
                    "feasible_share",
                    "block_share",
                    "phases",
                    "cpu_s",
                    "load_avg_1m",
                    "exact_s",
                    "note",
                )
                if key in row
            }
            print(f"{'':>11}{extra}", flush=True)
            for line in done.stderr.strip().splitlines()[-3:]:
                print(f"{'':>11}{line}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
