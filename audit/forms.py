"""Filters of the audit log page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    centre = forms.ChoiceField(label=_("Centre"), required=False)
    action = forms.CharField(label=_("Action"), max_length=80, required=False)
    actor = forms.CharField(label=_("Who (email)"), max_length=254, required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=80, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, centres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].choices = [("", _("All my centres"))] + [(str(c.pk), c.name) for c in centres]
