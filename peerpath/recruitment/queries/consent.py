"""Reads about guardian consent."""

from peerpath.programs.models import Participant
from peerpath.recruitment.models import Consent


def awaits_guardian_consent(participant: Participant) -> bool:
    """A minor taking part without a guardian's given consent for the program (the matching gate's rule)."""
    if not participant.user.is_minor:
        return False
    return not Consent.objects.filter(
        program_id=participant.cohort.program_id, student_id=participant.user_id, status=Consent.Status.GIVEN
    ).exists()
