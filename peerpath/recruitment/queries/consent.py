"""Reads about guardian consent."""

from collections.abc import Iterable

from peerpath.accounts.models import User
from peerpath.programs.models import Participant, Program
from peerpath.recruitment.models import Consent


def awaits_guardian_consent(participant: Participant) -> bool:
    """A minor taking part without a guardian's given consent for the program (the matching gate's rule)."""
    if not participant.user.is_minor:
        return False
    return not Consent.objects.filter(
        program_id=participant.cohort.program_id, student_id=participant.user_id, status=Consent.Status.GIVEN
    ).exists()


def under_13_without_consent(program: Program, students: Iterable[User]) -> set[int]:
    """The ids of the under-13s among `students` whom no guardian has yet allowed to join `program`.

    One query whatever the number of students (the read behind the CSV check).
    """
    children = {student.pk for student in students if student.is_under_13}
    if not children:
        return set()
    allowed = Consent.objects.filter(
        program=program, student_id__in=children, status=Consent.Status.GIVEN
    ).values_list("student_id", flat=True)
    return children - set(allowed)
