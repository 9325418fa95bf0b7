"""A list's settings (name, source, trust, sharing) and list management through the API."""

from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hashes.models import HashList, ListKind
from hashes.tests.helpers import make_entry, make_list, sha256_of


class ListSettingsPageTests(SicnetTestCase):
    def setUp(self):
        self.own = make_list(self.al_centre, "AL own")
        self.url = reverse("hashes:list_settings", args=[self.own.pk])
        self.data = {
            "settings-name": "AL confirmed",
            "settings-source": "analysts",
            "settings-trust_level": "high",
            "settings-shares_with_network": "on",
        }

    def test_a_supervisor_turns_sharing_on_and_it_is_audited(self):
        self.login_as(self.al_supervisor)
        page = self.client.get(reverse("hashes:list", args=[self.own.pk]))
        self.assertContains(page, "Change the list's settings")
        response = self.client.post(self.url, self.data)
        self.assertRedirects(response, reverse("hashes:list", args=[self.own.pk]))
        self.own.refresh_from_db()
        self.assertEqual((self.own.name, self.own.shares_with_network), ("AL confirmed", True))
        entry = AuditEntry.objects.get(action="hashes.list_changed")
        self.assertEqual(entry.changes["shares_with_network"], True)
        self.assertEqual(entry.centre_id, self.al_centre.pk)
        # Saving the same settings again changes nothing and records nothing.
        self.client.post(self.url, self.data)
        self.assertEqual(AuditEntry.objects.filter(action="hashes.list_changed").count(), 1)

    def test_analysts_see_no_settings_form_and_cannot_post(self):
        self.login_as(self.al_analyst)
        self.assertNotContains(self.client.get(reverse("hashes:list", args=[self.own.pk])), "list_settings")
        self.assertEqual(self.client.post(self.url, self.data).status_code, 403)

    def test_the_other_countrys_supervisor_gets_404_and_nothing_changes(self):
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.post(self.url, self.data).status_code, 404)
        self.own.refresh_from_db()
        self.assertEqual(self.own.name, "AL own")

    def test_another_centres_network_list_is_readable_but_not_configurable(self):
        network = make_list(self.al_centre, "AL network", kind=ListKind.NETWORK)
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.get(reverse("hashes:list", args=[network.pk])).status_code, 200)
        response = self.client.post(reverse("hashes:list_settings", args=[network.pk]), self.data)
        self.assertEqual(response.status_code, 403)

    def test_bad_input_is_refused_with_a_message_and_changes_nothing(self):
        make_list(self.al_centre, "Taken")
        self.login_as(self.al_supervisor)
        response = self.client.post(self.url, {**self.data, "settings-name": "Taken"})
        self.assertContains(response, "This centre already has a list with this name.", status_code=400)
        response = self.client.post(self.url, {**self.data, "settings-trust_level": "absolute"})
        self.assertEqual(response.status_code, 400)
        self.client.post(self.url, {**self.data, "settings-name": "<script>alert(1)</script>"})
        page = self.client.get(reverse("hashes:list", args=[self.own.pk]))
        self.assertNotContains(page, "<script>alert(1)</script>")
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_the_form_is_translated(self):
        from django.utils import translation

        self.login_as(self.al_supervisor)
        self.client.post(reverse("accounts:set_language"), {"language": "mk", "next": "/"})
        page = self.client.get(reverse("hashes:list", args=[self.own.pk]))
        with translation.override("mk"):
            summary = translation.gettext("Change the list's settings")
        self.assertNotEqual(summary, "Change the list's settings")
        self.assertContains(page, summary)


class ListApiTests(SicnetTestCase):
    def setUp(self):
        self.own = make_list(self.al_centre, "AL own")
        self.entry = make_entry(self.own, "sha256", sha256_of("x"))

    def test_create_a_list_at_a_supervised_centre(self):
        self.login_as(self.al_supervisor)
        body = {
            "centre": "al-sic",
            "name": "Partner list",
            "kind": "partner",
            "source": "INHOPE",
            "trust_level": "medium",
        }
        response = self.client.post("/api/v1/hashes/lists", body, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["centre"], "al-sic")
        self.assertTrue(HashList.objects.filter(centre=self.al_centre, name="Partner list", kind="partner").exists())
        # Not at a centre they do not supervise, and never a name twice.
        for wrong in ({**body, "centre": "mk-sic", "name": "Other"}, body, {**body, "kind": "mine"}):
            response = self.client.post("/api/v1/hashes/lists", wrong, content_type="application/json")
            self.assertEqual(response.status_code, 422)
        self.assertEqual(HashList.objects.filter(name="Other").count(), 0)

    def test_patch_changes_only_what_is_given(self):
        self.login_as(self.al_manager)
        response = self.client.patch(
            f"/api/v1/hashes/lists/{self.own.pk}", {"shares_with_network": True}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 200)
        self.own.refresh_from_db()
        self.assertEqual((self.own.name, self.own.shares_with_network), ("AL own", True))
        self.login_as(self.mk_manager)
        response = self.client.patch(
            f"/api/v1/hashes/lists/{self.own.pk}", {"name": "mine"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 404)

    def test_disable_and_enable_an_entry(self):
        url = f"/api/v1/hashes/lists/{self.own.pk}/entries/{self.entry.pk}/active"
        self.login_as(self.al_analyst)
        response = self.client.post(url, {"active": False}, content_type="application/json")
        self.assertEqual((response.status_code, response.json()["is_active"]), (200, False))
        self.assertTrue(AuditEntry.objects.filter(action="hashes.entry_disabled").exists())
        self.assertEqual(self.client.post(url, {"active": "maybe"}, content_type="application/json").status_code, 422)
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.post(url, {"active": True}, content_type="application/json").status_code, 404)
        self.entry.refresh_from_db()
        self.assertFalse(self.entry.is_active)
