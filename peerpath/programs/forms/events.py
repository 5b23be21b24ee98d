from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from peerpath.programs.models import Cohort, Event, Program

LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker. Values are read in the active time zone: the views
    activate the time zone of the school that runs the program."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=LOCAL_DATETIME_FORMAT)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "description", "location", "starts_at", "ends_at", "capacity", "cohort"]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort_field = cast(forms.ModelChoiceField, self.fields["cohort"])
        cohort_field.queryset = Cohort.objects.filter(program=program).order_by("-starts_on")
        cohort_field.empty_label = _("Everyone in the program")
        cohort_field.help_text = _("Participants of this cohort appear on the attendance roster.")
        self.fields["kind"].help_text = _(
            "Only a “Training” event can be required as a training workshop or count as completing a module."
        )
        for name in ("starts_at", "ends_at"):
            field = cast(forms.DateTimeField, self.fields[name])
            field.input_formats = [LOCAL_DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean_capacity(self) -> int | None:
        capacity = self.cleaned_data.get("capacity")
        if capacity == 0:
            raise forms.ValidationError(_("Leave it empty for no limit, or allow at least one person."))
        return capacity

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The event must end after it starts."))
        return cleaned


class PersonIdsField(forms.Field):
    """The ids of the people ticked on a roster. Ids no longer on the roster (someone cancelled while
    the page was open) are dropped by the service rather than failing the whole form."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> set[int]:
        try:
            return {int(item) for item in value or []}
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Tick people from the roster.")) from None


class AttendanceForm(forms.Form):
    present = PersonIdsField(required=False, label=_("Present"))
