"""The staff directory of the network: centres, services, coverage; bounded queries; who may see it."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing import SicnetTestCase
from network.models import Centre, CentreService, Country, Coverage, Service

URL = reverse("network:directory")


class DirectoryTests(SicnetTestCase):
    def test_lists_centres_services_and_coverage(self):
        self.login_as(self.al_analyst)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        for centre in self.centres.values():
            self.assertContains(response, centre.name)
        self.assertContains(response, "Hotline (116 111)")
        self.assertContains(response, "Helpline (116 111)")
        self.assertContains(response, "Safer Internet Centre")
        # Montenegro's hotline is handled by Albania's centre, marked as a partner.
        coverage = list(response.context["coverage"])
        self.assertEqual(len(coverage), 5)
        montenegro = next(item for item in coverage if item.country.code == "ME")
        self.assertTrue(montenegro.is_partner)
        self.assertContains(response, '<span class="badge">partner</span>', count=1)

    def test_every_member_of_the_network_may_read_it(self):
        for name in ("al_analyst", "mk_counsellor", "al_auditor", "mk_manager", "coordinator", "state_viewer"):
            with self.subTest(user=name):
                self.login_as(getattr(self, name))
                self.assertEqual(self.client.get(URL).status_code, 200)

    def test_hides_inactive_and_unlisted_centres(self):
        Centre.objects.create(
            code="gone", name="Closed centre", country=self.network["countries"]["AL"], is_active=False
        )
        Centre.objects.create(
            code="quiet", name="Unlisted centre", country=self.network["countries"]["AL"], listed_in_directory=False
        )
        self.login_as(self.al_analyst)
        response = self.client.get(URL)
        self.assertNotContains(response, "Closed centre")
        self.assertNotContains(response, "Unlisted centre")

    def test_country_names_in_the_user_language(self):
        self.al_analyst.language = "sq"
        self.al_analyst.save(update_fields=["language"])
        self.login_as(self.al_analyst)
        response = self.client.get(URL)
        self.assertContains(response, "Shqipëria")
        self.assertContains(response, '<html lang="sq">')

    def test_query_count_does_not_grow_with_the_network(self):
        self.login_as(self.al_analyst)
        with CaptureQueriesContext(connection) as small:
            self.assertEqual(self.client.get(URL).status_code, 200)
        for index in range(10):
            country = Country.objects.create(code=f"Q{index}", name=f"Testland {index}")
            centre = Centre.objects.create(code=f"q{index}", name=f"Centre {index}", country=country)
            for service in (Service.HOTLINE, Service.HELPLINE, Service.AWARENESS):
                CentreService.objects.create(centre=centre, service=service, phone="116 111")
            Coverage.objects.create(country=country, service=Service.HOTLINE, centre=self.al_centre)
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(URL)
        self.assertContains(response, "Centre 9")
        self.assertContains(response, "Testland 9")
        # The directory itself: centres, their services, coverage. The rest is session and roles.
        directory_queries = [
            query["sql"]
            for query in small.captured_queries
            if "network_centre" in query["sql"] or "network_coverage" in query["sql"]
        ]
        self.assertLessEqual(len(directory_queries), 4, directory_queries)

    def test_outsider_gets_403(self):
        self.login_as(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_revoked_member_gets_403(self):
        self.al_analyst.memberships.update(is_active=False)
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertIn("next=", response["Location"])

    def test_staff_pages_are_not_cached(self):
        self.login_as(self.al_analyst)
        response = self.client.get(URL)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
