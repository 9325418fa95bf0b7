"""In a real browser: a report made on a phone-sized screen, then its assessment by an analyst."""

from django.conf import settings
from django.test import Client

from core.testing import build_test_network
from core.tests.browser import BrowserTestCase
from hashes.models import HashEntry, HashList
from hashes.tests.helpers import make_entry, make_list, sha256_of
from hotline import actions
from hotline.models import Item, Report

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def sign_in(test, page, user) -> None:
    """The user's session cookie in the page's browser (the sign-in itself has its own browser test)."""
    client = Client()
    client.force_login(user, backend="accounts.backends.EmailBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": test.live_server_url}])


class ReportAndAssessInBrowserTests(BrowserTestCase):
    def setUp(self):
        self.network = build_test_network()

    def test_report_on_a_phone_then_assessment(self):
        page = self.new_page(**PHONE)
        page.goto(self.url("/en/report/"))
        self.assertTrue(page.locator("#leave-site").is_visible())
        page.get_by_label("Country").select_option("AL")
        page.get_by_label("What is it?").select_option("csam")
        page.get_by_label("Web address (link)").fill("https://bad.example.com/photo?utm_source=app")
        page.get_by_label("Yes").check()
        page.get_by_label("How old are you?").select_option("13_15")
        # Fits the phone's width: no sideways scrolling.
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 390)
        page.get_by_role("button", name="Send report").click()
        page.wait_for_selector("#report-reference")
        reference = page.locator("#report-reference").inner_text()
        token = page.locator("#report-token").inner_text()
        self.assertEqual(Report.objects.get().reference, reference)
        self.assertIn("116 111", page.content())  # the helpline of Albania

        page.get_by_role("link", name="Check your report").click()
        page.get_by_label("Reference").fill(reference)
        page.get_by_label("Secret code").fill(token)
        page.get_by_role("button", name="Check").click()
        self.assertEqual(page.locator("#report-status").inner_text(), "Received")

        actions.attach_pending()  # the attaching loop's turn (make run starts it)
        analyst = self.network["users"]["al_analyst"]
        staff = self.new_page()
        sign_in(self, staff, analyst)
        staff.goto(self.url("/hotline/"))
        staff.get_by_text("hxxps://bad[.]example[.]com/photo").click()
        self.assertEqual(staff.locator("#item-url").inner_text(), "hxxps://bad[.]example[.]com/photo")
        self.assertEqual(staff.locator("a[href^='http://bad'], a[href^='https://bad']").count(), 0)
        self.assertTrue(staff.get_by_role("button", name="Copy the address").is_visible())  # shown by copy.js
        staff.locator("#step-assess").get_by_label("Assessment").select_option("baseline")
        staff.locator("#step-assess").get_by_label("Content type").select_option("image")
        staff.locator("#step-assess").get_by_label("First seen (new content)").check()
        staff.locator("#step-assess").get_by_role("button", name="Save").click()
        staff.wait_for_load_state()
        self.assertEqual(staff.locator("#item-assessment").inner_text(), "Illegal everywhere (INTERPOL baseline)")
        item = Item.objects.get()
        self.assertEqual((item.assessment, item.flags, item.assigned_to), ("baseline", ["new"], analyst))

        page.goto(self.url("/en/report/status/"))
        page.get_by_label("Reference").fill(reference)
        page.get_by_label("Secret code").fill(token)
        page.get_by_role("button", name="Check").click()
        self.assertEqual(page.locator("#report-status").inner_text(), "Being assessed")

    def test_leave_button_replaces_the_page(self):
        page = self.new_page(**PHONE)
        # Never reach the real site from a test: answer for it.
        page.route("https://www.wikipedia.org/**", lambda route: route.fulfill(body="<title>neutral</title>"))
        page.goto(self.url("/en/"))
        page.goto(self.url("/en/report/"))
        page.locator("#leave-site").click()
        page.wait_for_url("https://www.wikipedia.org/")
        page.go_back()
        # The report page was replaced in the history: back goes to the page before it.
        self.assertNotIn("/report/", page.url)


class KnownHashInBrowserTests(BrowserTestCase):
    def setUp(self):
        self.network = build_test_network()

    def test_a_known_hash_proposes_its_classification_and_the_assessment_confirms_it(self):
        from hotline.tests.helpers import make_report

        centre = self.network["centres"]["al"]
        network_list = make_list(centre, "Western Balkans network list", kind="network")
        make_entry(network_list, "sha256", sha256_of("picture"), classification="national")
        report, _token = make_report(["https://bad.example.com/gallery/1"])
        item = report.items.get()
        analyst = self.network["users"]["al_analyst"]
        page = self.new_page()
        sign_in(self, page, analyst)
        page.goto(self.url(f"/hotline/items/{item.pk}/"))
        page.locator("#hashes").get_by_label("Hashes", exact=True).fill(sha256_of("picture"))
        page.locator("#hashes").get_by_role("button", name="Add the hashes").click()
        page.wait_for_load_state()
        known = page.locator("#item-hashes .known")
        self.assertIn("Known: classified as National", known.inner_text())
        self.assertIn("Western Balkans network list", known.inner_text())
        page.get_by_role("link", name="Apply this classification").click()
        page.wait_for_load_state()
        assess = page.locator("#step-assess")
        self.assertTrue(assess.get_by_label("Assessment").is_visible())  # opened for the analyst
        self.assertEqual(assess.get_by_label("Assessment").input_value(), "national")
        self.assertEqual(Item.objects.get().assessment, "")  # nothing applied without the analyst
        assess.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        item.refresh_from_db()
        self.assertEqual(item.assessment, "national")
        confirmed = HashList.objects.get(centre=centre, name=f"{centre.code} confirmed")
        self.assertTrue(HashEntry.objects.filter(hash_list=confirmed, value=sha256_of("picture")).exists())
