"""Webhooks: signed, retried with back-off, each idempotency key once, dead letters a manager retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.urls import reverse
from django.utils import timezone

from core.testing import SicnetTestCase
from referrals import actions
from referrals.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from referrals.tests import fixtures
from referrals.tests.helpers import clock, run_worker

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
