"""Webhooks: signed, retried with back-off, each idempotency key once, dead letters a manager retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.testing import SicnetTestCase, clock, run_worker
from referrals import actions, webhooks
from referrals.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from referrals.tests import fixtures

SECRET = "s3cret"


class Receiver:
    """A local HTTP receiver that refuses every other request (or every one, with ``fail_all``)."""

    def __init__(self, fail_all: bool = False) -> None:
        self.requests: list[dict] = []
        self.fail_all = fail_all
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = hmac.new(
                    SECRET.encode(), self.headers["X-SICNet-Timestamp"].encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                fail = outer.fail_all or len(outer.requests) % 2 == 0
                outer.requests.append(
                    {
                        "key": self.headers["Idempotency-Key"],
                        "signed": self.headers["X-SICNet-Signature"] == f"sha256={expected}",
                        "body": json.loads(body),
                        "accepted": not fail,
                    }
                )
                self.send_response(500 if fail else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# The local receiver listens on http://127.0.0.1: both allowances on, as in development.
LOCAL_RECEIVER = override_settings(REFERRALS_WEBHOOK_ALLOW_HTTP=True, REFERRALS_WEBHOOK_ALLOW_PRIVATE=True)


@LOCAL_RECEIVER
class WebhookTests(SicnetTestCase):
    def _drain(self, hours: int = 2) -> None:
        """Run the worker again and again while moving the clock past every back-off."""
        moment = timezone.now()
        for _step in range(12):
            moment += timedelta(minutes=20)
            with clock(moment):
                run_worker()

    def test_half_failing_receiver_gets_every_event_once_after_dedup(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        WebhookEndpoint.objects.create(centre=self.mk_centre, url=receiver.url, secret=SECRET)
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.post_message(referral, by=self.al_analyst, centre=self.al_centre, text="one")
        actions.post_message(referral, by=self.al_analyst, centre=self.al_centre, text="two")
        actions.revoke(referral, by=self.al_analyst)
        self.assertEqual(WebhookDelivery.objects.count(), 4)  # queued with the changes themselves
        self._drain()
        self.assertEqual(WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count(), 4)
        self.assertTrue(all(r["signed"] for r in receiver.requests))
        accepted = [r["key"] for r in receiver.requests if r["accepted"]]
        self.assertEqual(len(set(accepted)), 4)
        self.assertEqual(set(accepted), {str(pk) for pk in WebhookDelivery.objects.values_list("pk", flat=True)})
        self.assertGreater(len(receiver.requests), 4)  # retries happened
        self.assertNotIn("please", json.dumps([r["body"] for r in receiver.requests]))  # no packet content

    def test_dead_letter_and_manual_retry(self):
        receiver = Receiver(fail_all=True)
        self.addCleanup(receiver.close)
        WebhookEndpoint.objects.create(centre=self.mk_centre, url=receiver.url, secret=SECRET)
        fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self._drain()
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.status, DeliveryStatus.DEAD)
        self.assertEqual(delivery.attempts, 6)
        self.login_as(self.mk_manager)
        page = self.client.get(reverse("referrals:dead_letters", args=[self.mk_centre.pk]))
        self.assertContains(page, receiver.url)
        receiver.fail_all = False
        response = self.client.post(reverse("referrals:retry_delivery", args=[self.mk_centre.pk, delivery.pk]))
        self.assertEqual(response.status_code, 302)
        run_worker()
        delivery.refresh_from_db()
        self.assertIn(delivery.status, (DeliveryStatus.DELIVERED, DeliveryStatus.PENDING))
        self._drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.DELIVERED)
        self.login_as(self.al_manager)
        self.assertEqual(self.client.get(reverse("referrals:dead_letters", args=[self.mk_centre.pk])).status_code, 404)


class AttemptTests(SicnetTestCase):
    """One attempt: no lock or transaction held during the call, and the result re-checked after."""

    def setUp(self):
        self.endpoint = WebhookEndpoint.objects.create(
            centre=self.mk_centre, url="https://hooks.mk.example/in", secret=SECRET
        )
        fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.delivery = WebhookDelivery.objects.get()

    def queued_retries(self) -> int:
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(task_path="referrals.tasks.deliver_webhook").count()

    def test_no_transaction_is_open_during_the_call(self):
        from django.db import connection

        outside = len(connection.atomic_blocks)  # the test case's own blocks
        seen = []

        def fake_post(url, body, headers):
            seen.append(len(connection.atomic_blocks))
            return True, ""

        with mock.patch("referrals.webhooks.post", fake_post):
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.DELIVERED)
        self.assertEqual(seen, [outside])
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.attempts, self.delivery.status), (1, DeliveryStatus.DELIVERED))

    def test_delivered_meanwhile_by_another_run_is_not_overwritten(self):
        def fake_post(url, body, headers):
            WebhookDelivery.objects.filter(pk=self.delivery.pk).update(status=DeliveryStatus.DELIVERED, attempts=1)
            return False, "HTTP 500"

        before = self.queued_retries()
        with mock.patch("referrals.webhooks.post", fake_post):
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.DELIVERED)
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.status, self.delivery.attempts), (DeliveryStatus.DELIVERED, 1))
        self.assertEqual(self.queued_retries(), before)

    def test_a_failure_recorded_meanwhile_does_not_double_the_retries(self):
        def fake_post(url, body, headers):
            WebhookDelivery.objects.filter(pk=self.delivery.pk).update(attempts=1, last_error="HTTP 502")
            return False, "HTTP 500"

        before = self.queued_retries()
        with mock.patch("referrals.webhooks.post", fake_post):
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.PENDING)
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.attempts, self.delivery.last_error), (1, "HTTP 502"))
        self.assertEqual(self.queued_retries(), before)

    def test_a_failure_queues_one_retry_with_backoff(self):
        before = self.queued_retries()
        with mock.patch("referrals.webhooks.post", return_value=(False, "HTTP 500")):
            self.assertEqual(webhooks.attempt(str(self.delivery.pk)), DeliveryStatus.PENDING)
        self.assertEqual(self.queued_retries(), before + 1)
        self.delivery.refresh_from_db()
        self.assertEqual((self.delivery.attempts, self.delivery.last_error), (1, "HTTP 500"))

    def test_a_worker_lost_during_the_call_is_replaced_by_the_sweep(self):
        class WorkerDied(BaseException):
            """Not an Exception: nothing in the attempt may catch it, as with a killed process."""

        def dies(url, body, headers):
            raise WorkerDied

        with mock.patch("referrals.webhooks.post", dies), self.assertRaises(WorkerDied):
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
        with mock.patch("referrals.webhooks.post", return_value=(True, "")):
            run_worker()
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, DeliveryStatus.DELIVERED)

    def test_a_retry_waiting_for_its_backoff_is_not_stalled(self):
        with mock.patch("referrals.webhooks.post", return_value=(False, "HTTP 500")):
            webhooks.attempt(str(self.delivery.pk))
        self.delivery.refresh_from_db()
        with clock(self.delivery.due_at + webhooks.STALLED_AFTER - timedelta(seconds=1)):
            self.assertEqual(webhooks.requeue_stalled(), 0)

    def test_signed_with_the_current_secret(self):
        calls = []
        with mock.patch("referrals.webhooks.post", side_effect=lambda u, b, h: calls.append((b, h)) or (True, "")):
            new = actions.rotate_secret(self.endpoint, by=self.mk_manager)
            webhooks.attempt(str(self.delivery.pk))
        body, headers = calls[0]
        expected = webhooks.signature(new, headers["X-SICNet-Timestamp"], body)
        self.assertEqual(headers["X-SICNet-Signature"], f"sha256={expected}")
        self.assertEqual(headers["Idempotency-Key"], str(self.delivery.pk))

    @override_settings(REFERRALS_WEBHOOK_ALLOW_HTTP=True, REFERRALS_WEBHOOK_ALLOW_PRIVATE=False)
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
