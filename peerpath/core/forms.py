from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _

# The longest free text a form accepts unless the field sets its own max_length: a program description,
# an answer, a comment. Longer text is refused with Django's "at most N characters" message.
TEXT_MAX_LENGTH = 5_000


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


class SiteBoundField(BoundField):
    """Every form field of the site, as the site's form renderer binds it (settings.FORM_RENDERER).

    - Help text is escaped: Django's form templates print it with `|safe`, and ours often comes from a
      coordinator (an application question, a rubric criterion). Text that is already safe (Django's
      password rules, built with format_html) is left alone.
    - Free text has a length cap: a text field without its own `max_length` gets TEXT_MAX_LENGTH, with
      the validator and the browser's `maxlength` (model TextFields set no limit of their own). Hidden
      fields (a CSV carried between two steps) are left alone.
    - A text area shows its limit under the field ("Up to 5,000 characters.").
    """

    def __init__(self, form: forms.BaseForm, field: forms.Field, name: str) -> None:
        if isinstance(field, forms.CharField) and not field.widget.is_hidden and field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
            field.widget.attrs.update(field.widget_attrs(field.widget))
        super().__init__(form, field, name)
        help_text = conditional_escape(self.help_text)
        if (
            isinstance(field, forms.CharField)
            and isinstance(field.widget, forms.Textarea)
            and field.max_length
        ):
            limit = _("Up to %(limit)s characters.") % {
                "limit": number_format(field.max_length, force_grouping=True)
            }
            help_text = format_html("{} {}", help_text, limit) if help_text else conditional_escape(limit)
        self.help_text = help_text


class FormRenderer(DjangoTemplates):
    """The site's form renderer: Django's templates, with SiteBoundField."""

    bound_field_class = SiteBoundField
