"""Hashes of an item's material: pasted or from a file read in memory, known matches, confirmation into lists."""

import hashlib
import json
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.actions import create_api_token
from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hashes import hashing
from hashes.models import HashEntry, HashList, ListKind
from hashes.tests.helpers import flip_bits, make_entry, make_list, sha256_of
from hashes.tests.test_hashing import png_bytes
from hotline import actions
from hotline.models import Item, ItemEvent, ItemHash
from hotline.tests.helpers import make_report

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
SHA256 = sha256_of("known material stand-in")
PDQ = "f" * 16 + "0" * 16 + "a5" * 16


def _refuse(*args, **kwargs):
    raise AssertionError("a temporary file was about to be written")


def new_item(url="https://bad.example.com/x.jpg", country="AL") -> Item:
    report, _token = make_report([url], country=country)
    return report.items.get()


class ItemHashesTestCase(SicnetTestCase):
    def setUp(self):
        self.item = new_item()
        self.page = reverse("hotline:item", args=[self.item.pk])
        self.add_url = reverse("hotline:hashes", args=[self.item.pk])

    def paste(self, text: str, item=None):
        url = reverse("hotline:hashes", args=[(item or self.item).pk])
        return self.client.post(url, {"hashes-hashes": text})

    def upload(self, data: bytes, name: str = "file.bin"):
        upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
        return self.client.post(self.add_url, {"hashes-hashes": "", "hashes-file": upload})

    def assess(self, code: str, item=None):
        item = item or self.item
        return self.client.post(reverse("hotline:step", args=[item.pk, "assess"]), {"assess-assessment": code})


class AddingHashesTests(ItemHashesTestCase):
    def test_pasted_hashes_are_read_normalised_and_recorded(self):
        self.login_as(self.al_analyst)
        text = f"{MD5}\n\n  sha1:{SHA1.upper()}  \nSHA-256:{SHA256}\npdq:{PDQ}\n{MD5}\n"
        response = self.paste(text)
        self.assertRedirects(response, self.page + "#hashes", fetch_redirect_response=False)
        stored = set(self.item.hashes.values_list("algorithm", "value", "quality", "added_by"))
        who = self.al_analyst.pk
        self.assertEqual(
            stored,
            {
                ("md5", MD5, None, who),
                ("sha1", SHA1, None, who),
                ("sha256", SHA256, None, who),
                ("pdq", PDQ, None, who),
            },
        )
        event = self.item.events.get(kind=ItemEvent.Kind.HASHES_ADDED)
        self.assertEqual((event.by, event.details["added"], event.details["source"]), (self.al_analyst, 4, "pasted"))
        entry = AuditEntry.objects.get(action="hotline.item_hashes_added", object_id=str(self.item.pk))
        self.assertIn(f"sha256:{SHA256}", entry.changes["hashes"])
        # The same hashes again: nothing new, no second timeline or audit entry.
        self.paste(f"{MD5}\n{SHA1}")
        self.assertEqual(self.item.hashes.count(), 4)
        self.assertEqual(self.item.events.filter(kind=ItemEvent.Kind.HASHES_ADDED).count(), 1)
        self.assertEqual(AuditEntry.objects.filter(action="hotline.item_hashes_added").count(), 1)
        page = self.client.get(self.page)
        self.assertContains(page, f'<code class="hash">{SHA256}</code>', html=True)
        self.assertContains(page, "Not in any list you can see.")
        self.assertContains(page, "<small>4 hashes</small>", html=True)

    # Django writes any upload over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file: make it tiny, so
    # the default handlers would surely have used one, and make every way to one fail.
    @override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10)
    def test_file_is_hashed_in_memory_never_written_and_dropped(self):
        data = b"\x00known material stand-in\xff" * 50_000  # ~1.2 MB
        self.login_as(self.al_analyst)
        with (
            mock.patch("tempfile.NamedTemporaryFile", _refuse),
            mock.patch("tempfile.mkstemp", _refuse),
            mock.patch("tempfile.TemporaryFile", _refuse),
            mock.patch("django.core.files.temp.NamedTemporaryFile", _refuse),
            mock.patch("django.core.files.uploadedfile.TemporaryUploadedFile.__init__", _refuse),
        ):
            response = self.upload(data, "evidence.bin")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            set(self.item.hashes.values_list("algorithm", "value")),
            {
                ("md5", hashlib.md5(data).hexdigest()),
                ("sha1", hashlib.sha1(data).hexdigest()),
                ("sha256", hashlib.sha256(data).hexdigest()),
            },
        )
        self.assertEqual(self.item.events.get(kind=ItemEvent.Kind.HASHES_ADDED).details["source"], "file")
        # Only the hashes are kept: not the file's name, not its bytes.
        audit = AuditEntry.objects.get(action="hotline.item_hashes_added")
        self.assertNotIn("evidence", json.dumps(audit.changes))
        page = self.client.get(self.page)
        self.assertContains(page, "The file was read in memory and discarded: only its hashes were kept.")

    @override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10)
    def test_image_gets_pdq_with_its_quality(self):
        if not hashing.pdq_available():  # pragma: no cover - pdqhash is in requirements.txt
            self.skipTest("pdqhash is not installed")
        data = png_bytes()
        expected = hashing.hash_bytes(data)
        self.login_as(self.al_analyst)
        with mock.patch("django.core.files.uploadedfile.TemporaryUploadedFile.__init__", _refuse):
            self.upload(data, "image.png")
        pdq = self.item.hashes.get(algorithm="pdq")
        self.assertEqual((pdq.value, pdq.quality), (expected.pdq, expected.pdq_quality))

    def test_file_over_the_cap_is_refused_and_nothing_stored(self):
        self.login_as(self.al_analyst)
        with mock.patch.object(hashing.CappedMemoryUploadHandler.__init__, "__defaults__", (None, 1000)):
            response = self.upload(b"x" * 5000)
        self.assertContains(response, "The file is too large to be hashed here.", status_code=400)
        self.assertFalse(self.item.hashes.exists())

    def test_bad_input_is_refused_with_reasons_and_nothing_stored(self):
        self.login_as(self.al_analyst)
        for text, error in [
            ("z" * 32, "Not a hexadecimal value."),
            ("abc123", "Not a hash: give 32, 40 or 64 hexadecimal digits, or pdq:&lt;64 digits&gt;."),
            (f"sha1:{MD5}", "A SHA-1 value has 40 hexadecimal digits."),
            ("rot13:" + MD5, "Unknown algorithm: rot13."),
            (f"{MD5}\n<script>alert(1)</script>", "Line 2:"),
            ("", "Paste hashes or choose a file."),
            ("\n".join(f"{n:032x}" for n in range(1001)), "At most 1000 hashes at a time."),
        ]:
            with self.subTest(text=text[:40]):
                response = self.paste(text)
                self.assertContains(response, error, status_code=400)
                self.assertNotContains(response, "<script>alert(1)", status_code=400)
        self.assertFalse(self.item.hashes.exists())
        self.assertFalse(AuditEntry.objects.filter(action="hotline.item_hashes_added").exists())

    def test_the_action_checks_values_again(self):
        for values in ([("md5", "<script>")], [("pdq", PDQ, 500)], [("crc32", MD5)], [("sha1", MD5)]):
            with self.subTest(values=values), self.assertRaises(actions.HotlineError):
                actions.add_item_hashes(self.item, by=self.al_analyst, values=values)
        self.assertFalse(self.item.hashes.exists())

    def test_the_csrf_token_is_still_checked(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.al_analyst, backend="accounts.backends.EmailBackend")
        self.assertEqual(client.post(self.add_url, {"hashes-hashes": MD5}).status_code, 403)
        self.assertFalse(self.item.hashes.exists())

    def test_removing_a_hash(self):
        self.login_as(self.al_analyst)
        self.paste(f"{MD5}\n{SHA1}")
        md5 = self.item.hashes.get(algorithm="md5")
        response = self.client.post(reverse("hotline:hash_remove", args=[self.item.pk, md5.pk]))
        self.assertRedirects(response, self.page + "#hashes", fetch_redirect_response=False)
        self.assertEqual(list(self.item.hashes.values_list("algorithm", flat=True)), ["sha1"])
        event = self.item.events.get(kind=ItemEvent.Kind.HASH_REMOVED)
        self.assertEqual(event.details, {"algorithm": "md5", "value": MD5})
        self.assertTrue(AuditEntry.objects.filter(action="hotline.item_hash_removed").exists())
        # A hash of another item, through this item's address: 404.
        other = new_item("https://other.example.com/")
        self.paste(SHA256, item=other)
        foreign = other.hashes.get()
        response = self.client.post(reverse("hotline:hash_remove", args=[self.item.pk, foreign.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(ItemHash.objects.filter(pk=foreign.pk).exists())

    def test_closed_item_takes_no_hashes(self):
        actions.close_item(self.item, by=self.al_analyst, outcome="no_action")
        self.login_as(self.al_analyst)
        page = self.client.get(self.page)
        self.assertNotContains(page, 'name="hashes-hashes"')
        response = self.paste(MD5)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.item.hashes.exists())

    def test_other_country_gets_404_and_other_roles_403(self):
        actions.add_item_hashes(self.item, by=self.al_analyst, values=[("md5", MD5)])
        item_hash = self.item.hashes.get()
        self.login_as(self.mk_analyst)
        self.assertEqual(self.paste(SHA1).status_code, 404)
        remove = reverse("hotline:hash_remove", args=[self.item.pk, item_hash.pk])
        self.assertEqual(self.client.post(remove).status_code, 404)
        self.assertEqual(self.client.get(self.page).status_code, 404)
        self.login_as(self.al_manager)  # sees the item, does not assess
        self.assertEqual(self.paste(SHA1).status_code, 403)
        self.assertEqual(self.client.post(remove).status_code, 403)
        page = self.client.get(self.page)
        self.assertContains(page, MD5)
        self.assertNotContains(page, 'name="hashes-hashes"')
        self.assertEqual(list(self.item.hashes.all()), [item_hash])


class KnownMatchesTests(ItemHashesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.own = make_list(cls.al_centre, "AL own")
        make_entry(cls.own, "sha256", SHA256, "national")
        cls.mk_network = make_list(cls.mk_centre, "MK shared", kind=ListKind.NETWORK)
        make_entry(cls.mk_network, "md5", MD5, "baseline")
        make_entry(cls.mk_network, "pdq", flip_bits(PDQ, 3), "baseline", quality=90)
        cls.mk_private = make_list(cls.mk_centre, "MK private")
        make_entry(cls.mk_private, "sha1", SHA1, "baseline")

    def setUp(self):
        super().setUp()
        actions.add_item_hashes(
            self.item, by=self.al_analyst, values=[("sha256", SHA256), ("md5", MD5), ("sha1", SHA1), ("pdq", PDQ)]
        )

    def test_known_in_own_and_network_lists_not_in_another_centres_private_list(self):
        self.login_as(self.al_analyst)
        response = self.client.get(self.page)
        self.assertContains(
            response,
            "Known: classified as National (illegal under national law) in list AL own (Albania SIC)",
        )
        self.assertContains(
            response,
            "Known: classified as Baseline (illegal everywhere) in list MK shared (North Macedonia SIC)",
        )
        self.assertContains(
            response,
            "Known: classified as Baseline (illegal everywhere) in list MK shared (North Macedonia SIC, distance 3)",
        )
        self.assertNotContains(response, "MK private")
        known = {
            h.algorithm: [m.entry.hash_list.name for m in matches] for h, matches in response.context["item_hashes"]
        }
        self.assertEqual(known, {"sha256": ["AL own"], "md5": ["MK shared"], "sha1": [], "pdq": ["MK shared"]})
        self.assertContains(response, "?apply=national#step-assess")
        self.assertContains(response, "?apply=baseline#step-assess")

    def test_one_query_batch_whatever_the_number_of_hashes(self):
        self.login_as(self.al_analyst)
        self.client.get(self.page)  # warm caches (sessions, content types)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.page)
        many = [f"{n:064x}" for n in range(40)]
        for value in many[:20]:
            make_entry(self.own, "sha256", value, "baseline")
        actions.add_item_hashes(self.item, by=self.al_analyst, values=[("sha256", v) for v in many])
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(self.page)
        self.assertEqual(len(response.context["item_hashes"]), 44)
        # Matching is one batch: the exact matches, and for PDQ the candidates and their entries (or an index).
        matching = [q["sql"] for q in few.captured_queries if "hashes_hashentry" in q["sql"]]
        self.assertLessEqual(len(matching), 3)

    def test_no_hash_no_matching_query(self):
        item = new_item("https://nohash.example.com/")
        self.login_as(self.al_analyst)
        with CaptureQueriesContext(connection) as queries:
            self.client.get(reverse("hotline:item", args=[item.pk]))
        self.assertFalse([q for q in queries.captured_queries if "hashes_hashentry" in q["sql"]])

    def test_apply_prefills_the_assessment_but_changes_nothing(self):
        self.login_as(self.al_analyst)
        response = self.client.get(self.page, {"apply": "baseline"})
        self.assertEqual(response.context["applied"], "baseline")
        form = {key: form for key, _title, form in response.context["steps"]}["assess"]
        self.assertEqual(form.initial["assessment"], "baseline")
        self.assertEqual(form.initial["flags"], ["known"])  # "Known (matched a hash list)"
        self.assertContains(response, "The assessment is pre-filled from a known hash: check it and save it.")
        self.assertContains(response, '<option value="baseline" selected>', html=False)
        self.item.refresh_from_db()
        self.assertEqual(self.item.assessment, "")
        self.assertFalse(self.item.events.filter(kind=ItemEvent.Kind.ASSESSED).exists())
        # Only a classification shown on the page, and only to someone who assesses.
        for value in ("not_illegal", "<script>", "national' onmouseover='x"):
            with self.subTest(apply=value):
                response = self.client.get(self.page, {"apply": value})
                self.assertEqual(response.context["applied"], "")
                self.assertNotContains(response, "pre-filled")
        self.login_as(self.al_manager)
        response = self.client.get(self.page, {"apply": "baseline"})
        self.assertEqual(response.context["applied"], "")
        self.assertNotContains(response, "Apply this classification")

    def test_other_country_sees_only_what_its_lists_say(self):
        mk_item = new_item("https://mk.example.com/", country="MK")
        actions.add_item_hashes(mk_item, by=self.mk_analyst, values=[("sha256", SHA256), ("sha1", SHA1)])
        self.login_as(self.mk_analyst)
        response = self.client.get(reverse("hotline:item", args=[mk_item.pk]))
        known = {
            h.algorithm: [m.entry.hash_list.name for m in matches] for h, matches in response.context["item_hashes"]
        }
        # Albania's own list is private to Albania; North Macedonia's private list is its own.
        self.assertEqual(known, {"sha256": [], "sha1": ["MK private"]})
        self.assertNotContains(response, "AL own")


class ConfirmationTests(ItemHashesTestCase):
    def setUp(self):
        super().setUp()
        actions.add_item_hashes(
            self.item, by=self.al_analyst, values=[("sha256", SHA256), ("md5", MD5), ("pdq", PDQ, 80)]
        )
        self.login_as(self.al_analyst)

    def confirmed_list(self, centre=None):
        return HashList.objects.get(centre=centre or self.al_centre, name="al-sic confirmed")

    def test_baseline_assessment_adds_the_hashes_to_the_centres_own_list(self):
        response = self.assess("baseline")
        self.assertEqual(response.status_code, 302)
        own = self.confirmed_list()
        self.assertEqual((own.kind, own.shares_with_network, own.created_by), (ListKind.OWN, False, self.al_analyst))
        entries = {(e.algorithm, e.value): e for e in own.entries.all()}
        self.assertEqual(set(entries), {("sha256", SHA256), ("md5", MD5), ("pdq", PDQ)})
        for entry in entries.values():
            self.assertEqual(entry.classification, "baseline")
            self.assertEqual(entry.origin, f"hotline item {self.item.pk}")
            self.assertEqual(entry.added_by, self.al_analyst)
        self.assertEqual(entries[("pdq", PDQ)].quality, 80)
        # Not shared: no network list.
        self.assertFalse(HashList.objects.filter(kind=ListKind.NETWORK).exists())
        # One audit entry for the list, naming the hashes (not one per hash).
        confirmed = AuditEntry.objects.get(action="hashes.entries_confirmed")
        self.assertEqual((confirmed.changes["count"], confirmed.object_id), (3, str(own.pk)))
        self.assertEqual(self.item.events.get(kind=ItemEvent.Kind.ASSESSED).details["hashes_confirmed"], 3)
        # The page now knows them, from the centre's own list.
        page = self.client.get(self.page)
        self.assertContains(page, "in list al-sic confirmed (Albania SIC)")
        self.assertContains(page, "3 hashes joined the centre's hash lists")

    def test_list_is_created_once_and_reassessment_adds_nothing_twice(self):
        self.assess("national")
        other = new_item("https://other.example.com/")
        actions.add_item_hashes(other, by=self.al_analyst, values=[("sha1", SHA1), ("md5", MD5)])
        self.assess("national", item=other)
        self.assess("national")
        # Assessed again: nothing new joined, and the timeline does not say otherwise.
        latest = self.item.events.filter(kind=ItemEvent.Kind.ASSESSED).order_by("-at", "-pk").first()
        self.assertNotIn("hashes_confirmed", latest.details)
        self.assertEqual(HashList.objects.filter(centre=self.al_centre).count(), 1)
        own = self.confirmed_list()
        self.assertEqual(own.entries.count(), 4)
        self.assertEqual(set(own.entries.values_list("classification", flat=True)), {"national"})
        self.assertEqual(AuditEntry.objects.filter(action="hashes.list_created").count(), 1)

    def test_a_sharing_own_list_also_feeds_the_network_list(self):
        make_list(self.al_centre, "al-sic confirmed", shares_with_network=True)
        self.assess("national")
        network = HashList.objects.get(centre=self.al_centre, kind=ListKind.NETWORK)
        self.assertEqual(network.name, "al-sic network")
        self.assertEqual(
            set(network.entries.values_list("algorithm", "value", "classification")),
            {("sha256", SHA256, "national"), ("md5", MD5, "national"), ("pdq", PDQ, "national")},
        )
        # Hashes and classifications only: the URL goes nowhere near a network list.
        for entry in network.entries.all():
            self.assertNotIn("example", entry.origin)
        self.assertFalse(HashEntry.objects.filter(origin__contains="example.com").exists())
        # North Macedonia now knows the hash from the network list, without "added by" or origin.
        mk_item = new_item("https://mk.example.com/", country="MK")
        actions.add_item_hashes(mk_item, by=self.mk_analyst, values=[("sha256", SHA256)])
        self.login_as(self.mk_analyst)
        response = self.client.get(reverse("hotline:item", args=[mk_item.pk]))
        self.assertContains(response, "in list al-sic network (Albania SIC)")
        self.assertNotContains(response, "al-sic confirmed")
        self.assertNotContains(response, "bad[.]example")

    def test_an_existing_network_list_is_reused(self):
        make_list(self.al_centre, "al-sic confirmed", shares_with_network=True)
        shared = make_list(self.al_centre, "Albania to the network", kind=ListKind.NETWORK)
        self.assess("baseline")
        self.assertEqual(HashList.objects.filter(centre=self.al_centre, kind=ListKind.NETWORK).count(), 1)
        self.assertEqual(shared.entries.count(), 3)

    def test_not_illegal_and_other_codes_join_no_list(self):
        for code in ("not_illegal", "unavailable", "out_of_remit"):
            with self.subTest(code=code):
                self.assertEqual(self.assess(code).status_code, 302)
                self.item.refresh_from_db()
                self.assertEqual(self.item.assessment, code)
        self.assertFalse(HashList.objects.exists())
        self.assertFalse(HashEntry.objects.exists())

    def test_without_hashes_no_list_is_created(self):
        item = new_item("https://nohash.example.com/")
        self.assess("baseline", item=item)
        self.assertFalse(HashList.objects.exists())

    def test_the_assessment_and_the_lists_are_one_transaction(self):
        with (
            mock.patch("hashes.actions._store_rows", side_effect=RuntimeError("disk full")),
            self.assertRaises(RuntimeError),
        ):
            actions.assess_item(self.item, by=self.al_analyst, assessment="baseline")
        self.item.refresh_from_db()
        self.assertEqual(self.item.assessment, "")
        self.assertFalse(HashList.objects.exists())
        self.assertFalse(self.item.events.filter(kind=ItemEvent.Kind.ASSESSED).exists())


class ItemHashesApiTests(SicnetTestCase):
    def setUp(self):
        self.item = new_item("https://bad.example.com/api")
        self.base = f"/api/v1/hotline/items/{self.item.pk}/hashes"
        _t, self.token = create_api_token(
            self.al_analyst, membership=self.al_analyst.memberships.get(), name="test", days=30
        )
        _t, self.mk_token = create_api_token(
            self.mk_analyst, membership=self.mk_analyst.memberships.get(), name="mk", days=30
        )

    def call(self, method, body=None, token=None):
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if method == "GET":
            return self.client.get(self.base, headers=headers)
        return self.client.post(self.base, json.dumps(body or {}), content_type="application/json", headers=headers)

    def test_add_and_read_with_known_matches(self):
        own = make_list(self.al_centre, "AL own")
        entry = make_entry(own, "md5", MD5, "national")
        response = self.call("POST", {"hashes": [MD5, f"sha1:{SHA1}", MD5]})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["added"], 2)
        self.assertEqual(self.item.events.get(kind=ItemEvent.Kind.HASHES_ADDED).details["source"], "api")
        with self.assertNumQueries(4):  # the token (with its user and membership), the item, its hashes, matches
            response = self.call("GET")
        rows = {row["algorithm"]: row for row in response.json()["items"]}
        self.assertEqual(rows["md5"]["known"][0]["list_id"], str(entry.hash_list_id))
        self.assertEqual(rows["md5"]["known"][0]["classification"], "national")
        self.assertEqual(rows["md5"]["known"][0]["centre"], "al-sic")
        self.assertEqual(rows["sha1"]["known"], [])
        self.assertEqual(rows["sha1"]["added_by"], str(self.al_analyst.pk))

    def test_bad_input_is_422_and_nothing_changes(self):
        for body in (
            {},
            {"hashes": []},
            {"hashes": ["<script>alert(1)</script>"]},
            {"hashes": [MD5, "z" * 40]},
            {"hashes": [f"{n:032x}" for n in range(1001)]},
        ):
            with self.subTest(body=str(body)[:40]):
                response = self.call("POST", body)
                self.assertEqual(response.status_code, 422)
                self.assertIn("hashes", response.json()["errors"])
                self.assertNotIn("<script>", response.content.decode())
        self.assertFalse(self.item.hashes.exists())
        self.assertEqual(self.call("POST", {"hashes": "not a list"}).status_code, 422)

    def test_closed_item_is_409(self):
        actions.close_item(self.item, by=self.al_analyst, outcome="no_action")
        self.assertEqual(self.call("POST", {"hashes": [MD5]}).status_code, 409)
        self.assertFalse(self.item.hashes.exists())

    def test_other_country_gets_404(self):
        actions.add_item_hashes(self.item, by=self.al_analyst, values=[("md5", MD5)])
        self.assertEqual(self.call("GET", token=self.mk_token).status_code, 404)
        self.assertEqual(self.call("POST", {"hashes": [SHA1]}, token=self.mk_token).status_code, 404)
        self.assertEqual(self.item.hashes.count(), 1)


class LowQualityPdqTests(SicnetTestCase):
    def test_an_items_pdq_of_low_quality_is_kept_but_never_matched(self):
        from hotline.queries import hashes_with_matches

        listed = make_list(self.al_centre, "AL own")
        make_entry(listed, "pdq", PDQ, quality=90)
        item = new_item()
        actions.add_item_hashes(item, by=self.al_analyst, values=[("pdq", PDQ, 10)])
        self.assertEqual(
            [(h.quality, matches) for h, matches in hashes_with_matches(item, self.al_analyst)], [(10, [])]
        )
        item.hashes.update(quality=80)
        self.assertEqual(len(hashes_with_matches(item, self.al_analyst)[0][1]), 1)
