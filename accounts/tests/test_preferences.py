"""Preferences (language, time zone) on the security page, and the staff language switcher."""

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse

from accounts.tests.helpers import DASHBOARD_URL, LOGIN_URL, SECURITY_URL, SignInTestCase, audit_actions

SET_LANGUAGE_URL = reverse("accounts:set_language")


class PreferencesTests(SignInTestCase):
    def setUp(self):
        self.login_as(self.al_analyst)

    def save(self, **data):
        return self.client.post(SECURITY_URL, {"form": "preferences", **data})

    def test_language_and_time_zone_are_saved_and_audited(self):
        response = self.save(language="mk", time_zone="Europe/Skopje")
        self.assertRedirects(response, SECURITY_URL, fetch_redirect_response=False)
        self.al_analyst.refresh_from_db()
        self.assertEqual(self.al_analyst.language, "mk")
        self.assertEqual(self.al_analyst.time_zone, "Europe/Skopje")
        entry = audit_actions(self.al_analyst, "account.preferences_changed").get()
        self.assertEqual(entry.changes, {"language": ["", "mk"], "time_zone": ["", "Europe/Skopje"]})
        self.assertEqual(entry.centre_id, self.al_centre.pk)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "mk")

        # The staff pages now speak Macedonian, whatever the browser asks for.
        response = self.client.get(SECURITY_URL, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, '<html lang="mk">')

    def test_saving_the_same_values_writes_no_entry(self):
        self.save(language="sq", time_zone="")
        self.save(language="sq", time_zone="")
        self.assertEqual(audit_actions(self.al_analyst, "account.preferences_changed").count(), 1)

    def test_invalid_values_are_refused(self):
        for data in ({"language": "xx", "time_zone": ""}, {"language": "en", "time_zone": "Mars/Olympus"}):
            with self.subTest(data=data):
                response = self.save(**data)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["prefs_form"].errors)
        self.al_analyst.refresh_from_db()
        self.assertEqual((self.al_analyst.language, self.al_analyst.time_zone), ("", ""))
        self.assertFalse(audit_actions(self.al_analyst, "account.preferences_changed").exists())

    def test_times_are_shown_in_the_chosen_time_zone(self):
        self.al_analyst.mfa_enabled_at = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
        self.al_analyst.totp_secret = "JBSWY3DPEHPK3PXP"
        self.al_analyst.save()
        # Default: the time zone of the user's centre (Albania: UTC+1 in winter).
        self.assertContains(self.client.get(SECURITY_URL), "1 p.m.")
        self.save(language="en", time_zone="Asia/Tokyo")
        self.assertContains(self.client.get(SECURITY_URL), "9 p.m.")

    def test_the_other_country_user_has_their_own_preferences(self):
        self.save(language="sq", time_zone="Europe/Tirane")
        self.client = self.client_class()  # another person, on another computer
        self.login_as(self.mk_analyst)
        response = self.client.get(SECURITY_URL, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, '<html lang="en">')
        self.assertEqual(response.context["prefs_form"].initial["time_zone"], "")
        self.mk_analyst.refresh_from_db()
        self.assertEqual(self.mk_analyst.language, "")

    def test_the_language_is_applied_at_the_next_sign_in(self):
        self.save(language="hr", time_zone="")
        self.client.post("/accounts/logout/")
        self.al_analyst.memberships.update(is_active=False)  # sign in with the password only
        self.password_step(self.al_analyst)
        self.assertContains(self.client.get(SECURITY_URL, HTTP_ACCEPT_LANGUAGE="en"), '<html lang="hr">')

    def test_preferences_need_a_sign_in(self):
        self.client.logout()
        response = self.save(language="mk", time_zone="")
        self.assertRedirects(response, f"{LOGIN_URL}?next={SECURITY_URL}")


class LanguageSwitcherTests(SignInTestCase):
    def switch(self, language: str, next_url: str | None = None, **extra):
        data = {"language": language}
        if next_url is not None:
            data["next"] = next_url
        return self.client.post(SET_LANGUAGE_URL, data, **extra)

    def test_a_signed_in_user_switches_language(self):
        self.login_as(self.al_counsellor)
        response = self.switch("sr-latn", SECURITY_URL)
        self.assertRedirects(response, SECURITY_URL, fetch_redirect_response=False)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "sr-latn")
        self.al_counsellor.refresh_from_db()
        self.assertEqual(self.al_counsellor.language, "sr-latn")
        entry = audit_actions(self.al_counsellor, "account.preferences_changed").get()
        self.assertEqual(entry.changes, {"language": ["", "sr-latn"]})
        self.assertContains(self.client.get(DASHBOARD_URL), '<html lang="sr-latn">')

    def test_an_anonymous_visitor_switches_language(self):
        response = self.switch("sq", LOGIN_URL)
        self.assertRedirects(response, LOGIN_URL, fetch_redirect_response=False)
        self.assertContains(self.client.get(LOGIN_URL), '<html lang="sq">')
        self.assertFalse(audit_actions(action="account.preferences_changed").exists())

    def test_external_next_is_refused(self):
        self.login_as(self.al_counsellor)
        for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
            with self.subTest(target=target):
                response = self.switch("en", target)
                self.assertEqual(response.status_code, 302)
                self.assertNotIn("evil", response["Location"])
                self.assertNotIn("javascript", response["Location"])

    def test_unknown_language_falls_back_to_the_default(self):
        response = self.switch("xx", SECURITY_URL)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, settings.LANGUAGE_CODE)

    def test_switching_on_a_public_page_goes_to_that_page_in_the_new_language(self):
        response = self.switch("mk", "/sq/help/")
        self.assertRedirects(response, "/mk/help/", fetch_redirect_response=False)
        response = self.switch("en", "/sq/")
        self.assertRedirects(response, "/en/", fetch_redirect_response=False)
        response = self.switch("hr", "/sq/help/?country=AL")
        self.assertRedirects(response, "/hr/help/?country=AL", fetch_redirect_response=False)
        # Staff pages have no language in their URL: they stay as they are.
        self.assertRedirects(self.switch("hr", SECURITY_URL), SECURITY_URL, fetch_redirect_response=False)

    def test_the_switcher_is_post_only(self):
        self.assertEqual(self.client.get(SET_LANGUAGE_URL, {"language": "sq"}).status_code, 405)

    def test_the_switcher_is_csrf_protected(self):
        strict = self.client_class(enforce_csrf_checks=True)
        self.assertEqual(strict.post(SET_LANGUAGE_URL, {"language": "sq"}).status_code, 403)

    def test_the_shell_shows_the_switcher(self):
        response = self.client.get(LOGIN_URL)
        self.assertContains(response, f'action="{SET_LANGUAGE_URL}"')
        for code, _name in settings.LANGUAGES:
            self.assertContains(response, f'<option value="{code}"')
