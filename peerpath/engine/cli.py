"""Command line for the matching engine: ``python -m peerpath.matching solve INPUT.json -o OUTPUT.json``
(``python -m peerpath.engine solve`` is the same command).

Runs without Django settings: it imports only the engine modules, never models. See docs/matching.md.
Exit codes: 0 solved, 1 the output could not be written, 2 bad input (usage, unreadable file,
malformed JSON or an invalid problem).
"""

import argparse
import sys
from collections.abc import Callable, Sequence

from peerpath.engine import assignment
from peerpath.engine.assignment import Problem, ProblemError, Solution
from peerpath.engine.problem_io import format_solution, parse_problem
from peerpath.engine.stable import solve_stable

EXIT_OK = 0
EXIT_OUTPUT_ERROR = 1
EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m peerpath.matching", description="Solve a matching problem file (docs/matching.md)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    solve_parser = commands.add_parser("solve", help="solve a problem file and write the solution as JSON")
    solve_parser.add_argument("input", help="problem file (JSON), or - for standard input")
    solve_parser.add_argument(
        "-o", "--output", default="-", help="solution file (JSON), or - for standard output (the default)"
    )
    args = parser.parse_args(argv)

    try:
        text = sys.stdin.read() if args.input == "-" else _read(args.input)
        problem_file = parse_problem(text)
        solution = _solver(problem_file.problem)(problem_file.problem)
    except (ProblemError, OSError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT

    output = format_solution(problem_file, solution)
    if args.output == "-":
        sys.stdout.write(output)
        return EXIT_OK
    try:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(output)
    except OSError as error:
        print(f"error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return EXIT_OUTPUT_ERROR
    return EXIT_OK


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except OSError as error:
        raise ProblemError(f"cannot read {path}: {error.strerror}") from None


def _solver(problem: Problem) -> Callable[[Problem], Solution]:
    # assignment.solve hands stable mode to solve_stable too; calling it directly keeps stable mode
    # free of the exact solvers' imports and start-up time.
    return solve_stable if problem.mode == "stable" else assignment.solve


if __name__ == "__main__":
    sys.exit(main())
