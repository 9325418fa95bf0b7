"""A referral's events reach the centres' systems through notify's webhooks: the right centre, the
events it chose, ids, kinds and states (never packet content), each idempotency key once."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from core.testing import SicnetTestCase, clock, run_worker
from notify import actions as notify_actions
from notify import webhooks
from notify.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from notify.tests.helpers import LOCAL_RECEIVER, SECRET, Receiver
from referrals import actions
from referrals.models import Event
from referrals.tests import fixtures


def drain() -> None:
    moment = timezone.now()
    for _step in range(12):
        moment += timedelta(minutes=20)
        with clock(moment):
            run_worker()


@LOCAL_RECEIVER
class ReferralWebhookTests(SicnetTestCase):
    def test_half_failing_receiver_gets_every_event_once_after_dedup(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        WebhookEndpoint.objects.create(centre=self.mk_centre, url=receiver.url, secret=SECRET)
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.post_message(referral, by=self.al_analyst, centre=self.al_centre, text="one")
        actions.post_message(referral, by=self.al_analyst, centre=self.al_centre, text="two")
        actions.revoke(referral, by=self.al_analyst)
        self.assertEqual(WebhookDelivery.objects.count(), 4)  # queued with the changes themselves
        drain()
        self.assertEqual(WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count(), 4)
        self.assertTrue(all(r["signed"] for r in receiver.requests))
        accepted = [r["key"] for r in receiver.requests if r["accepted"]]
        self.assertEqual(set(accepted), {str(pk) for pk in WebhookDelivery.objects.values_list("pk", flat=True)})
        self.assertEqual(len(accepted), 4)
        self.assertNotIn("please", str([r["body"] for r in receiver.requests]))  # no packet content
        first = next(r["body"] for r in receiver.requests if r["body"]["event"] == "sent")
        self.assertEqual(set(first), {"id", "event", "referral", "kind", "service", "status", "at"})
        self.assertEqual(
            (first["referral"], first["kind"], first["status"]), (str(referral.pk), "hotline_item", "sent")
        )
        delivery = WebhookDelivery.objects.get(event="revoked")
        self.assertEqual((delivery.target_type, delivery.target_id), ("referrals.referral", referral.pk))

    def test_dead_letter_and_manual_retry(self):
        receiver = Receiver(fail_all=True)
        self.addCleanup(receiver.close)
        WebhookEndpoint.objects.create(centre=self.mk_centre, url=receiver.url, secret=SECRET)
        fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        drain()
        delivery = WebhookDelivery.objects.get()
        self.assertEqual((delivery.status, delivery.attempts), (DeliveryStatus.DEAD, 6))
        self.login_as(self.mk_manager)
        page = self.client.get(reverse("notify:dead_letters", args=[self.mk_centre.pk]))
        self.assertContains(page, receiver.url)
        self.assertContains(page, "A referral was sent to your centre")
        receiver.fail_all = False
        self.client.post(reverse("notify:retry_delivery", args=[self.mk_centre.pk, delivery.pk]))
        drain()
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, DeliveryStatus.DELIVERED)


class ReferralEventTests(SicnetTestCase):
    def test_events_filter_what_is_queued(self):
        endpoint = fixtures.al_endpoint(self)
        endpoint.events = [Event.REVOKED]
        endpoint.save(update_fields=["events"])
        referral = fixtures.rs_to_al_request(self)
        self.assertFalse(WebhookDelivery.objects.exists())
        actions.revoke(referral, by=fixtures.rs_analyst(self))
        self.assertEqual(list(WebhookDelivery.objects.values_list("event", flat=True)), ["revoked"])

    def test_only_the_notified_centres_endpoints(self):
        fixtures.al_endpoint(self)
        WebhookEndpoint.objects.create(centre=self.mk_centre, url="https://hooks.mk.example/", secret="x")
        fixtures.rs_to_al_request(self)  # Albania receives
        self.assertEqual(list(WebhookDelivery.objects.values_list("endpoint__centre", flat=True)), [self.al_centre.pk])

    def test_queued_events_of_a_disabled_endpoint_are_dead_lettered_without_a_call(self):
        endpoint = fixtures.al_endpoint(self)
        fixtures.rs_to_al_request(self)
        delivery = WebhookDelivery.objects.get()
        notify_actions.set_endpoint_active(endpoint, by=self.al_manager, active=False)
        with mock.patch("notify.webhooks.post") as post:
            self.assertEqual(webhooks.attempt(str(delivery.pk)), DeliveryStatus.DEAD)
        post.assert_not_called()

    def test_a_delivery_queued_under_the_former_task_name_is_still_delivered(self):
        from referrals.tasks import deliver_webhook

        fixtures.al_endpoint(self)
        fixtures.rs_to_al_request(self)
        delivery = WebhookDelivery.objects.get()
        with mock.patch("notify.webhooks.post", return_value=None):
            self.assertEqual(deliver_webhook.call(delivery_id=str(delivery.pk)), DeliveryStatus.DELIVERED)

    def test_the_endpoint_form_offers_the_referral_events(self):
        self.login_as(self.al_manager)
        page = self.client.get(reverse("notify:webhook_new", args=[self.al_centre.pk]))
        for event in Event:
            self.assertContains(page, f'value="{event.value}"')
        self.assertContains(page, "A referral to your centre is overdue")
