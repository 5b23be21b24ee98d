"""Enrolling mentees: self-signup, referral by staff, and bulk import from a CSV file.

Each creates a Participant (mentee) in the program's current cohort; nobody is enrolled twice.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.translation import gettext as _

from peerpath.accounts.models import User
from peerpath.core.audit import record_audit
from peerpath.core.roles import Role
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program

CSV_HEADER = ["username", "email", "grade"]
MAX_CSV_BYTES = 1024 * 1024
MAX_GRADE = 16


class EnrollmentError(Exception):
    """A request that breaks an enrollment rule; the message is shown to the user as it is."""


class AlreadyEnrolled(EnrollmentError):
    pass


def students_of(program: Program) -> Any:
    """Active student members of the program's school and partner schools, by name."""
    return (
        User.objects.filter(
            memberships__organization__in=program.school_ids(),
            memberships__role=Role.STUDENT,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def is_student_of(user: Any, program: Program) -> bool:
    return bool(
        user.is_authenticated
        and user.memberships.filter(
            organization__in=program.school_ids(), role=Role.STUDENT, is_active=True
        ).exists()
    )


def enroll_mentee(
    *, cohort: Cohort, student: Any, source: str, actor: Any, request: HttpRequest | None, action: str
) -> Participant:
    existing = Participant.objects.filter(cohort=cohort, user=student, role=ParticipantRole.MENTEE).first()
    if existing is not None:
        raise AlreadyEnrolled(
            _("%(student)s is already a mentee in %(cohort)s.") % {"student": student, "cohort": cohort}
        )
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                cohort=cohort, user=student, role=ParticipantRole.MENTEE, source=source
            )
    except IntegrityError:  # a double click: the other request enrolled them
        raise AlreadyEnrolled(
            _("%(student)s is already a mentee in %(cohort)s.") % {"student": student, "cohort": cohort}
        ) from None
    record_audit(
        action=action,
        actor=actor,
        target=participant,
        organization_id=cohort.program.organization_id,
        detail={"student": student.pk, "source": source},
        request=request,
    )
    return participant


def sign_up_mentee(*, cohort: Cohort, student: Any, request: HttpRequest | None = None) -> Participant:
    """A student enrolls themself as a mentee."""
    return enroll_mentee(
        cohort=cohort,
        student=student,
        source=Participant.Source.SELF_SIGNUP,
        actor=student,
        request=request,
        action="enrollment.self_signup",
    )


# CSV import --------------------------------------------------------------------------------------


@dataclass
class CsvRow:
    line: int
    username: str
    email: str
    grade: int | None = None
    student: User | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems and self.student is not None


@dataclass
class CsvReport:
    header_error: str = ""
    rows: list[CsvRow] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[CsvRow]:
        return [row for row in self.rows if row.is_valid]

    @property
    def problem_rows(self) -> list[CsvRow]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def data_row_count(self) -> int:
        return len(self.rows)

    @property
    def has_problems(self) -> bool:
        return bool(self.header_error or self.problem_rows)


def decode_csv_upload(data: bytes) -> str:
    """The text of an uploaded file; ValueError with a message for the user when it is not UTF-8 text."""
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(_("The file is larger than 1 MB. Split it into smaller files."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” in your spreadsheet program.")
        ) from None
    if "\x00" in text:
        raise ValueError(_("The file is not a text file. Upload a CSV file."))
    return text


def _read_rows(content: str) -> tuple[list[str] | None, list[tuple[int, list[str] | None]]]:
    """The header and each non-blank data row with its line number; None for a row csv cannot read."""
    reader = csv.reader(io.StringIO(content, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str] | None]] = []
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:
            rows.append((line, None))
            break  # the reader cannot go on after a malformed quote
        if not any(value.strip() for value in fields):
            continue
        if header is None:
            header = fields
        else:
            rows.append((line, fields))
    return header, rows


def validate_enrollment_csv(*, program: Program, cohort: Cohort, content: str) -> CsvReport:
    """Check every line of an enrollment CSV; never raises. Lines are numbered as in a text editor."""
    report = CsvReport()
    header, raw_rows = _read_rows(content)
    if header is None or [name.strip().lower() for name in header] != CSV_HEADER:
        report.header_error = _("The first line must be the header “%(header)s”.") % {
            "header": ",".join(CSV_HEADER)
        }
        return report
    for line, fields in raw_rows:
        if fields is None:
            report.rows.append(CsvRow(line, "", "", problems=[_("This line could not be read as CSV.")]))
            continue
        if len(fields) != len(CSV_HEADER):
            report.rows.append(
                CsvRow(
                    line,
                    "",
                    "",
                    problems=[
                        _("Expected %(expected)d columns, found %(found)d.")
                        % {"expected": len(CSV_HEADER), "found": len(fields)}
                    ],
                )
            )
            continue
        username, email, grade_text = (value.strip() for value in fields)
        row = CsvRow(line, username, email)
        if not username and not email:
            row.problems.append(_("Give a username or an e-mail address."))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.problems.append(_("“%(email)s” is not a valid e-mail address.") % {"email": email})
        if grade_text:
            if grade_text.isdigit() and int(grade_text) <= MAX_GRADE:
                row.grade = int(grade_text)
            else:
                row.problems.append(
                    _("The grade must be a whole number from 0 to %(max)d.") % {"max": MAX_GRADE}
                )
        report.rows.append(row)
    _resolve_students(program, cohort, report.rows)
    return report


def _resolve_students(program: Program, cohort: Cohort, rows: list[CsvRow]) -> None:
    """Find each row's student (two queries in all) and report unknown, foreign and repeated ones."""
    readable = [row for row in rows if row.username or row.email]
    usernames = {row.username for row in readable if row.username}
    emails = {row.email.lower() for row in readable if row.email}
    candidates = list(
        User.objects.annotate(email_lower=Lower("email"))
        .filter(Q(username__in=usernames) | Q(email_lower__in=emails))
        .prefetch_related("memberships")
    )
    by_username = {user.username: user for user in candidates}
    by_email = {user.email.lower(): user for user in candidates if user.email}
    school_ids = set(program.school_ids())
    enrolled = set(
        Participant.objects.filter(
            cohort=cohort, role=ParticipantRole.MENTEE, user__in=[user.pk for user in candidates]
        ).values_list("user_id", flat=True)
    )
    first_line: dict[object, int] = {}
    for row in readable:
        user_by_name = by_username.get(row.username) if row.username else None
        user_by_email = by_email.get(row.email.lower()) if row.email else None
        key: object = (row.username.lower(), row.email.lower())
        if (row.username and user_by_name is None) or (row.email and user_by_email is None):
            if not row.problems:  # a malformed e-mail address is already reported
                row.problems.append(
                    _("No student account with this username or e-mail address: “%(who)s”.")
                    % {"who": row.username or row.email}
                )
        elif user_by_name and user_by_email and user_by_name != user_by_email:
            row.problems.append(_("The username and the e-mail address belong to two different people."))
        else:
            user = user_by_name or user_by_email
            if user is not None:
                key = user.pk
                if not _is_active_student(user, school_ids):
                    row.problems.append(
                        _("%(who)s is not a student at %(school)s.")
                        % {"who": row.username or row.email, "school": program.organization.name}
                    )
                elif user.pk in enrolled:
                    row.problems.append(_("%(student)s is already enrolled as a mentee.") % {"student": user})
                row.student = user
        if key in first_line:
            row.problems.append(_("The same student as on line %(line)d.") % {"line": first_line[key]})
        else:
            first_line[key] = row.line


def _is_active_student(user: User, school_ids: set[int]) -> bool:
    return any(
        m.organization_id in school_ids and m.role == Role.STUDENT and m.is_active
        for m in user.memberships.all()
    )


def enroll_rows(
    *, cohort: Cohort, report: CsvReport, actor: Any, request: HttpRequest | None = None
) -> list[Participant]:
    """Enroll the valid rows of a checked CSV as mentees (source: bulk). One audit row for the import."""
    students = [row.student for row in report.valid_rows if row.student is not None]
    with transaction.atomic():
        # ignore_conflicts: someone enrolled in the meantime stays enrolled once.
        Participant.objects.bulk_create(
            [
                Participant(
                    cohort=cohort, user=student, role=ParticipantRole.MENTEE, source=Participant.Source.BULK
                )
                for student in students
            ],
            ignore_conflicts=True,
        )
        participants = list(
            Participant.objects.filter(
                cohort=cohort, role=ParticipantRole.MENTEE, user__in=students, source=Participant.Source.BULK
            )
        )
        record_audit(
            action="enrollment.bulk_imported",
            actor=actor,
            target=cohort,
            organization_id=cohort.program.organization_id,
            detail={
                "enrolled": len(students),
                "skipped_lines": [row.line for row in report.problem_rows],
                "students": [student.pk for student in students],
            },
            request=request,
        )
    return participants
