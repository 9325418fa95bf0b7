"""Managers' page: the centre's referral deadlines, audited, and the link to its webhook endpoints
(notify's pages, tested in notify/tests); other centres get 404, other roles 403."""

from datetime import timedelta

from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from referrals import actions
from referrals.models import ReferralSettings
from referrals.tests import fixtures


class DeadlineSettingsTests(SicnetTestCase):
    def url(self, centre=None):
        return reverse("referrals:centre_settings", args=[(centre or self.al_centre).pk])

    def test_defaults_shown_then_saved_and_audited(self):
        self.login_as(self.al_manager)
        response = self.client.get(self.url())
        self.assertEqual(response.context["form"].initial, {"acknowledge_hours": 24, "act_hours": 72})
        response = self.client.post(self.url(), {"acknowledge_hours": "4", "act_hours": "48"})
        self.assertRedirects(response, self.url())
        conf = ReferralSettings.objects.get(centre=self.al_centre)
        self.assertEqual((conf.acknowledge_hours, conf.act_hours), (4, 48))
        entry = AuditEntry.objects.get(action="referrals.deadlines_set")
        self.assertEqual((entry.actor_id, entry.centre_id), (self.al_manager.pk, self.al_centre.pk))
        # Referrals sent to Albania from now on carry the new deadlines.
        referral = fixtures.rs_to_al_request(self)
        self.assertEqual(referral.acknowledge_due - referral.sent_at, timedelta(hours=4))
        self.assertEqual(referral.act_due - referral.sent_at, timedelta(hours=48))

    def test_bad_values_are_refused_and_change_nothing(self):
        ReferralSettings.objects.create(centre=self.al_centre, acknowledge_hours=12, act_hours=48)
        self.login_as(self.al_manager)
        for data in (
            {"acknowledge_hours": "0", "act_hours": "48"},
            {"acknowledge_hours": "-3", "act_hours": "48"},
            {"acknowledge_hours": "24", "act_hours": "99999"},
            {"acknowledge_hours": "abc", "act_hours": "48"},
            {"acknowledge_hours": "48", "act_hours": "24"},
            {"acknowledge_hours": "24"},
        ):
            response = self.client.post(self.url(), data)
            self.assertEqual(response.status_code, 400, data)
        self.assertContains(
            self.client.post(self.url(), {"acknowledge_hours": "48", "act_hours": "24"}),
            "The time to act cannot be shorter than the time to acknowledge.",
            status_code=400,
        )
        conf = ReferralSettings.objects.get(centre=self.al_centre)
        self.assertEqual((conf.acknowledge_hours, conf.act_hours), (12, 48))
        self.assertFalse(AuditEntry.objects.filter(action="referrals.deadlines_set").exists())
        with self.assertRaises(actions.ReferralError):
            actions.set_deadlines(self.al_centre, by=self.al_manager, acknowledge_hours=0, act_hours=1)

    def test_other_centre_404_other_roles_403(self):
        self.login_as(self.mk_manager)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), {"acknowledge_hours": "1", "act_hours": "1"}).status_code, 404)
        self.login_as(self.al_supervisor)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertFalse(ReferralSettings.objects.exists())

    def test_link_from_the_referral_lists_for_managers_only(self):
        self.login_as(self.al_manager)
        self.assertContains(self.client.get(reverse("referrals:incoming")), self.url())
        self.login_as(self.al_analyst)
        self.assertNotContains(self.client.get(reverse("referrals:incoming")), self.url())

    def test_page_renders_in_every_language(self):
        from django.conf import settings

        fixtures.al_endpoint(self)
        for code, _name in settings.LANGUAGES:
            self.al_manager.language = code
            self.al_manager.save(update_fields=["language"])
            self.login_as(self.al_manager)
            self.assertContains(self.client.get(self.url()), f'<html lang="{code}">')

    def test_the_page_links_to_the_centres_webhook_endpoints(self):
        fixtures.al_endpoint(self)
        self.login_as(self.al_manager)
        response = self.client.get(self.url())
        self.assertContains(response, reverse("notify:webhooks", args=[self.al_centre.pk]))
        self.assertContains(response, reverse("notify:dead_letters", args=[self.al_centre.pk]))
        self.assertEqual(response.context["endpoint_count"], 1)
