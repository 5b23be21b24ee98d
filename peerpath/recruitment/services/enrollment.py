"""Enrolling mentees: self-signup, referral by staff, and bulk import from a CSV file.

Each creates a Participant (mentee) in the program's current cohort; nobody is enrolled twice. All three
apply the rules of `participation.py` (an active student, one role per cohort, the program's grades and
ages, a guardian's consent for an under-13) in the service, so pages, API and commands share them.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peerpath.accounts.models import Membership, User
from peerpath.core.audit import record_audit
from peerpath.core.roles import Role
from peerpath.programs.models import Cohort, Participant, ParticipantRole, Program
from peerpath.programs.queries.programs import range_problem
from peerpath.programs.services.participants import set_participant_status
from peerpath.recruitment.queries.consent import under_13_without_consent
from peerpath.recruitment.services.consent import child_consent_gate
from peerpath.recruitment.services.participation import (
    RecruitmentError,
    allows_both_roles,
    check_can_take_part,
    is_active_student,
    one_role_message,
)

CSV_HEADER = ["username", "email", "grade"]
MAX_CSV_BYTES = 1024 * 1024
MAX_GRADE = 16


class EnrollmentError(RecruitmentError):
    """A request that breaks an enrollment rule; the message is shown to the user as it is."""


class AlreadyEnrolled(EnrollmentError):
    pass


def students_of(program: Program) -> QuerySet[User]:
    """Active student members of the program's school and partner schools, by name."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization__in=program.school_ids(),
            memberships__role=Role.STUDENT,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def is_student_of(user: User | AnonymousUser, program: Program) -> bool:
    return user.is_authenticated and is_active_student(user, program)


def _already_enrolled(student: User, cohort: Cohort) -> AlreadyEnrolled:
    return AlreadyEnrolled(
        _("%(student)s is already a mentee in %(cohort)s.") % {"student": student, "cohort": cohort}
    )


def check_mentee_enrollment(
    *, cohort: Cohort, student: User, actor: User, request: HttpRequest | None = None
) -> Participant | None:
    """Raise the first rule that enrolling `student` as a mentee breaks (see `check_can_take_part`).

    Returns the student's withdrawn mentee row when staff bring them back, otherwise None. A student who
    left cannot sign themself up again: the coordinator decides. Call it outside any transaction that
    may roll back, since an under-13's first attempt sends the consent request.
    """
    existing = Participant.objects.filter(cohort=cohort, user=student, role=ParticipantRole.MENTEE).first()
    if existing is not None and (existing.status == Participant.Status.ENROLLED or actor.pk == student.pk):
        raise _already_enrolled(student, cohort)
    check_can_take_part(
        cohort=cohort,
        person=student,
        role=ParticipantRole.MENTEE,
        actor=actor,
        students_only=True,
        request=request,
    )
    return existing


def enroll_mentee(
    *,
    cohort: Cohort,
    student: User,
    source: str,
    actor: User,
    request: HttpRequest | None,
    action: str,
    withdrawn: Participant | None = None,
) -> Participant:
    """Write the enrollment that `check_mentee_enrollment` allowed: a new mentee row, or `withdrawn`
    (the student's row from that check) enrolled again."""
    with transaction.atomic():
        if withdrawn is not None:
            participant = set_participant_status(
                participant=withdrawn,
                status=Participant.Status.ENROLLED,
                actor=actor,
                reason=str(Participant.Source(source).label),
                request=request,
            )
        else:
            try:
                with transaction.atomic():
                    participant = Participant.objects.create(
                        cohort=cohort, user=student, role=ParticipantRole.MENTEE, source=source
                    )
            except IntegrityError:  # a double click: the other request enrolled them
                raise _already_enrolled(student, cohort) from None
        record_audit(
            action=action,
            actor=actor,
            target=participant,
            organization_id=cohort.program.organization_id,
            detail={"student": student.pk, "source": source},
            request=request,
        )
    return participant


def sign_up_mentee(*, cohort: Cohort, student: User, request: HttpRequest | None = None) -> Participant:
    """A student enrolls themself as a mentee, if every enrollment rule allows it."""
    check_mentee_enrollment(cohort=cohort, student=student, actor=student, request=request)
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
    # Set by the rule check: a withdrawn mentee who comes back, a grade the school has not recorded
    # (the import records it), an under-13 whose guardians the import asks for consent.
    rejoins: bool = False
    records_grade: bool = False
    needs_consent: bool = False
    consent_requested: bool = False

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
    def consent_rows(self) -> list[CsvRow]:
        """Under-13s refused for want of consent: importing asks their guardians."""
        return [row for row in self.rows if row.needs_consent]

    @property
    def importable(self) -> bool:
        """Importing would do something: enroll a row or ask a guardian."""
        return bool(self.valid_rows or self.consent_rows)

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
    """Find each row's student (two queries in all) and report unknown and repeated ones."""
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
                row.student = user
        if key in first_line:
            row.problems.append(_("The same student as on line %(line)d.") % {"line": first_line[key]})
        else:
            first_line[key] = row.line
    _check_rules(program, cohort, rows)


def _student_memberships(user: User, school_ids: set[int]) -> list[Membership]:
    """The active student memberships of an active account at the program's schools (prefetched)."""
    if not user.is_active:
        return []
    return [
        m
        for m in user.memberships.all()
        if m.organization_id in school_ids and m.role == Role.STUDENT and m.is_active
    ]


def _check_rules(program: Program, cohort: Cohort, rows: list[CsvRow]) -> None:
    """The rules of every enrollment (participation.py) for the rows found so far, in two queries.

    Each row gets its first problem in the order the other enrollments check them; the consent rule
    comes last and only flags the row: importing is what asks the guardians.
    """
    rows = [row for row in rows if row.student is not None and not row.problems]
    students = [row.student for row in rows if row.student is not None]
    school_ids = set(program.school_ids())
    held = {
        (user_id, role): status
        for user_id, role, status in Participant.objects.filter(
            cohort=cohort, user__in=[student.pk for student in students]
        ).values_list("user_id", "role", "status")
    }
    children = under_13_without_consent(program, students)
    both_roles = allows_both_roles(program)
    for row in rows:
        student = row.student
        assert student is not None  # noqa: S101 (filtered above; for the type checker)
        memberships = _student_memberships(student, school_ids)
        if not memberships:
            row.problems.append(
                _("%(who)s is not a student at %(school)s.")
                % {"who": row.username or row.email, "school": program.organization.name}
            )
            continue
        mentee_status = held.get((student.pk, ParticipantRole.MENTEE))
        if mentee_status == Participant.Status.ENROLLED:
            row.problems.append(_("%(student)s is already enrolled as a mentee.") % {"student": student})
            continue
        row.rejoins = mentee_status == Participant.Status.WITHDRAWN
        if not both_roles and held.get((student.pk, ParticipantRole.MENTOR)) == Participant.Status.ENROLLED:
            row.problems.append(
                one_role_message(person=student, role=ParticipantRole.MENTOR, cohort=cohort, by_self=False)
            )
            continue
        recorded = next((m.grade for m in memberships if m.grade is not None), None)
        if row.grade is not None and recorded is not None and row.grade != recorded:
            row.problems.append(
                _("The file says grade %(file)s, but the school records grade %(recorded)s.")
                % {"file": row.grade, "recorded": recorded}
            )
            continue
        row.records_grade = row.grade is not None and recorded is None
        problem = range_problem(
            program, grade=row.grade if row.grade is not None else recorded, age=student.age()
        )
        if problem:
            row.problems.append(problem)
            continue
        if student.pk in children:
            row.needs_consent = True
            row.problems.append(
                _(
                    "%(student)s is under 13: a parent or guardian must agree before they can take part. "
                    "Importing e-mails their guardian; enroll them once the guardian agrees."
                )
                % {"student": student}
            )


def enroll_rows(
    *, cohort: Cohort, report: CsvReport, actor: User, request: HttpRequest | None = None
) -> list[Participant]:
    """Enroll the valid rows of a checked CSV as mentees (source: bulk). One audit row for the import.

    The rules are checked again here, on fresh rows, since the file may have been checked a while ago:
    a row that breaks one now joins the problem rows with its reason and is not enrolled. The guardians
    of each under-13 without consent are asked (once while a request is live), and the row's problem
    then says what happened. A withdrawn mentee is enrolled again; a grade the school had not recorded
    is recorded on the student's membership.
    """
    program = cohort.program
    valid = report.valid_rows
    fresh = User.objects.prefetch_related("memberships").in_bulk(
        [row.student.pk for row in valid if row.student is not None]
    )
    for row in valid:
        assert row.student is not None  # noqa: S101 (valid rows have a student)
        row.student = fresh.get(row.student.pk)
        if row.student is None:
            row.problems.append(_("This student account no longer exists."))
    _check_rules(program, cohort, valid)
    for row in report.consent_rows:
        if row.student is not None and not row.consent_requested:
            # Outside the import's transaction: the request (and its e-mail) stands on its own.
            message = child_consent_gate(program=program, student=row.student, actor=actor, request=request)
            row.consent_requested = True
            row.problems = [message] if message else row.problems
    rows = report.valid_rows
    new_students = [row.student for row in rows if row.student is not None and not row.rejoins]
    with transaction.atomic():
        # ignore_conflicts: someone enrolled in the meantime stays enrolled once.
        Participant.objects.bulk_create(
            [
                Participant(
                    cohort=cohort, user=student, role=ParticipantRole.MENTEE, source=Participant.Source.BULK
                )
                for student in new_students
            ],
            ignore_conflicts=True,
        )
        participants = list(
            Participant.objects.filter(
                cohort=cohort,
                role=ParticipantRole.MENTEE,
                user__in=new_students,
                source=Participant.Source.BULK,
                status=Participant.Status.ENROLLED,
            )
        )
        for participant in Participant.objects.filter(
            cohort=cohort,
            role=ParticipantRole.MENTEE,
            status=Participant.Status.WITHDRAWN,
            user__in=[row.student for row in rows if row.rejoins],
        ).select_related("cohort__program"):
            participants.append(
                set_participant_status(
                    participant=participant,
                    status=Participant.Status.ENROLLED,
                    actor=actor,
                    reason=str(Participant.Source.BULK.label),
                    request=request,
                )
            )
        grades = _record_grades(program, [row for row in rows if row.records_grade])
        record_audit(
            action="enrollment.bulk_imported",
            actor=actor,
            target=cohort,
            organization_id=program.organization_id,
            detail={
                "enrolled": len(participants),
                "skipped_lines": [row.line for row in report.problem_rows],
                "consent_requested_lines": [row.line for row in report.consent_rows],
                "students": [participant.user_id for participant in participants],
                "grades_recorded": grades,
            },
            request=request,
        )
    return participants


def _record_grades(program: Program, rows: list[CsvRow]) -> dict[str, int]:
    """Store the file's grade on each student's membership where the school had none; {user id: grade}."""
    school_ids = set(program.school_ids())
    changed: list[Membership] = []
    recorded: dict[str, int] = {}
    for row in rows:
        if row.student is None or row.grade is None:
            continue
        membership = _student_memberships(row.student, school_ids)[0]
        membership.grade = row.grade
        membership.updated = timezone.now()  # bulk_update skips auto_now
        changed.append(membership)
        recorded[str(row.student.pk)] = row.grade
    Membership.objects.bulk_update(changed, ["grade", "updated"])
    return recorded
