"""Forms of sign-in, second factor, preferences and API tokens."""

import unicodedata
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.tasks import send_email


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("The six-digit code your app shows now"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _time_zone_choices():
    return [("", _("The time zone of my centre"))] + [
        (name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name
    ]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Interface language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices, required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “case import script”.")
    )
    membership = forms.ChoiceField(label=_("Acts as"))
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=settings.API_TOKEN_MAX_DAYS, initial=90
    )

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.pk): m for m in memberships}
        self.fields["membership"].choices = [(str(m.pk), f"{m.get_role_display()} · {m.centre}") for m in memberships]

    def clean_membership(self):
        return self.memberships[self.cleaned_data["membership"]]


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through the task queue (nothing lost, no wait)."""

    def get_users(self, email):
        """Active accounts with this address, including invited people who never set a password.

        Django leaves out accounts without a usable password (meant for sign-in through another
        system); here those are invitations, whose link may have expired: the reset is their way in.
        """
        return (
            user
            for user in User.objects.filter(email__iexact=email, is_active=True)
            if _same_address(email, user.email)
        )

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        from django.template import loader

        # In the recipient's own language when they chose one, else in the language of the page.
        user = context.get("user")
        with translation.override(getattr(user, "language", "") or translation.get_language()):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        send_email.enqueue(subject=subject, body=body, to=[to_email])


def _same_address(a: str, b: str) -> bool:
    # As Django does: a database's case-insensitive match is not trusted on Unicode alone.
    return unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()
