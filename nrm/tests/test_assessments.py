"""Assessments: the framework data, the workflow, ratings with evidence, action plans, editors."""

from __future__ import annotations

import datetime
import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from nrm import actions
from nrm.forms import MAX_EVIDENCE_BYTES
from nrm.models import ActionItem, Assessment, Capability, Domain, Editor, EvidenceFile, MaturityLevel, Rating, Status
from nrm.queries import current_framework

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class NrmTestCase(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.al = cls.network["countries"]["AL"]
        cls.mk = cls.network["countries"]["MK"]
        cls.framework = current_framework()
        cls.draft = Assessment.objects.create(country=cls.al, framework=cls.framework, period="2025")

    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)

    def rate(self, assessment, number, level, **extra):
        return self.client.post(
            reverse("nrm:rate", args=[assessment.pk, number]), {"level": level, **extra}, format="multipart"
        )


class FrameworkDataTests(NrmTestCase):
    def test_the_framework_has_six_domains_and_twenty_one_capabilities(self):
        self.assertEqual(Domain.objects.filter(framework=self.framework).count(), 6)
        self.assertEqual(
            list(Capability.objects.filter(domain__framework=self.framework).values_list("number", flat=True)),
            list(range(1, 22)),
        )
        self.assertEqual(Capability.objects.get(number=12).name, "CSEA hotline")

    def test_maturity_levels_can_be_renamed(self):
        level = MaturityLevel.objects.get(framework=self.framework, level=2)
        self.assertIn("placeholder", level.name)
        level.name, level.names = "Emerging", {"sq": "Në zhvillim"}
        level.save()
        self.login_as(self.al_manager)
        self.rate(self.draft, 1, 2)
        response = self.client.get(reverse("nrm:assessment", args=[self.draft.pk]))
        self.assertContains(response, "2 · Emerging")


class WorkflowTests(NrmTestCase):
    def test_draft_submit_validate_reopen(self):
        self.login_as(self.al_manager)
        self.assertEqual(self.rate(self.draft, 3, 2, evidence="Criminal code art. 117").status_code, 302)
        self.client.post(reverse("nrm:transition", args=[self.draft.pk]), {"action": "submit"})
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, Status.SUBMITTED)
        # Submitted: the editor can no longer change a rating.
        response = self.rate(self.draft, 3, 4)
        self.assertContains(response, "cannot be done while the assessment is Submitted")
        self.assertEqual(Rating.objects.get(assessment=self.draft, capability__number=3).level, 2)
        # The manager cannot validate their own country's assessment.
        response = self.client.post(reverse("nrm:transition", args=[self.draft.pk]), {"action": "validate"})
        self.assertEqual(response.status_code, 403)

        self.login_as(self.coordinator)
        self.client.post(reverse("nrm:transition", args=[self.draft.pk]), {"action": "validate"})
        self.draft.refresh_from_db()
        self.assertEqual((self.draft.status, self.draft.validated_by), (Status.VALIDATED, self.coordinator))
        self.client.post(reverse("nrm:transition", args=[self.draft.pk]), {"action": "publish"})
        self.draft.refresh_from_db()
        self.assertTrue(self.draft.is_published)
        self.client.post(reverse("nrm:transition", args=[self.draft.pk]), {"action": "reopen"})
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, Status.REOPENED)
        self.assertFalse(self.draft.is_published, "reopening withdraws it from the public site")

        self.login_as(self.al_manager)
        self.assertEqual(self.rate(self.draft, 3, 4).status_code, 302)
        actions_logged = list(
            AuditEntry.objects.filter(object_id=str(self.draft.pk)).order_by("seq").values_list("action", flat=True)
        )
        self.assertEqual(
            actions_logged,
            [
                "nrm.capability_rated",
                "nrm.assessment_submitted",
                "nrm.assessment_validated",
                "nrm.assessment_published",
                "nrm.assessment_reopened",
                "nrm.capability_rated",
            ],
        )

    def test_the_summary_is_edited_while_a_draft(self):
        self.login_as(self.al_manager)
        url = reverse("nrm:summary", args=[self.draft.pk])
        self.assertRedirects(self.client.post(url, {"summary": "Strong hotline, weak laws."}),
                             reverse("nrm:assessment", args=[self.draft.pk]))  # fmt: skip
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.summary, "Strong hotline, weak laws.")
        response = self.client.post(url, {"summary": "x" * 5001})
        self.assertEqual(response.status_code, 400)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.summary, "Strong hotline, weak laws.")
        actions.submit_assessment(self.draft, by=self.al_manager)
        response = self.client.post(url, {"summary": "Changed"}, follow=True)
        self.assertContains(response, "cannot be done while the assessment is Submitted")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.summary, "Strong hotline, weak laws.")

    def test_a_draft_cannot_be_published_or_validated(self):
        self.login_as(self.coordinator)
        response = self.client.post(reverse("nrm:transition", args=[self.draft.pk]), {"action": "publish"}, follow=True)
        self.assertContains(response, "cannot be done while the assessment is Draft")
        self.client.post(reverse("nrm:transition", args=[self.draft.pk]), {"action": "validate"})
        self.draft.refresh_from_db()
        self.assertEqual((self.draft.status, self.draft.is_published), (Status.DRAFT, False))

    def test_the_other_countrys_manager_gets_404_on_a_draft(self):
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.get(reverse("nrm:assessment", args=[self.draft.pk])).status_code, 404)
        self.assertEqual(self.rate(self.draft, 1, 3).status_code, 404)
        self.assertFalse(Rating.objects.exists())

    def test_a_reader_who_is_not_an_editor_cannot_rate(self):
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get(reverse("nrm:assessment", args=[self.draft.pk])).status_code, 200)
        self.assertEqual(self.rate(self.draft, 1, 3).status_code, 403)

    def test_a_named_editor_edits_and_removal_ends_it(self):
        self.login_as(self.al_manager)
        response = self.client.post(reverse("nrm:editors"), {"country": self.al.pk, "email": "al_analyst@test.example"})
        self.assertRedirects(response, reverse("nrm:editors"))
        self.login_as(self.al_analyst)
        self.assertEqual(self.rate(self.draft, 1, 3).status_code, 302)
        self.login_as(self.al_manager)
        editor = Editor.objects.get()
        self.client.post(reverse("nrm:remove_editor", args=[editor.pk]))
        self.login_as(self.al_analyst)
        self.assertEqual(self.rate(self.draft, 1, 1).status_code, 403)

    def test_only_a_member_of_the_country_can_be_named(self):
        self.login_as(self.al_manager)
        response = self.client.post(reverse("nrm:editors"), {"country": self.al.pk, "email": "mk_analyst@test.example"})
        self.assertContains(response, "No member of a centre of this country has this email address.")
        self.assertFalse(Editor.objects.exists())

    def test_a_period_is_unique_per_country(self):
        self.login_as(self.al_manager)
        response = self.client.post(reverse("nrm:assessments"), {"country": self.al.pk, "period": "2025"})
        self.assertContains(response, "already has an assessment for this period")
        response = self.client.post(reverse("nrm:assessments"), {"country": self.al.pk, "period": "2026"})
        self.assertEqual(Assessment.objects.filter(country=self.al).count(), 2)

    def test_a_manager_cannot_create_for_another_country(self):
        self.login_as(self.al_manager)
        self.client.post(reverse("nrm:assessments"), {"country": self.mk.pk, "period": "2026"})
        self.assertFalse(Assessment.objects.filter(country=self.mk).exists())


class EvidenceTests(NrmTestCase):
    def test_a_pdf_is_stored_privately_and_served_to_readers_only(self):
        self.login_as(self.al_manager)
        upload = SimpleUploadedFile("law.pdf", PDF, content_type="application/pdf")
        self.assertEqual(self.rate(self.draft, 3, 2, document=upload).status_code, 302)
        document = EvidenceFile.objects.get()
        self.assertTrue(document.file.name.startswith("private/nrm/evidence/"))
        self.assertNotIn("law", document.file.name)
        response = self.client.get(reverse("nrm:evidence", args=[document.pk]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.get(reverse("nrm:evidence", args=[document.pk])).status_code, 404)

    def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(self):
        self.login_as(self.al_manager)
        upload = SimpleUploadedFile("law.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        response = self.rate(self.draft, 3, 2, document=upload)
        self.assertContains(response, "Only PDF documents can be attached.")
        self.assertFalse(EvidenceFile.objects.exists())
        self.assertFalse(Rating.objects.exists())

    def test_a_file_too_large_is_refused(self):
        self.login_as(self.al_manager)
        upload = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_EVIDENCE_BYTES)
        response = self.rate(self.draft, 3, 2, document=upload)
        self.assertContains(response, "The file is too large")
        self.assertFalse(EvidenceFile.objects.exists())

    def test_links_must_be_web_addresses(self):
        self.login_as(self.al_manager)
        response = self.rate(self.draft, 3, 2, links="https://example.org/law\njavascript:alert(1)")
        self.assertContains(response, "is not a web address")
        self.assertEqual(self.rate(self.draft, 3, 2, links="https://example.org/law").status_code, 302)
        self.assertEqual(Rating.objects.get().link_list, ["https://example.org/law"])


class ActionPlanTests(NrmTestCase):
    def test_items_comments_and_overdue_across_the_network(self):
        self.login_as(self.al_manager)
        response = self.client.post(
            reverse("nrm:add_action_item", args=[self.draft.pk]),
            {"title": "Set up a hotline", "owner_organisation": "Ministry", "due_date": "2020-01-31", "capability": ""},
        )
        self.assertEqual(response.status_code, 302)
        item = ActionItem.objects.get()
        self.client.post(reverse("nrm:action_item", args=[item.pk]), {"status": "in_progress", "comment": "Funded"})
        item.refresh_from_db()
        self.assertEqual(item.status, "in_progress")
        self.assertEqual(item.comments.get().text, "Funded")
        self.assertTrue(item.is_overdue)
        self.login_as(self.coordinator)
        response = self.client.get(reverse("nrm:compare"))
        self.assertContains(response, "Set up a hotline")
        self.login_as(self.mk_manager)
        self.assertNotContains(self.client.get(reverse("nrm:compare")), "Set up a hotline")

    def test_a_bad_due_date_changes_nothing(self):
        self.login_as(self.al_manager)
        response = self.client.post(
            reverse("nrm:add_action_item", args=[self.draft.pk]),
            {"title": "X", "owner_organisation": "Ministry", "due_date": "soon"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Enter a valid date.", status_code=400)
        self.assertFalse(ActionItem.objects.exists())

    def test_done_items_are_not_overdue(self):
        item = actions.add_action_item(
            self.draft, by=self.al_manager, title="X", owner_organisation="Y", due_date=datetime.date(2020, 1, 1)
        )
        actions.update_action_item(item, by=self.al_manager, status="done")
        self.assertFalse(ActionItem.objects.overdue().exists())


class ListTests(NrmTestCase):
    def test_the_list_shows_only_the_users_countries(self):
        Assessment.objects.create(country=self.mk, framework=self.framework, period="2025")
        self.login_as(self.al_analyst)
        with self.assertNumQueries(9):  # with the unread notifications count in the header
            response = self.client.get(reverse("nrm:assessments"))
        self.assertEqual([a.country for a in response.context["assessments"]], [self.al])
        self.login_as(self.coordinator)
        self.assertEqual(len(self.client.get(reverse("nrm:assessments")).context["assessments"]), 2)


class AuditOfCountryRecordsTests(NrmTestCase):
    def test_country_level_changes_reach_the_audit_log_of_the_acting_centre(self):
        self.login_as(self.al_manager)
        self.assertEqual(self.rate(self.draft, 3, 2).status_code, 302)
        entry = AuditEntry.objects.get(action="nrm.capability_rated")
        self.assertEqual(entry.centre_id, self.al_centre.pk)
        # The Albanian centre's auditor reads it; North Macedonia's does not.
        self.login_as(self.al_auditor)
        self.assertContains(self.client.get(reverse("audit:log")), "nrm.capability_rated")
        self.login_as(self.mk_auditor)
        self.assertNotContains(self.client.get(reverse("audit:log")), "nrm.capability_rated")
