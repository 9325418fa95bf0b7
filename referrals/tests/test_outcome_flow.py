"""Outcomes flow back: the receiving hotline's removal shows on the sender's own item.

Through events, both ways: the hotline states "hotline.removal_confirmed", referrals completes
the referral and states "referrals.completed", the hotline writes the outcome on the sender's
item; each when the task worker runs, and a second delivery changes nothing.
"""

from django.urls import reverse

from audit.models import AuditEntry
from core.models import Event
from core.testing import SicnetTestCase, deliver_again, run_worker
from hotline import actions as hotline_actions
from hotline.models import Item, ItemEvent, ItemStatus
from notify.models import Notification
from referrals import actions
from referrals.models import Outcome, Status
from referrals.tests import fixtures


class OutcomeFlowTests(SicnetTestCase):
    def accepted_referral(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.accept(referral, by=self.mk_analyst)
        referral.refresh_from_db()
        receiver_item = Item.objects.get(centre=self.mk_centre)
        return referral, receiver_item, Item.objects.get(pk=referral.source_id)

    def test_receivers_removal_check_completes_the_referral_and_reaches_the_senders_timeline(self):
        referral, receiver_item, sender_item = self.accepted_referral()
        self.assertIsNone(sender_item.removed_at)
        self.login_as(self.mk_analyst)
        response = self.client.post(
            reverse("hotline:step", args=[receiver_item.pk, "removal"]), {"removal-removed": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.ACCEPTED)  # until the worker delivers the event
        run_worker()
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.COMPLETED)
        self.assertEqual(referral.outcome, Outcome.REMOVED)
        sender_item.refresh_from_db()
        self.assertIsNotNone(sender_item.removed_at)
        event = sender_item.events.get(kind=ItemEvent.Kind.PARTNER_OUTCOME)
        self.assertEqual(event.details, {"referral": str(referral.pk), "partner": "mk-sic", "outcome": "removed"})
        self.assertTrue(AuditEntry.objects.filter(action="hotline.partner_outcome", centre_id=self.al_centre.pk))
        # The sender's analyst reads it on the item page, with a link to the referral.
        self.login_as(self.al_analyst)
        page = self.client.get(reverse("hotline:item", args=[sender_item.pk]))
        self.assertContains(page, "mk-sic confirmed that the content was removed.")
        self.assertContains(page, reverse("referrals:detail", args=[referral.pk]))
        # The receiver never sees the sender's item.
        self.login_as(self.mk_analyst)
        self.assertEqual(self.client.get(reverse("hotline:item", args=[sender_item.pk])).status_code, 404)

    def test_delivering_the_events_twice_changes_nothing_the_second_time(self):
        referral, receiver_item, sender_item = self.accepted_referral()
        hotline_actions.check_removal(receiver_item, by=self.mk_analyst, removed=True)
        run_worker()
        referral.refresh_from_db()
        completed_at = referral.completed_at
        counts = (AuditEntry.objects.count(), Notification.objects.count(), ItemEvent.objects.count())
        for name in ("hotline.removal_confirmed", "referrals.completed"):
            self.assertTrue(deliver_again(Event.objects.get(name=name)))
        run_worker()
        referral.refresh_from_db()
        self.assertEqual(referral.completed_at, completed_at)
        self.assertEqual((AuditEntry.objects.count(), Notification.objects.count(), ItemEvent.objects.count()), counts)
        self.assertEqual(Event.objects.filter(name="referrals.completed").count(), 1)
        self.assertEqual(sender_item.events.filter(kind=ItemEvent.Kind.PARTNER_OUTCOME).count(), 1)

    def test_an_outcome_given_on_the_referral_also_reaches_the_timeline(self):
        referral, _receiver_item, sender_item = self.accepted_referral()
        actions.complete(referral, by=self.mk_analyst, outcome=Outcome.NOT_REMOVED, note="host refuses")
        run_worker()
        sender_item.refresh_from_db()
        self.assertIsNone(sender_item.removed_at)
        event = sender_item.events.get(kind=ItemEvent.Kind.PARTNER_OUTCOME)
        self.assertEqual(event.details["outcome"], "not_removed")
        self.login_as(self.al_analyst)
        page = self.client.get(reverse("hotline:item", args=[sender_item.pk]))
        self.assertContains(page, "completed the referral; the content was not reported removed.")

    def test_still_online_or_a_second_check_changes_nothing_at_the_sender(self):
        referral, receiver_item, sender_item = self.accepted_referral()
        hotline_actions.check_removal(receiver_item, by=self.mk_analyst, removed=False)
        run_worker()
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.ACCEPTED)
        self.assertFalse(sender_item.events.filter(kind=ItemEvent.Kind.PARTNER_OUTCOME).exists())
        hotline_actions.check_removal(receiver_item, by=self.mk_analyst, removed=True)
        hotline_actions.check_removal(receiver_item, by=self.mk_analyst, removed=True)
        run_worker()
        self.assertEqual(Event.objects.filter(name="hotline.removal_confirmed").count(), 1)
        self.assertEqual(sender_item.events.filter(kind=ItemEvent.Kind.PARTNER_OUTCOME).count(), 1)

    def test_a_removal_of_an_item_not_from_a_referral_touches_no_referral(self):
        referral, _receiver_item, sender_item = self.accepted_referral()
        hotline_actions.check_removal(sender_item, by=self.al_analyst, removed=True)
        run_worker()
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.ACCEPTED)


class HandOverOnTheItemTests(SicnetTestCase):
    def test_a_referral_is_the_items_forwarding_and_law_enforcement_its_report(self):
        item = fixtures.al_item(self)
        actions.send_hotline_item(item, by=self.al_analyst, receiver=self.mk_centre)
        item.refresh_from_db()
        self.assertIsNotNone(item.forwarded_at)
        self.assertEqual(item.status, ItemStatus.ACTION_TAKEN)
        event = item.events.get(kind=ItemEvent.Kind.FORWARDED)
        self.assertEqual(event.details["hotline"], self.mk_centre.name)
        actions.send_external(item, by=self.al_analyst, target="law_enforcement", name="State police", reference="P-9")
        item.refresh_from_db()
        self.assertIsNotNone(item.law_enforcement_at)
        self.assertEqual(item.events.get(kind=ItemEvent.Kind.LAW_ENFORCEMENT).details["agency"], "State police")
