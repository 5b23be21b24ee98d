"""Forms of the training progress pages. They validate; the services in progress_services.py write."""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peerpath.programs.models import Event, ParticipantRole, Program
from peerpath.training.models import Module, Requirement, RolePlayChecklist

WORKSHOP_HELP = _("Only events of kind “Training” are listed: change an event's kind to list it here.")


class RequirementForm(forms.Form):
    role = forms.ChoiceField(label=_("For"), choices=ParticipantRole.choices, initial=ParticipantRole.MENTOR)
    module = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.none(), required=False, empty_label=_("— none —")
    )
    workshop = forms.ModelChoiceField(
        label=_("Training workshop"),
        queryset=Event.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=WORKSHOP_HELP,
    )
    due_on = forms.DateField(
        label=_("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional."),
    )

    def __init__(
        self,
        *args: Any,
        program: Program,
        modules: QuerySet[Module],
        workshops: QuerySet[Event],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["module"].queryset = modules  # type: ignore[attr-defined]
        self.fields["workshop"].queryset = workshops  # type: ignore[attr-defined]

    def clean_due_on(self) -> datetime.date | None:
        due_on: datetime.date | None = self.cleaned_data.get("due_on")
        if due_on and due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past: choose today or a later day."))
        return due_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        module, workshop = data.get("module"), data.get("workshop")
        if bool(module) == bool(workshop):
            raise forms.ValidationError(_("Choose either a module or a training workshop."))
        taken = Requirement.objects.filter(program=self.program, role=data.get("role"))
        if module and taken.filter(module=module).exists():
            self.add_error("module", _("This module is already required for this role."))
        if workshop and taken.filter(workshop=workshop).exists():
            self.add_error("workshop", _("This workshop is already required for this role."))
        return data


class WorkshopCreditForm(forms.Form):
    workshop = forms.ModelChoiceField(
        label=_("Training workshop"), queryset=Event.objects.none(), help_text=WORKSHOP_HELP
    )
    module = forms.ModelChoiceField(label=_("Counts as completing"), queryset=Module.objects.none())

    def __init__(
        self, *args: Any, modules: QuerySet[Module], workshops: QuerySet[Event], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = modules  # type: ignore[attr-defined]
        self.fields["workshop"].queryset = workshops  # type: ignore[attr-defined]


class MatrixFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Show"), choices=ParticipantRole.choices, required=False)
    overdue = forms.BooleanField(label=_("Only people with something overdue or expired"), required=False)


class RolePlayChecklistForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    skills = forms.CharField(
        label=_("Skills to observe"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One skill per line."),
    )

    def clean_skills(self) -> list[str]:
        skills = [line.strip() for line in self.cleaned_data["skills"].splitlines() if line.strip()]
        unique = list(dict.fromkeys(skills))
        if not unique:
            raise forms.ValidationError(_("Name at least one skill."))
        return unique


class ChecklistChoiceForm(forms.Form):
    checklist = forms.ModelChoiceField(label=_("Checklist"), queryset=RolePlayChecklist.objects.none())

    def __init__(self, *args: Any, checklists: QuerySet[RolePlayChecklist], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checklist"].queryset = checklists  # type: ignore[attr-defined]


class ObservationForm(forms.Form):
    """One mentor's row on the role-play page; its prefix is the mentor's id."""

    observed = forms.MultipleChoiceField(
        label=_("Skills observed"), required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, skills: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observed"].choices = [(skill, skill) for skill in skills]  # type: ignore[attr-defined]
