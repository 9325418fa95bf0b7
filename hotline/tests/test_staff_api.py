"""The staff API: the queue, an item, the analyst's steps, through the same actions as the pages."""

import json

from accounts.actions import create_api_token
from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hotline.models import ItemStatus
from hotline.tests.helpers import make_report

BASE = "/api/v1/hotline/items"


class StaffApiTests(SicnetTestCase):
    def setUp(self):
        report, _ = make_report(["https://bad.example.com/api"], child=True)
        make_report(["https://other.example.com/"])
        make_report(["https://mk.example.com/"], country="MK")
        self.item = report.items.get()
        _token, self.token = create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(), name="test", days=30
        )

    def call(self, method, path, body=None, token=None):
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if method == "GET":
            return self.client.get(path, headers=headers)
        return self.client.post(path, json.dumps(body or {}), content_type="application/json", headers=headers)

    def test_queue_is_scoped_and_sorted(self):
        with self.assertNumQueries(4):  # token, the count, items, last use (the queue only reads: it never attaches)
            response = self.call("GET", BASE)
        urls = [item["url"] for item in response.json()["items"]]
        self.assertEqual(urls, ["https://bad.example.com/api", "https://other.example.com/"])
        self.assertEqual(response.json()["count"], 2)
        self.assertEqual(response.json()["items"][0]["url_defanged"], "hxxps://bad[.]example[.]com/api")

    def test_item_read_is_audited_and_other_country_gets_404(self):
        response = self.call("GET", f"{BASE}/{self.item.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["events"][0]["kind"], "received")
        self.assertTrue(AuditEntry.objects.filter(action="hotline.item_viewed", object_id=str(self.item.pk)).exists())
        _t, mk_token = create_api_token(
            self.mk_analyst, membership=self.mk_analyst.memberships.get(), name="t", days=30
        )
        self.assertEqual(self.call("GET", f"{BASE}/{self.item.pk}", token=mk_token).status_code, 404)
        self.assertEqual(self.call("POST", f"{BASE}/{self.item.pk}/claim", token=mk_token).status_code, 404)

    def test_workflow(self):
        steps = [
            ("claim", {}),
            ("assess", {"assessment": "national", "flags": ["new"], "notes": "n"}),
            ("trace", {"ip_address": "93.184.216.34", "hosting_country": "de"}),
            ("forward", {"country": "DE", "hotline": "eco"}),
            ("law-enforcement", {"agency": "Police", "reference": "R1", "on": "2026-01-02"}),
            ("notice", {"contact": "abuse@host.example", "channel": "email"}),
            ("removal-check", {"removed": True}),
            ("close", {"outcome": "removed"}),
        ]
        for step, body in steps:
            with self.subTest(step=step):
                response = self.call("POST", f"{BASE}/{self.item.pk}/{step}", body)
                self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual(data["status"], ItemStatus.CLOSED)
        self.assertEqual(data["hosting_country"], "DE")
        self.assertIsNotNone(data["removed_at"])
        self.assertEqual(self.call("POST", f"{BASE}/{self.item.pk}/claim").status_code, 409)

    def test_invalid_input_changes_nothing(self):
        response = self.call("POST", f"{BASE}/{self.item.pk}/assess", {"assessment": "maybe"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("assessment", response.json()["errors"])
        response = self.call("POST", f"{BASE}/{self.item.pk}/removal-check", {})
        self.assertEqual(response.status_code, 422)
        self.item.refresh_from_db()
        self.assertEqual(self.item.assessment, "")
        self.assertEqual(self.item.events.count(), 1)

    def test_a_manager_token_reads_but_cannot_assess(self):
        _t, token = create_api_token(self.al_manager, membership=self.al_manager.memberships.get(), name="t", days=30)
        self.assertEqual(self.call("GET", BASE, token=token).status_code, 200)
        self.assertEqual(self.call("POST", f"{BASE}/{self.item.pk}/claim", token=token).status_code, 403)
