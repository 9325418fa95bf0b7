"""In a real browser: rate a capability and see the heatmap change."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.conf import settings
from django.test import Client

from core.testing import build_test_network
from core.tests.browser import BrowserTestCase
from nrm.models import Assessment
from nrm.queries import current_framework


class RateAndCompareInBrowserTests(BrowserTestCase):
    def setUp(self):
        # A transactional test case: an earlier one may have flushed the framework the migration loaded.
        importlib.import_module("nrm.migrations.0002_framework_data").load(apps, None)
        network = build_test_network()
        self.manager = network["users"]["al_manager"]
        self.assessment = Assessment.objects.create(
            country=network["countries"]["AL"], framework=current_framework(), period="2025"
        )

    def signed_in_page(self):
        client = Client()
        client.force_login(self.manager, backend="accounts.backends.EmailBackend")
        page = self.new_page()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.live_server_url,
                }
            ]  # fmt: skip
        )
        return page

    def heatmap_cell(self, page):
        row = page.locator("#nrm-heatmap tbody tr", has=page.get_by_role("rowheader", name="Albania"))
        return row.locator('td[data-capability="12"]')

    def test_rating_a_capability_changes_the_heatmap(self):
        page = self.signed_in_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(self.url("/nrm/compare/"))
        self.assertTrue(self.heatmap_cell(page).inner_text().startswith("0"))

        page.goto(self.url(f"/nrm/assessments/{self.assessment.pk}/"))
        page.get_by_role("link", name="Rate CSEA hotline").click()
        page.get_by_label("Maturity level").select_option("3")
        page.get_by_label("Evidence").fill("The hotline works with the police since 2015.")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(f"**/nrm/assessments/{self.assessment.pk}/")
        self.assertIn("The rating is saved.", page.locator(".messages").inner_text())

        page.goto(self.url("/nrm/compare/"))
        cell = self.heatmap_cell(page)
        self.assertTrue(cell.inner_text().startswith("3"))
        self.assertIn("CSEA hotline: Established", cell.text_content())
        self.assertIn("nrm-level-3", cell.get_attribute("class"))
        self.assertEqual(errors, [], "the inline SVG charts break no Content Security Policy rule")
