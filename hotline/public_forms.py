"""The public report page's form and the status form. The rules are hotline.report_rules, which the API applies too."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hotline import report_rules as rules
from hotline import taxonomy
from hotline.queries import reportable_countries
from network.models import Service
from network.queries import covering_centre_id

# The country a page in this language most likely reports from.
COUNTRY_BY_LANGUAGE = {"sq": "AL", "mk": "MK", "sr": "RS", "sr-latn": "RS", "bs": "BA", "hr": "HR"}


class UrlListField(forms.Field):
    """One to twenty web addresses: lines of a text box (page) or a list (API); cleaned to canonical form."""

    widget = forms.Textarea(attrs={"rows": 3, "autocapitalize": "off", "autocorrect": "off", "spellcheck": "false"})

    def to_python(self, value) -> list[str]:
        if value in (None, ""):
            return []
        lines = value.splitlines() if isinstance(value, str) else value
        if not isinstance(lines, list | tuple) or not all(isinstance(line, str) for line in lines):
            raise forms.ValidationError(_("Give the web addresses as a list of text."))
        return list(lines)

    def clean(self, value) -> list[str]:
        # The rules' own "required" and count messages, the same as the API's.
        return rules.canonical_urls(rules.url_lines(self.to_python(value)))


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
        max_length=rules.MAX_WHERE_SEEN,
        required=False,
    )
    description = forms.CharField(
        label=_("Tell us more (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=rules.MAX_DESCRIPTION,
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
    contact_email = forms.EmailField(label=_("Your email (optional)"), max_length=rules.MAX_EMAIL, required=False)
    consent_to_contact = forms.BooleanField(label=_("You may write to me about this report"), required=False)

    centre_id = None  # the centre that covers the country's hotline, found while cleaning

    def clean_country(self) -> str:
        code = rules.country_code(self.cleaned_data["country"])
        self.centre_id = covering_centre_id(code, Service.HOTLINE) if code else None
        if self.centre_id is None:
            raise forms.ValidationError(rules.CHOOSE_COUNTRY)
        return code

    def clean(self) -> dict:
        data = super().clean()
        for name, message in {**rules.text_errors(data), **rules.contact_errors(data)}.items():
            self.add_error(name, message)
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
