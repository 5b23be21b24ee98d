"""What an import reports, shared by the OneRoster and the plain CSV importers, the command and the pages."""

from dataclasses import asdict, dataclass, field
from typing import Any

from peerpath.accounts.impact import OpenItem

# The kinds counted, in the order they are reported.
KINDS = ["orgs", "academicSessions", "courses", "classes", "users", "guardians", "enrollments"]


@dataclass(frozen=True)
class RosterError:
    """One refusal reason, pointing at the file, the line (1 = header) and the column where it is."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deactivated


@dataclass
class ImportReport:
    dry_run: bool = False
    counts: dict[str, KindCounts] = field(default_factory=dict)
    errors: list[RosterError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, kind: str) -> KindCounts:
        return self.counts.setdefault(kind, KindCounts())

    def error(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.errors.append(RosterError(file, line, column, message))

    def summary_lines(self) -> list[str]:
        """The plain-text summary the command prints: one line per kind, in a fixed order."""
        lines = []
        ordered = [k for k in KINDS if k in self.counts] + sorted(set(self.counts) - set(KINDS))
        for kind in ordered:
            c = self.counts[kind]
            lines.append(
                f"{kind}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged, "
                f"{c.deactivated} deactivated"
            )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "counts": {kind: asdict(c) for kind, c in self.counts.items()},
            "errors": [asdict(e) for e in self.errors],
            "warnings": list(self.warnings),
            "open_items": [asdict(i) for i in self.open_items],
        }
