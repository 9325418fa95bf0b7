"""Sending referrals through the API: the same forms, actions and consent gate as the pages."""

import json

from core.testing import SicnetTestCase
from helpline.tests import fixtures as helpline_fixtures
from referrals.models import Kind, Referral, Status
from referrals.tests import fixtures


class ApiSendTests(SicnetTestCase):
    def post(self, url, body):
        return self.client.post(url, json.dumps(body), content_type="application/json")

    def test_forward_a_hotline_item_to_another_network_hotline(self):
        item = fixtures.al_item(self)
        self.login_as(self.al_analyst)
        response = self.post(f"/api/v1/referrals/hotline-items/{item.pk}", {"receiver": "mk-sic", "note": "<b>hi</b>"})
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["receiver"], body["status"], body["kind"]), ("mk-sic", Status.SENT, Kind.HOTLINE_ITEM))
        referral = Referral.objects.get()
        self.assertEqual(referral.packet["urls"], ["https://bad.example.com/a"])
        self.assertNotIn("analyst's private notes", json.dumps(referral.packet))
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.get(f"/api/v1/referrals/{referral.pk}").status_code, 200)

    def test_bad_receivers_are_refused_and_nothing_is_sent(self):
        item = fixtures.al_item(self)
        self.login_as(self.al_analyst)
        for receiver in ("", "nowhere", "al-sic"):  # unknown, or the sender itself
            response = self.post(f"/api/v1/referrals/hotline-items/{item.pk}", {"receiver": receiver})
            self.assertEqual(response.status_code, 422, receiver)
            self.assertIn("receiver", response.json()["detail"])
        response = self.post(f"/api/v1/referrals/hotline-items/{item.pk}", {"receiver": "mk-sic", "note": "x" * 10_001})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Referral.objects.exists())

    def test_external_forwarding(self):
        item = fixtures.al_item(self)
        self.login_as(self.al_analyst)
        body = {"target": "inhope", "name": "NCMEC", "reference": "R-1"}
        response = self.post(f"/api/v1/referrals/hotline-items/{item.pk}/external", body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["external_reference"], "R-1")
        response = self.post(f"/api/v1/referrals/hotline-items/{item.pk}/external", {"target": "the press"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Referral.objects.count(), 1)

    def test_a_helpline_case_keeps_the_consent_gate(self):
        case = helpline_fixtures.al_case(self)
        self.login_as(self.al_counsellor)
        url = f"/api/v1/referrals/helpline-cases/{case.pk}"
        refused = self.post(url, {"receiver": "mk-sic", "summary": "Bullied.", "override_reason": "urgent"})
        self.assertEqual(refused.status_code, 422)
        self.assertIn("supervisor", refused.json()["detail"])
        self.assertFalse(Referral.objects.exists())
        response = self.post(url, {"receiver": "mk-sic", "summary": "Bullied in a chat group."})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Referral.objects.get().kind, Kind.HELPLINE_CASE)

    def test_other_countries_get_404(self):
        item = fixtures.al_item(self)
        case = helpline_fixtures.al_case(self)
        self.login_as(self.mk_analyst)
        self.assertEqual(
            self.post(f"/api/v1/referrals/hotline-items/{item.pk}", {"receiver": "al-sic"}).status_code, 404
        )
        self.login_as(self.mk_counsellor)
        self.assertEqual(
            self.post(f"/api/v1/referrals/helpline-cases/{case.pk}", {"receiver": "al-sic"}).status_code, 404
        )
        self.assertFalse(Referral.objects.exists())
