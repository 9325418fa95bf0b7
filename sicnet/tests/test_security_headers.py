"""Security headers on staff pages, public pages, the API and error pages; cookie flags; no inline code.

The production values (Secure cookies, HSTS, HTTPS redirect) are checked with DEBUG off in
test_settings.py; here the same middleware runs in the test configuration.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client

from core.testing import SicnetTestCase

INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


class SecurityHeadersTests(SicnetTestCase):
    def assert_security_headers(self, response) -> None:
        csp = response.headers["Content-Security-Policy"]
        directives = dict((part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in csp.split(";")) if part)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        self.assertEqual(directives["default-src"], "'self'")
        self.assertEqual(directives["script-src"], "'self'")
        self.assertEqual(directives["style-src"], "'self'")
        self.assertEqual(directives["object-src"], "'none'")
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        permissions = response.headers["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "browsing-topics"):
            self.assertIn(f"{feature}=()", permissions)

    def assert_no_inline_code(self, response, page: str) -> None:
        html = response.content.decode()
        for pattern, what in INLINE_CODE:
            match = pattern.search(html)
            self.assertIsNone(
                match,
                f"{page} contains {what} (the CSP forbids it): …{html[max(0, match.start() - 80) : match.end() + 80] if match else ''}…",
            )

    def test_staff_page(self):
        self.login_as(self.al_analyst)
        response = self.client.get("/dashboard/")
        self.assertEqual(response.status_code, 200)
        self.assert_security_headers(response)
        # Pages of signed-in staff may show case data: never stored by a browser or a proxy.
        self.assertIn("no-store", response.headers["Cache-Control"])

    def test_public_page(self):
        response = self.client.get("/en/")
        self.assertEqual(response.status_code, 200)
        self.assert_security_headers(response)

    def test_api_and_error_responses(self):
        self.login_as(self.al_analyst)
        for path, status in (("/api/v1/me", 200), ("/network/no-such-page/", 404), ("/audit/", 403)):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, status)
                self.assert_security_headers(response)
                self.assertIn("no-store", response.headers["Cache-Control"])

    def test_anonymous_error_page(self):
        response = Client().get("/en/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assert_security_headers(response)

    def test_pages_have_no_inline_script_or_style(self):
        anonymous = Client()
        for path in ("/en/", "/en/help/", "/sq/", "/accounts/login/", "/accounts/password-reset/"):
            with self.subTest(path=path):
                response = anonymous.get(path)
                self.assertEqual(response.status_code, 200)
                self.assert_no_inline_code(response, path)
        self.login_as(self.al_manager)
        for path in (
            "/dashboard/",
            "/network/directory/",
            "/network/centres/",
            f"/network/centres/{self.al_centre.pk}/members/",
            "/audit/",
            "/accounts/security/",
            "/accounts/security/password/",
        ):
            with self.subTest(path=path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assert_no_inline_code(response, path)


class CookieTests(SicnetTestCase):
    def test_session_cookie_is_http_only_and_same_site(self):
        self.login_as(self.al_analyst)
        response = self.client.get("/dashboard/")
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(bool(cookie["secure"]), settings.SESSION_COOKIE_SECURE)

    def test_csrf_cookie_is_http_only_and_same_site(self):
        response = Client().get("/accounts/login/")
        cookie = response.cookies[settings.CSRF_COOKIE_NAME]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(bool(cookie["secure"]), settings.CSRF_COOKIE_SECURE)

    def test_language_cookie_is_http_only_and_same_site(self):
        response = Client().post("/accounts/language/", {"language": "sq", "next": "/"})
        cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.assertEqual(cookie.value, "sq")
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(bool(cookie["secure"]), settings.LANGUAGE_COOKIE_SECURE)
