"""`make mutate`: mutation testing (mutmut) over the modules that hold the rules, with a kill rate per module.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python scripts/mutate.py [--jobs 2] [--keep]
        [--only peerpath/core/policy.py] [--survivors]

mutmut copies `peerpath/` to `mutants/`, mutates the files listed in MODULES below, runs the test suite
once to learn which tests reach which function, then runs, for each mutant, only those tests. A mutant is
killed when one of them fails. The general settings (test selection, pytest options, process isolation)
are in `[tool.mutmut]` in pyproject.toml; the module list is here. Look at a survivor with
`mutmut show <name>` (from the project root) and at all of them with `mutmut browse`.

Every run starts from a fresh `mutants/` unless --keep is given (then mutmut reuses what it can).
"""

import argparse
import fnmatch
import glob
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

# The rule-holding modules. A path (globs allowed) maps to None (mutate every function) or to the names
# of the functions that hold the rule ("function" or "Class.method"); the rest of such a module is left
# alone. Add, move or rename modules here.
MODULES: dict[str, list[str] | None] = {
    "peerpath/core/policy.py": None,
    "peerpath/*/policies.py": None,
    "peerpath/recruitment/services/applications.py": [
        "allowed_next_statuses",
        "set_application_status",
        "submit_application",
        "refer_mentee",
    ],
    "peerpath/recruitment/services/consent.py": None,
    "peerpath/recruitment/services/enrollment.py": None,
    "peerpath/recruitment/services/participation.py": None,
    "peerpath/programs/services/participants.py": None,
    "peerpath/mentorships/services.py": None,
    "peerpath/matching/services/rounds.py": ["set_round_status", "set_proposal_decision"],
    "peerpath/matching/eligibility.py": None,
    "peerpath/training/services/modules.py": [
        "attempts_counted",
        "grade",
        "_completion_defaults",
        "submit_quiz",
        "_record_attempt",
    ],
    "peerpath/training/services/certificates.py": ["verification_code", "certificate_from_code"],
}

TARGET = 0.90
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
SURVIVED = {"survived", "no tests"}


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def selected_modules(only: list[str]) -> dict[str, list[str] | None]:
    """MODULES with the globs expanded to files, in a stable order; `only` narrows it down."""
    files: dict[str, list[str] | None] = {}
    for pattern, functions in MODULES.items():
        matches = sorted(glob.glob(pattern))
        if not matches:
            sys.exit(f"mutate: no file matches {pattern!r}; update MODULES in scripts/mutate.py")
        for path in matches:
            files[path] = functions
    if only:
        files = {path: fns for path, fns in files.items() if any(fnmatch.fnmatch(path, o) for o in only)}
        if not files:
            sys.exit(f"mutate: --only {only} matches none of {list(MODULES)}")
    return files


def mutant_globs(path: str, functions: list[str] | None) -> list[str]:
    """Mutant names: `<module>.x_<function>__mutmut_<n>` and `<module>.xǁ<Class>ǁ<method>__mutmut_<n>`."""
    module = module_name(path)
    if functions is None:
        return [f"{module}.*"]
    globs = []
    for function in functions:
        if "." in function:
            cls, method = function.split(".", 1)
            globs.append(f"{module}.xǁ{cls}ǁ{method}__mutmut_*")
        else:
            globs.append(f"{module}.x_{function}__mutmut_*")
    return globs


def drop_mutant_databases() -> None:
    """Drop the per-run databases of tests/mutation_db.py (`test_<name>_mutant<n>`)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(os.environ["DATABASE_URL"])
    pattern = re.compile(rf"test_{re.escape(db['NAME'])}_mutant\d+")
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        names = [row[0] for row in connection.execute("SELECT datname FROM pg_database")]
        for name in filter(pattern.fullmatch, names):
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def run_mutmut(files: dict[str, list[str] | None], jobs: int) -> None:
    from mutmut import configuration

    config = configuration.config()
    config.only_mutate = list(files)
    names = [name for path, functions in files.items() for name in mutant_globs(path, functions)]

    from mutmut.__main__ import run

    try:
        run.main(args=["--max-children", str(jobs), *names], standalone_mode=False)
    except SystemExit as stop:  # mutmut exits on a failing clean run; the table below still shows what ran
        if stop.code:
            print(f"mutmut stopped with exit code {stop.code}", file=sys.stderr)


def results(files: dict[str, list[str] | None]) -> dict[str, dict[str, str]]:
    """The status of each selected mutant, per module."""
    from mutmut.stats import status_by_exit_code

    found: dict[str, dict[str, str]] = {}
    for path, functions in files.items():
        meta = Path("mutants") / f"{path}.meta"
        exit_codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        globs = mutant_globs(path, functions)
        found[path] = {
            name: status_by_exit_code[code]
            for name, code in exit_codes.items()
            if any(fnmatch.fnmatchcase(name, g) for g in globs)
        }
    return found


def print_table(found: dict[str, dict[str, str]], seconds: float) -> None:
    rows = []
    totals = [0, 0, 0, 0]
    for path, statuses in found.items():
        killed = sum(status in KILLED for status in statuses.values())
        survived = sum(status in SURVIVED for status in statuses.values())
        other = len(statuses) - killed - survived
        rows.append((path, len(statuses), killed, survived, other))
        totals = [t + n for t, n in zip(totals, rows[-1][1:], strict=True)]
    width = max(len(path) for path in [*found, "total"])
    columns = f"{'mutants':>7}  {'killed':>6}  {'survived':>8}  {'other':>5}  {'kill rate':>9}"
    header = f"{'module':<{width}}  {columns}"
    print()
    print(header)
    print("-" * len(header))
    for path, total, killed, survived, other in [*rows, ("total", *totals)]:
        checked = killed + survived
        rate = f"{killed / checked:>8.1%}" if checked else "     n/a"
        mark = "  < 90%" if checked and killed / checked < TARGET else ""
        print(f"{path:<{width}}  {total:>7}  {killed:>6}  {survived:>8}  {other:>5}  {rate}{mark}")
    print(f"\nkill rate = killed / (killed + survived); other = not checked or suspicious. {seconds:.0f} s.")


def print_survivors(found: dict[str, dict[str, str]]) -> None:
    for path, statuses in found.items():
        names = sorted(name for name, status in statuses.items() if status in SURVIVED)
        if names:
            print(f"\n{path}:")
            for name in names:
                print(f"  {name}  ({statuses[name]})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATE_JOBS", "2")))
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ from the last run")
    parser.add_argument("--only", action="append", default=[], help="a path or glob among MODULES")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--report", action="store_true", help="print the table of the last run, run nothing")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("mutate: set DATABASE_URL to a PostgreSQL database (the Makefile passes TEST_DATABASE_URL)")
    files = selected_modules(args.only)
    started = time.monotonic()
    if not args.report:
        if not args.keep:
            shutil.rmtree("mutants", ignore_errors=True)
        drop_mutant_databases()
        try:
            run_mutmut(files, args.jobs)
        finally:
            drop_mutant_databases()
    found = results(files)
    if args.survivors:
        print_survivors(found)
    print_table(found, time.monotonic() - started)


if __name__ == "__main__":
    main()
