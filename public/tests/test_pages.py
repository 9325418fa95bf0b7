"""The public site: language redirect, pages in every language, the get-help directory, headers."""

import re

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from network.demo import COUNTRY_NAMES, build_demo_network
from network.models import Centre, CentreService, Country, Coverage, Service

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PUBLIC_PATHS = ["/{lang}/", "/{lang}/help/"]


class RootRedirectTests(TestCase):
    def test_without_preference_goes_to_english(self):
        response = self.client.get("/")
        self.assertRedirects(response, "/en/", fetch_redirect_response=False)

    def test_follows_the_browser_language(self):
        cases = {
            "sq": "/sq/",
            "mk-MK,mk;q=0.9,en;q=0.5": "/mk/",
            "sr-Latn-RS,sr;q=0.8": "/sr-latn/",
            "sr-Cyrl-RS": "/sr/",
            "sr": "/sr/",
            "bs-BA,bs;q=0.9": "/bs/",
            "hr": "/hr/",
            "de-DE,fr;q=0.8": "/en/",
            "de-DE,hr;q=0.5": "/hr/",
        }
        for header, expected in cases.items():
            with self.subTest(header=header):
                response = self.client.get("/", HTTP_ACCEPT_LANGUAGE=header)
                self.assertRedirects(response, expected, fetch_redirect_response=False)

    def test_montenegrin_visitors_get_serbian_latin(self):
        for header in ("cnr", "cnr-Latn-ME,en;q=0.5", "sr-ME", "sr-Latn-ME"):
            with self.subTest(header=header):
                response = self.client.get("/", HTTP_ACCEPT_LANGUAGE=header)
                self.assertRedirects(response, "/sr-latn/", fetch_redirect_response=False)

    def test_language_cookie_wins_over_the_browser(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "mk"
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="sq")
        self.assertRedirects(response, "/mk/", fetch_redirect_response=False)

    def test_cookie_in_any_case(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sr-Latn"
        response = self.client.get("/")
        self.assertRedirects(response, "/sr-latn/", fetch_redirect_response=False)

    def test_wildcard_and_garbage_fall_back_to_english(self):
        for header in ("*", "x" * 600, "../../etc", ",,,;q=abc"):
            with self.subTest(header=header):
                response = self.client.get("/", HTTP_ACCEPT_LANGUAGE=header)
                self.assertRedirects(response, "/en/", fetch_redirect_response=False)

    def test_unknown_cookie_is_ignored(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="hr")
        self.assertRedirects(response, "/hr/", fetch_redirect_response=False)

    def test_redirect_varies_on_language_and_cookie(self):
        # A shared cache must not hand one visitor's language to the next.
        vary = self.client.get("/").headers.get("Vary", "")
        self.assertIn("Accept-Language", vary)
        self.assertIn("Cookie", vary)


class PublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_demo_network()

    def test_every_page_in_every_language(self):
        for lang in LANGUAGES:
            for pattern in PUBLIC_PATHS:
                path = pattern.format(lang=lang)
                with self.subTest(path=path):
                    response = self.client.get(path)
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, f'<html lang="{lang}">')

    def test_pages_link_their_other_language_versions(self):
        response = self.client.get("/sq/help/")
        html = response.content.decode()
        for lang in LANGUAGES:
            with self.subTest(lang=lang):
                if lang == "sq":
                    self.assertNotIn('hreflang="sq" href=', html)
                else:
                    self.assertIn(f'<link rel="alternate" hreflang="{lang}" href="/{lang}/help/">', html)
                self.assertIn(f'<a href="/{lang}/help/" lang="{lang}" hreflang="{lang}"', html)

    def test_url_language_wins_over_a_signed_in_users_preference(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user(email="sq.reader@test.example", password=None, language="sq")
        self.client.force_login(user, backend="accounts.backends.EmailBackend")
        response = self.client.get("/mk/help/")
        self.assertContains(response, '<html lang="mk">')
        self.assertContains(response, "Северна Македонија")

    def test_unknown_language_prefix_is_not_found(self):
        self.assertEqual(self.client.get("/xx/help/").status_code, 404)

    def test_help_lists_every_network_country_with_its_helpline(self):
        response = self.client.get("/en/help/")
        html = response.content.decode()
        rows = {row["country"].code: row for row in response.context["countries"]}
        network = Country.objects.filter(in_network=True)
        self.assertEqual(set(rows), set(network.values_list("code", flat=True)))
        self.assertEqual(len(rows), 7)
        self.assertNotIn("NL", rows)
        for country in network:
            with self.subTest(country=country.code):
                self.assertIn(f'id="country-{country.code}"', html)
                self.assertIn(country.name, html)
                row = rows[country.code]
                self.assertIsNotNone(row["helpline"], "every network country has a helpline")
                self.assertIsNotNone(row["hotline"], "every network country has a hotline")
                service = row["helpline"]["service"]
                if service and service.phone:
                    self.assertIn(f'href="tel:{service.phone.replace(" ", "")}"', html)
        # Albania's 116 111 is the one the data file confirms.
        self.assertIn('href="tel:116111"', html)
        self.assertIn("ALO 116 111", html)
        # Serbia's hotline answers the phone too.
        self.assertIn('href="tel:19833"', _country_section(html, "RS"))

    def test_montenegro_hotline_carries_the_partner_note(self):
        response = self.client.get("/en/help/")
        rows = {row["country"].code: row for row in response.context["countries"]}
        montenegro = rows["ME"]
        self.assertTrue(montenegro["hotline"]["coverage"].is_partner)
        partner_country = montenegro["hotline"]["centre"].country
        self.assertNotEqual(partner_country.code, "ME")
        section = _country_section(response.content.decode(), "ME")
        self.assertIn(f"Reports are handled by a partner hotline in {partner_country.name}.", section)
        # Albania runs its own: no partner note there.
        self.assertNotIn("partner hotline", _country_section(response.content.decode(), "AL"))

    def test_country_names_follow_the_page_language(self):
        for lang in LANGUAGES:
            if lang == "en":
                continue
            response = self.client.get(f"/{lang}/help/")
            html = response.content.decode()
            for code, names in COUNTRY_NAMES.items():
                if code == "NL" or lang not in names:
                    continue
                with self.subTest(lang=lang, country=code):
                    self.assertIn(names[lang], _country_section(html, code))

    def test_help_page_query_count_does_not_grow_with_the_network(self):
        with CaptureQueriesContext(connection) as before:
            self.client.get("/en/help/")
        for index in range(5):
            country = Country.objects.create(code=f"Q{index}", name=f"Testland {index}")
            centre = Centre.objects.create(code=f"q{index}", name=f"Centre {index}", country=country)
            for service in (Service.HOTLINE, Service.HELPLINE):
                CentreService.objects.create(centre=centre, service=service, phone="116 111")
                Coverage.objects.create(country=country, service=service, centre=centre)
        with self.assertNumQueries(len(before.captured_queries)):
            response = self.client.get("/en/help/")
        self.assertContains(response, "Testland 4")
        self.assertLessEqual(len(before.captured_queries), 3)

    def test_hidden_services_are_not_public(self):
        CentreService.objects.filter(centre__code="al-crca", service=Service.HELPLINE).update(is_public=False)
        response = self.client.get("/en/help/")
        self.assertNotIn("ALO 116 111", _country_section(response.content.decode(), "AL"))


class PublicSecurityTests(TestCase):
    """Public pages: strict headers, no inline script or style, nothing loaded from elsewhere."""

    @classmethod
    def setUpTestData(cls):
        build_demo_network()

    def _pages(self):
        for lang in LANGUAGES:
            for pattern in PUBLIC_PATHS:
                path = pattern.format(lang=lang)
                yield path, self.client.get(path)

    def test_security_headers(self):
        responses = [("/", self.client.get("/")), *self._pages()]
        for path, response in responses:
            with self.subTest(path=path):
                csp = response.headers["Content-Security-Policy"]
                self.assertNotIn("unsafe-inline", csp)
                self.assertNotIn("unsafe-eval", csp)
                self.assertIn("default-src 'self'", csp)
                self.assertIn("script-src 'self'", csp)
                self.assertIn("style-src 'self'", csp)
                self.assertIn("frame-ancestors 'none'", csp)
                self.assertEqual(response.headers["X-Frame-Options"], "DENY")
                self.assertEqual(response.headers["Referrer-Policy"], "no-referrer")
                self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
                self.assertIn("camera=()", response.headers["Permissions-Policy"])
                self.assertIn("geolocation=()", response.headers["Permissions-Policy"])

    def test_no_inline_script_or_style(self):
        for path, response in self._pages():
            html = response.content.decode()
            with self.subTest(path=path):
                for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
                    self.assertRegex(tag, r"\bsrc=\"/", "inline script")
                self.assertNotRegex(html, r"(?i)<style\b")
                self.assertNotRegex(html, r"(?i)\sstyle\s*=")
                self.assertNotRegex(html, r"(?i)\son[a-z]+\s*=", "inline event handler")
                self.assertNotRegex(html, r"(?i)javascript:")

    def test_no_external_urls(self):
        for path, response in self._pages():
            html = response.content.decode()
            with self.subTest(path=path):
                urls = re.findall(r"(?i)\b(?:src|href|action|srcset|poster|data)\s*=\s*\"([^\"]*)\"", html)
                self.assertTrue(urls)
                for url in urls:
                    self.assertRegex(url, r"^(/(?!/)|#|tel:)", f"external or unexpected URL: {url}")
                self.assertNotRegex(html, r"(?i)url\(\s*['\"]?(https?:)?//")


def _country_section(html: str, code: str) -> str:
    """The <section> of the help page about one country."""
    match = re.search(rf'<section[^>]*aria-labelledby="country-{code}".*?</section>', html, flags=re.S)
    assert match, f"no section for {code}"
    return match.group(0)
