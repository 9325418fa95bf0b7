"""Shared set-up of browser tests: Debian's Chromium driven by Playwright, against a live server.

Browser tests are marked ``browser``. Without Chromium they are skipped with the reason, unless
SICNET_REQUIRE_BROWSER=1 (as .ci/run sets it), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

CHROMIUM = os.environ.get("SICNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.mark.browser
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server and one headless Chromium page per test."""

    host = "127.0.0.1"

    @classmethod
    def setUpClass(cls):
        if not chromium_available():
            if os.environ.get("SICNET_REQUIRE_BROWSER") == "1":
                raise RuntimeError(f"Chromium is required for browser tests but was not found at {CHROMIUM}.")
            pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium); .ci/run requires it.")
        # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
        # test body are still synchronous and safe here.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls._playwright = sync_playwright().start()
        cls.browser = cls._playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        browser = getattr(cls, "browser", None)
        if browser is not None:
            browser.close()
            cls._playwright.stop()
        super().tearDownClass()

    def new_page(self, **context_options):
        context = self.browser.new_context(**context_options)
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"
