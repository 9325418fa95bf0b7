"""Sessions expire when idle; signing out is a POST and leaves an audit entry."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tests.helpers import (
    DASHBOARD_URL,
    LOGIN_URL,
    SECURITY_URL,
    SignInTestCase,
    audit_actions,
    clock,
    enrolled,
    totp_code,
)

LOGOUT_URL = "/accounts/logout/"


class IdleSessionTests(SignInTestCase):
    def setUp(self):
        self.secret, _codes = enrolled(self.al_analyst)

    def test_idle_sessions_expire_and_activity_keeps_them_alive(self):
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)
        idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
        start = timezone.now()
        with clock(start):
            self.password_step(self.al_analyst)
            self.code_step(totp_code(self.secret, start))
            self.assertEqual(self.client.get(DASHBOARD_URL).status_code, 200)

        # Each request pushes the expiry forward: twice the idle time in total, still signed in.
        active = start + idle - timedelta(minutes=1)
        with clock(active):
            self.assertEqual(self.client.get(DASHBOARD_URL).status_code, 200)
        with clock(active + idle - timedelta(minutes=1)):
            self.assertEqual(self.client.get(DASHBOARD_URL).status_code, 200)

        # Then nothing for longer than the idle time: signed out.
        with clock(active + idle - timedelta(minutes=1) + idle + timedelta(seconds=1)):
            response = self.client.get(DASHBOARD_URL)
            self.assertRedirects(response, f"{LOGIN_URL}?next={DASHBOARD_URL}", fetch_redirect_response=False)

    def test_the_session_cookie_ends_with_the_browser_and_is_protected(self):
        self.sign_in(self.al_analyst, self.secret)
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME]
        self.assertEqual(cookie["max-age"], "")  # no persistent cookie
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        session = Session.objects.get(session_key=cookie.value)
        self.assertLessEqual(session.expire_date, timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 5))

    def test_signed_in_pages_are_not_cached(self):
        self.sign_in(self.al_analyst, self.secret)
        self.assertIn("no-store", self.client.get(SECURITY_URL)["Cache-Control"])


class LogoutTests(SignInTestCase):
    def test_logout_is_post_only(self):
        self.password_step(self.state_viewer)
        response = self.client.get(LOGOUT_URL)
        self.assertEqual(response.status_code, 405)
        self.assertSignedInAs(self.state_viewer)
        self.assertFalse(audit_actions(self.state_viewer, "logout").exists())

    def test_logout_ends_the_session_and_is_audited(self):
        self.password_step(self.state_viewer)
        old_key = self.client.session.session_key
        response = self.client.post(LOGOUT_URL)
        self.assertRedirects(response, LOGIN_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()
        self.assertFalse(Session.objects.filter(session_key=old_key).exists())
        self.assertContains(self.client.get(LOGIN_URL), "You have signed out.")
        entry = audit_actions(self.state_viewer, "logout").get()
        self.assertEqual(entry.object_id, str(self.state_viewer.pk))
        self.assertEqual(self.client.get(DASHBOARD_URL).status_code, 302)

    def test_logout_is_csrf_protected(self):
        self.password_step(self.state_viewer)
        strict = self.client_class(enforce_csrf_checks=True)
        strict.cookies = self.client.cookies
        self.assertEqual(strict.post(LOGOUT_URL).status_code, 403)
        self.assertSignedInAs(self.state_viewer)

    def test_anonymous_logout_just_goes_to_login(self):
        response = self.client.post(LOGOUT_URL)
        self.assertRedirects(response, LOGIN_URL, fetch_redirect_response=False)
        self.assertFalse(audit_actions(action="logout").exists())

    def test_the_signed_in_shell_offers_a_sign_out_form(self):
        self.password_step(self.state_viewer)
        response = self.client.get(SECURITY_URL)
        self.assertContains(response, f'<form method="post" action="{LOGOUT_URL}"')
