"""Forms of notify's pages; validation lives here, state changes in actions.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notify import registry, webhooks


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Address of your centre's system"),
        max_length=webhooks.URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("An https:// address. Events are sent there as JSON signed with the secret shown once."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every event."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Every app's events, read when the form is built (apps register them at start-up).
        self.fields["events"].choices = registry.webhook_choices()
