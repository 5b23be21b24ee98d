"""HTML input of screening pages. Forms validate; services write."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import User
from peerpath.programs.models import Cohort, ParticipantRole
from peerpath.recruitment.models import Application, BackgroundCheck, RubricCriterion

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ReviewFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Applying as"), required=False, choices=[("", _("All roles")), *ParticipantRole.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Application.Status.choices]
    )
    cohort = forms.ModelChoiceField(label=_("Cohort"), required=False, queryset=Cohort.objects.none())
    sort = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args: Any, cohorts: QuerySet[Cohort], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["cohort"])
        field.queryset = cohorts
        field.empty_label = None


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Move selected to"), choices=Application.Status.choices)
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        error_messages={"required": _("Select at least one application.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, applications: QuerySet[Application], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["applications"])
        field.queryset = applications


class RubricCriterionForm(forms.ModelForm):
    class Meta:
        model = RubricCriterion
        fields = ["name", "description"]


class InterviewScheduleForm(forms.Form):
    interviewer = forms.ModelChoiceField(label=_("Interviewer"), queryset=User.objects.none())
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    confirm_past = forms.BooleanField(
        label=_("Yes, record an interview that already took place"), required=False, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args: Any,
        interviewers: QuerySet[User],
        application: Application | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        field = cast(forms.ModelChoiceField, self.fields["interviewer"])
        field.queryset = interviewers

    def clean(self) -> dict[str, Any]:
        """A date before the application is refused (services.schedule_interview has the same rule);
        a past date is asked about, since an interview may be recorded after it took place."""
        data = super().clean() or {}
        when = data.get("scheduled_at")
        if when is None:
            return data
        created = self.application.created if self.application else None
        if created and when < created:
            self.add_error(
                "scheduled_at",
                _("An interview cannot take place before the application was sent (%(date)s).")
                % {"date": formats.date_format(timezone.localtime(created), "SHORT_DATE_FORMAT")},
            )
        elif when < timezone.now() and not data.get("confirm_past"):
            self.fields["confirm_past"].widget = forms.CheckboxInput()
            self.add_error(
                "scheduled_at",
                _(
                    "This date is in the past. "
                    "Tick the box below to record an interview that already took place."
                ),
            )
        return data


class InterviewScoreForm(forms.Form):
    """One 1–5 radio group and one comment per rubric criterion, then overall comments."""

    comments = forms.CharField(
        label=_("Overall comments"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args: Any, criteria: list[RubricCriterion], initial_scores: dict[int, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            existing = initial_scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                initial=str(existing.score) if existing else None,
                error_messages={"required": _("Give a score from 1 to 5.")},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                required=False,
                max_length=500,
                initial=existing.comment if existing else "",
            )

    def rows(self) -> list[tuple[RubricCriterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int, str]]:
        data = self.cleaned_data
        return {c.pk: (data[f"score_{c.pk}"], data[f"comment_{c.pk}"]) for c in self.criteria}


class ReferenceRequestForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    relationship = forms.CharField(
        label=_("Relationship to the applicant"),
        max_length=200,
        required=False,
        help_text=_("For example: math teacher, coach, employer."),
    )


class ReferenceResponseForm(forms.Form):
    known_for = forms.CharField(
        label=_("How long have you known the applicant?"),
        max_length=100,
        help_text=_("For example: 2 years."),
    )
    known_how = forms.CharField(label=_("How do you know the applicant?"), max_length=300)
    recommends = forms.TypedChoiceField(
        label=_("Would you recommend the applicant as a peer mentor?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Strengths, concerns, anything the coordinator should know."),
    )


class BackgroundCheckForm(forms.ModelForm):
    class Meta:
        model = BackgroundCheck
        fields = ["kind", "result", "checked_on", "expires_on", "notes"]
        widgets = {
            "checked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "notes": _("Reference numbers or who carried out the check. Never the document or its contents."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        checked_on, expires_on = cleaned.get("checked_on"), cleaned.get("expires_on")
        if checked_on and expires_on and expires_on < checked_on:
            self.add_error("expires_on", _("A check cannot expire before it was carried out."))
        if (
            cleaned.get("result") in {BackgroundCheck.Result.CLEAR, BackgroundCheck.Result.FLAGGED}
            and not checked_on
        ):
            self.add_error("checked_on", _("Give the date of the check with its result."))
        return cleaned
