"""The comparison: heatmap (text in every cell), domain scores, radar charts, change, exports."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from pypdf import PdfReader

from nrm import actions
from nrm.exports import safe_cell
from nrm.models import Assessment, Capability, Rating, Status
from nrm.tests.test_assessments import NrmTestCase


def rate(assessment, number, level, by, **extra):
    actions.rate_capability(assessment, Capability.objects.get(number=number), by=by, level=level, **extra)


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


class CompareTests(NrmTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mk_validated = Assessment.objects.create(
            country=cls.mk, framework=cls.framework, period="2024", status=Status.VALIDATED
        )
        Assessment.objects.create(country=cls.mk, framework=cls.framework, period="2025")  # an MK draft
        rate(cls.draft, 12, 3, cls.al_manager)
        rate(cls.draft, 1, 1, cls.al_manager)

    def heatmap_cell(self, response, country: str, number: int) -> str:
        rows = {row.country.code: row for row in response.context["rows"]}
        return rows[country].levels.get(number, 0)

    def test_members_see_validated_assessments_and_their_own_drafts(self):
        Rating.objects.create(assessment=self.mk_validated, capability=Capability.objects.get(number=12), level=2)
        self.login_as(self.al_analyst)
        response = self.client.get(reverse("nrm:compare"))
        self.assertEqual(self.heatmap_cell(response, "AL", 12), 3)
        self.assertEqual(self.heatmap_cell(response, "MK", 12), 2)
        rows = {row.country.code: row for row in response.context["rows"]}
        self.assertEqual(rows["MK"].assessment, self.mk_validated, "never another country's draft")
        # Every cell is readable without colour: the number and the level's name in text.
        self.assertContains(response, '3<span class="visually-hidden"> · CSEA hotline: Established (placeholder name)')
        self.assertContains(response, "<svg", count=2)
        self.assertContains(response, 'role="img"')

    def test_the_heatmap_is_read_in_a_fixed_number_of_queries(self):
        self.login_as(self.coordinator)
        with self.assertNumQueries(17):  # with the unread notifications count in the header
            self.client.get(reverse("nrm:compare"))

    def test_domain_scores_average_the_rated_capabilities(self):
        self.login_as(self.al_manager)
        response = self.client.get(reverse("nrm:assessment", args=[self.draft.pk]))
        scores = {block["domain"].number: block["score"] for block in response.context["domains"]}
        self.assertEqual(scores[1], 1.0)  # only capability 1 is rated in Policy and Governance
        self.assertEqual(scores[4], 3.0)
        self.assertIsNone(scores[2])

    def test_change_between_two_assessments(self):
        later = Assessment.objects.create(country=self.al, framework=self.framework, period="2026")
        rate(later, 12, 4, self.al_manager)
        self.login_as(self.al_manager)
        response = self.client.get(reverse("nrm:change", args=[later.pk]))
        row = next(r for r in response.context["rows"] if r["capability"].number == 12)
        self.assertEqual(row["delta"], 1)
        self.assertContains(response, "+1")
        self.assertEqual(response.context["other"], self.draft)
        mk_other = reverse("nrm:change", args=[later.pk]) + f"?other={self.mk_validated.pk}"
        self.assertEqual(self.client.get(mk_other).status_code, 404)

    def test_state_viewers_read_their_country_but_not_the_comparison(self):
        self.login_as(self.state_viewer)
        self.assertEqual(self.client.get(reverse("nrm:assessment", args=[self.draft.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("nrm:assessment", args=[self.mk_validated.pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("nrm:compare")).status_code, 403)


class ExportTests(NrmTestCase):
    def test_csv_cells_never_start_a_formula(self):
        for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
            self.assertEqual(safe_cell(text), "'" + text)
        self.assertEqual(safe_cell("Law 1"), "Law 1")
        rate(self.draft, 3, 2, self.al_manager, evidence='=HYPERLINK("http://evil")')
        self.login_as(self.al_manager)
        response = self.client.get(reverse("nrm:assessment_csv", args=[self.draft.pk]))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        self.assertEqual(rows[3][4], '\'=HYPERLINK("http://evil")')
        self.assertEqual(len(rows), 22)

    def test_the_assessment_pdf_carries_its_text(self):
        rate(self.draft, 12, 3, self.al_manager, gaps="No <b>hotline</b> yet")
        self.login_as(self.al_manager)
        response = self.client.get(reverse("nrm:assessment_pdf", args=[self.draft.pk]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pdf_text(response)
        self.assertIn("Albania", text)
        self.assertIn("CSEA hotline", text)
        self.assertIn("No <b>hotline</b>", text)
        self.assertIn("Policy and Governance", text)

    def test_the_comparison_pdf_and_csv(self):
        Assessment.objects.create(country=self.mk, framework=self.framework, period="2024", status=Status.VALIDATED)
        self.login_as(self.coordinator)
        text = pdf_text(self.client.get(reverse("nrm:compare_pdf")))
        self.assertIn("Regional comparison", text)
        self.assertIn("North Macedonia", text)
        self.assertIn("Universal terminology", text)
        rows = list(csv.reader(io.StringIO(self.client.get(reverse("nrm:compare_csv")).content.decode())))
        self.assertEqual(len(rows[0]), 3 + 21)
