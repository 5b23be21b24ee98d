from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from peerpath.programs.models import Program
from peerpath.recruitment.services.enrollment import MAX_CSV_BYTES, decode_csv_upload, students_of


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})"


class ReferralForm(forms.Form):
    student = StudentChoiceField(label=_("Student"), queryset=None, empty_label=_("Choose a student"))
    reason = forms.CharField(
        label=_("Why this student would benefit from a mentor"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students_of(program)  # type: ignore[attr-defined]


class EnrollmentCsvForm(forms.Form):
    """An upload, or the same content sent back from the preview so that nobody uploads twice."""

    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("UTF-8 text, at most 1 MB, with the header username,email,grade."),
    )
    content = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    import_valid_only = forms.BooleanField(
        label=_("Import the valid rows only and skip the lines with problems"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            if upload.size > MAX_CSV_BYTES:
                self.add_error("file", _("The file is larger than 1 MB. Split it into smaller files."))
                return data
            try:
                data["text"] = decode_csv_upload(upload.read())
            except ValueError as error:
                self.add_error("file", str(error))
        elif data.get("content"):
            if len(data["content"].encode()) > MAX_CSV_BYTES:
                self.add_error("file", _("The file is larger than 1 MB. Split it into smaller files."))
            else:
                data["text"] = data["content"]
        else:
            self.add_error("file", _("Choose a CSV file to upload."))
        return data
