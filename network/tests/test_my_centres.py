"""The user's own centres and roles, with a way to the members page where they manage it."""

from django.urls import reverse

from core.permissions import Role
from core.testing import SicnetTestCase
from network.models import Membership

URL = reverse("network:centres")


class MyCentresTests(SicnetTestCase):
    def test_lists_only_the_users_own_centres(self):
        self.login_as(self.al_analyst)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.al_centre.name)
        self.assertNotContains(response, self.mk_centre.name)
        self.assertContains(response, "Hotline analyst")
        self.assertNotContains(response, reverse("network:members", args=[self.al_centre.pk]))

    def test_manager_sees_the_way_to_members(self):
        Membership.objects.create(user=self.al_manager, centre=self.mk_centre, role=Role.HOTLINE_ANALYST)
        self.login_as(self.al_manager)
        response = self.client.get(URL)
        self.assertContains(response, reverse("network:members", args=[self.al_centre.pk]))
        # An analyst role elsewhere gives no management there.
        self.assertContains(response, self.mk_centre.name)
        self.assertNotContains(response, reverse("network:members", args=[self.mk_centre.pk]))

    def test_revoked_roles_are_not_listed(self):
        Membership.objects.filter(user=self.al_analyst).update(is_active=False)
        self.login_as(self.al_analyst)
        response = self.client.get(URL)
        self.assertNotContains(response, self.al_centre.name)
        self.assertContains(response, "You hold no role at any centre yet.")

    def test_outsider_sees_an_empty_list(self):
        self.login_as(self.outsider)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "You hold no role at any centre yet.")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
