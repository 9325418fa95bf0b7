"""The public matrix shows the validated entries of the countries the coordinator published."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from legal import actions
from legal.tests.test_matrix import LegalTestCase


class PublicMatrixTests(LegalTestCase):
    def get(self):
        with translation.override("en"):
            return self.client.get(reverse("legal_public:matrix"))

    def test_only_validated_entries_of_published_countries(self):
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="full", national_law="Kodi Penal")
        actions.set_published(self.al, by=self.coordinator, published=True)
        response = self.get()
        self.assertContains(response, "Albania")
        self.assertNotContains(response, "Kodi Penal", msg_prefix="not validated yet")
        actions.validate_country(self.al, by=self.coordinator)
        self.assertContains(self.get(), "Kodi Penal")
        actions.update_entry(self.al, self.l08, by=self.al_manager, status="partial", national_law="Amended")
        self.assertNotContains(self.get(), "Amended")
        actions.set_published(self.al, by=self.coordinator, published=False)
        self.assertContains(self.get(), "No country's matrix has been published yet.")
