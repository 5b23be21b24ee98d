"""HTML input for matching profiles, preferences and the interest vocabulary: validated here, written by
`profile_services`."""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import User
from peerpath.core.forms import split_tags
from peerpath.matching.features import BACKGROUND_CHOICES, GOAL_CHOICES
from peerpath.matching.models import InterestTag, Preference, Profile
from peerpath.programs.models import Participant, ParticipantRole, Program
from peerpath.programs.vocabularies import SUBJECT_LEVELS
from peerpath.recruitment.forms.applications import AvailabilityGridForm, split_lines

MAX_INTERESTS = 20
TAG_MAX_LENGTH = 60  # InterestTag.name's max_length


def takes_capacity(participant: Participant) -> bool:
    """Only mentors of group and peer-tutoring programs choose how many mentees they take."""
    program = participant.cohort.program
    return participant.role == ParticipantRole.MENTOR and program.model in {
        Program.Model.GROUP,
        Program.Model.PEER_TUTORING,
    }


class ProfileForm(AvailabilityGridForm):
    """One participant's matching profile. Interests from the organization's vocabulary as checkboxes,
    anything else as comma-separated "other interests"; one level per program subject."""

    interests = forms.MultipleChoiceField(
        label=_("Interests"), required=False, widget=forms.CheckboxSelectMultiple
    )
    other_interests = forms.CharField(
        label=_("Other interests"),
        max_length=500,
        required=False,
        help_text=_("Anything not in the list, separated by commas, for example: chess, baking."),
    )
    goals = forms.MultipleChoiceField(
        label=_("What would you like help with?"),
        choices=GOAL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    background_opt_in = forms.BooleanField(
        label=_("Use my background to suggest a mentor or mentee who shares it"), required=False
    )
    background = forms.MultipleChoiceField(
        label=_("My background"),
        choices=BACKGROUND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    gender = forms.CharField(
        label=_("Gender (optional)"),
        max_length=40,
        required=False,
        help_text=_(
            "Only used when a guardian asks for a mentor of the same gender. Write it in your own words, "
            "or leave it empty."
        ),
    )
    about = forms.CharField(
        label=_("About me and what I want help with"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Anything you would like your future mentor or mentee to know."),
    )
    capacity = forms.IntegerField(
        label=_("How many mentees can you take?"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("Leave empty for the program's usual number."),
    )

    def __init__(
        self,
        *args: Any,
        participant: Participant,
        vocabulary: Iterable[InterestTag],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.participant = participant
        program = participant.cohort.program
        self.is_mentor = participant.role == ParticipantRole.MENTOR
        self.tutoring = program.model == Program.Model.PEER_TUTORING
        self.fields["interests"].choices = [(tag.name.lower(), tag.name) for tag in vocabulary]  # type: ignore[attr-defined]
        if self.is_mentor:
            self.fields["goals"].label = _("What you can help with")
            self.fields["about"].label = _("About me and what I can offer")
        if not takes_capacity(participant):
            del self.fields["capacity"]
        self.subjects: list[str] = [str(s) for s in program.subjects or []]
        help_text: Any = ""
        if self.tutoring:
            help_text = (
                _("Choose “I am strong in it” for the subjects you can tutor.")
                if self.is_mentor
                else _("Choose “I find it hard” for the subjects you want help with.")
            )
        for index, subject in enumerate(self.subjects):
            self.fields[self.subject_field_name(index)] = forms.ChoiceField(
                label=subject, choices=SUBJECT_LEVELS, required=False, help_text=help_text
            )

    @classmethod
    def for_profile(
        cls, profile: Profile, *, participant: Participant, vocabulary: Sequence[InterestTag], **kwargs: Any
    ) -> "ProfileForm":
        known = {tag.name.lower() for tag in vocabulary}
        interests = [str(tag).lower() for tag in profile.interests or []]
        levels = {
            str(entry.get("subject")): entry.get("level", "")
            for entry in profile.subjects or []
            if isinstance(entry, dict)
        }
        initial: dict[str, Any] = {
            "interests": [tag for tag in interests if tag in known],
            "other_interests": ", ".join(tag for tag in interests if tag not in known),
            "goals": list(profile.goals or []),
            "languages": ", ".join(profile.languages or []),
            "availability": list(profile.availability or []),
            "background_opt_in": profile.background_opt_in,
            "background": list(profile.background or []),
            "gender": profile.gender,
            "about": profile.about,
            "capacity": profile.capacity,
        }
        for index, subject in enumerate(str(s) for s in participant.cohort.program.subjects or []):
            initial[cls.subject_field_name(index)] = levels.get(subject, "")
        return cls(initial=initial, participant=participant, vocabulary=vocabulary, **kwargs)

    @staticmethod
    def subject_field_name(index: int) -> str:
        return f"subject_{index}"

    def subject_fields(self) -> list[forms.BoundField]:
        return [self[self.subject_field_name(i)] for i in range(len(self.subjects))]

    def clean_other_interests(self) -> list[str]:
        return split_tags(self.cleaned_data.get("other_interests", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        interests = list(dict.fromkeys([*cleaned.get("interests", []), *cleaned.get("other_interests", [])]))
        if len(interests) > MAX_INTERESTS:
            self.add_error(
                "other_interests",
                _("Please name at most %(max)s interests in all.") % {"max": MAX_INTERESTS},
            )
        too_long = [tag for tag in interests if len(tag) > TAG_MAX_LENGTH]
        if too_long:
            self.add_error(
                "other_interests",
                _("Keep each interest under %(max)s characters.") % {"max": TAG_MAX_LENGTH},
            )
        cleaned["all_interests"] = interests
        cleaned["subjects"] = [
            {"subject": subject, "level": cleaned[self.subject_field_name(i)]}
            for i, subject in enumerate(self.subjects)
            if cleaned.get(self.subject_field_name(i))
        ]
        return cleaned

    def profile_data(self) -> dict[str, Any]:
        """The cleaned values under the profile's field names (what `save_profile` takes)."""
        cleaned = self.cleaned_data
        data: dict[str, Any] = {
            "interests": cleaned["all_interests"],
            "goals": cleaned["goals"],
            "subjects": cleaned["subjects"],
            "languages": cleaned["languages"],
            "availability": cleaned["availability"],
            "background_opt_in": cleaned["background_opt_in"],
            "background": cleaned["background"],
            "gender": cleaned["gender"].strip(),
            "about": cleaned["about"],
        }
        if "capacity" in self.fields:
            data["capacity"] = cleaned.get("capacity")
        return data


class PreferenceForm(forms.Form):
    """A mentor a mentee would rather avoid (or, for coordinators, also a request)."""

    mentor = forms.TypedChoiceField(label=_("Mentor"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=Preference.Kind.choices, initial=Preference.Kind.AVOID)

    def __init__(self, *args: Any, mentors: Iterable[User], allow_requests: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = [("", _("Choose a mentor"))] + [  # type: ignore[attr-defined]
            (user.pk, user.get_full_name() or user.username) for user in mentors
        ]
        if not allow_requests:  # a mentee's own list: avoid only (requests go through suggestions)
            del self.fields["kind"]


class RequestForm(forms.Form):
    mentor = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# The interest vocabulary ----------------------------------------------------------------------------


class InterestAddForm(forms.Form):
    names = forms.CharField(
        label=_("New interests"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line. Interests already in the list (in any case) are skipped."),
    )

    def clean_names(self) -> list[str]:
        lines = split_lines(self.cleaned_data.get("names", ""))
        first_spelling: dict[str, str] = {}
        for line in lines:
            first_spelling.setdefault(line.lower(), line)
        names = list(first_spelling.values())
        too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Keep each interest under %(max)s characters: %(names)s")
                % {"max": TAG_MAX_LENGTH, "names": ", ".join(too_long)}
            )
        if not names:
            raise forms.ValidationError(_("Write at least one interest."))
        return names


class InterestRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=TAG_MAX_LENGTH)

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
