"""Validation of the program pages' input. Forms never write: views hand cleaned data to services."""

import datetime
import zoneinfo
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import Organization, User
from peerpath.programs.models import Cohort, Objective, Phase, Program, ProgramStaff, Supporter

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
END_OF_DAY = datetime.time(23, 59, 59)


def school_zone(organization: Organization | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(organization.timezone if organization else "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class DeadlineWidget(forms.MultiWidget):
    """A date and an optional time: posted as `<name>` (the date) and `<name>_time`."""

    template_name = "programs/widgets/deadline.html"
    use_fieldset = False

    zone: zoneinfo.ZoneInfo | None = None

    def __init__(self) -> None:
        super().__init__(
            widgets={
                "": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            }
        )

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_

    def decompress(self, value: Any) -> list[Any]:
        if not value:
            return [None, None]
        local = value.astimezone(self.zone) if self.zone else value
        return [local.date(), None if local.time().replace(microsecond=0) == END_OF_DAY else local.time()]


class DeadlineField(forms.MultiValueField):
    """A deadline is a date (the end of that day in the school's time zone) unless a time is chosen."""

    widget = DeadlineWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.DateField(), forms.TimeField(required=False))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        self.zone = zoneinfo.ZoneInfo("UTC")

    def compress(self, data_list: list[Any]) -> datetime.datetime | None:
        if not data_list or not data_list[0]:
            return None
        day, time = data_list[0], data_list[1] if len(data_list) > 1 else None
        return datetime.datetime.combine(day, time or END_OF_DAY, tzinfo=self.zone)


# The program fields a coordinator edits, in the order the form shows them.
PROGRAM_FIELDS = [
    "name",
    "slug",
    "description",
    "model",
    "mentor_capacity",
    "min_grade_gap",
    "subjects",
    "min_grade",
    "max_grade",
    "min_age",
    "max_age",
    "meeting_cadence",
    "session_minutes",
    "commitment_weeks",
    "benefits",
    "challenges",
    "offers_certificate",
    "service_hours",
    "other_incentives",
    "is_published",
]


def _bound(field: forms.Field, *, low: int | None = None, high: int | None = None) -> None:
    """Tighten a model field's range on the form (validation and the browser's hint)."""
    if low is not None:
        field.validators.append(MinValueValidator(low))
        field.widget.attrs["min"] = low
    if high is not None:
        field.validators.append(MaxValueValidator(high))
        field.widget.attrs["max"] = high


class ProgramForm(forms.ModelForm):
    """Create (with `organizations` to choose from) or edit a program."""

    organization = forms.ModelChoiceField(
        label=_("School"), queryset=Organization.objects.none(), required=False
    )
    subjects = forms.CharField(
        label=_("Subjects"),
        required=False,
        max_length=500,
        help_text=_("Peer tutoring: the subjects offered, separated by commas."),
    )

    class Meta:
        model = Program
        fields = [*PROGRAM_FIELDS, "partner_schools"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "benefits": forms.Textarea(attrs={"rows": 3}),
            "challenges": forms.Textarea(attrs={"rows": 3}),
            "partner_schools": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization] | None = None,
        partner_choices: QuerySet[Organization] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            organization_field = cast(forms.ModelChoiceField, self.fields["organization"])
            organization_field.queryset = organizations
            organization_field.required = True
        partners = cast(forms.ModelMultipleChoiceField, self.fields["partner_schools"])
        partners.queryset = partner_choices if partner_choices is not None else Organization.objects.none()
        # A school is not offered as its own partner (when the form knows the school already).
        if self.instance.organization_id:
            own_id: int | None = self.instance.organization_id
        else:
            own = list(organizations[:2]) if organizations is not None else []
            own_id = own[0].pk if len(own) == 1 else None
        if own_id is not None:
            partners.queryset = partners.queryset.exclude(pk=own_id)
        slug = self.fields["slug"]
        slug.required = False
        slug.help_text = _("Used in the program's web address. Leave it empty to make it from the name.")
        _bound(self.fields["mentor_capacity"], low=1)
        _bound(self.fields["min_grade"], high=16)
        _bound(self.fields["max_grade"], high=16)
        if not self.is_bound and self.instance.subjects:
            self.initial["subjects"] = ", ".join(self.instance.subjects)

    @property
    def target_organization(self) -> Organization | None:
        if "organization" in self.fields:
            return self.cleaned_data.get("organization")
        return self.instance.organization if self.instance.organization_id else None

    def clean_subjects(self) -> list[str]:
        raw = self.cleaned_data.get("subjects") or ""
        return list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("slug") and cleaned.get("name") and "slug" not in self.errors:
            cleaned["slug"] = slugify(cleaned["name"])[:80].strip("-") or "program"
        model = cleaned.get("model")
        if model == Program.Model.GROUP and (cleaned.get("mentor_capacity") or 0) < 2:
            self.add_error(
                "mentor_capacity", _("A group program needs room for at least 2 mentees per mentor.")
            )
        if model == Program.Model.ONE_ON_ONE and "mentor_capacity" in cleaned:
            cleaned["mentor_capacity"] = 1
        if model == Program.Model.CROSS_AGE and not cleaned.get("min_grade_gap"):
            self.add_error("min_grade_gap", _("A cross-age program needs a grade gap of at least 1."))
        if model == Program.Model.PEER_TUTORING and not cleaned.get("subjects"):
            self.add_error("subjects", _("List at least one subject for peer tutoring."))
        for low, high, message in [
            ("min_grade", "max_grade", _("The highest grade must not be below the lowest grade.")),
            ("min_age", "max_age", _("The maximum age must not be below the minimum age.")),
        ]:
            if (
                cleaned.get(low) is not None
                and cleaned.get(high) is not None
                and cleaned[high] < cleaned[low]
            ):
                self.add_error(high, message)
        organization = self.target_organization
        slug = cleaned.get("slug")
        if organization is not None and slug:
            taken = Program.objects.filter(organization=organization, slug=slug).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("slug", _("Another program of this school already uses this short name."))
        partners = cleaned.get("partner_schools")
        if organization is not None and partners and organization in partners:
            self.add_error("partner_schools", _("A school cannot be its own partner."))
        return cleaned

    def program_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROGRAM_FIELDS}


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["description", "target_value", "unit"]


class SupporterForm(forms.ModelForm):
    class Meta:
        model = Supporter
        fields = ["kind", "name", "contact", "contribution", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ProgramStaffForm(forms.ModelForm):
    """Add a staff member of the program's school as a coordinator or supervising educator."""

    class Meta:
        model = ProgramStaff
        fields = ["user", "role"]
        labels = {"user": _("Staff member")}

    def __init__(self, *args: Any, staff_members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = staff_members

    def clean_user(self) -> User:
        user: User = self.cleaned_data["user"]
        others = ProgramStaff.objects.filter(program_id=self.instance.program_id, user=user)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This person is already on the program's staff."))
        return user


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "starts_on", "ends_on", "applications_open_at", "application_deadline"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "applications_open_at": DATETIME}
        field_classes = {"application_deadline": DeadlineField}
        help_texts = {
            "application_deadline": _(
                "Applications close at the end of this day in the school's time zone, "
                "unless you choose a time."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program = getattr(self.instance, "program", None) if self.instance.program_id else None
        zone = school_zone(program.organization if program else None)
        deadline = cast(DeadlineField, self.fields["application_deadline"])
        deadline.zone = zone
        cast(DeadlineWidget, deadline.widget).zone = zone

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        others = Cohort.objects.filter(program_id=self.instance.program_id, name=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This program already has a cohort with this name."))
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        opens, deadline = cleaned.get("applications_open_at"), cleaned.get("application_deadline")
        if opens and deadline and deadline < opens:
            self.add_error("application_deadline", _("The deadline must be after applications open."))
        return cleaned


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        others = Phase.objects.filter(cohort_id=self.instance.cohort_id, kind=kind)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This cohort already has this phase."))
        return kind

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        cohort = self.instance.cohort if self.instance.cohort_id else None
        if cohort is not None:
            outside = _("A phase must fall within its cohort's dates, %(starts)s to %(ends)s.") % {
                "starts": formats.date_format(cohort.starts_on, "SHORT_DATE_FORMAT"),
                "ends": formats.date_format(cohort.ends_on, "SHORT_DATE_FORMAT"),
            }
            if starts and not cohort.starts_on <= starts <= cohort.ends_on:
                self.add_error("starts_on", outside)
            if ends and not cohort.starts_on <= ends <= cohort.ends_on:
                self.add_error("ends_on", outside)
        return cleaned
