"""Staff forms: the queue's filters, the analyst's steps, the dashboard's period."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import users_with
from hashes.forms import LookupForm
from hotline import taxonomy
from hotline.models import ItemStatus
from hotline.permissions import HotlinePerm

DATE = forms.DateInput(attrs={"type": "date"})


def _country_code(value: str) -> str:
    value = (value or "").strip().upper()
    if value and not re.fullmatch(r"[A-Z]{2}", value):
        raise forms.ValidationError(_("Enter a two-letter country code, like AL."))
    return value


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("open", _("Open")), *ItemStatus.choices, ("all", _("All"))]
    )
    harm_type = forms.ChoiceField(
        label=_("Reported harm"), required=False, choices=[("", _("Any")), *taxonomy.HarmType.choices]
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("nobody", _("Nobody"))],
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("child_first", _("Reported by a child first")),
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("most_reported", _("Most reported first")),
        ],
    )

    def params(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none())

    def __init__(self, *args, centre, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Active people only: a deactivated analyst is not offered.
        self.fields["to"].queryset = users_with(centre.pk, HotlinePerm.ASSESS).order_by("email")


class AssessForm(forms.Form):
    assessment = forms.ChoiceField(label=_("Assessment"), choices=[("", "—"), *taxonomy.Assessment.choices])
    content_type = forms.ChoiceField(
        label=_("Content type"), choices=[("", "—"), *taxonomy.ContentType.choices], required=False
    )
    site_type = forms.ChoiceField(label=_("Site type"), choices=[("", "—"), *taxonomy.SiteType.choices], required=False)
    victim_age = forms.ChoiceField(
        label=_("Victim age group"), choices=[("", "—"), *taxonomy.VictimAge.choices], required=False
    )
    victim_gender = forms.ChoiceField(
        label=_("Victim gender"), choices=[("", "—"), *taxonomy.VictimGender.choices], required=False
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"), choices=taxonomy.Flag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class TraceForm(forms.Form):
    ip_address = forms.GenericIPAddressField(label=_("IP address"), required=False)
    hosting_provider = forms.CharField(label=_("Hosting provider"), max_length=200, required=False)
    hosting_country = forms.CharField(
        label=_("Hosting country"),
        max_length=2,
        required=False,
        help_text=_("Two letters. Left empty, it is proposed from the IP address when a GeoIP file is configured."),
    )
    registrar = forms.CharField(label=_("Registrar"), max_length=200, required=False)

    def clean_hosting_country(self) -> str:
        return _country_code(self.cleaned_data["hosting_country"])


class ForwardForm(forms.Form):
    country = forms.CharField(label=_("Hosting country"), max_length=2)
    hotline = forms.CharField(label=_("Hotline"), max_length=200, required=False)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)

    def clean_country(self) -> str:
        return _country_code(self.cleaned_data["country"])


class LawEnforcementForm(forms.Form):
    agency = forms.CharField(label=_("Agency"), max_length=200)
    reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)


class NoticeForm(forms.Form):
    contact = forms.CharField(label=_("Contact at the hosting provider"), max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=taxonomy.NoticeChannel.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)


class RemovalForm(forms.Form):
    removed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("no", _("Still online")), ("yes", _("Removed"))],
        coerce=lambda value: value == "yes",
    )
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=taxonomy.Outcome.choices)


class ClaimForm(forms.Form):
    """Claiming takes no input."""


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def period(self):
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=89)
        return (start, end) if start <= end else (end, start)


class ItemHashesForm(LookupForm):
    """Hashes of the material at an item's URL: pasted (one per line) or computed from a file in memory.

    The same rules as the hash lookup: at most 1,000 lines, each ``algorithm:value`` or a bare
    value read by its length; the file capped by HASHES_MAX_UPLOAD_BYTES and never written to disk
    (the view installs hashes.hashing.CappedMemoryUploadHandler).
    """

    prefix = "hashes"
