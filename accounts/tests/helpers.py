"""Shared helpers for the sign-in tests: a movable clock, TOTP codes, the two sign-in steps."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, timedelta
from unittest import mock

import pyotp
from django.urls import reverse
from django.utils import timezone

from accounts import actions, mfa
from audit.models import AuditEntry
from core.testing import TEST_PASSWORD, SicnetTestCase

LOGIN_URL = reverse("accounts:login")
VERIFY_URL = reverse("accounts:mfa_verify")
ENROL_URL = reverse("accounts:mfa_enrol")
CODES_URL = reverse("accounts:recovery_codes")
SECURITY_URL = reverse("accounts:security")
DASHBOARD_URL = reverse("core:dashboard")


@contextlib.contextmanager
def clock(moment: datetime):
    """Every ``timezone.now()`` (sessions, lockout, TOTP, pending sign-in) answers ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def totp_code(secret: str, moment: datetime | None = None, *, steps_later: int = 0) -> str:
    moment = (moment or timezone.now()) + timedelta(seconds=30 * steps_later)
    return pyotp.TOTP(secret).at(moment)


def enrolled(user) -> tuple[str, list[str]]:
    """Give the user a second factor; returns its secret and the recovery codes."""
    secret = mfa.new_totp_secret()
    codes = actions.enrol_totp(user, secret=secret)
    user.refresh_from_db()
    return secret, codes


def secret_on_page(response) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', response.content.decode())
    assert match, "the enrolment page shows the key"
    return match.group(1)


def audit_actions(user=None, action: str | None = None):
    entries = AuditEntry.objects.all()
    if user is not None:
        entries = entries.filter(actor_id=user.pk)
    if action is not None:
        entries = entries.filter(action=action)
    return entries


class SignInTestCase(SicnetTestCase):
    """Drives the real two-step sign-in, never ``force_login``."""

    def password_step(self, user, password: str = TEST_PASSWORD, *, next_url: str | None = None, **extra):
        data = {"email": user.email, "password": password}
        if next_url is not None:
            data["next"] = next_url
        return self.client.post(LOGIN_URL, data, **extra)

    def code_step(self, code: str):
        return self.client.post(VERIFY_URL, {"code": code})

    def sign_in(self, user, secret: str, *, next_url: str | None = None):
        """Both steps with the current code; returns the last response."""
        response = self.password_step(user, next_url=next_url)
        self.assertRedirects(response, VERIFY_URL, fetch_redirect_response=False)
        return self.code_step(totp_code(secret))

    def assertSignedInAs(self, user) -> None:
        self.assertEqual(str(self.client.session.get("_auth_user_id")), str(user.pk))

    def assertNotSignedIn(self) -> None:
        self.assertNotIn("_auth_user_id", self.client.session)
