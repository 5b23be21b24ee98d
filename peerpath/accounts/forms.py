from django import forms
from django.utils.translation import gettext_lazy as _

from peerpath.accounts.models import User
from peerpath.core.roles import Role


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name, username or e-mail"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
