"""Managers' pages of a centre's webhook endpoints: address rules, events of every app, the secret
shown once, disable, rotate, all audited; other centres get 404, other roles 403."""

import json
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from notify import actions, webhooks
from notify.models import WebhookDelivery, WebhookEndpoint
from notify.tests.helpers import PING, PONG, ping, register_test_events


def public_dns(host, port):
    return ["93.184.215.14"]


def al_endpoint(t, url: str = "https://hooks.al.example/in"):
    """A webhook endpoint of Albania's centre (saved directly: no address check)."""
    return WebhookEndpoint.objects.create(centre=t.al_centre, url=url, secret="old-secret")


@mock.patch("notify.webhooks.resolve", public_dns)
class EndpointTests(SicnetTestCase):
    def setUp(self):
        register_test_events(self)

    def new_url(self, centre=None):
        return reverse("notify:webhook_new", args=[(centre or self.al_centre).pk])

    def test_create_shows_the_secret_once_and_audits_without_it(self):
        self.login_as(self.al_manager)
        self.assertEqual(self.client.get(self.new_url()).status_code, 200)
        response = self.client.post(
            self.new_url(), {"url": "https://hooks.al.example/in?token=abc", "events": [PONG, PING]}
        )
        self.assertEqual(response.status_code, 200)
        endpoint = WebhookEndpoint.objects.get()
        self.assertEqual(response.context["secret"], endpoint.secret)
        self.assertGreaterEqual(len(endpoint.secret), 40)
        self.assertContains(response, endpoint.secret)
        self.assertEqual(endpoint.events, [PING, PONG])
        self.assertEqual(response["Cache-Control"].split(",")[0].strip(), "no-store")
        entry = AuditEntry.objects.get(action="notify.webhook_created")
        self.assertEqual(entry.centre_id, self.al_centre.pk)
        self.assertNotIn(endpoint.secret, json.dumps(entry.changes))
        self.assertNotIn("token=abc", json.dumps(entry.changes))  # the host only
        # Never shown again.
        page = self.client.get(reverse("notify:webhooks", args=[self.al_centre.pk]))
        self.assertContains(page, "hooks.al.example")
        self.assertNotContains(page, endpoint.secret)
        edit = self.client.get(reverse("notify:webhook_edit", args=[self.al_centre.pk, endpoint.pk]))
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
        with mock.patch("notify.webhooks.resolve", return_value=["127.0.0.1", "93.184.215.14"]):
            response = self.client.post(self.new_url(), {"url": "https://rebind.example/in"})
        self.assertContains(response, "private or local network", status_code=400)
        with mock.patch("notify.webhooks.resolve", side_effect=OSError("no such host")):
            response = self.client.post(self.new_url(), {"url": "https://nowhere.invalid/in"})
        self.assertContains(response, "This host name could not be found.", status_code=400)
        self.assertFalse(WebhookEndpoint.objects.exists())

    @override_settings(NOTIFY_WEBHOOK_ALLOW_HTTP=True, NOTIFY_WEBHOOK_ALLOW_PRIVATE=True)
    def test_settings_allow_http_and_private_targets(self):
        self.assertIsNone(webhooks.check_url("http://127.0.0.1:8080/hook"))
        self.assertIsNotNone(webhooks.check_url("ftp://127.0.0.1/hook"))
        self.assertIsNotNone(webhooks.check_url("http://u:p@127.0.0.1/hook"))

    def test_edit_url_and_events(self):
        endpoint = al_endpoint(self)
        url = reverse("notify:webhook_edit", args=[self.al_centre.pk, endpoint.pk])
        self.login_as(self.al_manager)
        response = self.client.post(url, {"url": "https://new.al.example/hook", "events": [PING]})
        self.assertRedirects(response, reverse("notify:webhooks", args=[self.al_centre.pk]))
        endpoint.refresh_from_db()
        self.assertEqual((endpoint.url, endpoint.events), ("https://new.al.example/hook", [PING]))
        self.assertTrue(AuditEntry.objects.filter(action="notify.webhook_changed").exists())
        response = self.client.post(url, {"url": "https://10.0.0.1/", "events": ["nonsense"]})
        self.assertEqual(response.status_code, 400)
        endpoint.refresh_from_db()
        self.assertEqual(endpoint.url, "https://new.al.example/hook")

    def test_other_centre_gets_404_for_each_endpoint_page(self):
        endpoint = al_endpoint(self)
        self.login_as(self.mk_manager)
        args = [self.al_centre.pk, endpoint.pk]
        self.assertEqual(self.client.get(reverse("notify:webhook_edit", args=args)).status_code, 404)
        for name in ("webhook_active", "webhook_rotate"):
            self.assertEqual(self.client.post(reverse(f"notify:{name}", args=args)).status_code, 404)
        # Nor through their own centre's address.
        mk_args = [self.mk_centre.pk, endpoint.pk]
        self.assertEqual(self.client.get(reverse("notify:webhook_edit", args=mk_args)).status_code, 404)
        self.assertEqual(self.client.post(self.new_url(), {"url": "https://x.example/"}).status_code, 404)
        endpoint.refresh_from_db()
        self.assertEqual((endpoint.secret, endpoint.is_active), ("old-secret", True))
        self.login_as(self.al_analyst)
        self.assertEqual(self.client.get(reverse("notify:webhook_edit", args=args)).status_code, 403)

    def test_disable_then_enable(self):
        endpoint = al_endpoint(self)
        url = reverse("notify:webhook_active", args=[self.al_centre.pk, endpoint.pk])
        self.login_as(self.al_manager)
        self.client.post(url, {"active": "0"})
        endpoint.refresh_from_db()
        self.assertFalse(endpoint.is_active)
        ping(self.al_centre)
        self.assertFalse(WebhookDelivery.objects.exists())  # nothing queued for a disabled endpoint
        self.client.post(url, {"active": "1"})
        endpoint.refresh_from_db()
        self.assertTrue(endpoint.is_active)
        actions_logged = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue({"notify.webhook_disabled", "notify.webhook_enabled"} <= actions_logged)

    def test_rotate_shows_a_new_secret_once(self):
        endpoint = al_endpoint(self)
        self.login_as(self.al_manager)
        response = self.client.post(reverse("notify:webhook_rotate", args=[self.al_centre.pk, endpoint.pk]))
        endpoint.refresh_from_db()
        self.assertNotEqual(endpoint.secret, "old-secret")
        self.assertContains(response, endpoint.secret)
        entry = AuditEntry.objects.get(action="notify.webhook_secret_rotated")
        self.assertNotIn(endpoint.secret, json.dumps(entry.changes))
        self.assertEqual(
            self.client.get(reverse("notify:webhook_rotate", args=[self.al_centre.pk, endpoint.pk])).status_code, 405
        )

    def test_at_most_five_endpoints(self):
        for n in range(5):
            actions.create_endpoint(self.al_centre, by=self.al_manager, url=f"https://h{n}.al.example/", events=[])
        self.login_as(self.al_manager)
        response = self.client.post(self.new_url(), {"url": "https://h6.al.example/"})
        self.assertContains(response, "at most 5 webhook endpoints", status_code=400)
        self.assertEqual(WebhookEndpoint.objects.count(), 5)

    def test_the_form_lists_the_events_of_every_app_translated(self):
        self.login_as(self.al_manager)
        page = self.client.get(self.new_url())
        self.assertContains(page, f'value="{PING}"')
        self.assertContains(page, "Pong happened")
        response = self.client.post(self.new_url(), {"url": "https://hooks.al.example/", "events": ["no.such"]})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(WebhookEndpoint.objects.exists())
        with self.assertRaises(actions.NotifyError):
            actions.create_endpoint(self.al_centre, by=self.al_manager, url="https://h.al.example/", events=["x"])

    def test_the_pages_render_in_every_language(self):
        from django.conf import settings

        endpoint = al_endpoint(self)
        for code, _name in settings.LANGUAGES:
            self.al_manager.language = code
            self.al_manager.save(update_fields=["language"])
            self.login_as(self.al_manager)
            for url in (
                reverse("notify:webhooks", args=[self.al_centre.pk]),
                reverse("notify:webhook_edit", args=[self.al_centre.pk, endpoint.pk]),
                reverse("notify:dead_letters", args=[self.al_centre.pk]),
            ):
                self.assertContains(self.client.get(url), f'<html lang="{code}">', msg_prefix=f"{url} {code}")
