"""The public report page and status page: anonymous, in every language, nothing stored on bad input."""

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hotline import actions
from hotline.models import ClientCounter, Item, PendingReport, Report
from hotline.tests.helpers import make_report


def form_data(**overrides) -> dict:
    data = {
        "country": "AL",
        "harm_type": "csam",
        "urls": "https://bad.example.com/a\nhttps://bad.example.com/b?utm_source=x",
        "where_seen": "",
        "description": "",
        "reporter_is_child": "true",
        "age_band": "13_15",
        "contact_email": "",
        "submission_id": "abc123",
        "website": "",
    }
    data.update(overrides)
    return data


class ReportPageTests(SicnetTestCase):
    url = "/en/report/"

    def test_page_in_every_language_with_leave_button_and_no_upload(self):
        for code in ("en", "sq", "mk", "sr", "sr-latn", "bs", "hr"):
            with self.subTest(code=code):
                response = self.client.get(f"/{code}/report/")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="leave-site"')
                self.assertContains(response, "js/leave.js")
                self.assertNotContains(response, 'type="file"')
                self.assertNotContains(response, "multipart")

    def test_leave_link_goes_to_a_neutral_site_without_javascript(self):
        response = self.client.get("/sq/leave/")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "https://www.wikipedia.org/")
        self.assertIn("no-store", response["Cache-Control"])

    def test_country_defaults_from_language(self):
        response = self.client.get("/sq/report/")
        self.assertEqual(response.context["form"]["country"].value(), "AL")
        response = self.client.get("/mk/report/")
        self.assertEqual(response.context["form"]["country"].value(), "MK")

    def test_report_is_stored_routed_and_answered_with_reference_token_and_helpline(self):
        response = self.client.post(self.url, form_data())
        self.assertEqual(response.status_code, 201)
        report = Report.objects.get()
        self.assertEqual(report.centre, self.al_centre)
        self.assertRegex(report.reference, r"^AL-\d{4}-000001$")
        # Accepted at once; its URLs wait for the next batch to become items.
        self.assertEqual(len(PendingReport.objects.get(report=report).urls), 2)
        self.assertFalse(report.items.exists())
        self.assertEqual(actions.attach_pending(), 1)
        self.assertFalse(PendingReport.objects.exists())
        self.assertEqual(report.items.count(), 2)
        self.assertContains(response, report.reference, status_code=201)
        self.assertContains(response, response.context["token"], status_code=201)
        self.assertContains(response, "116 111", status_code=201)  # the helpline of Albania
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(AuditEntry.objects.filter(action="hotline.report_received", object_id=str(report.pk)).exists())

    def test_montenegro_is_routed_to_the_covering_centre(self):
        self.client.post(self.url, form_data(country="ME"))
        self.assertEqual(Report.objects.get().centre, self.al_centre)
        actions.attach_pending()
        self.assertEqual(Item.objects.first().centre, self.al_centre)

    def test_double_submission_is_stored_once(self):
        first = self.client.post(self.url, form_data())
        second = self.client.post(self.url, form_data())
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(first.context["report"].reference, second.context["report"].reference)
        self.assertEqual(first.context["token"], second.context["token"])

    def test_bad_input_stores_nothing_and_says_why(self):
        cases = {
            "ftp://example.com/x": "http:// or https://",
            "http://127.0.0.1/admin": "private or local network",
            "http://192.168.1.1/": "private or local network",
            "http://example.com/" + "a" * 2100: "too long",
            "http://exa mple.com": "not allowed",
            "\n".join(f"https://example.com/{n}" for n in range(21)): "up to 20",
            "": "at least one",
        }
        for urls, message in cases.items():
            with self.subTest(urls=urls[:40]):
                response = self.client.post(self.url, form_data(urls=urls))
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, message, status_code=400)
        response = self.client.post(self.url, form_data(description="hello\x07world"))
        self.assertContains(response, "special characters", status_code=400)
        response = self.client.post(self.url, form_data(contact_email="kid@example.com"))
        self.assertContains(response, "Tick this box", status_code=400)
        self.assertEqual(Report.objects.count(), 0)
        self.assertEqual(Item.objects.count(), 0)

    def test_errors_are_translated(self):
        with translation.override("sq"):
            expected = translation.gettext("Enter at least one web address.")
        response = self.client.post("/sq/report/", form_data(urls=""))
        self.assertContains(response, expected, status_code=400)

    def test_honeypot_stores_nothing(self):
        response = self.client.post(self.url, form_data(website="http://spam.example.com"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Report.objects.count(), 0)

    def test_oversized_body_is_refused(self):
        response = self.client.post(self.url, form_data(description="x" * 40_000))
        self.assertEqual(response.status_code, 413)
        self.assertEqual(Report.objects.count(), 0)

    @override_settings(HOTLINE_REPORTS_PER_WINDOW=2)
    def test_rate_limit_per_client_keeps_only_a_keyed_hash(self):
        for n in range(2):
            self.assertEqual(self.client.post(self.url, form_data(submission_id=f"s{n}")).status_code, 201)
        response = self.client.post(self.url, form_data(submission_id="s3"))
        self.assertContains(response, "Too many reports", status_code=429)
        self.assertEqual(Report.objects.count(), 2)
        counter = ClientCounter.objects.get()
        self.assertNotIn("127.0.0.1", counter.client)
        self.assertEqual(len(counter.client), 64)
        # Another client is not affected.
        other = self.client.post(self.url, form_data(submission_id="s4"), REMOTE_ADDR="203.0.113.9")
        self.assertEqual(other.status_code, 201)

    def test_text_is_escaped_when_shown(self):
        response = self.client.post(self.url, form_data(urls="<script>alert(1)</script>"))
        self.assertNotContains(response, "<script>alert(1)</script>", status_code=400)


class StatusPageTests(SicnetTestCase):
    def test_status_with_the_token_shows_only_the_coarse_status(self):
        report, token = make_report()
        response = self.client.post(reverse("hotline_public:status"), {"reference": report.reference, "token": token})
        self.assertContains(response, "Received")
        self.assertNotContains(response, "bad.example")

    def test_wrong_token_says_not_found(self):
        report, _token = make_report()
        response = self.client.post(
            reverse("hotline_public:status"), {"reference": report.reference, "token": "x" * 32}
        )
        self.assertContains(response, "could not find")
        self.assertNotContains(response, "Received")
