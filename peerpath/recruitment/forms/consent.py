from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peerpath.recruitment.models import Consent


class ConsentAnswerForm(forms.Form):
    """A guardian's answer. The orientation must be read before consent can be given."""

    orientation_acknowledged = forms.BooleanField(
        label=_("I have read what the program is, its contact rules and how to raise a concern."),
        required=False,
    )
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (Consent.Status.GIVEN, _("I give consent for my child to take part")),
            (Consent.Status.REFUSED, _("I do not give consent")),
        ],
        widget=forms.RadioSelect,
    )
    mentor_language = forms.CharField(
        label=_("Preferred language for the mentor (optional)"), max_length=50, required=False
    )
    same_gender_mentor = forms.BooleanField(
        label=_("I would prefer a mentor of the same gender as my child (optional)"), required=False
    )
    note = forms.CharField(
        label=_("Anything else the coordinator should know when choosing a mentor (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Consent.Status.GIVEN and not data.get("orientation_acknowledged"):
            self.add_error(
                "orientation_acknowledged",
                _("Please read the orientation and tick this box to give consent."),
            )
        return data

    def preferences(self) -> dict[str, Any]:
        """Only what was filled in: matching may use it, so keep it to what the guardian chose to say."""
        data = self.cleaned_data
        preferences: dict[str, Any] = {}
        if data.get("mentor_language", "").strip():
            preferences["mentor_language"] = data["mentor_language"].strip()
        if data.get("same_gender_mentor"):
            preferences["same_gender_mentor"] = True
        if data.get("note", "").strip():
            preferences["note"] = data["note"].strip()
        return preferences


class ConsentRequestForm(forms.Form):
    """Send a request for one student (`student`) or for every student still missing one (`all`)."""

    student = forms.IntegerField(required=False, widget=forms.HiddenInput)
    all = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("student") and not data.get("all"):
            raise forms.ValidationError(_("Choose a student."))
        return data
