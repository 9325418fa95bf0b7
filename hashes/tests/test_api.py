"""The hashes API: batch lookup (up to 1,000), lists and entries, adding an entry."""

from django.urls import reverse

from core.testing import SicnetTestCase
from hashes.models import ListKind
from hashes.tests.helpers import flip_bits, make_entry, make_list, sha256_of

PDQ = "0f" * 32


class ApiTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.al_own = make_list(cls.al_centre, "AL own")
        cls.network = make_list(cls.al_centre, "Network", kind=ListKind.NETWORK)
        cls.own_entry = make_entry(cls.al_own, "sha256", sha256_of("a"), "national")
        cls.pdq_entry = make_entry(cls.network, "pdq", PDQ, quality=80)

    def lookup(self, hashes):
        return self.client.post("/api/v1/hashes/lookup", {"hashes": hashes}, content_type="application/json")

    def test_batch_lookup(self):
        self.login_as(self.al_analyst)
        response = self.lookup([self.own_entry.value, "pdq:" + flip_bits(PDQ, 31), "md5:" + "a" * 32, "bad"])
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["invalid"][0]["index"], 3)
        results = {r["query"]: r["matches"] for r in body["results"]}
        self.assertEqual(results[self.own_entry.value][0]["list_id"], str(self.al_own.pk))
        self.assertEqual(results[flip_bits(PDQ, 31)][0]["distance"], 31)
        self.assertEqual(results["a" * 32], [])

    def test_lookup_is_scoped_and_capped(self):
        self.login_as(self.mk_analyst)
        body = self.lookup([self.own_entry.value, "pdq:" + PDQ]).json()
        self.assertEqual([len(r["matches"]) for r in body["results"]], [0, 1])  # network list only
        self.assertEqual(self.lookup(["a" * 32] * 1000).status_code, 200)
        self.assertEqual(self.lookup(["a" * 32] * 1001).status_code, 422)
        self.login_as(self.coordinator)
        self.assertEqual(self.lookup(["a" * 32]).status_code, 403)

    def test_lists_and_entries(self):
        self.login_as(self.mk_analyst)
        with self.assertNumQueries(8):  # session, user, memberships, the count, the lists; the session saved
            response = self.client.get("/api/v1/hashes/lists")
        self.assertEqual([item["name"] for item in response.json()["items"]], ["Network"])
        self.assertEqual(self.client.get(f"/api/v1/hashes/lists/{self.al_own.pk}/entries").status_code, 404)
        entries = self.client.get(f"/api/v1/hashes/lists/{self.network.pk}/entries", {"algorithm": "pdq"}).json()[
            "items"
        ]
        self.assertEqual([e["value"] for e in entries], [PDQ])
        self.assertNotIn("origin", entries[0])

    def test_add_entry(self):
        self.login_as(self.al_analyst)
        url = f"/api/v1/hashes/lists/{self.al_own.pk}/entries"
        data = {"algorithm": "md5", "value": "B" * 32, "classification": "baseline"}
        response = self.client.post(url, data, content_type="application/json")
        self.assertEqual((response.status_code, response.json()["value"]), (201, "b" * 32))
        self.assertEqual(self.client.post(url, data, content_type="application/json").status_code, 200)
        bad = self.client.post(url, {**data, "value": "b" * 31}, content_type="application/json")
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(self.al_own.entries.count(), 2)
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.post(url, data, content_type="application/json").status_code, 404)
        network_url = f"/api/v1/hashes/lists/{self.network.pk}/entries"
        self.assertEqual(self.client.post(network_url, data, content_type="application/json").status_code, 403)


def test_reverse_names_exist():
    assert reverse("api:hashes_lookup") == "/api/v1/hashes/lookup"
