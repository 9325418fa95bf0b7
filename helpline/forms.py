"""Forms of the helpline pages (the API validates with its own schemas, then calls the same actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.canonical_urls import InvalidURL, canonicalize
from core.taxonomy import HarmType
from helpline.models import (
    QUICK_KINDS,
    CaseStatus,
    Category,
    Channel,
    Contact,
    ContactKind,
    FlagReason,
    ReferralOutcome,
    RiskLevel,
    SupportService,
)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ContactForm(forms.ModelForm):
    """A counselling (or information) contact; the categories of both trees in one field."""

    identifier = forms.CharField(
        label=_("Identifier (phone, e-mail or chat handle)"),
        required=False,
        max_length=200,
        help_text=_("Stored only as a keyed hash, to recognise a repeat contact."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = [
            "kind",
            "channel",
            "started_at",
            "ended_at",
            "caller_role",
            "age",
            "age_band",
            "gender",
            "municipality",
            "platform_type",
            "categories",
            "urgency",
            "summary",
            "action_taken",
            "consent_callback",
            "consent_share",
            "contact_details",
        ]
        widgets = {
            "started_at": DateTimeLocalInput(),
            "ended_at": DateTimeLocalInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "contact_details": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in ContactKind.choices if value not in QUICK_KINDS
        ]
        self.fields["age"].widget.attrs.update({"min": 0, "max": 99})
        # The counsellor starts typing at once: the first field has the focus.
        self.fields["kind"].widget.attrs["autofocus"] = True
        self.fields["started_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
        self.fields["ended_at"].input_formats = self.fields["started_at"].input_formats
        if draft:
            # A draft keeps whatever is there: nothing is required yet.
            for field in self.fields.values():
                field.required = False

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_at"), cleaned.get("ended_at")
        if started and ended and ended < started:
            self.add_error("ended_at", _("The end cannot be before the start."))
        return cleaned

    def action_data(self) -> dict:
        """What the actions take: the valid fields only (a draft may be partly invalid)."""
        data = {name: value for name, value in self.cleaned_data.items() if name in self.fields}
        if "categories" in data:
            data["categories"] = list(data["categories"] or [])
        return data


class QuickContactForm(forms.Form):
    """One click: the kind is the button pressed."""

    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in QUICK_KINDS])
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=FlagReason.choices)
    hours = forms.IntegerField(label=_("Expires after (hours)"), min_value=1, max_value=24 * 365, initial=24)


class CaseForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    restricted = forms.BooleanField(label=_("Restricted (only the owner and the supervisors see it)"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What to do"), max_length=500)
    due_at = forms.DateTimeField(
        label=_("Due"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )


class LinkContactForm(forms.Form):
    contact = forms.UUIDField(label=_("Contact"))


class AssignForm(forms.Form):
    owner = forms.ChoiceField(label=_("Owner"))

    def __init__(self, *args, counsellors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.counsellors = {str(user.pk): user for user in counsellors}
        self.fields["owner"].choices = [(pk, user.email) for pk, user in self.counsellors.items()]

    def owner_user(self):
        return self.counsellors[self.cleaned_data["owner"]]


class ServiceForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = SupportService
        fields = ["kind", "name", "phone", "email", "website", "address", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=SupportService.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    referred_on = forms.DateField(label=_("Referred on"), widget=forms.DateInput(attrs={"type": "date"}))
    override_reason = forms.CharField(
        label=_("Supervisor override: why refer without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Only when the contact has no consent to share; a supervisor writes the reason."),
    )

    def __init__(self, *args, country=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = SupportService.objects.filter(country=country, is_active=True)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices)


class RetentionForm(forms.Form):
    narrative_months = forms.IntegerField(
        label=_("Erase contact narratives and identifiers after (months)"), min_value=1, max_value=600
    )
    closed_case_years = forms.IntegerField(label=_("Purge closed cases after (years)"), min_value=1, max_value=100)
    is_active = forms.BooleanField(label=_("Apply the rule every day"), required=False)


class EscalationForm(forms.Form):
    """URLs a child reported, sent to the hotline: shown and stored as inert text, never fetched."""

    urls = forms.CharField(
        label=_("Web addresses (one per line)"),
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        max_length=20_000,
    )
    harm_type = forms.ChoiceField(label=_("What kind of harm"), choices=HarmType.choices)
    where_seen = forms.CharField(label=_("Where it was seen (app, site, game)"), required=False, max_length=200)

    def clean_urls(self) -> list[str]:
        """The canonical URLs; an address the hotline would refuse is refused here, with its words."""
        urls = [line.strip() for line in self.cleaned_data["urls"].splitlines() if line.strip()]
        if not 1 <= len(urls) <= 20:
            raise forms.ValidationError(_("Give between 1 and 20 web addresses."))
        try:
            return list(dict.fromkeys(canonicalize(url) for url in urls))
        except InvalidURL as error:
            raise forms.ValidationError(error.message)
