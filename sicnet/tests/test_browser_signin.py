"""In a real browser: sign in with the second factor, switch language, reach the dashboard, sign out."""

import pyotp
from django.utils import timezone, translation

from core.testing import TEST_PASSWORD, build_test_network
from core.tests.browser import BrowserTestCase


class SignInInBrowserTests(BrowserTestCase):
    def setUp(self):
        network = build_test_network()
        self.user = network["users"]["al_analyst"]
        self.secret = pyotp.random_base32()
        self.user.totp_secret = self.secret
        self.user.mfa_enabled_at = timezone.now()
        self.user.save(update_fields=["totp_secret", "mfa_enabled_at"])

    def test_sign_in_with_mfa_switch_language_and_sign_out(self):
        page = self.new_page()
        page.goto(self.url("/dashboard/"))
        # Not signed in: the dashboard sends us to the sign-in form.
        self.assertIn("/accounts/login/", page.url)

        page.get_by_label("Email address").fill(self.user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Continue").click()

        page.wait_for_url("**/accounts/login/verify/")
        page.get_by_label("Code from your authenticator app, or a recovery code").fill(pyotp.TOTP(self.secret).now())
        page.get_by_role("button", name="Verify").click()

        page.wait_for_url("**/dashboard/")
        self.assertEqual(page.get_by_role("heading", level=1).inner_text(), "Dashboard")

        page.get_by_label("Language").select_option("sq")
        page.get_by_role("button", name="Change").click()
        page.wait_for_load_state()
        self.assertEqual(page.locator("html").get_attribute("lang"), "sq")
        with translation.override("sq"):
            albanian_title = translation.gettext("Dashboard")
        self.assertNotEqual(albanian_title, "Dashboard", "the Albanian catalogue is not compiled")
        self.assertEqual(page.get_by_role("heading", level=1).inner_text(), albanian_title)

        page.locator("#sign-out").click()
        page.wait_for_url("**/accounts/login/")
        page.goto(self.url("/dashboard/"))
        self.assertIn("/accounts/login/", page.url)

    def test_keyboard_reaches_main_content_through_the_skip_link(self):
        page = self.new_page(viewport={"width": 390, "height": 844})
        page.goto(self.url("/en/"))
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        self.assertEqual(focused.strip(), "Skip to main content")
        page.keyboard.press("Enter")
        self.assertEqual(page.evaluate("document.activeElement.id"), "main")
