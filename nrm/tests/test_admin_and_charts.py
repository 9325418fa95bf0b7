"""Administrators edit the framework data; charts escape what they draw."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from nrm.charts import radar_svg
from nrm.models import Capability, MaturityLevel
from nrm.tests.test_assessments import NrmTestCase


class AdminTests(NrmTestCase):
    def test_an_administrator_renames_a_maturity_level(self):
        admin = get_user_model().objects.create_superuser(email="root@test.example", password=None)
        self.client.force_login(admin, backend="accounts.backends.EmailBackend")
        level = MaturityLevel.objects.get(framework=self.framework, level=3)
        url = reverse("admin:nrm_maturitylevel_change", args=[level.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url, {"framework": self.framework.pk, "level": 3, "name": "Advanced", "names": '{"sq": "I avancuar"}'}
        )
        self.assertEqual(response.status_code, 302)
        level.refresh_from_db()
        self.assertEqual((level.name, level.names), ("Advanced", {"sq": "I avancuar"}))
        for name in ("nrm_capability", "nrm_framework", "nrm_domain", "nrm_editor", "legal_provision"):
            self.assertEqual(self.client.get(reverse(f"admin:{name}_changelist")).status_code, 200, name)


class ChartTests(NrmTestCase):
    def test_the_radar_escapes_labels_and_has_a_title(self):
        svg = radar_svg(["<script>x</script>", "B", "C"], [1, None, 4], maximum=4, title="Scores & more")
        self.assertNotIn("<script>", svg)
        self.assertIn("&lt;script&gt;", svg)
        self.assertIn("<title", svg)
        self.assertIn("Scores &amp; more", svg)

    def test_translated_names_are_shown(self):
        capability = Capability.objects.get(number=12)
        capability.names = {"sq": "Linja e raportimit"}
        capability.save()
        with translation.override("sq"):
            self.assertEqual(capability.display_name, "Linja e raportimit")
        with translation.override("mk"):
            self.assertEqual(capability.display_name, "CSEA hotline", "English when no translation")

    def test_the_assessment_page_is_read_in_a_fixed_number_of_queries(self):
        self.login_as(self.al_manager)
        with self.assertNumQueries(16):  # with the unread notifications count in the header
            self.client.get(reverse("nrm:assessment", args=[self.draft.pk]))
