"""Webhooks: signed, retried with back-off, each idempotency key once, dead letters a manager retries;
one attempt holds no lock during the call and re-checks the state after it."""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.testing import SicnetTestCase
from notify import actions, webhooks
from notify.models import DeliveryError, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from notify.tests.helpers import (
    LOCAL_RECEIVER,
    PING,
    PONG,
    SECRET,
    Receiver,
    clock,
    ping,
    register_test_events,
    run_worker,
)
from notify.webhooks import Failure

HTTP_500 = Failure(DeliveryError.HTTP, 500)


def drain() -> None:
    """Run the worker again and again while moving the clock past every back-off."""
    moment = timezone.now()
    for _step in range(12):
        moment += timedelta(minutes=20)
        with clock(moment):
            run_worker()


@LOCAL_RECEIVER
class WebhookTests(SicnetTestCase):
    def setUp(self):
        register_test_events(self)

    def test_half_failing_receiver_gets_every_event_once_after_dedup(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        WebhookEndpoint.objects.create(centre=self.mk_centre, url=receiver.url, secret=SECRET)
        for n in range(4):
            ping(self.mk_centre, n=n)
        self.assertEqual(WebhookDelivery.objects.count(), 4)  # queued with the changes themselves
        drain()
        self.assertEqual(WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count(), 4)
        self.assertTrue(all(r["signed"] for r in receiver.requests))
        accepted = [r["key"] for r in receiver.requests if r["accepted"]]
        self.assertEqual(len(set(accepted)), 4)
        self.assertEqual(set(accepted), {str(pk) for pk in WebhookDelivery.objects.values_list("pk", flat=True)})
        self.assertGreater(len(receiver.requests), 4)  # retries happened
        body = next(r["body"] for r in receiver.requests if r["accepted"])
        self.assertEqual(set(body), {"id", "event", "n", "at"})
        self.assertEqual(body["event"], PING)

    def test_only_the_centres_endpoints_that_want_the_event(self):
        wants_pong = WebhookEndpoint.objects.create(centre=self.mk_centre, url="https://a.example/", events=[PONG])
        every = WebhookEndpoint.objects.create(centre=self.mk_centre, url="https://b.example/")
        WebhookEndpoint.objects.create(centre=self.mk_centre, url="https://c.example/", is_active=False)
        WebhookEndpoint.objects.create(centre=self.al_centre, url="https://d.example/")
        ping(self.mk_centre)
        self.assertEqual(list(WebhookDelivery.objects.values_list("endpoint", flat=True)), [every.pk])
        ping(self.mk_centre, event=PONG)
        self.assertEqual(WebhookDelivery.objects.filter(endpoint=wants_pong).count(), 1)

    def test_dead_letter_and_manual_retry(self):
        receiver = Receiver(fail_all=True)
        self.addCleanup(receiver.close)
        WebhookEndpoint.objects.create(centre=self.mk_centre, url=receiver.url, secret=SECRET)
        ping(self.mk_centre)
        drain()
        delivery = WebhookDelivery.objects.get()
        self.assertEqual((delivery.status, delivery.attempts), (DeliveryStatus.DEAD, 6))
        self.assertEqual(delivery.last_error, "HTTP 500")
        self.login_as(self.mk_manager)
        page = self.client.get(reverse("notify:dead_letters", args=[self.mk_centre.pk]))
        self.assertContains(page, receiver.url)
        self.assertContains(page, "Ping happened")
        receiver.fail_all = False
        response = self.client.post(reverse("notify:retry_delivery", args=[self.mk_centre.pk, delivery.pk]))
        self.assertRedirects(response, reverse("notify:dead_letters", args=[self.mk_centre.pk]))
        drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.DELIVERED)
        self.assertEqual(len({r["key"] for r in receiver.requests}), 1)  # the same key throughout
        # Sent again only from the dead-letter list.
        self.client.post(reverse("notify:retry_delivery", args=[self.mk_centre.pk, delivery.pk]))
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.DELIVERED)
        self.login_as(self.al_manager)
        self.assertEqual(self.client.get(reverse("notify:dead_letters", args=[self.mk_centre.pk])).status_code, 404)
        url = reverse("notify:retry_delivery", args=[self.al_centre.pk, delivery.pk])
        self.assertEqual(self.client.post(url).status_code, 404)


class AttemptTests(SicnetTestCase):
    """One attempt: no lock or transaction held during the call, and the result re-checked after."""

    def setUp(self):
        register_test_events(self)
        self.endpoint = WebhookEndpoint.objects.create(
            centre=self.mk_centre, url="https://hooks.mk.example/in", secret=SECRET
        )
        ping(self.mk_centre)
        self.delivery = WebhookDelivery.objects.get()

    def queued_retries(self) -> int:
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(task_path="notify.tasks.deliver_webhook").count()

    def test_no_transaction_is_open_during_the_call(self):
        from django.db import connection

        outside = len(connection.atomic_blocks)  # the test case's own blocks
        seen = []

        def fake_post(url, body, headers):
            seen.append(len(connection.atomic_blocks))

        with mock.patch("notify.webhooks.post", fake_post):
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.DELIVERED)
        self.assertEqual(seen, [outside])
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.attempts, self.delivery.status), (1, DeliveryStatus.DELIVERED))

    def test_delivered_meanwhile_by_another_run_is_not_overwritten(self):
        def fake_post(url, body, headers):
            WebhookDelivery.objects.filter(pk=self.delivery.pk).update(status=DeliveryStatus.DELIVERED, attempts=1)
            return HTTP_500

        before = self.queued_retries()
        with mock.patch("notify.webhooks.post", fake_post):
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.DELIVERED)
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.status, self.delivery.attempts), (DeliveryStatus.DELIVERED, 1))
        self.assertEqual(self.queued_retries(), before)

    def test_a_failure_recorded_meanwhile_does_not_double_the_retries(self):
        def fake_post(url, body, headers):
            WebhookDelivery.objects.filter(pk=self.delivery.pk).update(
                attempts=1, error=DeliveryError.HTTP, error_status=502
            )
            return HTTP_500

        before = self.queued_retries()
        with mock.patch("notify.webhooks.post", fake_post):
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.PENDING)
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.attempts, self.delivery.last_error), (1, "HTTP 502"))
        self.assertEqual(self.queued_retries(), before)

    def test_a_failure_queues_one_retry_with_backoff(self):
        before = self.queued_retries()
        with mock.patch("notify.webhooks.post", return_value=HTTP_500):
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.PENDING)
        self.assertEqual(self.queued_retries(), before + 1)
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.attempts, self.delivery.last_error), (1, "HTTP 500"))
        self.assertGreater(self.delivery.due_at, timezone.now() + timedelta(seconds=50))

    def test_a_worker_lost_during_the_call_is_replaced_by_the_sweep(self):
        class WorkerDied(BaseException):
            """Not an Exception: nothing in the attempt may catch it, as with a killed process."""

        def dies(url, body, headers):
            raise WorkerDied

        with mock.patch("notify.webhooks.post", dies), self.assertRaises(WorkerDied):
            webhooks.attempt(str(self.delivery.pk))
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.status, self.delivery.attempts), (DeliveryStatus.PENDING, 0))
        before = self.queued_retries()
        # Within the lease nothing is queued again: the worker may only be slow.
        self.assertEqual(webhooks.requeue_stalled(), 0)
        later = timezone.now() + webhooks.STALLED_AFTER + timedelta(minutes=1)
        with clock(later):
            self.assertEqual(webhooks.requeue_stalled(), 1)
            self.assertEqual(webhooks.requeue_stalled(), 0)  # queued once, due again now
        self.assertEqual(self.queued_retries(), before + 1)
        with mock.patch("notify.webhooks.post", return_value=None):
            run_worker()
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, DeliveryStatus.DELIVERED)

    def test_the_redeliver_command_queues_the_sweep(self):
        from django.core.management import call_command

        # The worker "dies" during the call (not an Exception: nothing in the attempt catches it).
        with mock.patch("notify.webhooks.post", side_effect=SystemExit), self.assertRaises(SystemExit):
            webhooks.attempt(str(self.delivery.pk))
        call_command("notify_redeliver", stdout=io.StringIO())
        later = timezone.now() + webhooks.STALLED_AFTER + timedelta(minutes=1)
        with clock(later), mock.patch("notify.webhooks.post", return_value=None):
            run_worker()  # the sweep, then the delivery it queued again
            run_worker()
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, DeliveryStatus.DELIVERED)

    def test_a_retry_waiting_for_its_backoff_is_not_stalled(self):
        with mock.patch("notify.webhooks.post", return_value=HTTP_500):
            webhooks.attempt(str(self.delivery.pk))
        self.delivery.refresh_from_db()
        with clock(self.delivery.due_at + webhooks.STALLED_AFTER - timedelta(seconds=1)):
            self.assertEqual(webhooks.requeue_stalled(), 0)

    def test_signed_with_the_current_secret(self):
        calls = []
        with mock.patch("notify.webhooks.post", side_effect=lambda u, b, h: calls.append((b, h))):
            new = actions.rotate_secret(self.endpoint, by=self.mk_manager)
            webhooks.attempt(str(self.delivery.pk))
        body, headers = calls[0]
        expected = webhooks.signature(new, headers["X-SICNet-Timestamp"], body)
        self.assertEqual(headers["X-SICNet-Signature"], f"sha256={expected}")
        self.assertEqual(headers["Idempotency-Key"], str(self.delivery.pk))
        self.assertEqual(json.loads(body)["id"], str(self.delivery.pk))

    def test_queued_events_of_a_disabled_endpoint_are_dead_lettered_without_a_call(self):
        actions.set_endpoint_active(self.endpoint, by=self.mk_manager, active=False)
        with mock.patch("notify.webhooks.post") as post:
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.DEAD)
        post.assert_not_called()
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.last_error, "The endpoint is disabled.")

    @override_settings(NOTIFY_WEBHOOK_ALLOW_HTTP=True, NOTIFY_WEBHOOK_ALLOW_PRIVATE=False)
    def test_private_target_refused_at_delivery_without_a_request(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        WebhookEndpoint.objects.filter(pk=self.endpoint.pk).update(url=receiver.url)  # saved under laxer rules
        self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.PENDING)
        self.delivery.refresh_from_db()
        self.assertIn("private or local network", self.delivery.last_error)
        self.assertEqual(receiver.requests, [])

    @LOCAL_RECEIVER
    def test_redirects_are_not_followed(self):
        target = Receiver()
        self.addCleanup(target.close)

        class Redirect(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.send_response(307)
                self.send_header("Location", target.url)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        WebhookEndpoint.objects.filter(pk=self.endpoint.pk).update(url=f"http://127.0.0.1:{server.server_address[1]}/")
        self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.PENDING)
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.last_error, "HTTP 307")
        self.assertEqual(target.requests, [])


class SettingNameTests(SicnetTestCase):
    """The settings' new names, and the former ones still read when the new ones are unset."""

    @override_settings(DEBUG=False, NOTIFY_WEBHOOK_ALLOW_HTTP=None, REFERRALS_WEBHOOK_ALLOW_HTTP=True)
    def test_the_former_name_is_a_fallback(self):
        self.assertTrue(webhooks.allow_http())

    @override_settings(DEBUG=False, NOTIFY_WEBHOOK_ALLOW_PRIVATE=False, REFERRALS_WEBHOOK_ALLOW_PRIVATE=True)
    def test_the_new_name_wins(self):
        self.assertFalse(webhooks.allow_private())

    @override_settings(DEBUG=True, NOTIFY_WEBHOOK_ALLOW_HTTP=None, REFERRALS_WEBHOOK_ALLOW_HTTP=None)
    def test_unset_follows_debug(self):
        self.assertTrue(webhooks.allow_http())

    def test_unknown_event_is_a_programming_error(self):
        from django.core.exceptions import ImproperlyConfigured

        with self.assertRaises(ImproperlyConfigured):
            actions.notify("no.such.event", recipients=[self.al_analyst])
