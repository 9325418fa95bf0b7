"""POST /api/v1/reports and GET /api/v1/reports/{reference}/status: the public contract."""

import json

from django.test import override_settings
from django.utils import timezone

from core.testing import SicnetTestCase
from hotline import actions
from hotline.models import Item, ItemStatus, PendingReport, Report
from hotline.public_forms import ReportForm
from hotline.report_rules import clean_report
from hotline.tests.helpers import make_report, report_body

URL = "/api/v1/reports"


class PublicApiTests(SicnetTestCase):
    def post(self, body, **headers):
        return self.client.post(URL, json.dumps(body), content_type="application/json", headers=headers)

    def test_created_with_reference_and_token(self):
        response = self.post(report_body())
        self.assertEqual(response.status_code, 201)
        self.assertEqual(set(response.json()), {"reference", "status_token"})
        report = Report.objects.get(reference=response.json()["reference"])
        self.assertEqual(report.source, "public_api")
        self.assertEqual(report.description, "<b>seen</b> yesterday")  # stored as text, escaped when shown
        self.assertTrue(report.reporter_is_child)
        self.assertEqual(report.age_band, "13_15")

    def test_idempotency_key_stores_a_retry_once(self):
        first = self.post(report_body(), **{"Idempotency-Key": "k-1"})
        second = self.post(report_body(), **{"Idempotency-Key": "k-1"})
        self.assertEqual(first.status_code, 201)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(first.json(), second.json())
        self.assertEqual(Report.objects.count(), 1)
        self.assertEqual(self.post(report_body(), **{"Idempotency-Key": "k-2"}).status_code, 201)

    def test_duplicate_url_attaches_to_the_open_item(self):
        self.post(report_body(urls=["https://bad.example.com/a?utm_source=x#top"]))
        self.post(report_body(urls=["HTTPS://BAD.example.com:443/a"], reporter_is_child=False))
        self.assertFalse(Item.objects.exists())  # accepted; attached by the next batch
        self.assertEqual(actions.attach_pending(), 2)
        item = Item.objects.get()
        self.assertEqual(item.reports_count, 2)
        self.assertEqual(item.reports.count(), 2)

    def test_a_closed_item_is_not_reopened_a_new_one_starts(self):
        report, _token = make_report()
        actions.close_item(report.items.get(), by=self.al_analyst, outcome="removed")
        make_report()
        self.assertEqual(Item.objects.count(), 2)
        self.assertEqual(Item.objects.exclude(status=ItemStatus.CLOSED).count(), 1)

    def test_same_url_at_two_centres_is_two_items(self):
        make_report(country="AL")
        make_report(country="MK")
        self.assertEqual(Item.objects.count(), 2)

    def test_bad_input_is_refused_and_nothing_stored(self):
        cases = [
            report_body(urls=["file:///etc/passwd"]),
            report_body(urls=["http://[::1]/"]),
            report_body(urls=[f"https://example.com/{n}" for n in range(21)]),
            report_body(urls=[]),
            report_body(harm_type="nonsense"),
            report_body(country="ZZ"),
            report_body(where_seen="a\x00b"),
            report_body(contact_email="not-an-email", consent_to_contact=True),
        ]
        for body in cases:
            with self.subTest(body=body):
                response = self.post(body)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertTrue(response.json()["errors"])
        self.assertEqual(self.post({"urls": "x"}).status_code, 422)
        self.assertEqual(self.client.post(URL, "not json", content_type="application/json").status_code, 422)
        self.assertEqual(Report.objects.count(), 0)

    def test_a_country_no_hotline_covers_is_a_field_error_and_stores_nothing(self):
        # "XK" is a well-formed code, so only storing finds out that no centre covers it.
        response = self.post(report_body(country="XK"), **{"Idempotency-Key": "k-xk"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"], {"country": ["Choose a country from the list."]})
        self.assertFalse(Report.objects.exists())
        self.assertFalse(PendingReport.objects.exists())

    def test_a_reference_number_given_out_by_hand_is_stepped_over(self):
        year = timezone.now().year
        taken = make_report()[0]
        Report.objects.filter(pk=taken.pk).update(reference=f"AL-{year}-000002")
        response = self.post(report_body())
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["reference"], f"AL-{year}-000003")

    def test_the_api_and_the_page_apply_the_same_rules(self):
        # The API validates without the page's form: both must refuse the same fields, in the same words.
        hostile = [
            {"urls": ["javascript:alert(1)"]},
            {"urls": ["https://ok.example/", "http://10.0.0.1/"]},
            {"urls": [" ", ""]},
            {"harm_type": ""},
            {"harm_type": "<script>"},
            {"country": "A1"},
            {"country": ""},
            {"age_band": "99"},
            {"where_seen": "x" * 201},
            {"description": "line\nbreak\u202eevil"},
            {"description": "x" * 2001},
            {"contact_email": "a@b.example", "consent_to_contact": False},
            {"contact_email": "", "consent_to_contact": True},
            {"contact_email": "=HYPERLINK(1)@x", "consent_to_contact": True},
            {"contact_email": "a\x07@b.example", "consent_to_contact": True},
        ]
        for change in hostile:
            with self.subTest(change=change):
                body = report_body(**change)
                _data, api_errors = clean_report(body)
                page = ReportForm({**body, "urls": "\n".join(body["urls"])})
                self.assertFalse(page.is_valid())
                page_errors = {name: [str(e) for e in errors] for name, errors in page.errors.items()}
                self.assertEqual(api_errors, page_errors)

    def test_translated_errors(self):
        response = self.client.post(
            URL,
            json.dumps(report_body(urls=["ftp://x.com"])),
            content_type="application/json",
            headers={"Accept-Language": "sq"},
        )
        self.assertEqual(response.status_code, 422)
        self.assertNotEqual(response.json()["detail"], "The report has errors; nothing was stored.")

    def test_oversized_body(self):
        response = self.post(report_body(description="x" * 40_000))
        self.assertEqual(response.status_code, 413)
        self.assertEqual(Report.objects.count(), 0)

    @override_settings(HOTLINE_REPORTS_PER_WINDOW=1)
    def test_rate_limited(self):
        self.assertEqual(self.post(report_body()).status_code, 201)
        self.assertEqual(self.post(report_body()).status_code, 429)

    def test_status_with_token(self):
        created = self.post(report_body()).json()
        path = f"{URL}/{created['reference']}/status"
        response = self.client.get(path, {"token": created["status_token"]})
        self.assertEqual(response.json()["status"], "received")  # still waiting to be attached
        actions.attach_pending()
        self.assertEqual(self.client.get(path, {"token": created["status_token"]}).json()["status"], "received")
        report = Report.objects.get()
        actions.claim_item(report.items.get(), by=self.al_analyst)
        self.assertEqual(self.client.get(path, {"token": created["status_token"]}).json()["status"], "being_assessed")
        actions.send_notice(report.items.get(), by=self.al_analyst, contact="abuse@host.example", channel="email")
        self.assertEqual(self.client.get(path, {"token": created["status_token"]}).json()["status"], "action_taken")
        actions.close_item(report.items.get(), by=self.al_analyst, outcome="removed")
        self.assertEqual(self.client.get(path, {"token": created["status_token"]}).json()["status"], "closed")

    def test_status_wrong_token_or_reference_is_404(self):
        created = self.post(report_body()).json()
        self.assertEqual(self.client.get(f"{URL}/{created['reference']}/status", {"token": "nope"}).status_code, 404)
        self.assertEqual(
            self.client.get(f"{URL}/AL-1999-000001/status", {"token": created["status_token"]}).status_code, 404
        )
        self.assertEqual(self.client.get(f"{URL}/{created['reference']}/status").status_code, 404)
        self.assertEqual(self.client.get(f"{URL}/{created['reference']}/status", {"token": "é" * 32}).status_code, 404)

    def test_references_count_up_per_country(self):
        first, _ = make_report(["https://a.example.com/"])
        second, _ = make_report(["https://b.example.com/"])
        mk, _ = make_report(["https://c.example.com/"], country="MK")
        self.assertEqual(int(second.reference[-6:]), int(first.reference[-6:]) + 1)
        self.assertTrue(mk.reference.startswith("MK-"))

    def test_helpline_escalation_entry_point(self):
        report, _created = actions.create_report(
            country="AL",
            harm_type="sextortion",
            urls=["https://bad.example.com/z"],
            source="helpline_escalation",
            by=self.al_counsellor,
            origin_reference="contact-123",
        )
        self.assertEqual(report.source, "helpline_escalation")
        self.assertEqual(report.origin_reference, "contact-123")
