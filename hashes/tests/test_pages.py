"""The hash pages: lists, a list's entries, adding and disabling, export, lookup, languages."""

import json

from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hashes.models import HashEntry, HashList, ListKind
from hashes.tests.helpers import make_entry, make_list, sha256_of


class PageTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.al_own = make_list(cls.al_centre, "AL own")
        cls.al_network = make_list(cls.al_centre, "Network list", kind=ListKind.NETWORK)
        cls.entry = make_entry(cls.al_network, "sha256", sha256_of("x"), origin="hotline item AL-2026-000123")
        make_entry(cls.al_own, "md5", "a" * 32)

    def test_lists_show_own_and_network_lists_only(self):
        self.login_as(self.mk_analyst)
        with self.assertNumQueries(8):  # session, user, memberships, lists, unread count; the session saved
            response = self.client.get(reverse("hashes:lists"))
        self.assertContains(response, "Network list")
        self.assertNotContains(response, "AL own")
        self.login_as(self.al_analyst)
        response = self.client.get(reverse("hashes:lists"))
        self.assertContains(response, "AL own")
        self.assertIsNone(response.context["form"])  # analysts do not create lists

    def test_network_list_shows_hashes_and_classifications_only_to_other_centres(self):
        url = reverse("hashes:list", args=[self.al_network.pk])
        self.login_as(self.mk_analyst)
        response = self.client.get(url)
        self.assertContains(response, self.entry.value)
        self.assertNotContains(response, "AL-2026-000123")
        self.assertIsNone(response.context["entry_form"])
        self.login_as(self.al_analyst)
        self.assertContains(self.client.get(url), "AL-2026-000123")
        # Another centre's own list is "not found".
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.get(reverse("hashes:list", args=[self.al_own.pk])).status_code, 404)

    def test_entries_are_paginated_and_filtered_with_few_queries(self):
        for number in range(120):
            make_entry(self.al_own, "sha1", f"{number:040x}")
        self.login_as(self.al_analyst)
        url = reverse("hashes:list", args=[self.al_own.pk])
        with self.assertNumQueries(11):  # 6, recent imports, the unread count, the session saved (idle timeout)
            response = self.client.get(url, {"algorithm": "sha1"})
        self.assertEqual(response.context["page"].paginator.count, 120)
        self.assertEqual(len(response.context["page"].object_list), 100)
        response = self.client.get(url, {"value": "AAAA"})
        self.assertEqual([e.algorithm for e in response.context["page"]], ["md5"])

    def test_create_list_is_audited(self):
        self.login_as(self.al_supervisor)
        data = {"centre": str(self.al_centre.pk), "name": "Partner X", "kind": "partner", "trust_level": "medium"}
        response = self.client.post(reverse("hashes:list_create"), data)
        created = HashList.objects.get(name="Partner X")
        self.assertRedirects(response, reverse("hashes:list", args=[created.pk]))
        self.assertEqual(created.centre, self.al_centre)
        self.assertTrue(AuditEntry.objects.filter(action="hashes.list_created", object_id=str(created.pk)).exists())
        # A centre where the user is not supervisor cannot be chosen.
        response = self.client.post(reverse("hashes:list_create"), {**data, "centre": str(self.mk_centre.pk)})
        self.assertEqual(response.status_code, 400)

    def test_add_entry_normalises_and_audits_bad_input_changes_nothing(self):
        self.login_as(self.al_analyst)
        url = reverse("hashes:list", args=[self.al_own.pk])
        response = self.client.post(url, {"algorithm": "sha1", "value": "AB" * 20, "classification": "national"})
        self.assertRedirects(response, url)
        entry = self.al_own.entries.get(algorithm="sha1")
        self.assertEqual((entry.value, entry.added_by), ("ab" * 20, self.al_analyst))
        self.assertTrue(AuditEntry.objects.filter(action="hashes.entry_added", object_id=str(entry.pk)).exists())
        count = HashEntry.objects.count()
        response = self.client.post(url, {"algorithm": "sha1", "value": "ab" * 16, "classification": "national"})
        self.assertContains(response, "A SHA-1 value has 40 hexadecimal digits.", status_code=400)
        self.assertEqual(HashEntry.objects.count(), count)
        # North Macedonia reads Albania's network list but cannot add to it; Albania's own list is not found.
        self.login_as(self.mk_analyst)
        data = {"algorithm": "md5", "value": "b" * 32, "classification": "baseline"}
        response = self.client.post(reverse("hashes:list", args=[self.al_network.pk]), data)
        self.assertEqual(response.status_code, 403)
        response = self.client.post(reverse("hashes:list", args=[self.al_own.pk]), data)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(HashEntry.objects.count(), count)

    def test_disable_and_enable_entry(self):
        self.login_as(self.al_analyst)
        url = reverse("hashes:entry_toggle", args=[self.al_network.pk, self.entry.pk])
        self.client.post(url)
        self.entry.refresh_from_db()
        self.assertFalse(self.entry.is_active)
        self.client.post(url)
        self.entry.refresh_from_db()
        self.assertTrue(self.entry.is_active)
        actions = list(AuditEntry.objects.filter(object_id=str(self.entry.pk)).values_list("action", flat=True))
        self.assertEqual(sorted(actions), ["hashes.entry_disabled", "hashes.entry_enabled"])
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.post(url).status_code, 403)  # a network list: readable, not changeable
        own = make_entry(self.al_own, "sha1", "c" * 40)
        self.assertEqual(
            self.client.post(reverse("hashes:entry_toggle", args=[self.al_own.pk, own.pk])).status_code, 404
        )

    def test_export_in_each_format(self):
        self.login_as(self.mk_analyst)
        url = reverse("hashes:export", args=[self.al_network.pk])
        csv_text = b"".join(self.client.get(url, {"format": "csv"}).streaming_content).decode()
        self.assertEqual(csv_text.splitlines()[1], f"sha256,{self.entry.value},baseline,")
        lines = b"".join(self.client.get(url, {"format": "jsonl"}).streaming_content).decode().splitlines()
        self.assertEqual(
            json.loads(lines[0]), {"algorithm": "sha256", "value": self.entry.value, "classification": "baseline"}
        )
        text = b"".join(self.client.get(url, {"format": "txt"}).streaming_content).decode()
        self.assertEqual(text, f"sha256:{self.entry.value}\n")
        self.assertNotIn("AL-2026", csv_text + text)
        self.assertTrue(AuditEntry.objects.filter(action="hashes.list_exported").exists())

    def test_lookup_by_pasted_hashes(self):
        self.login_as(self.mk_analyst)
        response = self.client.post(reverse("hashes:lookup"), {"hashes": f"{self.entry.value.upper()}\n{'a' * 32}\n"})
        self.assertEqual([m.entry for m in response.context["matches"]], [self.entry])  # not Albania's own list
        response = self.client.post(reverse("hashes:lookup"), {"hashes": "zz"})
        self.assertContains(response, "Line 1:", status_code=400)

    def test_pages_in_every_language(self):
        for language in ("en", "sq", "mk", "sr", "sr-latn", "bs", "hr"):
            self.al_analyst.language = language
            self.al_analyst.save(update_fields=["language"])
            self.login_as(self.al_analyst)
            for url in (
                reverse("hashes:lists"),
                reverse("hashes:list", args=[self.al_own.pk]),
                reverse("hashes:lookup"),
            ):
                with self.subTest(language=language, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, f'lang="{language}"')


class LanguagesTests(SicnetTestCase):
    def test_pages_are_translated_into_every_interface_language(self):
        from django.conf import settings
        from django.utils import translation

        from hashes.models import ImportJob

        hash_list = make_list(self.al_centre, "AL own")
        job = ImportJob.objects.create(
            hash_list=hash_list,
            created_by=self.al_supervisor,
            file_name="l.txt",
            fmt="txt",
            classification="baseline",
            size=1,
        )
        pages = {
            reverse("hashes:lists"): "Hash lists",
            reverse("hashes:list", args=[hash_list.pk]): "Change the list's settings",
            reverse("hashes:lookup"): "Hash lists",
            reverse("hashes:import_job", args=[job.pk]): "Lines read",
        }
        for code, _name in settings.LANGUAGES:
            self.al_supervisor.language = code
            self.al_supervisor.save(update_fields=["language"])
            self.login_as(self.al_supervisor)
            for url, english in pages.items():
                with translation.override(code):
                    expected = translation.gettext(english)
                if code != "en":
                    self.assertNotEqual(expected, english, f"{english!r} is not translated into {code}")
                response = self.client.get(url)
                self.assertContains(response, f'<html lang="{code}">', msg_prefix=f"{url} {code}")
                self.assertContains(response, expected, msg_prefix=f"{url} {code}")
