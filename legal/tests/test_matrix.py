"""The legal matrix: provisions as data, entries with history, validation, gaps, exports."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from legal import actions
from legal.exports import safe_cell
from legal.models import Editor, Entry, EntryChange, Provision


class LegalTestCase(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.al = cls.network["countries"]["AL"]
        cls.mk = cls.network["countries"]["MK"]
        cls.l08 = Provision.objects.get(code="L08")

    def edit(self, country, code, **values):
        data = {"status": "partial", "national_law": "", "article": "", "note": "", "source": "", **values}
        return self.client.post(reverse("legal:edit_entry", args=[country.pk, code]), data)


class ProvisionDataTests(LegalTestCase):
    def test_the_provisions_are_loaded_with_their_references(self):
        self.assertEqual(Provision.objects.count(), 28)
        self.assertIn("Lanzarote Art. 20(1)(e)", self.l08.references)
        self.assertEqual(self.l08.group, "CSAM offences")


class EntryTests(LegalTestCase):
    def test_every_change_is_kept_and_audited(self):
        self.login_as(self.al_manager)
        self.assertEqual(self.edit(self.al, "L08", status="none", note="No possession offence").status_code, 302)
        self.edit(self.al, "L08", status="full", national_law="Criminal Code", article="Art. 117")
        entry = Entry.objects.get(country=self.al, provision=self.l08)
        self.assertEqual((entry.status, entry.article, entry.reviewed_by), ("full", "Art. 117", self.al_manager))
        self.assertEqual(
            list(EntryChange.objects.filter(entry=entry).order_by("created_at").values_list("status", flat=True)),
            ["none", "full"],
        )
        self.assertEqual(AuditEntry.objects.filter(action="legal.entry_updated").count(), 2)
        response = self.client.get(reverse("legal:edit_entry", args=[self.al.pk, "L08"]))
        self.assertContains(response, "No possession offence")
        self.assertContains(response, "Lanzarote Art. 20(1)(e)")

    def test_a_bad_status_changes_nothing(self):
        self.login_as(self.al_manager)
        response = self.edit(self.al, "L08", status="maybe")
        self.assertContains(response, "Select a valid choice.")
        self.assertFalse(Entry.objects.exists())

    def test_the_other_countrys_manager_gets_404(self):
        self.login_as(self.mk_manager)
        self.assertEqual(self.edit(self.al, "L08").status_code, 404)
        self.assertEqual(self.client.get(reverse("legal:country", args=[self.al.pk])).status_code, 404)
        self.assertFalse(Entry.objects.exists())

    def test_readers_cannot_edit_but_named_editors_can(self):
        self.login_as(self.al_analyst)
        self.assertEqual(self.edit(self.al, "L08").status_code, 403)
        Editor.objects.create(country=self.al, user=self.al_analyst, named_by=self.al_manager)
        self.assertEqual(self.edit(self.al, "L08").status_code, 302)

    def test_naming_an_editor_twice_is_recorded_once(self):
        for _time in range(2):
            actions.name_editor(self.al, self.al_analyst, by=self.al_manager)
        self.assertEqual(Editor.objects.filter(country=self.al, user=self.al_analyst).count(), 1)
        self.assertEqual(AuditEntry.objects.filter(action="legal.editor_named").count(), 1)


class ValidationTests(LegalTestCase):
    def test_other_countries_see_only_validated_entries_and_an_edit_unvalidates(self):
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="full", national_law="Criminal Code")
        self.login_as(self.mk_manager)
        self.assertNotContains(self.client.get(reverse("legal:matrix")), "Criminal Code")
        self.login_as(self.coordinator)
        self.client.post(reverse("legal:validate", args=[self.al.pk]))
        self.assertIsNotNone(Entry.objects.get().validated_at)
        self.assertEqual(EntryChange.objects.filter(kind="validated").count(), 1)
        self.login_as(self.mk_manager)
        self.assertContains(self.client.get(reverse("legal:matrix")), "Criminal Code")
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="partial", national_law="Draft law")
        self.assertIsNone(Entry.objects.get().validated_at)
        response = self.client.get(reverse("legal:matrix"))
        self.assertNotContains(response, "Draft law")

    def test_the_matrix_is_read_in_a_fixed_number_of_queries(self):
        for provision in Provision.objects.all()[:5]:
            actions.update_entry(self.al, provision, by=self.al_manager, status="full")
        self.login_as(self.coordinator)
        with self.assertNumQueries(12):  # with the unread notifications count in the header
            response = self.client.get(reverse("legal:matrix"))
        self.assertContains(response, "Full", count=5)

    def test_managers_cannot_validate(self):
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="full")
        self.login_as(self.al_manager)
        self.assertEqual(self.client.post(reverse("legal:validate", args=[self.al.pk])).status_code, 403)
        self.assertIsNone(Entry.objects.get().validated_at)


class GapTests(LegalTestCase):
    def test_the_gap_list_names_what_is_missing(self):
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="full")
        actions.update_entry(self.al, Provision.objects.get(code="L15"), by=self.al_manager, status="none")
        actions.update_entry(self.al, Provision.objects.get(code="L17"), by=self.al_manager, status="not_applicable")
        self.login_as(self.state_viewer)
        response = self.client.get(reverse("legal:gaps", args=[self.al.pk]))
        codes = [provision.code for provision, _entry in response.context["gaps"]]
        self.assertIn("L15", codes)
        self.assertIn("L01", codes, "a provision without an entry is a gap")
        self.assertNotIn("L08", codes)
        self.assertNotIn("L17", codes)
        self.assertContains(response, "Sexual extortion or coercion of children (sextortion)")


class ExportTests(LegalTestCase):
    def test_csv_neutralises_formulas(self):
        for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
            self.assertEqual(safe_cell(text), "'" + text)
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="full", note="=cmd|' /C calc'!A0")
        self.login_as(self.al_manager)
        rows = list(csv.reader(io.StringIO(self.client.get(reverse("legal:export_csv")).content.decode())))
        al_l08 = next(r for r in rows if r[1] == "L08" and r[3] == "AL")
        self.assertEqual(al_l08[7], "'=cmd|' /C calc'!A0")
        self.assertEqual(al_l08[4], "Full")

    def test_pdf_carries_the_matrix(self):
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="partial", national_law="Kodi Penal")
        self.login_as(self.coordinator)
        response = self.client.get(reverse("legal:export_pdf"))
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        self.assertIn("Legal harmonisation matrix", text)
        self.assertIn("Kodi Penal", text)
        self.assertIn("CSAM offences", text)


class CoordinationAuditTests(LegalTestCase):
    def test_the_coordinators_steps_are_recorded_under_the_coordination_centre(self):
        actions.validate_country(self.al, by=self.coordinator)
        entry = AuditEntry.objects.get(action="legal.country_validated")
        self.assertEqual(entry.centre_id, self.coordinator.memberships.get().centre_id)
