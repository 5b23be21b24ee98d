"""Matchable mentors and mentees with profiles, for the round tests."""

import datetime
from typing import Any

from django.utils import timezone

from peerpath.core.roles import Role
from peerpath.matching.models import Profile
from tests.factories import (
    ApplicationFactory,
    BackgroundCheckFactory,
    ParticipantFactory,
    born_years_ago,
    member,
)

WEEK = ["mon-1", "mon-2", "tue-lunch", "wed-after", "thu-3", "fri-before"]


def profile_fields(**fields: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "interests": ["robotics"],
        "goals": ["study skills"],
        "languages": ["English"],
        "availability": WEEK[:3],
        "about": "",
    }
    return {**defaults, **fields}


def add_mentor(cohort, school, username: str, grade: int = 12, **profile: Any):
    """An adult, approved, screened mentor with a profile."""
    user = member(school, Role.STUDENT, grade=grade, username=username, date_of_birth=born_years_ago(18))
    participant = ParticipantFactory(cohort=cohort, user=user, role="mentor")
    ApplicationFactory(cohort=cohort, applicant=user, role="mentor", status="approved")
    BackgroundCheckFactory(
        organization=cohort.program.organization,
        person=user,
        expires_on=timezone.localdate() + datetime.timedelta(days=800),
    )
    Profile.objects.create(participant=participant, **profile_fields(**profile))
    return user


def add_mentee(cohort, school, username: str, grade: int = 9, **profile: Any):
    """An adult-aged mentee (no consent needed) with a profile."""
    user = member(school, Role.STUDENT, grade=grade, username=username, date_of_birth=born_years_ago(18))
    participant = ParticipantFactory(cohort=cohort, user=user, role="mentee")
    Profile.objects.create(participant=participant, **profile_fields(**profile))
    return user
