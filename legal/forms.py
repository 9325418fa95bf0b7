"""Forms of the legal app: an entry of the matrix, and naming editors."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from legal.models import Entry
from network.models import Country


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["status", "national_law", "article", "note", "source"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


class EditorForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    email = forms.EmailField(label=_("Email of the member"))

    def __init__(self, *args, country_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(pk__in=country_ids)

    def clean(self):
        data = super().clean()
        country, email = data.get("country"), data.get("email")
        if country and email:
            # Only a member of a centre of that country can be named: editors work for their country.
            user = (
                get_user_model()
                .objects.filter(email__iexact=email, memberships__is_active=True, memberships__centre__country=country)
                .first()
            )
            if user is None:
                raise forms.ValidationError(_("No member of a centre of this country has this email address."))
            data["user"] = user
        return data
