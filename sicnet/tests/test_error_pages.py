"""The 403, 404 and 500 pages: in the shell of the page that failed, translated, with DEBUG off."""

from __future__ import annotations

import uuid
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.urls import path, reverse

from network.testing import SicnetTestCase
from sicnet import errors
from sicnet import urls as project_urls


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken_view), path("sq/broken/", broken_view), *project_urls.urlpatterns]
handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error

# The page's heading in each language, and the "leave this site quickly" button of public pages.
NOT_FOUND = {"sq": "Faqja nuk u gjet", "mk": "Страницата не е пронајдена", "sr": "Страница није пронађена"}
FORBIDDEN = {
    "sq": "Nuk mund ta hapni këtë faqe",
    "mk": "Не можете да ја отворите оваа страница",
    "sr": "Не можете да отворите ову страницу",
}
SERVER_ERROR = {
    "sq": "Diçka shkoi keq nga ana jonë",
    "mk": "Нешто тргна наопаку кај нас",
    "sr": "Нешто је пошло наопако код нас",
}
LEAVE = {"sq": 'id="leave-site"', "mk": 'id="leave-site"', "sr": 'id="leave-site"'}


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
class ErrorPageTests(SicnetTestCase):
    def test_a_staff_page_refused_answers_403_in_the_staff_shell_in_the_users_language(self):
        self.login_as(self.al_counsellor)
        for language, heading in FORBIDDEN.items():
            with self.subTest(language=language):
                response = self.client.get(reverse("audit:log"), HTTP_ACCEPT_LANGUAGE=language)
                self.assertContains(response, heading, status_code=403)
                self.assertContains(response, 'id="sign-out"', status_code=403)  # the staff shell
                self.assertContains(response, f'href="{reverse("core:dashboard")}"', status_code=403)
                self.assertNotContains(response, 'id="leave-site"', status_code=403)

    def test_a_missing_staff_page_answers_404_in_the_staff_shell(self):
        self.login_as(self.al_analyst)
        url = reverse("hotline:item", args=[uuid.uuid4()])
        for language, heading in NOT_FOUND.items():
            with self.subTest(language=language):
                response = self.client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                self.assertContains(response, heading, status_code=404)
                self.assertContains(response, 'id="sign-out"', status_code=404)

    def test_a_missing_public_page_answers_404_in_the_public_shell_with_the_leave_button(self):
        for language, heading in NOT_FOUND.items():
            with self.subTest(language=language):
                response = self.client.get(f"/{language}/no-such-page/")
                self.assertContains(response, heading, status_code=404)
                self.assertContains(response, LEAVE[language], status_code=404)
                self.assertContains(response, f'<html lang="{language}">', status_code=404)

    def test_a_view_that_raises_answers_the_500_page_without_the_database(self):
        self.client.raise_request_exception = False
        for language, heading in SERVER_ERROR.items():
            with self.subTest(language=language):
                # The page is rendered with the database unreachable: it must not need it.
                with mock.patch.object(connection, "cursor", side_effect=AssertionError("no query")):
                    response = errors.server_error(self.request("/broken/", language))
                self.assertContains(response, heading, status_code=500)
                page = self.client.get("/broken/", HTTP_ACCEPT_LANGUAGE=language)
                self.assertContains(page, heading, status_code=500)
                self.assertNotContains(page, 'id="leave-site"', status_code=500)

    def test_a_public_page_that_raises_answers_the_public_500_page_with_the_leave_button(self):
        self.client.raise_request_exception = False
        response = self.client.get("/sq/broken/")
        self.assertContains(response, SERVER_ERROR["sq"], status_code=500)
        self.assertContains(response, LEAVE["sq"], status_code=500)

    def test_the_500_page_still_answers_when_its_template_fails(self):
        with mock.patch("sicnet.errors.loader.get_template", side_effect=RuntimeError("broken template")):
            with self.assertLogs("sicnet.errors", "ERROR"):
                response = errors.server_error(self.request("/broken/", "sq"))
        self.assertEqual(response.status_code, 500)
        self.assertIn(b"Something went wrong", response.content)

    def request(self, url: str, language: str):
        from django.test import RequestFactory
        from django.utils import translation

        translation.activate(language)
        self.addCleanup(translation.deactivate)
        return RequestFactory().get(url)
