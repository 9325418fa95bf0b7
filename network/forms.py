"""Forms of the network app."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.permissions import Role

# A person's name is plain text: markup characters and control characters have no place in it.
_NOT_IN_A_NAME = re.compile(r"[<>\x00-\x1f\x7f]")


class GrantRoleForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    full_name = forms.CharField(label=_("Full name (for a new account)"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.CHOICES)

    def __init__(self, *args, allowed_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_roles is not None:
            self.fields["role"].choices = [(code, label) for code, label in Role.CHOICES if code in allowed_roles]

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"]
        if _NOT_IN_A_NAME.search(name):
            raise ValidationError(_("Enter the name as plain text, without < or >."), code="invalid")
        return name
