"""Benchmark of the matching engine at scale: ``python -m peerpath.engine.bench [--sizes ...]``.

Each (N, capacity, goal) case runs in its own subprocess and runs exactly what ``solve.match`` runs
without locks: ``synthetic.generate_school`` (a seeded district: about ``--school-size`` mentees per school,
see its docstring), scoring of the compatible school blocks on 2 threads with default weights and
constraints (embeddings of the "about me" texts included) into the compact per-component form
(``Scorer.score_compact``), then ``pruning.solve_groups`` for the goal (``--modes``: ``max_total``, "best
total", and ``max_min``, "fairest"; per school group: top-k candidates, min-cost flow, LP-duality
certificate; for ``max_min`` first the highest floor). The case's process does nothing else, so its peak
memory (``ru_maxrss``) is that of the timed work, data generation included.

The reference checks run afterwards in a process of their own (``--check``), which generates and scores
the same school again: a greedy baseline (pairs by score, take if both free; a compiled counting sort, so
it needs about 8 bytes a pair beyond the pairs) and, up to ``--reference-max`` mentees, an independent exact
optimum (scipy's dense ``linear_sum_assignment`` over all mentees x all mentor places). Their ratios are
printed on the ``max_total`` row, with that process's own peak.
Reported: scoring and solving time and their sum, peak RSS, feasible pairs (also as a share of all pairs
and of the same-school blocks), total, matched, minimum pair score, proven optimal / certified gap.
Explanations (the per-pair breakdowns ``match`` also builds) are not included.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numba as nb
import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
AnyInts = npt.NDArray[np.integer]  # pair arrays: int32 indexes, int64 scores
_DENSE_LIMIT_BYTES = 2_000_000_000  # skip the dense reference above this matrix size
MODES = ("max_total", "max_matched", "max_min")


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _greedy_rows(indptr, cols, scores, cap):
    """Greedy on row-sorted pairs: by score, highest first (ties: the first position), take a pair when its
    mentee and its mentor are both free. A counting sort over the scores (>= 0), in 32-bit positions."""
    rows = indptr.size - 1
    size = indptr[rows]
    top = np.int64(0)
    for p in range(size):
        top = max(top, np.int64(scores[p]))
    starts = np.zeros(top + 2, np.int64)
    for p in range(size):
        starts[top - np.int64(scores[p]) + 1] += 1
    for bucket in range(1, top + 2):
        starts[bucket] += starts[bucket - 1]
    order = np.empty(size, np.int32)
    row_of = np.empty(size, np.int32)
    for r in range(rows):
        for p in range(indptr[r], indptr[r + 1]):
            b = top - np.int64(scores[p])
            order[starts[b]] = p
            starts[b] += 1
            row_of[p] = r
    room = cap.copy()
    free = np.ones(rows, np.bool_)
    total = np.int64(0)
    left = min(rows, room.sum())
    for q in range(size):
        if left == 0:
            break
        p = order[q]
        r, j = row_of[p], cols[p]
        if free[r] and room[j] > 0:
            free[r] = False
            room[j] -= 1
            total += np.int64(scores[p])
            left -= 1
    return total


def greedy_total(rows: AnyInts, cols: AnyInts, scores: AnyInts, n: int, cap: IntArray) -> int:
    """The greedy baseline on pairs in (mentee, mentor) order (what `_greedy_rows` reads)."""
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(np.asarray(rows, np.int64), minlength=n), out=indptr[1:])
    return int(_greedy_rows(indptr, np.asarray(cols, np.int64), np.asarray(scores, np.int64), cap.copy()))


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


def _school(n: int, capacity: int, seed: int, school_size: int | None) -> tuple[Any, Any]:
    from peerpath.engine.synthetic import generate_school

    m = n if capacity == 1 else -(-n // capacity)
    mentees, mentors = generate_school(n, m, seed, school_size=school_size)
    mentors.capacity = np.full(m, capacity, np.int64)
    return mentees, mentors


def run_case(n: int, capacity: int, seed: int, k: int, school_size: int | None, mode: str) -> dict[str, Any]:
    """One case, exactly as ``solve.match`` runs it without locks: score (blocks, 2 threads), then the
    certified solver for `mode`. Nothing else runs in this process: its peak memory is the timed work's."""
    from peerpath.engine.inputs import Constraints, Weights
    from peerpath.engine.pruning import solve_groups
    from peerpath.engine.scoring import Scorer

    mentees, mentors = _school(n, capacity, seed, school_size)
    cap = mentors.capacity
    out: dict[str, Any] = {"n": n, "capacity": capacity, "mentors": len(mentors), "mode": mode}
    out["schools"] = int(np.unique(mentees.school).size)
    t0 = time.perf_counter()
    scorer = Scorer(mentees, mentors, Weights(), Constraints())
    compact = scorer.score_compact()
    out["scoring_s"] = time.perf_counter() - t0
    pairs = len(compact)
    t1 = time.perf_counter()
    large = solve_groups(compact.groups(release=True), n, cap, components=compact.components, k=k, mode=mode)
    out["solving_s"] = time.perf_counter() - t1
    out["total_s"] = out["scoring_s"] + out["solving_s"]
    out["peak_mb"] = _peak_mb()  # the process's peak: generating, scoring and solving
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 2)  # includes generating the data
    out["load_avg_1m"] = round(os.getloadavg()[0], 2)  # other work on the machine skews the timings
    sol, certs = large.solution, large.certificates
    blocks = sum(len(i) * len(j) for i, j in scorer.blocks())
    out.update(
        pairs=pairs,
        feasible_share=pairs / (n * len(mentors)),
        block_share=pairs / max(blocks, 1),
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
    return out


def run_checks(n: int, capacity: int, seed: int, reference: bool, school_size: int | None) -> dict[str, Any]:
    """The untimed reference checks, in their own process: the greedy baseline's total and, when
    `reference`, scipy's dense exact optimum (None when the matrix is too large)."""
    from peerpath.engine.inputs import Constraints, Weights
    from peerpath.engine.scoring import Scorer

    mentees, mentors = _school(n, capacity, seed, school_size)
    cap = mentors.capacity
    compact = Scorer(mentees, mentors, Weights(), Constraints()).score_compact()
    out: dict[str, Any] = {}
    if reference:
        scored = compact.to_scored()
        t0 = time.perf_counter()
        out["exact"] = dense_optimum(scored.rows, scored.cols, scored.score, n, cap)
        out["exact_s"] = round(time.perf_counter() - t0, 2)
        del scored
    # Greedy per component (no pair joins two, so the decisions are the same as over all pairs at once).
    greedy = 0
    for group in compact.groups(release=True):
        greedy += int(_greedy_rows(group.indptr, group.cols, group.scores, cap[group.mentors]))
        del group
    out["greedy"] = greedy
    out["check_peak_mb"] = round(_peak_mb())
    return out


def _fmt(row: dict[str, Any]) -> str:
    def num(key: str, spec: str) -> str:
        value = row.get(key)
        return "-" if value is None else format(value, spec)

    return (
        f"{row['n']:>7} {row['capacity']:>3} {row['mode']:>9} {row['pairs']:>11,} {row['kept']:>8,} "
        f"{row['rounds']:>3} {num('scoring_s', '.2f'):>8} {num('solving_s', '.2f'):>8} "
        f"{num('total_s', '.2f'):>8} {num('peak_mb', '.0f'):>7} "
        f"{row['total']:>11,} {row['matched']:>7} {num('min_score', 'd'):>5} "
        f"{'yes' if row['optimal'] else 'no':>4} {row['gap']:>8.2e} "
        f"{num('exact_ratio', '.6f'):>9} {num('greedy_ratio', '.4f'):>8}"
    )


def _run(args: list[str]) -> tuple[dict[str, Any] | None, str]:
    """`python -m peerpath.engine.bench ARGS` in a new process: (its JSON line or None, its stderr)."""
    cmd = [sys.executable, "-m", "peerpath.engine.bench", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        return None, f"failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--capacity", default="1", help="1, 2 or a comma list such as 1,2")
    parser.add_argument("--modes", default="max_total", help="goals, a comma list: max_total,max_min")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-k", type=int, default=6)
    parser.add_argument("--reference-max", type=int, default=10_000, help="largest N for the dense check")
    parser.add_argument("--no-checks", action="store_true", help="skip the greedy and exact references")
    parser.add_argument(
        "--school-size",
        type=int,
        default=1000,
        help="mentees per school in the generated district (0: 2-3 schools at any size, dense worst case)",
    )
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: "N,capacity,mode" in a subprocess
    parser.add_argument("--check", help=argparse.SUPPRESS)  # internal: "N,capacity" in a subprocess
    args = parser.parse_args(argv)
    size = args.school_size or None
    if args.case:
        n_text, capacity_text, mode = args.case.split(",")
        print(json.dumps(run_case(int(n_text), int(capacity_text), args.seed, args.k, size, mode)))
        return 0
    if args.check:
        n, capacity = (int(x) for x in args.check.split(","))
        print(json.dumps(run_checks(n, capacity, args.seed, n <= args.reference_max, size)))
        return 0
    modes = args.modes.split(",")
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown:
        parser.error(f"unknown mode {unknown[0]!r} (expected some of {', '.join(MODES)})")
    header = (
        f"{'N':>7} {'cap':>3} {'mode':>9} {'pairs':>11} {'kept':>8} {'rnd':>3} {'score_s':>8} "
        f"{'solve_s':>8} {'total_s':>8} "
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
        f"default Weights and Constraints; k={args.k}; peak_MB: the timed process (references run apart)"
    )
    common = ["--seed", str(args.seed), "-k", str(args.k), "--school-size", str(args.school_size)]
    for n in (int(x) for x in args.sizes.split(",")):
        for capacity in (int(x) for x in args.capacity.split(",")):
            rows: list[tuple[dict[str, Any], str]] = []
            for mode in modes:
                row, log = _run(["--case", f"{n},{capacity},{mode}", *common])
                if row is None:
                    print(f"{n:>7} {capacity:>3} {mode:>9} {log}", flush=True)
                else:
                    rows.append((row, log))
            checks: dict[str, Any] = {}
            if rows and not args.no_checks:
                reference = ["--reference-max", str(args.reference_max)]
                found, log = _run(["--check", f"{n},{capacity}", *reference, *common])
                checks = found if found is not None else {"note": f"reference checks {log}"}
            best_total = next((row for row, _ in rows if row["mode"] == "max_total"), None)
            for row, log in rows:
                if row["mode"] == "max_total" and checks:
                    total = row["total"]
                    if "greedy" in checks:
                        row["greedy_ratio"] = checks["greedy"] / total if total else 1.0
                    if checks.get("exact") is not None:
                        row["exact_ratio"] = total / checks["exact"] if checks["exact"] else 1.0
                    elif "exact" in checks:
                        row["note"] = "dense reference skipped (matrix too large)"
                    row.update(
                        {key: checks[key] for key in ("exact_s", "check_peak_mb", "note") if key in checks}
                    )
                if best_total is not None and row is not best_total:
                    row["time_vs_max_total"] = round(row["total_s"] / best_total["total_s"], 2)
                    row["peak_vs_max_total"] = round(row["peak_mb"] / best_total["peak_mb"], 2)
                print(_fmt(row), flush=True)
                keys = (
                    "schools",
                    "components",
                    "feasible_share",
                    "block_share",
                    "phases",
                    "cpu_s",
                    "load_avg_1m",
                    "exact_s",
                    "check_peak_mb",
                    "note",
                    "time_vs_max_total",
                    "peak_vs_max_total",
                )
                print(f"{'':>11}{ {key: row[key] for key in keys if key in row} }", flush=True)
                for line in log.splitlines()[-3:]:
                    print(f"{'':>11}{line}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
