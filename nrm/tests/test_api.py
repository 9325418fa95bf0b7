"""The staff API reads assessments and rates through the same action as the pages."""

from __future__ import annotations

from accounts.actions import create_api_token
from audit.models import AuditEntry
from nrm.models import Assessment, Rating
from nrm.tests.test_assessments import NrmTestCase


class ApiTests(NrmTestCase):
    def test_list_is_scoped_and_counted(self):
        Assessment.objects.create(country=self.mk, framework=self.framework, period="2025")
        self.login_as(self.al_analyst)
        with self.assertNumQueries(8):  # session, user, memberships, the count, the page; the session saved
            response = self.client.get("/api/v1/nrm/assessments")
        self.assertEqual([a["country"] for a in response.json()["items"]], ["AL"])

    def test_rating_with_a_token(self):
        _token, plain = create_api_token(
            self.al_manager, membership=self.al_manager.memberships.get(), name="t", days=30
        )
        response = self.client.post(
            f"/api/v1/nrm/assessments/{self.draft.pk}/ratings",
            {"capability": 12, "level": 3, "links": ["https://example.org"]},
            content_type="application/json",
            headers={"Authorization": f"Bearer {plain}"},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["ratings"][0], {
            "capability": 12, "level": 3, "evidence": "", "links": ["https://example.org"], "gaps": "",
            "recommendations": "",
        })  # fmt: skip
        self.assertTrue(AuditEntry.objects.filter(action="nrm.capability_rated").exists())

    def test_a_bad_level_changes_nothing(self):
        self.login_as(self.al_manager)
        response = self.client.post(
            f"/api/v1/nrm/assessments/{self.draft.pk}/ratings",
            {"capability": 12, "level": 9},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Rating.objects.exists())

    def test_the_other_country_gets_404(self):
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.get(f"/api/v1/nrm/assessments/{self.draft.pk}").status_code, 404)


class EvidenceApiTests(NrmTestCase):
    def url(self, number=12):
        return f"/api/v1/nrm/assessments/{self.draft.pk}/ratings/{number}/evidence"

    def upload(self, content: bytes, name="law.pdf", number=12):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(self.url(number), {"document": SimpleUploadedFile(name, content)})

    def test_a_pdf_is_attached_to_a_rated_capability_and_served_to_readers(self):
        from nrm import actions
        from nrm.models import Capability, EvidenceFile
        from nrm.tests.test_assessments import PDF

        capability = Capability.objects.get(domain__framework=self.framework, number=12)
        actions.rate_capability(self.draft, capability, by=self.al_manager, level=2)
        self.login_as(self.al_manager)
        response = self.upload(PDF)
        self.assertEqual(response.status_code, 201, response.content)
        document = EvidenceFile.objects.get(pk=response.json()["id"])
        self.assertEqual((document.original_name, document.size), ("law.pdf", len(PDF)))
        self.assertTrue(AuditEntry.objects.filter(action="nrm.evidence_attached", centre_id=self.al_centre.pk))
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get(f"/nrm/evidence/{document.pk}/").status_code, 200)

    def test_refusals_change_nothing(self):
        from nrm.models import EvidenceFile
        from nrm.tests.test_assessments import PDF

        self.login_as(self.al_manager)
        self.assertEqual(self.upload(PDF).status_code, 422)  # not rated yet
        self.assertEqual(self.upload(b"<script>alert(1)</script>", name="x.pdf").status_code, 422)
        self.assertEqual(self.upload(PDF, number=999).status_code, 404)
        self.assertEqual(self.client.post(self.url()).status_code, 422)  # no file
        self.login_as(self.al_analyst)  # a reader, not an editor
        self.assertEqual(self.upload(PDF).status_code, 403)
        self.login_as(self.mk_manager)  # another country's draft does not exist for them
        self.assertEqual(self.upload(PDF).status_code, 404)
        self.assertFalse(EvidenceFile.objects.exists())
