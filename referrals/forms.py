"""Forms of the referrals pages; validation lives here, state changes in actions.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Centre
from referrals.actions import ACK_HOURS_MAX, ACT_HOURS_MAX, BAD_DEADLINES
from referrals.models import ExternalTarget, Outcome

TEXT_MAX_LENGTH = 10_000  # a reason, an outcome note or a message (the API has the same limit)


def receivers(service: str, exclude_id):
    """Active centres of the network that run the service, other than the sender."""
    return Centre.objects.filter(is_active=True, services__service=service).exclude(pk=exclude_id).distinct()


class SendItemForm(forms.Form):
    receiver = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("To the hotline of"))
    note = forms.CharField(
        label=_("Note for the receiving hotline"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea
    )

    def __init__(self, *args, service: str, exclude_id, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = receivers(service, exclude_id)


class SendCaseForm(forms.Form):
    receiver = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("To the helpline of"))
    summary = forms.CharField(
        label=_("Summary written for the referral"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=_("No names, addresses or other identifying detail unless consent to share is recorded."),
    )
    override_reason = forms.CharField(
        label=_("Reason for sharing identifying detail without consent (supervisors only)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
    )

    def __init__(self, *args, service: str, exclude_id, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = receivers(service, exclude_id)


class ExternalForm(forms.Form):
    target = forms.ChoiceField(label=_("Forwarded to"), choices=ExternalTarget.choices)
    name = forms.CharField(label=_("Name of the recipient"), max_length=200, required=False)
    reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason for declining"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea)


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(label=_("Outcome note"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea)


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea)


class InformationRequestForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=())
    sender = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("From your centre"))
    receiver = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("To centre"))
    question = forms.CharField(
        label=_("Question"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=_("No names or other identifying detail of a child."),
    )

    def __init__(self, *args, senders: dict, **kwargs) -> None:
        """``senders``: service → ids of the centres where the user works that service."""
        super().__init__(*args, **kwargs)
        from referrals.models import ReferralService

        self.senders = senders
        self.fields["service"].choices = [(s, label) for s, label in ReferralService.choices if senders.get(s)]
        all_ids = set().union(*senders.values()) if senders else set()
        self.fields["sender"].queryset = Centre.objects.filter(pk__in=all_ids)
        self.fields["receiver"].queryset = Centre.objects.filter(
            is_active=True, services__service__in=list(senders)
        ).distinct()

    def clean(self):
        data = super().clean()
        service, sender = data.get("service"), data.get("sender")
        if service and sender and sender.pk not in self.senders.get(service, set()):
            self.add_error("sender", _("You do not work this service at that centre."))
        return data


class DeadlinesForm(forms.Form):
    acknowledge_hours = forms.IntegerField(
        label=_("Acknowledge within (hours)"), min_value=1, max_value=ACK_HOURS_MAX, help_text=_("Default: 24 hours.")
    )
    act_hours = forms.IntegerField(
        label=_("Act within (hours)"),
        min_value=1,
        max_value=ACT_HOURS_MAX,
        help_text=_("Default: 72 hours (3 days)."),
    )

    def clean(self):
        data = super().clean()
        ack, act = data.get("acknowledge_hours"), data.get("act_hours")
        if ack and act and act < ack:
            self.add_error("act_hours", BAD_DEADLINES)
        return data
