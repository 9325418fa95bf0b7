"""Sign-in in two steps: password, then a TOTP code (or enrolment at the first sign-in)."""

from datetime import timedelta

import pyotp
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import RecoveryCode
from accounts.tests.helpers import (
    CODES_URL,
    DASHBOARD_URL,
    ENROL_URL,
    LOGIN_URL,
    SECURITY_URL,
    VERIFY_URL,
    SignInTestCase,
    audit_actions,
    clock,
    enrolled,
    secret_on_page,
    totp_code,
)
from core.permissions import Role

WRONG_CREDENTIALS = "The email address or the password is not correct."


class PasswordStepTests(SignInTestCase):
    def test_login_page_shows_the_form(self):
        response = self.client.get(LOGIN_URL)
        self.assertContains(response, 'name="email"')
        self.assertContains(response, 'name="password"')

    def test_wrong_password_is_refused_with_a_translated_message_and_no_session(self):
        response = self.password_step(self.al_analyst, "not the password")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, WRONG_CREDENTIALS)
        self.assertNotSignedIn()
        self.assertNotIn("pending_user_id", self.client.session)
        self.assertEqual(self.client.get(DASHBOARD_URL).status_code, 302)

        for language in ("sq", "mk", "sr-latn"):
            with self.subTest(language=language):
                with translation.override(language):
                    expected = translation.gettext(WRONG_CREDENTIALS)
                self.assertNotEqual(expected, WRONG_CREDENTIALS)
                response = self.password_step(self.al_analyst, "not the password", HTTP_ACCEPT_LANGUAGE=language)
                self.assertContains(response, expected)
                self.assertContains(response, f'<html lang="{language}">')
                self.assertNotSignedIn()

    def test_unknown_email_gets_the_same_answer_as_a_wrong_password(self):
        response = self.client.post(LOGIN_URL, {"email": "nobody@test.example", "password": "whatever it is"})
        self.assertContains(response, WRONG_CREDENTIALS)
        self.assertNotSignedIn()
        entry = audit_actions(action="login.failed").get()
        self.assertEqual(entry.actor_label, "nobody@test.example")
        self.assertFalse(entry.changes["known_user"])

    def test_email_is_case_insensitive(self):
        response = self.client.post(
            LOGIN_URL, {"email": "STATE_VIEWER@Test.Example", "password": "correct horse battery staple 42"}
        )
        self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)
        self.assertSignedInAs(self.state_viewer)

    def test_inactive_user_cannot_sign_in(self):
        self.state_viewer.is_active = False
        self.state_viewer.save()
        response = self.password_step(self.state_viewer)
        self.assertContains(response, WRONG_CREDENTIALS)
        self.assertNotSignedIn()

    def test_right_password_is_not_yet_a_session(self):
        self.password_step(self.al_analyst)
        self.assertNotSignedIn()
        self.assertEqual(self.client.get(DASHBOARD_URL).status_code, 302)
        self.assertEqual(self.client.get(SECURITY_URL).status_code, 302)


class EnrolmentTests(SignInTestCase):
    def test_first_sign_in_of_a_sensitive_role_leads_to_enrolment(self):
        response = self.password_step(self.al_analyst)
        self.assertRedirects(response, ENROL_URL, fetch_redirect_response=False)
        response = self.client.get(ENROL_URL)
        self.assertContains(response, "<svg")
        secret = secret_on_page(response)

        response = self.client.post(ENROL_URL, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
        self.assertContains(response, "That code is not valid.")
        self.assertNotSignedIn()

        response = self.client.post(ENROL_URL, {"code": totp_code(secret)})
        self.assertRedirects(response, CODES_URL, fetch_redirect_response=False)
        self.assertSignedInAs(self.al_analyst)
        self.al_analyst.refresh_from_db()
        self.assertTrue(self.al_analyst.has_mfa)
        self.assertEqual(self.al_analyst.totp_secret, secret)
        self.assertTrue(audit_actions(self.al_analyst, "mfa.enrolled").exists())
        self.assertEqual(audit_actions(self.al_analyst, "login.success").get().changes, {"method": "totp_enrolment"})

        # Ten recovery codes, shown once; only their hashes are kept.
        response = self.client.get(CODES_URL)
        codes = response.context["codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        for code in codes:
            self.assertContains(response, code)
        self.assertEqual(RecoveryCode.objects.filter(user=self.al_analyst, used_at__isnull=True).count(), 10)
        stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
        self.assertFalse(stored & set(codes))
        self.assertContains(response, f'href="{DASHBOARD_URL}"')
        response = self.client.get(CODES_URL)
        self.assertRedirects(response, SECURITY_URL)
        self.assertNotContains(self.client.get(SECURITY_URL), codes[0])

    def test_enrolment_page_needs_the_password_step(self):
        self.assertRedirects(self.client.get(ENROL_URL), LOGIN_URL, fetch_redirect_response=False)
        self.assertContains(self.client.get(LOGIN_URL), "Please sign in again.")
        self.assertRedirects(self.client.post(ENROL_URL, {"code": "123456"}), LOGIN_URL, fetch_redirect_response=False)

    def test_an_enrolled_user_cannot_enrol_again(self):
        enrolled(self.al_analyst)
        self.password_step(self.al_analyst)
        self.assertRedirects(self.client.get(ENROL_URL), LOGIN_URL, fetch_redirect_response=False)

    def test_a_key_shown_to_one_person_is_never_offered_to_another(self):
        # Someone starts enrolling on a shared computer and walks away; the next person must get
        # a key of their own, not the one the first person saw.
        self.password_step(self.al_analyst)
        first_secret = secret_on_page(self.client.get(ENROL_URL))
        self.password_step(self.mk_analyst)
        second_secret = secret_on_page(self.client.get(ENROL_URL))
        self.assertNotEqual(first_secret, second_secret)
        response = self.client.post(ENROL_URL, {"code": totp_code(first_secret)})
        self.assertNotSignedIn()
        self.assertContains(response, "That code is not valid.")

    def test_enrolment_also_expires_after_five_minutes_but_keeps_the_key(self):
        # Installing an app can take longer than the pending sign-in lasts: after signing in
        # again, the key already scanned still works.
        start = timezone.now()
        with clock(start):
            self.password_step(self.al_analyst)
            secret = secret_on_page(self.client.get(ENROL_URL))
        later = start + timedelta(minutes=6)
        with clock(later):
            self.assertRedirects(
                self.client.post(ENROL_URL, {"code": totp_code(secret, later)}),
                LOGIN_URL,
                fetch_redirect_response=False,
            )
            self.assertNotSignedIn()
            self.password_step(self.al_analyst)
            response = self.client.post(ENROL_URL, {"code": totp_code(secret, later)})
            self.assertRedirects(response, CODES_URL, fetch_redirect_response=False)
            self.assertSignedInAs(self.al_analyst)

    def test_the_same_person_keeps_their_key_when_they_start_again(self):
        self.password_step(self.al_analyst)
        first_secret = secret_on_page(self.client.get(ENROL_URL))
        self.password_step(self.al_analyst)
        self.assertEqual(secret_on_page(self.client.get(ENROL_URL)), first_secret)

    def test_next_is_kept_through_enrolment_and_recovery_codes(self):
        self.password_step(self.al_analyst, next_url=SECURITY_URL)
        secret = secret_on_page(self.client.get(ENROL_URL))
        self.client.post(ENROL_URL, {"code": totp_code(secret)})
        response = self.client.get(CODES_URL)
        self.assertContains(response, f'href="{SECURITY_URL}"')


class SecondStepTests(SignInTestCase):
    def setUp(self):
        self.secret, self.recovery_codes = enrolled(self.al_analyst)

    def test_an_enrolled_user_is_asked_for_the_code(self):
        response = self.password_step(self.al_analyst)
        self.assertRedirects(response, VERIFY_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()
        self.assertContains(self.client.get(VERIFY_URL), 'autocomplete="one-time-code"')
        response = self.code_step(totp_code(self.secret))
        self.assertRedirects(response, DASHBOARD_URL)
        self.assertSignedInAs(self.al_analyst)
        self.assertEqual(audit_actions(self.al_analyst, "login.success").get().changes, {"method": "totp"})
        self.assertNotIn("pending_user_id", self.client.session)

    def test_wrong_code_is_refused(self):
        self.password_step(self.al_analyst)
        wrong = "000000" if totp_code(self.secret) != "000000" else "111111"
        response = self.code_step(wrong)
        self.assertContains(response, "That code is not valid.")
        self.assertNotSignedIn()
        self.assertEqual(audit_actions(self.al_analyst, "login.failed").get().changes, {"stage": "mfa"})

    def test_a_code_from_the_previous_or_next_step_is_accepted_for_clock_drift(self):
        now = timezone.now()
        with clock(now):
            self.password_step(self.al_analyst)
            self.assertRedirects(self.code_step(totp_code(self.secret, now, steps_later=-1)), DASHBOARD_URL)

    def test_an_old_code_is_refused(self):
        now = timezone.now()
        with clock(now):
            self.password_step(self.al_analyst)
            self.assertContains(self.code_step(totp_code(self.secret, now, steps_later=-3)), "That code is not valid.")

    def test_a_code_cannot_be_used_twice(self):
        now = timezone.now()
        with clock(now):
            code = totp_code(self.secret, now)
            self.password_step(self.al_analyst)
            self.assertRedirects(self.code_step(code), DASHBOARD_URL)
            self.client.post("/accounts/logout/")

            # Someone who saw the code over the shoulder, within the same 30 seconds.
            self.password_step(self.al_analyst)
            response = self.code_step(code)
            self.assertContains(response, "That code is not valid.")
            self.assertNotSignedIn()
            # The next code works.
            self.assertRedirects(self.code_step(totp_code(self.secret, now, steps_later=1)), DASHBOARD_URL)

    def test_a_code_older_than_the_last_one_used_is_refused(self):
        now = timezone.now()
        with clock(now):
            self.password_step(self.al_analyst)
            self.assertRedirects(self.code_step(totp_code(self.secret, now, steps_later=1)), DASHBOARD_URL)
            self.client.post("/accounts/logout/")
            self.password_step(self.al_analyst)
            self.assertContains(self.code_step(totp_code(self.secret, now)), "That code is not valid.")

    def test_a_recovery_code_works_once(self):
        code = self.recovery_codes[3]
        self.password_step(self.al_analyst)
        response = self.code_step(code.upper().replace("-", " "))
        self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)
        self.assertSignedInAs(self.al_analyst)
        self.assertContains(self.client.get(DASHBOARD_URL), "You signed in with a recovery code.")
        entry = audit_actions(self.al_analyst, "mfa.recovery_code_used").get()
        self.assertEqual(entry.changes, {"remaining": 9})
        self.assertEqual(audit_actions(self.al_analyst, "login.success").get().changes, {"method": "recovery_code"})
        self.client.post("/accounts/logout/")

        self.password_step(self.al_analyst)
        self.assertContains(self.code_step(code), "That code is not valid.")
        self.assertNotSignedIn()

    def test_another_users_recovery_code_does_not_work(self):
        _secret, other_codes = enrolled(self.mk_analyst)
        self.password_step(self.al_analyst)
        self.assertContains(self.code_step(other_codes[0]), "That code is not valid.")
        self.assertNotSignedIn()

    def test_pending_sign_in_expires_after_five_minutes(self):
        start = timezone.now()
        with clock(start):
            self.password_step(self.al_analyst)
        later = start + timedelta(minutes=5, seconds=1)
        with clock(later):
            response = self.code_step(totp_code(self.secret, later))
            self.assertRedirects(response, LOGIN_URL, fetch_redirect_response=False)
            self.assertNotSignedIn()
            self.assertContains(self.client.get(LOGIN_URL), "Please sign in again.")

    def test_pending_sign_in_still_works_just_before_five_minutes(self):
        start = timezone.now()
        with clock(start):
            self.password_step(self.al_analyst)
        later = start + timedelta(minutes=4, seconds=50)
        with clock(later):
            self.assertRedirects(self.code_step(totp_code(self.secret, later)), DASHBOARD_URL)

    def test_verify_page_without_password_step_goes_back_to_login(self):
        self.assertRedirects(self.client.get(VERIFY_URL), LOGIN_URL, fetch_redirect_response=False)
        self.assertRedirects(self.code_step(totp_code(self.secret)), LOGIN_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()

    def test_signed_in_user_visiting_login_goes_to_dashboard(self):
        self.sign_in(self.al_analyst, self.secret)
        self.assertRedirects(self.client.get(LOGIN_URL), DASHBOARD_URL)

    def test_the_code_works_only_in_the_browser_that_gave_the_password(self):
        self.password_step(self.al_analyst)
        other = self.client_class()
        self.assertRedirects(
            other.post(VERIFY_URL, {"code": totp_code(self.secret)}), LOGIN_URL, fetch_redirect_response=False
        )


class SessionKeyTests(SignInTestCase):
    def test_session_key_rotates_at_each_step(self):
        secret, _codes = enrolled(self.al_analyst)
        fixated = self.client.session.session_key  # a key an attacker could have planted
        self.password_step(self.al_analyst)
        pending = self.client.session.session_key
        self.assertNotEqual(pending, fixated)
        self.code_step(totp_code(secret))
        signed_in = self.client.session.session_key
        self.assertNotIn(signed_in, {fixated, pending})
        self.assertSignedInAs(self.al_analyst)

        # The old keys are worth nothing.
        from django.contrib.sessions.models import Session

        self.assertFalse(Session.objects.filter(session_key__in=[fixated, pending]).exists())


class NextParameterTests(SignInTestCase):
    def setUp(self):
        self.secret, _codes = enrolled(self.al_analyst)

    def test_same_site_next_is_honoured(self):
        response = self.sign_in(self.al_analyst, self.secret, next_url=SECURITY_URL)
        self.assertRedirects(response, SECURITY_URL)

    def test_next_from_the_query_string_is_honoured(self):
        self.client.post(
            f"{LOGIN_URL}?next={SECURITY_URL}",
            {"email": self.al_analyst.email, "password": "correct horse battery staple 42"},
        )
        self.assertRedirects(self.code_step(totp_code(self.secret)), SECURITY_URL)

    def test_login_page_carries_next_into_the_form(self):
        response = self.client.get(LOGIN_URL, {"next": SECURITY_URL})
        self.assertContains(response, f'name="next" value="{SECURITY_URL}"')

    def test_next_survives_a_wrong_password(self):
        response = self.password_step(self.al_analyst, "not the password", next_url=SECURITY_URL)
        self.assertContains(response, f'name="next" value="{SECURITY_URL}"')

    def test_external_next_is_refused(self):
        start = timezone.now()
        targets = (
            "https://evil.example/",
            "//evil.example/",
            "http://evil.example/accounts/security/",
            "/\\evil.example",
            "javascript:alert(1)",
            "https:///evil.example",
        )
        for minute, target in enumerate(targets):
            with self.subTest(target=target), clock(start + timedelta(minutes=minute)) as now:
                self.password_step(self.al_analyst, next_url=target)
                response = self.code_step(totp_code(self.secret, now))
                self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)
                self.client.post("/accounts/logout/")

    def test_next_for_a_user_without_mfa(self):
        response = self.password_step(self.state_viewer, next_url="https://evil.example/")
        self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)
        self.client.post("/accounts/logout/")
        response = self.password_step(self.state_viewer, next_url=SECURITY_URL)
        self.assertRedirects(response, SECURITY_URL, fetch_redirect_response=False)


class WhoNeedsMfaTests(SignInTestCase):
    def test_roles_that_see_case_data_need_mfa(self):
        for name in (
            "al_analyst",
            "al_counsellor",
            "al_supervisor",
            "al_manager",
            "al_auditor",
            "mk_analyst",
            "mk_counsellor",
            "mk_manager",
            "mk_auditor",
            "coordinator",
        ):
            with self.subTest(user=name):
                self.client.logout()
                response = self.password_step(getattr(self, name))
                self.assertRedirects(response, ENROL_URL, fetch_redirect_response=False)
                self.assertNotSignedIn()

    def test_state_viewer_signs_in_without_mfa(self):
        response = self.password_step(self.state_viewer)
        self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)
        self.assertSignedInAs(self.state_viewer)
        self.assertEqual(self.client.get(DASHBOARD_URL).status_code, 200)
        self.assertEqual(audit_actions(self.state_viewer, "login.success").get().changes, {"method": "password"})

    def test_outsider_signs_in_without_mfa(self):
        response = self.password_step(self.outsider)
        self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)
        self.assertSignedInAs(self.outsider)
        self.assertEqual(self.client.get(SECURITY_URL).status_code, 200)

    def test_staff_need_mfa(self):
        self.outsider.is_staff = True
        self.outsider.save()
        response = self.password_step(self.outsider)
        self.assertRedirects(response, ENROL_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()

    def test_a_user_who_enrolled_is_always_asked(self):
        secret, _codes = enrolled(self.state_viewer)
        response = self.password_step(self.state_viewer)
        self.assertRedirects(response, VERIFY_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()
        self.assertRedirects(self.code_step(totp_code(secret)), DASHBOARD_URL)

    def test_a_revoked_sensitive_role_no_longer_needs_mfa(self):
        self.al_analyst.memberships.update(is_active=False)
        self.assertRedirects(self.password_step(self.al_analyst), DASHBOARD_URL, fetch_redirect_response=False)

    def test_a_user_given_a_sensitive_role_after_signing_in_without_mfa_must_sign_in_again(self):
        self.password_step(self.state_viewer)
        self.assertSignedInAs(self.state_viewer)
        self.state_viewer.memberships.create(centre=self.al_centre, role=Role.HOTLINE_ANALYST)
        response = self.client.get(DASHBOARD_URL)
        self.assertRedirects(response, f"{LOGIN_URL}?next={DASHBOARD_URL}", fetch_redirect_response=False)
        self.assertNotSignedIn()
        entry = audit_actions(self.state_viewer, "logout").get()
        self.assertEqual(entry.changes, {"reason": "mfa_required"})
        self.assertRedirects(self.password_step(self.state_viewer), ENROL_URL, fetch_redirect_response=False)

    def test_a_user_made_staff_after_signing_in_without_mfa_must_sign_in_again(self):
        self.password_step(self.outsider)
        self.assertEqual(self.client.get(SECURITY_URL).status_code, 200)
        self.outsider.is_staff = True
        self.outsider.save()
        self.assertRedirects(
            self.client.get(SECURITY_URL), f"{LOGIN_URL}?next={SECURITY_URL}", fetch_redirect_response=False
        )

    @override_settings(DEMO_MODE=True, DEBUG=True)
    def test_a_demo_session_without_mfa_lasts_only_while_the_demo_does(self):
        self.al_analyst.is_demo = True
        self.al_analyst.save()
        self.password_step(self.al_analyst)
        self.assertEqual(self.client.get(SECURITY_URL).status_code, 200)
        with override_settings(DEBUG=False):
            self.assertEqual(self.client.get(SECURITY_URL).status_code, 302)
        self.assertNotSignedIn()

    def test_sessions_that_passed_the_second_factor_are_not_affected(self):
        secret, _codes = enrolled(self.state_viewer)
        self.sign_in(self.state_viewer, secret)
        self.state_viewer.memberships.create(centre=self.al_centre, role=Role.HOTLINE_ANALYST)
        self.assertEqual(self.client.get(SECURITY_URL).status_code, 200)
        self.assertSignedInAs(self.state_viewer)


class DemoBypassTests(SignInTestCase):
    def setUp(self):
        self.al_analyst.is_demo = True
        self.al_analyst.save()

    @override_settings(DEMO_MODE=True, DEBUG=True)
    def test_demo_user_skips_mfa_in_the_demo(self):
        response = self.password_step(self.al_analyst)
        self.assertRedirects(response, DASHBOARD_URL, fetch_redirect_response=False)
        self.assertSignedInAs(self.al_analyst)

    @override_settings(DEMO_MODE=True, DEBUG=True)
    def test_non_demo_user_still_needs_mfa_in_the_demo(self):
        self.assertRedirects(self.password_step(self.mk_analyst), ENROL_URL, fetch_redirect_response=False)

    @override_settings(DEMO_MODE=True, DEBUG=False)
    def test_no_bypass_when_debug_is_off(self):
        self.assertRedirects(self.password_step(self.al_analyst), ENROL_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()

    @override_settings(DEMO_MODE=False, DEBUG=True)
    def test_no_bypass_outside_the_demo(self):
        self.assertRedirects(self.password_step(self.al_analyst), ENROL_URL, fetch_redirect_response=False)

    @override_settings(DEMO_MODE=True, DEBUG=False)
    def test_no_bypass_for_an_enrolled_demo_user_either(self):
        secret, _codes = enrolled(self.al_analyst)
        self.assertRedirects(self.password_step(self.al_analyst), VERIFY_URL, fetch_redirect_response=False)
        self.assertNotSignedIn()
        self.assertRedirects(self.code_step(pyotp.TOTP(secret).now()), DASHBOARD_URL, fetch_redirect_response=False)
