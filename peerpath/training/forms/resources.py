"""Validation of the resource library's input. Forms never write: views hand cleaned data to services."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import Organization
from peerpath.core.forms import split_tags
from peerpath.core.uploads import content_matches_name, file_extension
from peerpath.programs.models import Program
from peerpath.training.models import Resource

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TAGS = 10
MAX_TAG_LENGTH = 40
# The file types a resource may be, by extension, and the media type each is served as.
FILE_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def validate_resource_file(upload: UploadedFile) -> None:
    """Refuse files over 10 MB and files that are not, by name and by content, one of FILE_TYPES."""
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise forms.ValidationError(
            _("This file is %(size)s. Files can be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_FILE_BYTES)},
        )
    name = upload.name or ""
    if file_extension(name) not in FILE_TYPES:
        raise forms.ValidationError(
            _("Only PDF, PNG, JPEG, Word (DOCX), PowerPoint (PPTX) and Excel (XLSX) files can be uploaded."),
            code="file_type",
        )
    if not content_matches_name(upload, name):
        raise forms.ValidationError(
            _("This file's content does not match its name. Save it again as a real %(type)s file."),
            code="file_content",
            params={"type": file_extension(name).lstrip(".").upper()},
        )


def _program_with_school(program: Program) -> str:
    return f"{program.organization.name} · {program}"


class ResourceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, *args: Any, tags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("All tags")), *((tag, tag) for tag in tags)]  # type: ignore[attr-defined]


class ResourceForm(forms.ModelForm):
    """Create (in one of `organizations`) or edit a resource. A link and a file exclude each other."""

    organization = forms.ModelChoiceField(
        label=_("School"), queryset=Organization.objects.none(), required=False
    )
    url = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=200,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A web page starting with http:// or https://. Leave empty if you upload a file."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Separated by commas, for example: goals, worksheet."),
    )

    class Meta:
        model = Resource
        fields = ["organization", "title", "description", "url", "file", "tags", "audience", "program"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "description": _("What it is and how to use it. Text-only resources keep their content here."),
            "file": _("PDF, PNG, JPEG, DOCX, PPTX or XLSX, at most 10 MB."),
            "program": _("Only for the participants of this program; empty: everyone at the school."),
        }

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(FILE_TYPES)
        program_field: forms.ModelChoiceField = self.fields["program"]  # type: ignore[assignment]
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags)
            del self.fields["organization"]
            self.fixed_organization: Organization | None = self.instance.organization
            program_field.queryset = Program.objects.filter(organization=self.instance.organization_id)
            return
        organizations = organizations if organizations is not None else Organization.objects.none()
        program_field.queryset = Program.objects.filter(organization__in=organizations).select_related(
            "organization"
        )
        if len(organizations) == 1:
            del self.fields["organization"]
            self.fixed_organization = organizations[0]
        else:
            self.fixed_organization = None
            org_field: forms.ModelChoiceField = self.fields["organization"]  # type: ignore[assignment]
            org_field.queryset = organizations
            org_field.required = True
            program_field.label_from_instance = _program_with_school  # type: ignore[method-assign,assignment]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_resource_file(upload)
        return upload

    def clean_tags(self) -> list[str]:
        tags = split_tags(self.cleaned_data.get("tags", ""))
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("Use at most %(count)d tags."), params={"count": MAX_TAGS})
        if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise forms.ValidationError(
                _("Keep each tag under %(count)d characters."), params={"count": MAX_TAG_LENGTH}
            )
        return tags

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_file = bool(data.get("file")) and "file" not in self.errors
        if data.get("url") and has_file:
            self.add_error(
                "url",
                _("Give a link or a file, not both. To link instead, remove the file (tick “Clear”)."),
            )
        elif (
            not data.get("url") and not has_file and not data.get("description") and "file" not in self.errors
        ):
            self.add_error("description", _("Add a description, a link or a file."))
        organization = self.fixed_organization or data.get("organization")
        program = data.get("program")
        if program is not None and organization is not None and program.organization_id != organization.pk:
            self.add_error("program", _("Choose a program of the same school."))
        return data

    def resource_organization(self) -> Organization:
        organization: Organization = self.fixed_organization or self.cleaned_data["organization"]
        return organization

    def resource_fields(self) -> dict[str, Any]:
        """The cleaned values a service writes."""
        names = ["title", "description", "url", "file", "tags", "audience", "program"]
        return {name: self.cleaned_data[name] for name in names}
