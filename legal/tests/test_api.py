"""The staff API reads the matrix with the same scoping as the pages."""

from __future__ import annotations

from legal import actions
from legal.models import Entry, EntryChange, Provision
from legal.tests.test_matrix import LegalTestCase


class ApiTests(LegalTestCase):
    def test_entries_are_scoped(self):
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="full")
        actions.update_entry(self.mk, Provision.objects.get(code="L01"), by=self.mk_manager, status="none")
        self.login_as(self.al_analyst)
        with self.assertNumQueries(8):  # session, user, memberships, the count, the page; the session saved
            response = self.client.get("/api/v1/legal/entries")
        self.assertEqual([(e["country"], e["provision"]) for e in response.json()["items"]], [("AL", "L08")])
        actions.validate_country(self.mk, by=self.coordinator)
        self.assertEqual(self.client.get("/api/v1/legal/entries").json()["count"], 2)
        self.assertEqual(self.client.get(f"/api/v1/legal/countries/{self.mk.pk}/entries").status_code, 404)

    def test_an_editor_updates_an_entry_through_the_action(self):
        self.login_as(self.al_manager)
        url = f"/api/v1/legal/countries/{self.al.pk}/entries/L08"
        response = self.client.put(url, {"status": "partial", "article": "Art. 117"}, content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["status"], response.json()["article"]), ("partial", "Art. 117"))
        self.assertEqual(EntryChange.objects.get().status, "partial")
        response = self.client.put(url, {"status": "maybe"}, content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Entry.objects.get().status, "partial")
        self.login_as(self.mk_manager)
        response = self.client.put(url, {"status": "none"}, content_type="application/json")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Entry.objects.get().status, "partial")
