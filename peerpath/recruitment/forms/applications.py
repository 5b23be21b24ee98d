"""HTML input for recruitment: validated here, written by services."""

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import Organization, User
from peerpath.accounts.queries import user_by_login
from peerpath.core.forms import split_tags
from peerpath.core.roles import Role
from peerpath.programs.models import ParticipantRole, Program
from peerpath.programs.vocabularies import AVAILABILITY_CHOICES, DAYS, SLOTS, SUBJECT_LEVELS
from peerpath.recruitment.models import Application, Question
from peerpath.recruitment.services.applications import CHOICE_KINDS

MAX_TAGS = 20


def split_lines(text: str) -> list[str]:
    """Non-empty lines, stripped, duplicates removed (first one kept)."""
    return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)
    help_text = forms.CharField(
        label=_("Help text"),
        max_length=300,
        required=False,
        help_text=_("Shown under the question, for example what a good answer covers."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For “one choice” and “several choices”: one choice per line."),
    )

    @classmethod
    def for_question(cls, question: Question, **kwargs: Any) -> "QuestionForm":
        initial = {
            "label": question.label,
            "kind": question.kind,
            "help_text": question.help_text,
            "required": question.required,
            "choices": "\n".join(question.choices),
        }
        return cls(initial=initial, **kwargs)

    def clean_choices(self) -> list[str]:
        return split_lines(self.cleaned_data.get("choices", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") in CHOICE_KINDS and len(cleaned.get("choices", [])) < 2:
            self.add_error("choices", _("Give at least two choices, one per line."))
        return cleaned


# Applying ----------------------------------------------------------------------------------------

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
FIRST_GENERATION = [
    ("", _("Prefer not to say")),
    ("yes", _("Yes")),
    ("no", _("No")),
]
PROFILE_FIELDS = ("interests", "goals", "languages", "availability", "about")


class AvailabilityGridForm(forms.Form):
    """Languages and the weekly availability grid (days x school periods), shared by the application form
    and the matching profile form; the grid is rendered by templates/includes/availability_grid.html."""

    languages = forms.CharField(
        label=_("Languages you speak"),
        max_length=300,
        required=False,
        help_text=_("Separate them with commas, for example: English, Spanish."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you free each week?"),
        choices=AVAILABILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def availability_grid(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """Rows of the weekly grid (one per day), each cell a checkbox the template lays out."""
        if self.is_bound:
            chosen = set(self.data.getlist("availability") if hasattr(self.data, "getlist") else [])
        else:
            chosen = set(self.initial.get("availability", []))
        name = self.add_prefix("availability")
        return [
            (
                str(day_label),
                [
                    {
                        "value": f"{day}-{slot}",
                        "id": f"id_{name}_{day}_{slot}",
                        "label": f"{day_label}, {slot_label}",
                        "slot": str(slot_label),
                        "checked": f"{day}-{slot}" in chosen,
                    }
                    for slot, slot_label in SLOTS
                ],
            )
            for day, day_label in DAYS
        ]

    @property
    def slot_labels(self) -> list[str]:
        return [str(label) for _slot, label in SLOTS]

    def clean_languages(self) -> list[str]:
        return [tag.capitalize() for tag in split_tags(self.cleaned_data.get("languages", ""))]


class ApplicationForm(AvailabilityGridForm):
    """A program's questions for one role, then the profile that matching reads."""

    interests = forms.CharField(
        label=_("Interests"),
        max_length=500,
        required=False,
        help_text=_("Separate them with commas, for example: robotics, soccer, drawing."),
    )
    goals = forms.CharField(
        label=_("What would you like to get out of the program?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One goal per line."),
    )
    first_generation = forms.ChoiceField(
        label=_("Would you be the first in your family to go to college or university?"),
        choices=FIRST_GENERATION,
        required=False,
    )
    home_languages = forms.CharField(
        label=_("Languages spoken at home"),
        max_length=300,
        required=False,
        help_text=_("Separate them with commas."),
    )
    about = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything you would like your future mentor or mentee to know."),
    )
    source = forms.ChoiceField(
        label=_("How did you hear about this program?"),
        choices=Application.Source.choices,
        initial=Application.Source.OTHER,
    )
    submit_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, questions: Iterable[Question], program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.subjects = list(program.subjects or [])
        if not self.is_bound and "submit_token" not in self.initial:
            self.initial["submit_token"] = uuid.uuid4()
        question_fields = {self.question_field_name(q): self._field_for(q) for q in self.questions}
        subject_fields = {
            self.subject_field_name(index): forms.ChoiceField(
                label=subject, choices=SUBJECT_LEVELS, required=False
            )
            for index, subject in enumerate(self.subjects)
        }
        # Questions first, in the coordinator's order; then the profile.
        self.fields = {**question_fields, **subject_fields, **self.fields}

    @staticmethod
    def question_field_name(question: Question) -> str:
        return f"question_{question.pk}"

    @staticmethod
    def subject_field_name(index: int) -> str:
        return f"subject_{index}"

    def _field_for(self, question: Question) -> forms.Field:
        common: dict[str, Any] = {
            "label": question.label,
            "help_text": question.help_text,
            "required": question.required,
        }
        choices = [(choice, choice) for choice in question.choices]
        match question.kind:
            case Question.Kind.LONG_TEXT:
                return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)
            case Question.Kind.CHOICE:
                return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            case Question.Kind.MULTI_CHOICE:
                return forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, **common
                )
            case Question.Kind.SCALE:
                return forms.TypedChoiceField(
                    choices=[(n, str(n)) for n in range(1, 6)],
                    coerce=int,
                    widget=forms.RadioSelect,
                    **common,
                )
            case Question.Kind.YES_NO:
                return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
            case _:
                return forms.CharField(max_length=300, **common)

    def question_fields(self) -> list[forms.BoundField]:
        return [self[self.question_field_name(q)] for q in self.questions]

    def subject_fields(self) -> list[forms.BoundField]:
        return [self[self.subject_field_name(i)] for i in range(len(self.subjects))]

    def clean_interests(self) -> list[str]:
        tags = split_tags(self.cleaned_data.get("interests", ""))
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("Please name at most %(max)s interests.") % {"max": MAX_TAGS})
        return tags

    def clean_home_languages(self) -> list[str]:
        return [tag.capitalize() for tag in split_tags(self.cleaned_data.get("home_languages", ""))]

    def clean_goals(self) -> list[str]:
        return split_lines(self.cleaned_data.get("goals", ""))

    def answers(self) -> dict[str, dict[str, Any]]:
        """Answers keyed by question id, with the question's text kept so later edits of the form
        never change what an applicant appears to have answered."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(self.question_field_name(question))
            if value in (None, "", []):
                continue
            answers[str(question.pk)] = {"question": question.label, "kind": question.kind, "answer": value}
        return answers

    def profile(self) -> dict[str, Any]:
        data = self.cleaned_data
        profile = {field: data[field] for field in PROFILE_FIELDS}
        profile["subjects"] = [
            {"subject": subject, "level": data[self.subject_field_name(index)]}
            for index, subject in enumerate(self.subjects)
            if data.get(self.subject_field_name(index))
        ]
        background: dict[str, Any] = {}
        if data.get("first_generation"):
            background["first_generation"] = data["first_generation"] == "yes"
        if data.get("home_languages"):
            background["home_languages"] = data["home_languages"]
        profile["background"] = background
        return profile


# Decisions ---------------------------------------------------------------------------------------


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Application.Status.choices)
    reason = forms.CharField(
        label=_("Reason given to the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Shown to the applicant and sent in the e-mail for a decision."),
    )

    def __init__(self, *args: Any, allowed: Iterable[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            # Offer only the moves the status machine allows; the service still has the last word.
            allowed = set(allowed)
            field = self.fields["status"]
            field.widget.choices = [c for c in Application.Status.choices if c[0] in allowed]


# Nominations -------------------------------------------------------------------------------------


class NominationForm(forms.Form):
    nominee = forms.CharField(
        label=_("Student's username or school e-mail"),
        max_length=254,
        help_text=_("The student must attend the same school as the program."),
    )
    role = forms.ChoiceField(
        label=_("Suggest them as"),
        choices=[
            (ParticipantRole.MENTOR, _("Mentor (nomination)")),
            (ParticipantRole.MENTEE, _("Mentee (referral)")),
        ],
        widget=forms.RadioSelect,
        initial=ParticipantRole.MENTOR,
    )
    reason = forms.CharField(
        label=_("Why do you suggest them?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The coordinator reads this. It is not sent to the student."),
    )

    def __init__(self, *args: Any, organization: Organization, nominated_by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.nominated_by = nominated_by

    def clean_nominee(self) -> User:
        user = user_by_login(self.cleaned_data["nominee"].strip())
        is_student = (
            user is not None
            and user.memberships.filter(
                organization=self.organization, role=Role.STUDENT, is_active=True
            ).exists()
        )
        if user is None or not is_student:
            raise forms.ValidationError(
                _("No student of %(school)s has this username or e-mail.") % {"school": self.organization}
            )
        if user.pk == self.nominated_by.pk:
            raise forms.ValidationError(
                _("You cannot nominate yourself. Apply directly from the program page instead.")
            )
        return user
