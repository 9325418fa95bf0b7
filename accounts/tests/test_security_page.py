"""The security page: second-factor status and new recovery codes."""

from django.urls import reverse

from accounts.models import RecoveryCode
from accounts.tests.helpers import (
    CODES_URL,
    LOGIN_URL,
    SECURITY_URL,
    VERIFY_URL,
    SignInTestCase,
    audit_actions,
    enrolled,
    totp_code,
)

REGENERATE_URL = reverse("accounts:regenerate_codes")


class SecurityPageTests(SignInTestCase):
    def test_status_for_each_kind_of_user(self):
        enrolled(self.al_analyst)
        self.login_as(self.al_analyst)
        response = self.client.get(SECURITY_URL)
        self.assertContains(response, "10 unused recovery codes.")
        self.assertContains(response, f'action="{REGENERATE_URL}"')

        self.login_as(self.state_viewer)
        response = self.client.get(SECURITY_URL)
        self.assertContains(response, "Your role does not require it.")
        self.assertNotContains(response, f'action="{REGENERATE_URL}"')

    def test_the_page_needs_a_sign_in(self):
        self.assertRedirects(self.client.get(SECURITY_URL), f"{LOGIN_URL}?next={SECURITY_URL}")
        self.assertRedirects(self.client.get(CODES_URL), f"{LOGIN_URL}?next={CODES_URL}")
        self.assertEqual(self.client.post(REGENERATE_URL, {"code": "123456"}).status_code, 302)

    def test_recovery_codes_page_shows_nothing_without_fresh_codes(self):
        enrolled(self.al_analyst)
        self.login_as(self.al_analyst)
        self.assertRedirects(self.client.get(CODES_URL), SECURITY_URL)


class RegenerateCodesTests(SignInTestCase):
    def setUp(self):
        self.secret, self.old_codes = enrolled(self.al_analyst)
        self.login_as(self.al_analyst)

    def test_new_codes_need_a_current_code_and_replace_the_old_ones(self):
        response = self.client.post(REGENERATE_URL, {"code": totp_code(self.secret)})
        self.assertRedirects(response, CODES_URL, fetch_redirect_response=False)
        new_codes = self.client.get(CODES_URL).context["codes"]
        self.assertEqual(len(new_codes), 10)
        self.assertFalse(set(new_codes) & set(self.old_codes))
        self.assertEqual(RecoveryCode.objects.filter(user=self.al_analyst).count(), 10)
        self.assertTrue(audit_actions(self.al_analyst, "mfa.recovery_codes_regenerated").exists())
        self.assertRedirects(self.client.get(CODES_URL), SECURITY_URL)  # shown once

        # An old code no longer signs in; a new one does.
        self.client.post("/accounts/logout/")
        self.password_step(self.al_analyst)
        self.assertContains(self.client.post(VERIFY_URL, {"code": self.old_codes[0]}), "That code is not valid.")
        self.assertRedirects(
            self.client.post(VERIFY_URL, {"code": new_codes[0]}),
            reverse("core:dashboard"),
            fetch_redirect_response=False,
        )

    def test_a_wrong_code_changes_nothing(self):
        wrong = "000000" if totp_code(self.secret) != "000000" else "111111"
        response = self.client.post(REGENERATE_URL, {"code": wrong}, follow=True)
        self.assertContains(response, "That code is not valid.")
        self.assertRedirects(response, SECURITY_URL)
        self.assertFalse(audit_actions(self.al_analyst, "mfa.recovery_codes_regenerated").exists())
        stored = RecoveryCode.objects.filter(user=self.al_analyst).count()
        self.assertEqual(stored, 10)
        self.assertRedirects(self.client.get(CODES_URL), SECURITY_URL)

    def test_regenerating_is_post_only(self):
        self.assertEqual(self.client.get(REGENERATE_URL).status_code, 405)

    def test_a_user_without_mfa_cannot_make_codes(self):
        self.login_as(self.state_viewer)
        self.assertRedirects(self.client.post(REGENERATE_URL, {"code": "123456"}), SECURITY_URL)
        self.assertFalse(RecoveryCode.objects.filter(user=self.state_viewer).exists())

    def test_my_code_does_not_touch_another_users_codes(self):
        _secret, mk_codes = enrolled(self.mk_analyst)
        before = set(RecoveryCode.objects.filter(user=self.mk_analyst).values_list("code_hash", flat=True))
        self.client.post(REGENERATE_URL, {"code": totp_code(self.secret)})
        after = set(RecoveryCode.objects.filter(user=self.mk_analyst).values_list("code_hash", flat=True))
        self.assertEqual(before, after)
        # And the other country's user sees only their own count.
        self.login_as(self.mk_analyst)
        self.assertContains(self.client.get(SECURITY_URL), "10 unused recovery codes.")
