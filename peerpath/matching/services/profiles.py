"""Writes for matching profiles: saving a profile, a mentee's preferences (avoid and request), and an
organization's interest vocabulary. Edits by staff on someone else's profile are audited."""

from collections.abc import Collection, Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerpath.accounts.models import Organization, User
from peerpath.core.audit import record_audit
from peerpath.matching.features import profiles_for
from peerpath.matching.models import InterestTag, Preference, Profile
from peerpath.programs.models import Cohort, Participant, ParticipantRole

MAX_REQUESTS = 3
PROFILE_FIELDS = (
    "interests",
    "goals",
    "subjects",
    "languages",
    "availability",
    "background_opt_in",
    "background",
    "gender",
    "about",
    "capacity",
)


class ProfileError(Exception):
    """A change that is not allowed; the message is shown to the user as it is."""


def _organization_id(cohort: Cohort) -> int:
    return cohort.program.organization_id


# Profiles ---------------------------------------------------------------------------------------------


def ensure_profiles(participants: Sequence[Participant]) -> dict[int, Profile]:
    """Every participant's profile (participant id -> profile), saving the defaults built from their
    application for those who have no row yet (`features.profiles_for` builds them without saving).
    Three queries whatever the number of people; safe when two calls race (existing rows win)."""
    profiles = profiles_for(participants)
    missing = [profile for profile in profiles.values() if profile.pk is None]
    if missing:
        Profile.objects.bulk_create(missing, ignore_conflicts=True)
        if any(profile.pk is None for profile in missing):  # conflicts, or backends that return no ids
            saved = {
                p.participant_id: p
                for p in Profile.objects.filter(participant_id__in=[m.participant_id for m in missing])
            }
            profiles.update(saved)
    return profiles


def save_profile(
    *, profile: Profile, data: dict[str, Any], actor: User, request: HttpRequest | None = None
) -> list[str]:
    """Store the edited fields and who edited them. Returns the names of the fields that changed.

    Without the background opt-in, the background answers are not kept: withdrawing the opt-in erases them.
    """
    data = dict(data)
    if profile.pk is None:  # a participant's first save: the default read from the application
        profile = ensure_profiles([profile.participant])[profile.participant_id]
    if not data.get("background_opt_in", profile.background_opt_in):
        data["background"] = []
    changed = [name for name in PROFILE_FIELDS if name in data and getattr(profile, name) != data[name]]
    for name in changed:
        setattr(profile, name, data[name])
    profile.updated_by = actor
    with transaction.atomic():
        profile.save(update_fields=[*changed, "updated_by", "updated"])
        participant = profile.participant
        if changed and actor.pk != participant.user_id:
            record_audit(
                action="matching.profile_updated",
                actor=actor,
                target=profile,
                organization_id=_organization_id(participant.cohort),
                detail={"participant": participant.pk, "fields": changed},  # names only: no personal data
                request=request,
            )
    return changed


# Preferences ------------------------------------------------------------------------------------------


def add_preference(
    *,
    participant: Participant,
    mentor_id: int,
    kind: str,
    actor: User,
    allowed_mentor_ids: Collection[int] | None = None,
    request: HttpRequest | None = None,
) -> Preference:
    """A mentee's avoid or request about one mentor of the same cohort (an existing wish about the same
    mentor changes kind). Requests are limited to `MAX_REQUESTS` per mentee and cohort; a mentee's own
    request must name one of `allowed_mentor_ids` (the mentors who fit them)."""
    cohort = participant.cohort
    if participant.role != ParticipantRole.MENTEE:
        raise ProfileError(_("Only mentees can name mentors to avoid or to ask for."))
    if kind not in Preference.Kind.values:
        raise ProfileError(_("Unknown kind of preference."))
    if not Participant.objects.filter(
        cohort=cohort, user_id=mentor_id, role=ParticipantRole.MENTOR, status=Participant.Status.ENROLLED
    ).exists():
        raise ProfileError(_("That person is not a mentor in this cohort."))
    if mentor_id == participant.user_id:
        raise ProfileError(_("You cannot name yourself."))
    if (
        kind == Preference.Kind.REQUEST
        and allowed_mentor_ids is not None
        and mentor_id not in allowed_mentor_ids
    ):
        raise ProfileError(_("That mentor is not among the mentors who fit you."))
    with transaction.atomic():
        # Lock the mentee's rows so that two quick requests cannot pass the limit together.
        existing = {
            p.mentor_id: p
            for p in Preference.objects.select_for_update().filter(
                cohort=cohort, mentee_id=participant.user_id
            )
        }
        preference = existing.get(mentor_id)
        if kind == Preference.Kind.REQUEST and (preference is None or preference.kind != kind):
            requests = sum(1 for p in existing.values() if p.kind == Preference.Kind.REQUEST)
            if requests >= MAX_REQUESTS:
                raise ProfileError(
                    ngettext(
                        "You can ask for at most %(max)s mentor. Withdraw a request first.",
                        "You can ask for at most %(max)s mentors. Withdraw a request first.",
                        MAX_REQUESTS,
                    )
                    % {"max": MAX_REQUESTS}
                )
        if preference is None:
            preference = Preference.objects.create(
                cohort=cohort, mentee_id=participant.user_id, mentor_id=mentor_id, kind=kind, created_by=actor
            )
        elif preference.kind != kind:
            preference.kind = kind
            preference.created_by = actor
            preference.save(update_fields=["kind", "created_by", "updated"])
        if actor.pk != participant.user_id:
            record_audit(
                action="matching.preference_added",
                actor=actor,
                target=preference,
                organization_id=_organization_id(cohort),
                detail={"mentee": participant.user_id, "mentor": mentor_id, "kind": kind},
                request=request,
            )
    return preference


def remove_preference(*, preference: Preference, actor: User, request: HttpRequest | None = None) -> None:
    """Withdraw a request or an avoid. A mentee removes only the wishes they made themselves; one the
    program team added stays until the team removes it."""
    if actor.pk == preference.mentee_id and preference.created_by_id not in (None, actor.pk):
        raise ProfileError(_("The program team added this; ask them if it should change."))
    with transaction.atomic():
        if actor.pk != preference.mentee_id:
            record_audit(
                action="matching.preference_removed",
                actor=actor,
                target=preference,
                organization_id=_organization_id(preference.cohort),
                detail={
                    "mentee": preference.mentee_id,
                    "mentor": preference.mentor_id,
                    "kind": preference.kind,
                },
                request=request,
            )
        preference.delete()


# The interest vocabulary ------------------------------------------------------------------------------


def add_interests(
    *, organization: Organization, names: Sequence[str], actor: User, request: HttpRequest | None = None
) -> tuple[list[InterestTag], list[str]]:
    """Add tags, skipping those already there in any case. Returns (added, skipped names)."""
    existing = {
        name.lower()
        for name in InterestTag.objects.filter(organization=organization).values_list("name", flat=True)
    }
    fresh: dict[str, str] = {}
    skipped: list[str] = []
    for name in names:
        if name.lower() in existing or name.lower() in fresh:
            skipped.append(name)
        else:
            fresh[name.lower()] = name
    with transaction.atomic():
        # ignore_conflicts: a tag someone added a moment ago is skipped rather than failing the batch.
        InterestTag.objects.bulk_create(
            [InterestTag(organization=organization, name=name) for name in fresh.values()],
            ignore_conflicts=True,
        )
        added = list(InterestTag.objects.filter(organization=organization, name__in=list(fresh.values())))
        if added:
            record_audit(
                action="matching.interests_added",
                actor=actor,
                target=organization,
                organization_id=organization.pk,
                detail={"names": [tag.name for tag in added]},
                request=request,
            )
    return added, skipped


def rename_interest(*, tag: InterestTag, name: str, actor: User, request: HttpRequest | None = None) -> int:
    """Rename a tag, and the interest in the profiles of the organization's programs that list it.

    Returns how many profiles changed."""
    if (
        InterestTag.objects.filter(organization=tag.organization_id, name__iexact=name)
        .exclude(pk=tag.pk)
        .exists()
    ):
        raise ProfileError(_("“%(name)s” is already in the list.") % {"name": name})
    old, new = tag.name.lower(), name.lower()
    with transaction.atomic():
        changed: list[Profile] = []
        if old != new:
            # JSON "contains" is not available on SQLite: the lists are read and rewritten here.
            for profile in Profile.objects.filter(
                participant__cohort__program__organization=tag.organization_id
            ).only("pk", "interests"):
                interests = [str(t).lower() for t in profile.interests or []]
                if old in interests:
                    profile.interests = list(dict.fromkeys(new if t == old else t for t in interests))
                    changed.append(profile)
            Profile.objects.bulk_update(changed, ["interests"], batch_size=500)
        record_audit(
            action="matching.interest_renamed",
            actor=actor,
            target=tag,
            organization_id=tag.organization_id,
            detail={"from": tag.name, "to": name, "profiles": len(changed)},
            request=request,
        )
        tag.name = name
        tag.save(update_fields=["name", "updated"])
    return len(changed)


def delete_interest(*, tag: InterestTag, actor: User, request: HttpRequest | None = None) -> None:
    """Remove a tag from the vocabulary. Profiles that list it keep it, as one of their "other interests"."""
    with transaction.atomic():
        record_audit(
            action="matching.interest_deleted",
            actor=actor,
            target=tag,
            organization_id=tag.organization_id,
            detail={"name": tag.name},
            request=request,
        )
        tag.delete()
