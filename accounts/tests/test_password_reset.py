"""Password reset by email: queued as a task, no account enumeration, the link lifts a lockout."""

import re
from datetime import datetime, timedelta
from unittest import mock

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from accounts import actions
from accounts.tests.helpers import (
    DASHBOARD_URL,
    ENROL_URL,
    LOGIN_URL,
    SECURITY_URL,
    SignInTestCase,
    audit_actions,
)
from core.testing import TEST_PASSWORD

RESET_URL = reverse("accounts:password_reset")
DONE_URL = reverse("accounts:password_reset_done")
COMPLETE_URL = reverse("accounts:password_reset_complete")
NEW_PASSWORD = "a brand new passphrase 9"


def run_worker() -> None:
    """Run the real task worker until the queue is empty.

    The worker drops stale database connections between tasks; inside a test's transaction that
    would drop the test's own connection (PostgreSQL), so that housekeeping is switched off here.
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


class PasswordResetTests(SignInTestCase):
    def request_reset(self, email: str):
        return self.client.post(RESET_URL, {"email": email})

    def set_password_from(self, message, password: str = NEW_PASSWORD):
        response = self.client.get(link_in(message))
        # Django moves the token out of the URL into the session, then shows the form.
        self.assertEqual(response.status_code, 302)
        form_url = response["Location"]
        self.assertContains(self.client.get(form_url), 'name="new_password1"')
        return self.client.post(form_url, {"new_password1": password, "new_password2": password})

    def test_the_email_is_queued_as_a_task_and_sent_by_the_worker(self):
        response = self.request_reset(self.state_viewer.email)
        self.assertRedirects(response, DONE_URL)
        # Nothing is sent in the request: the email waits, durable, in the task table.
        self.assertEqual(len(mail.outbox), 0)
        task = DBTaskResult.objects.get()
        self.assertEqual(task.task_path, "core.tasks.send_email")
        self.assertEqual(task.args_kwargs["kwargs"]["to"], [self.state_viewer.email])

        run_worker()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.state_viewer.email])
        self.assertEqual(message.subject, "Set a new SICNet password")
        self.assertIn("/accounts/password-reset/", message.body)
        task.refresh_from_db()
        self.assertEqual(task.status, "SUCCESSFUL")
        self.assertTrue(audit_actions(self.state_viewer, "password.reset_requested").exists())

    def test_the_link_sets_a_new_password_once(self):
        self.request_reset(self.state_viewer.email)
        run_worker()
        response = self.set_password_from(mail.outbox[0])
        self.assertRedirects(response, COMPLETE_URL)
        self.assertNotSignedIn()  # a reset never signs in by itself
        self.assertTrue(audit_actions(self.state_viewer, "password.changed").filter(changes__via="reset").exists())

        self.assertContains(self.password_step(self.state_viewer, TEST_PASSWORD), "is not correct")
        response = self.password_step(self.state_viewer, NEW_PASSWORD)
        self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)

        # The same link does not work twice.
        self.client.post("/accounts/logout/")
        response = self.client.get(link_in(mail.outbox[0]), follow=True)
        self.assertContains(response, "This link is not valid any more")

    def test_a_reset_ends_sessions_signed_in_elsewhere(self):
        elsewhere = self.client_class()
        elsewhere.force_login(self.state_viewer, backend="accounts.backends.EmailBackend")
        self.assertEqual(elsewhere.get(SECURITY_URL).status_code, 200)
        self.request_reset(self.state_viewer.email)
        run_worker()
        self.set_password_from(mail.outbox[0])
        self.assertRedirects(
            elsewhere.get(SECURITY_URL), f"{LOGIN_URL}?next={SECURITY_URL}", fetch_redirect_response=False
        )

    def test_a_weak_new_password_is_refused(self):
        self.request_reset(self.state_viewer.email)
        run_worker()
        response = self.set_password_from(mail.outbox[0], "short")
        self.assertEqual(response.status_code, 200)
        self.state_viewer.refresh_from_db()
        self.assertTrue(self.state_viewer.check_password(TEST_PASSWORD))

    def test_the_link_lifts_a_lockout(self):
        for _ in range(settings.LOGIN_MAX_FAILURES):
            self.password_step(self.state_viewer, "not the password")
        self.state_viewer.refresh_from_db()
        self.assertTrue(self.state_viewer.is_locked())

        self.request_reset(self.state_viewer.email)
        run_worker()
        self.set_password_from(mail.outbox[0])
        self.state_viewer.refresh_from_db()
        self.assertFalse(self.state_viewer.is_locked())
        self.assertEqual(self.state_viewer.failed_logins, 0)
        self.assertRedirects(
            self.password_step(self.state_viewer, NEW_PASSWORD), DASHBOARD_URL, fetch_redirect_response=False
        )

    def test_a_reset_does_not_remove_the_second_factor(self):
        self.request_reset(self.al_analyst.email)
        run_worker()
        self.set_password_from(mail.outbox[0])
        response = self.password_step(self.al_analyst, NEW_PASSWORD)
        self.assertRedirects(response, ENROL_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()

    def test_an_unknown_email_gets_the_same_page_and_no_email(self):
        known = self.client.post(RESET_URL, {"email": self.state_viewer.email}, follow=True)
        unknown = self.client.post(RESET_URL, {"email": "nobody@test.example"}, follow=True)
        self.assertEqual(known.redirect_chain, unknown.redirect_chain)
        self.assertEqual(unknown.redirect_chain, [(DONE_URL, 302)])
        self.assertEqual(without_csrf(known), without_csrf(unknown))
        self.assertEqual(DBTaskResult.objects.count(), 1)
        run_worker()
        self.assertEqual([m.to for m in mail.outbox], [[self.state_viewer.email]])
        entry = audit_actions(action="password.reset_requested").get(actor_label="nobody@test.example")
        self.assertIsNone(entry.actor_id)

    def test_an_inactive_account_gets_no_email(self):
        self.state_viewer.is_active = False
        self.state_viewer.save()
        self.assertRedirects(self.request_reset(self.state_viewer.email), DONE_URL)
        run_worker()
        self.assertEqual(mail.outbox, [])

    def test_the_email_is_in_the_language_of_the_page(self):
        self.client.post(RESET_URL, {"email": self.state_viewer.email}, HTTP_ACCEPT_LANGUAGE="mk")
        run_worker()
        with translation.override("mk"):
            self.assertEqual(mail.outbox[0].subject, translation.gettext("Set a new SICNet password"))
        self.assertNotEqual(mail.outbox[0].subject, "Set a new SICNet password")

    def test_the_email_is_in_the_language_the_user_chose(self):
        self.state_viewer.language = "sq"
        self.state_viewer.save()
        self.client.post(RESET_URL, {"email": self.state_viewer.email}, HTTP_ACCEPT_LANGUAGE="mk")
        run_worker()
        with translation.override("sq"):
            self.assertEqual(mail.outbox[0].subject, translation.gettext("Set a new SICNet password"))

    def test_the_email_address_is_matched_without_case(self):
        self.request_reset(self.state_viewer.email.upper())
        run_worker()
        self.assertEqual(mail.outbox[0].to, [self.state_viewer.email])

    def test_a_tampered_or_expired_link_is_refused(self):
        self.request_reset(self.state_viewer.email)
        run_worker()
        link = link_in(mail.outbox[0])
        tampered = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]
        self.assertContains(self.client.get(tampered, follow=True), "This link is not valid any more")

        later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
        with mock.patch("django.contrib.auth.tokens.PasswordResetTokenGenerator._now", return_value=later):
            self.assertContains(self.client.get(link, follow=True), "This link is not valid any more")

    def test_a_signed_in_password_change_keeps_the_session(self):
        self.password_step(self.state_viewer)
        response = self.client.post(
            reverse("accounts:password_change"),
            {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertRedirects(response, SECURITY_URL)
        self.assertSignedInAs(self.state_viewer)
        self.assertTrue(audit_actions(self.state_viewer, "password.changed").filter(changes__via="change").exists())

    def test_password_change_needs_the_old_password(self):
        self.password_step(self.state_viewer)
        response = self.client.post(
            reverse("accounts:password_change"),
            {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertEqual(response.status_code, 200)
        self.state_viewer.refresh_from_db()
        self.assertTrue(self.state_viewer.check_password(TEST_PASSWORD))

    def test_password_change_needs_a_sign_in(self):
        response = self.client.get(reverse("accounts:password_change"))
        self.assertRedirects(response, f"{LOGIN_URL}?next={reverse('accounts:password_change')}")


class InvitationTests(SignInTestCase):
    def test_an_invited_person_sets_a_password_from_the_email(self):
        user = actions.invite_user("new.person@test.example", full_name="New Person", by=self.al_manager)
        self.assertFalse(user.has_usable_password())
        self.assertEqual(mail.outbox, [])
        run_worker()
        message = mail.outbox[0]
        self.assertEqual(message.to, ["new.person@test.example"])
        self.assertEqual(message.subject, "You have been given access to SICNet")
        response = self.client.get(link_in(message))
        self.client.post(response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        user.refresh_from_db()
        self.assertTrue(user.check_password(NEW_PASSWORD))
        self.assertTrue(audit_actions(self.al_manager, "account.invited").exists())

    def test_an_invited_person_whose_link_expired_can_ask_for_a_new_one(self):
        actions.invite_user("new.person@test.example", full_name="New Person", by=self.al_manager)
        run_worker()
        mail.outbox.clear()
        self.assertRedirects(self.client.post(RESET_URL, {"email": "new.person@test.example"}), DONE_URL)
        run_worker()
        self.assertEqual([m.to for m in mail.outbox], [["new.person@test.example"]])
