"""Lockout after repeated failures, of the password or of the second factor."""

from datetime import timedelta

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from accounts.tests.helpers import (
    DASHBOARD_URL,
    LOGIN_URL,
    VERIFY_URL,
    SignInTestCase,
    audit_actions,
    clock,
    enrolled,
    totp_code,
)

LOCKED = "This account is locked for a while after too many failed attempts."
WRONG_CREDENTIALS = "The email address or the password is not correct."


class PasswordLockoutTests(SignInTestCase):
    def fail_password(self, times: int, user=None):
        user = user or self.state_viewer
        response = None
        for _ in range(times):
            response = self.password_step(user, "not the password")
        return response

    def test_account_locks_after_the_maximum_of_wrong_passwords(self):
        max_failures = settings.LOGIN_MAX_FAILURES
        response = self.fail_password(max_failures - 1)
        self.assertContains(response, WRONG_CREDENTIALS)
        self.state_viewer.refresh_from_db()
        self.assertFalse(self.state_viewer.is_locked())

        response = self.fail_password(1)
        self.assertContains(response, LOCKED)
        self.state_viewer.refresh_from_db()
        self.assertTrue(self.state_viewer.is_locked())
        self.assertEqual(audit_actions(self.state_viewer, "login.failed").count(), max_failures)
        locked = audit_actions(self.state_viewer, "account.locked").get()
        self.assertEqual(locked.changes, {"minutes": settings.LOGIN_LOCKOUT_MINUTES})
        self.assertEqual(locked.centre_id, self.centres["al_state"].pk)

        # Even the right password is refused while the lock lasts.
        response = self.password_step(self.state_viewer)
        self.assertContains(response, LOCKED)
        self.assertNotSignedIn()
        self.assertNotIn("pending_user_id", self.client.session)
        self.assertTrue(audit_actions(self.state_viewer, "login.refused_locked").exists())

    @override_settings(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=7)
    def test_the_limits_come_from_the_settings(self):
        self.assertContains(self.fail_password(2), WRONG_CREDENTIALS)
        self.assertContains(self.fail_password(1), LOCKED)
        self.state_viewer.refresh_from_db()
        remaining = self.state_viewer.locked_until - timezone.now()
        self.assertTrue(timedelta(minutes=6) < remaining <= timedelta(minutes=7))

    def test_sign_in_works_again_when_the_lock_expires(self):
        start = timezone.now()
        with clock(start):
            self.fail_password(settings.LOGIN_MAX_FAILURES)
        with clock(start + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES - 1)):
            self.assertContains(self.password_step(self.state_viewer), LOCKED)
        with clock(start + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1)):
            response = self.password_step(self.state_viewer)
            self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)
            self.assertSignedInAs(self.state_viewer)
        self.state_viewer.refresh_from_db()
        self.assertIsNone(self.state_viewer.locked_until)
        self.assertEqual(self.state_viewer.failed_logins, 0)

    def test_a_successful_sign_in_resets_the_count(self):
        self.fail_password(settings.LOGIN_MAX_FAILURES - 1)
        self.password_step(self.state_viewer)
        self.client.post("/accounts/logout/")
        self.assertContains(self.fail_password(settings.LOGIN_MAX_FAILURES - 1), WRONG_CREDENTIALS)
        self.state_viewer.refresh_from_db()
        self.assertFalse(self.state_viewer.is_locked())

    def test_failures_of_one_account_do_not_lock_another(self):
        self.fail_password(settings.LOGIN_MAX_FAILURES, user=self.al_counsellor)
        response = self.password_step(self.state_viewer)
        self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)

    def test_unknown_email_locks_nothing_and_answers_like_a_wrong_password(self):
        for _ in range(settings.LOGIN_MAX_FAILURES + 1):
            response = self.client.post(LOGIN_URL, {"email": "ghost@test.example", "password": "whatever"})
            self.assertContains(response, WRONG_CREDENTIALS)
        self.assertFalse(audit_actions(action="account.locked").exists())


class SecondFactorLockoutTests(SignInTestCase):
    def setUp(self):
        self.secret, self.recovery_codes = enrolled(self.al_analyst)

    def wrong_code(self) -> str:
        return "000000" if totp_code(self.secret) != "000000" else "111111"

    def test_wrong_codes_lock_the_account(self):
        now = timezone.now()
        with clock(now):
            self.password_step(self.al_analyst)
            for _ in range(settings.LOGIN_MAX_FAILURES - 1):
                self.assertContains(self.code_step(self.wrong_code()), "That code is not valid.")
            response = self.code_step(self.wrong_code())
            self.assertRedirects(response, LOGIN_URL, fetch_redirect_response=False)
            self.assertNotSignedIn()
            self.assertNotIn("pending_user_id", self.client.session)
            self.assertContains(self.client.get(LOGIN_URL), LOCKED)

            self.assertEqual(audit_actions(self.al_analyst, "login.failed").filter(changes__stage="mfa").count(), 5)
            self.assertTrue(audit_actions(self.al_analyst, "account.locked").exists())

            # The right password and the right code are both refused while locked.
            self.assertContains(self.password_step(self.al_analyst), LOCKED)
            self.assertRedirects(self.code_step(totp_code(self.secret, now)), LOGIN_URL, fetch_redirect_response=False)
            self.assertNotSignedIn()

        later = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1)
        with clock(later):
            self.password_step(self.al_analyst)
            self.assertRedirects(self.code_step(totp_code(self.secret, later)), DASHBOARD_URL)

    def test_a_pending_sign_in_stops_when_the_account_is_locked_elsewhere(self):
        self.password_step(self.al_analyst)
        self.al_analyst.locked_until = timezone.now() + timedelta(minutes=5)
        self.al_analyst.save(update_fields=["locked_until"])
        response = self.code_step(totp_code(self.secret))
        self.assertRedirects(response, LOGIN_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()

    def test_password_and_code_failures_count_together(self):
        for _ in range(settings.LOGIN_MAX_FAILURES - 1):
            self.password_step(self.al_analyst, "not the password")
        self.password_step(self.al_analyst)
        self.assertRedirects(self.code_step(self.wrong_code()), LOGIN_URL, fetch_redirect_response=False)
        self.al_analyst.refresh_from_db()
        self.assertTrue(self.al_analyst.is_locked())

    def test_a_wrong_recovery_code_counts_as_a_failure(self):
        self.password_step(self.al_analyst)
        self.code_step("dead-beef-dead-beef")
        self.al_analyst.refresh_from_db()
        self.assertEqual(self.al_analyst.failed_logins, 1)

    def test_editing_locked_until_in_the_past_unlocks(self):
        self.al_analyst.locked_until = timezone.now() - timedelta(seconds=1)
        self.al_analyst.save(update_fields=["locked_until"])
        self.assertRedirects(self.password_step(self.al_analyst), VERIFY_URL, fetch_redirect_response=False)
