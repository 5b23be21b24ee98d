from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _


def split_tags(text: str) -> list[str]:
    """Comma-separated tags, trimmed and lower-cased, duplicates removed."""
    return list(dict.fromkeys(tag.strip().lower() for tag in text.split(",") if tag.strip()))


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("Person or object"), required=False, max_length=100)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return cleaned


class EscapedHelpTextBoundField(BoundField):
    """Django's form templates print `help_text|safe`; ours often comes from a coordinator (an application
    question, a rubric criterion), so it is escaped here, once for every form. Text that is already safe
    (Django's password rules, built with format_html) is left alone."""

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        super().__init__(form, field, name)
        self.help_text = conditional_escape(self.help_text)


class FormRenderer(DjangoTemplates):
    """The site's form renderer (settings.FORM_RENDERER): Django's templates, help text escaped."""

    bound_field_class = EscapedHelpTextBoundField
