"""Reads for the profile pages: a participant with their profile, the vocabulary with its use, the
mentors a mentee may name, and a mentee's preferences and open match."""

from collections import Counter

from django.db.models import QuerySet

from peerpath.accounts.models import Membership, Organization, User
from peerpath.matching.features import OPEN_STATUSES, profiles_for
from peerpath.matching.models import InterestTag, Preference, Profile
from peerpath.mentorships.models import Match
from peerpath.programs.models import Cohort, Participant, ParticipantRole


def participants_with_program() -> QuerySet[Participant]:
    return Participant.objects.select_related("user", "cohort__program__organization")


def profile_of(participant: Participant) -> Profile:
    """The participant's profile; if they have none yet, an unsaved one (`pk` None) read from their
    application, which `save_profile` stores on the first save. Never writes."""
    profile = profiles_for([participant])[participant.pk]
    profile.participant = participant  # already loaded with its cohort and program
    return profile


def last_editor(profile: Profile) -> User | None:
    if profile.updated_by_id is None:
        return None
    return User.objects.filter(pk=profile.updated_by_id).first()


def vocabulary_of(organization_id: int) -> QuerySet[InterestTag]:
    return InterestTag.objects.filter(organization_id=organization_id).order_by("name", "pk")


def interest_usage(organization: Organization) -> Counter[str]:
    """How many profiles of the organization's programs list each interest (lower case), in one query.

    Counted in Python: JSON containment is not available on SQLite, and a school's profiles are few."""
    usage: Counter[str] = Counter()
    for interests in Profile.objects.filter(
        participant__cohort__program__organization=organization
    ).values_list("interests", flat=True):
        usage.update({str(tag).lower() for tag in interests or []})
    return usage


def mentors_of(cohort: Cohort) -> list[User]:
    """The cohort's enrolled mentors, by name: whom a mentee may name to avoid."""
    return [
        participant.user
        for participant in Participant.objects.filter(
            cohort=cohort, role=ParticipantRole.MENTOR, status=Participant.Status.ENROLLED
        )
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    ]


def preferences_of(cohort: Cohort, mentee_id: int) -> list[Preference]:
    return list(
        Preference.objects.filter(cohort=cohort, mentee_id=mentee_id)
        .select_related("mentor")
        .order_by("kind", "mentor__first_name", "mentor__last_name", "pk")
    )


def open_match_of(cohort: Cohort, mentee_id: int) -> Match | None:
    return (
        Match.objects.filter(cohort=cohort, mentee_id=mentee_id, status__in=OPEN_STATUSES)
        .select_related("mentor")
        .order_by("-created")
        .first()
    )


def school_record(participant: Participant) -> tuple[str, int | None, int | None]:
    """(school name, grade, age) from the school's records: shown on the profile, used by matching,
    not editable there."""
    program = participant.cohort.program
    membership = (
        Membership.objects.filter(user_id=participant.user_id, organization_id__in=program.school_ids())
        .select_related("organization")
        .order_by("organization_id")
        .first()
    )
    if membership is None:
        return "", None, participant.user.age()
    return membership.organization.name, membership.grade, participant.user.age()
