"""The public report form and the status form. The API validates its body with the same form."""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline import taxonomy
from hotline.actions import MAX_URLS
from hotline.queries import reportable_countries
from hotline.urls_canonical import InvalidURL, canonicalize
from network.models import Service
from network.queries import covering_centre_id

MAX_DESCRIPTION = 2000
# The country a page in this language most likely reports from.
COUNTRY_BY_LANGUAGE = {"sq": "AL", "mk": "MK", "sr": "RS", "sr-latn": "RS", "bs": "BA", "hr": "HR"}


def has_control_characters(text: str, allowed: str = "") -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf") and char not in allowed for char in text)


class UrlListField(forms.Field):
    """One to twenty web addresses: lines of a text box (page) or a list (API); cleaned to canonical form."""

    widget = forms.Textarea(attrs={"rows": 3, "autocapitalize": "off", "autocorrect": "off", "spellcheck": "false"})

    def to_python(self, value) -> list[str]:
        if value in (None, ""):
            return []
        lines = value.splitlines() if isinstance(value, str) else value
        if not isinstance(lines, list | tuple) or not all(isinstance(line, str) for line in lines):
            raise forms.ValidationError(_("Give the web addresses as a list of text."))
        return [line.strip() for line in lines if line.strip()]

    def validate(self, value: list[str]) -> None:
        if not value:
            raise forms.ValidationError(_("Enter at least one web address."), code="required")
        if len(value) > MAX_URLS:
            raise forms.ValidationError(_("You can report up to 20 web addresses at once."))

    def clean(self, value) -> list[str]:
        urls = super().clean(value)
        canonical, errors = [], []
        for number, url in enumerate(urls, start=1):
            try:
                canonical.append(canonicalize(url))
            except InvalidURL as exc:
                errors.append(_("Address %(number)s: %(problem)s") % {"number": number, "problem": exc.message})
        if errors:
            raise forms.ValidationError(errors)
        return list(dict.fromkeys(canonical))


class ReportForm(forms.Form):
    """What anyone may send: never a file."""

    country = forms.CharField(label=_("Country"), max_length=2)
    harm_type = forms.ChoiceField(label=_("What is it?"), choices=[("", "—"), *taxonomy.HarmType.choices])
    urls = UrlListField(
        label=_("Web address (link)"), help_text=_("Copy the link and paste it here. One link per line, up to 20.")
    )
    where_seen = forms.CharField(
        label=_("Where did you see it?"),
        help_text=_("For example an app, a game or a website."),
        max_length=200,
        required=False,
    )
    description = forms.CharField(
        label=_("Tell us more (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_DESCRIPTION,
        required=False,
        help_text=_("Please do not send pictures or videos."),
    )
    reporter_is_child = forms.NullBooleanField(
        label=_("Are you under 18?"),
        required=False,
        widget=forms.RadioSelect(
            choices=[("true", _("Yes")), ("false", _("No")), ("unknown", _("I prefer not to say"))]
        ),
    )
    age_band = forms.ChoiceField(
        label=_("How old are you?"), choices=[("", "—"), *taxonomy.AgeBand.choices], required=False
    )
    contact_email = forms.EmailField(label=_("Your email (optional)"), max_length=254, required=False)
    consent_to_contact = forms.BooleanField(label=_("You may write to me about this report"), required=False)

    centre_id = None  # the centre that covers the country's hotline, found while cleaning

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].strip().upper()
        self.centre_id = covering_centre_id(code, Service.HOTLINE) if code.isascii() and code.isalpha() else None
        if self.centre_id is None:
            raise forms.ValidationError(_("Choose a country from the list."))
        return code

    def clean(self) -> dict:
        data = super().clean()
        for name in ("where_seen", "description", "contact_email"):
            allowed = "\n\r\t" if name == "description" else ""
            if has_control_characters(data.get(name) or "", allowed):
                self.add_error(name, _("Remove the special characters from this text."))
        if data.get("contact_email") and not data.get("consent_to_contact"):
            self.add_error("consent_to_contact", _("Tick this box if we may write to you, or leave the email empty."))
        elif data.get("consent_to_contact") and not data.get("contact_email"):
            self.add_error("contact_email", _("Enter your email so that we can write to you."))
        if data.get("age_band") and data.get("reporter_is_child") is not True:
            data["age_band"] = ""  # an age band only describes a child
        return data


class PublicReportForm(ReportForm):
    """The page's form: the API's fields, a honeypot and the id that makes a double click harmless."""

    # Hidden from people by CSS; a robot that fills every field fills this one too.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    submission_id = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, language: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        countries = reportable_countries()
        self.fields["country"].widget = forms.Select(
            choices=[("", "—"), *((c.code, c.display_name) for c in countries)]
        )
        default = COUNTRY_BY_LANGUAGE.get(language)
        if default in {c.code for c in countries}:
            self.fields["country"].initial = default

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Your report could not be sent."))
        return ""


class StatusForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=20)
    token = forms.CharField(label=_("Secret code"), max_length=64)
