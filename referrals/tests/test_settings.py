"""Managers' pages: the centre's referral deadlines and its webhook endpoints (address rules, the
secret shown once, disable, rotate), all audited; other centres get 404, other roles 403."""

import json
from datetime import timedelta
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from referrals import actions, webhooks
from referrals.models import DeliveryStatus, Event, ReferralSettings, WebhookDelivery, WebhookEndpoint
from referrals.tests import fixtures


def public_dns(host, port):
    return ["93.184.215.14"]


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


@mock.patch("referrals.webhooks.resolve", public_dns)
class EndpointTests(SicnetTestCase):
    def new_url(self, centre=None):
        return reverse("referrals:webhook_new", args=[(centre or self.al_centre).pk])

    def test_create_shows_the_secret_once_and_audits_without_it(self):
        self.login_as(self.al_manager)
        self.assertEqual(self.client.get(self.new_url()).status_code, 200)
        response = self.client.post(
            self.new_url(), {"url": "https://hooks.al.example/in?token=abc", "events": ["sent", "completed"]}
        )
        self.assertEqual(response.status_code, 200)
        endpoint = WebhookEndpoint.objects.get()
        self.assertEqual(response.context["secret"], endpoint.secret)
        self.assertGreaterEqual(len(endpoint.secret), 40)
        self.assertContains(response, endpoint.secret)
        self.assertEqual(endpoint.events, ["completed", "sent"])
        self.assertEqual(response["Cache-Control"].split(",")[0].strip(), "no-store")
        entry = AuditEntry.objects.get(action="referrals.webhook_created")
        self.assertEqual(entry.centre_id, self.al_centre.pk)
        self.assertNotIn(endpoint.secret, json.dumps(entry.changes))
        self.assertNotIn("token=abc", json.dumps(entry.changes))  # the host only
        # Never shown again.
        page = self.client.get(reverse("referrals:centre_settings", args=[self.al_centre.pk]))
        self.assertContains(page, "hooks.al.example")
        self.assertNotContains(page, endpoint.secret)
        edit = self.client.get(reverse("referrals:webhook_edit", args=[self.al_centre.pk, endpoint.pk]))
        self.assertNotContains(edit, endpoint.secret)

    def test_addresses_that_are_refused(self):
        self.login_as(self.al_manager)
        refused = {
            "http://hooks.al.example/in": "Use an address that starts with https://.",
            "ftp://hooks.al.example/in": "Use an address that starts with https://.",
            "javascript:alert(1)": "Enter a valid URL.",
            "https://user:pw@hooks.al.example/in": "Leave the user name and password out of the address.",
            "https://127.0.0.1/in": "private or local network",
            "https://10.1.2.3/in": "private or local network",
            "https://169.254.169.254/latest": "private or local network",
            "https://[::1]/in": "private or local network",
            "https://[::ffff:192.168.1.1]/in": "private or local network",
            "https://hooks.al.example/" + "a" * 500: "at most 500 characters",
        }
        for url, error in refused.items():
            response = self.client.post(self.new_url(), {"url": url})
            self.assertContains(response, error, status_code=400, msg_prefix=url)
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_a_name_that_resolves_privately_or_not_at_all(self):
        self.login_as(self.al_manager)
        with mock.patch("referrals.webhooks.resolve", return_value=["127.0.0.1", "93.184.215.14"]):
            response = self.client.post(self.new_url(), {"url": "https://rebind.example/in"})
        self.assertContains(response, "private or local network", status_code=400)
        with mock.patch("referrals.webhooks.resolve", side_effect=OSError("no such host")):
            response = self.client.post(self.new_url(), {"url": "https://nowhere.invalid/in"})
        self.assertContains(response, "This host name could not be found.", status_code=400)
        self.assertFalse(WebhookEndpoint.objects.exists())

    @override_settings(REFERRALS_WEBHOOK_ALLOW_HTTP=True, REFERRALS_WEBHOOK_ALLOW_PRIVATE=True)
    def test_settings_allow_http_and_private_targets(self):
        self.assertIsNone(webhooks.check_url("http://127.0.0.1:8080/hook"))
        self.assertIsNotNone(webhooks.check_url("ftp://127.0.0.1/hook"))
        self.assertIsNotNone(webhooks.check_url("http://u:p@127.0.0.1/hook"))

    def test_edit_url_and_events(self):
        endpoint = fixtures.al_endpoint(self)
        url = reverse("referrals:webhook_edit", args=[self.al_centre.pk, endpoint.pk])
        self.login_as(self.al_manager)
        response = self.client.post(url, {"url": "https://new.al.example/hook", "events": ["declined"]})
        self.assertRedirects(response, reverse("referrals:centre_settings", args=[self.al_centre.pk]))
        endpoint.refresh_from_db()
        self.assertEqual((endpoint.url, endpoint.events), ("https://new.al.example/hook", ["declined"]))
        self.assertTrue(AuditEntry.objects.filter(action="referrals.webhook_changed").exists())
        response = self.client.post(url, {"url": "https://10.0.0.1/", "events": ["nonsense"]})
        self.assertEqual(response.status_code, 400)
        endpoint.refresh_from_db()
        self.assertEqual(endpoint.url, "https://new.al.example/hook")

    def test_other_centre_gets_404_for_each_endpoint_page(self):
        endpoint = fixtures.al_endpoint(self)
        self.login_as(self.mk_manager)
        args = [self.al_centre.pk, endpoint.pk]
        self.assertEqual(self.client.get(reverse("referrals:webhook_edit", args=args)).status_code, 404)
        for name in ("webhook_active", "webhook_rotate"):
            self.assertEqual(self.client.post(reverse(f"referrals:{name}", args=args)).status_code, 404)
        # Nor through their own centre's address.
        mk_args = [self.mk_centre.pk, endpoint.pk]
        self.assertEqual(self.client.get(reverse("referrals:webhook_edit", args=mk_args)).status_code, 404)
        self.assertEqual(self.client.post(self.new_url(), {"url": "https://x.example/"}).status_code, 404)
        endpoint.refresh_from_db()
        self.assertEqual((endpoint.secret, endpoint.is_active), ("old-secret", True))
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get(reverse("referrals:webhook_edit", args=args)).status_code, 403)

    def test_disable_then_enable(self):
        endpoint = fixtures.al_endpoint(self)
        url = reverse("referrals:webhook_active", args=[self.al_centre.pk, endpoint.pk])
        self.login_as(self.al_manager)
        self.client.post(url, {"active": "0"})
        endpoint.refresh_from_db()
        self.assertFalse(endpoint.is_active)
        fixtures.rs_to_al_request(self)
        self.assertFalse(WebhookDelivery.objects.exists())  # nothing queued for a disabled endpoint
        self.client.post(url, {"active": "1"})
        endpoint.refresh_from_db()
        self.assertTrue(endpoint.is_active)
        actions_logged = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue({"referrals.webhook_disabled", "referrals.webhook_enabled"} <= actions_logged)

    def test_queued_events_of_a_disabled_endpoint_are_dead_lettered_without_a_call(self):
        endpoint = fixtures.al_endpoint(self)
        fixtures.rs_to_al_request(self)
        delivery = WebhookDelivery.objects.get()
        actions.set_endpoint_active(endpoint, by=self.al_manager, active=False)
        with mock.patch("referrals.webhooks.post") as post:
            self.assertEqual(webhooks.attempt(str(delivery.pk)), DeliveryStatus.DEAD)
        post.assert_not_called()

    def test_rotate_shows_a_new_secret_once(self):
        endpoint = fixtures.al_endpoint(self)
        self.login_as(self.al_manager)
        response = self.client.post(reverse("referrals:webhook_rotate", args=[self.al_centre.pk, endpoint.pk]))
        endpoint.refresh_from_db()
        self.assertNotEqual(endpoint.secret, "old-secret")
        self.assertContains(response, endpoint.secret)
        entry = AuditEntry.objects.get(action="referrals.webhook_secret_rotated")
        self.assertNotIn(endpoint.secret, json.dumps(entry.changes))
        self.assertEqual(
            self.client.get(reverse("referrals:webhook_rotate", args=[self.al_centre.pk, endpoint.pk])).status_code, 405
        )

    def test_events_filter_what_is_queued(self):
        endpoint = fixtures.al_endpoint(self)
        endpoint.events = [Event.REVOKED]
        endpoint.save(update_fields=["events"])
        referral = fixtures.rs_to_al_request(self)
        self.assertFalse(WebhookDelivery.objects.exists())
        actions.revoke(referral, by=fixtures.rs_analyst(self))
        self.assertEqual(list(WebhookDelivery.objects.values_list("event", flat=True)), ["revoked"])

    def test_at_most_five_endpoints(self):
        for n in range(5):
            actions.create_endpoint(self.al_centre, by=self.al_manager, url=f"https://h{n}.al.example/", events=[])
        self.login_as(self.al_manager)
        response = self.client.post(self.new_url(), {"url": "https://h6.al.example/"})
        self.assertContains(response, "at most 5 webhook endpoints", status_code=400)
        self.assertEqual(WebhookEndpoint.objects.count(), 5)
