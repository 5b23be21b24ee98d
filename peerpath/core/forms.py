from django import forms
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
