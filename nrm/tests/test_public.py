"""The public page shows validated, published assessment summaries only."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from nrm import actions
from nrm.models import Assessment, Capability, Rating, Status
from nrm.tests.test_assessments import NrmTestCase


class PublicSummaryTests(NrmTestCase):
    def url(self, language="en"):
        with translation.override(language):
            return reverse("nrm_public:summaries")

    def test_only_published_validated_assessments_are_shown(self):
        Rating.objects.create(assessment=self.draft, capability=Capability.objects.get(number=11), level=4)
        mk = Assessment.objects.create(country=self.mk, framework=self.framework, period="2024")
        response = self.client.get(self.url())
        self.assertContains(response, "No assessment has been published yet.")
        actions.submit_assessment(self.draft, by=self.al_manager)
        actions.validate_assessment(self.draft, by=self.coordinator)
        response = self.client.get(self.url())
        self.assertNotContains(response, "Albania", msg_prefix="validated but not published")
        actions.set_published(self.draft, by=self.coordinator, published=True)
        response = self.client.get(self.url("sq"))
        self.assertContains(response, "Shqipëria")
        self.assertContains(response, '4<span class="visually-hidden"> · Child helpline: Maturity')
        self.assertNotContains(response, "Северна Македонија")
        self.assertEqual(mk.status, Status.DRAFT)
        actions.reopen_assessment(self.draft, by=self.coordinator)
        self.assertNotContains(self.client.get(self.url()), "Albania")
