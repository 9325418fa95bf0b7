"""Forms of the network app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.permissions import Role


class GrantRoleForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    full_name = forms.CharField(label=_("Full name (for a new account)"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.CHOICES)

    def __init__(self, *args, allowed_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_roles is not None:
            self.fields["role"].choices = [(code, label) for code, label in Role.CHOICES if code in allowed_roles]
