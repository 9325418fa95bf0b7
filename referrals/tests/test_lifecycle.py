"""The referral lifecycle, its audit entries, its notifications and the receiver's own record."""

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from core.testing import SicnetTestCase
from helpline.models import Case
from hotline.models import Item, Report
from notify.models import Notification
from referrals import actions
from referrals.models import Event, Referral, Status
from referrals.tests import fixtures


class LifecycleTests(SicnetTestCase):
    def test_forward_acknowledge_accept_complete(self):
        item = fixtures.al_item(self)
        referral = actions.send_hotline_item(item, by=self.al_analyst, receiver=self.mk_centre, note="hosted with you")
        self.assertEqual(referral.status, Status.SENT)
        self.assertIsNotNone(referral.acknowledge_due)
        self.assertEqual((referral.acknowledge_due - referral.sent_at).total_seconds(), 24 * 3600)
        self.assertEqual((referral.act_due - referral.sent_at).total_seconds(), 72 * 3600)
        # North Macedonia's analyst (and manager) are told, in the same transaction, and e-mailed.
        self.assertEqual(
            set(Notification.objects.filter(event=Event.SENT).values_list("recipient__email", flat=True)),
            {"mk_analyst@test.example"},
        )
        self.assertTrue(DBTaskResult.objects.filter(task_path="core.tasks.send_email").exists())

        actions.acknowledge(referral, by=self.mk_analyst)
        actions.accept(referral, by=self.mk_analyst)
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.ACCEPTED)
        report = Report.objects.get(pk=referral.created_record_id)
        self.assertEqual(report.centre, self.mk_centre)
        self.assertEqual(report.source, "partner_hotline")
        self.assertEqual(Item.objects.filter(centre=self.mk_centre, url=item.url).count(), 1)

        actions.start(referral, by=self.mk_analyst)
        actions.complete(referral, by=self.mk_analyst, outcome="removed", note="host removed it")
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.COMPLETED)
        self.assertEqual(referral.outcome, "removed")
        self.assertTrue(Notification.objects.filter(recipient=self.al_analyst, event=Event.COMPLETED).exists())
        actions_logged = list(
            AuditEntry.objects.filter(object_id=str(referral.pk)).order_by("seq").values_list("action", flat=True)
        )
        self.assertEqual(
            actions_logged,
            [
                "referrals.sent",
                "referrals.acknowledged",
                "referrals.accepted",
                "referrals.started",
                "referrals.completed",
            ],
        )

    def test_wrong_state_is_refused_and_changes_nothing(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        with self.assertRaises(actions.ReferralError):
            actions.complete(referral, by=self.mk_analyst, outcome="removed")
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.SENT)

    def test_revoke_until_accepted(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.acknowledge(referral, by=self.mk_analyst)
        actions.revoke(referral, by=self.al_analyst)
        self.assertEqual(Referral.objects.get(pk=referral.pk).status, Status.REVOKED)
        self.assertTrue(Notification.objects.filter(recipient=self.mk_analyst, event=Event.REVOKED).exists())

        accepted = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.accept(accepted, by=self.mk_analyst)
        with self.assertRaises(actions.ReferralError):
            actions.revoke(accepted, by=self.al_analyst)
        self.assertEqual(Referral.objects.get(pk=accepted.pk).status, Status.ACCEPTED)

    def test_decline_needs_a_reason(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        with self.assertRaises(actions.ReferralError):
            actions.decline(referral, by=self.mk_analyst, reason="  ")
        actions.decline(referral, by=self.mk_analyst, reason="Not hosted here")
        referral.refresh_from_db()
        self.assertEqual(referral.status, Status.DECLINED)
        self.assertEqual(referral.decline_reason, "Not hosted here")

    def test_cannot_refer_to_own_centre(self):
        with self.assertRaises(actions.ReferralError):
            actions.send_hotline_item(fixtures.al_item(self), by=self.al_analyst, receiver=self.al_centre)
        self.assertFalse(Referral.objects.exists())

    def test_external_referral_is_recorded_with_reference(self):
        referral = actions.send_external(
            fixtures.al_item(self), by=self.al_analyst, target="inhope", name="INHOPE", reference="IH-123"
        )
        self.assertIsNone(referral.receiver)
        self.assertEqual(referral.external_reference, "IH-123")
        self.assertEqual(referral.status, Status.COMPLETED)

    def test_helpline_acceptance_opens_a_case_from_the_packet(self):
        referral = fixtures.al_helpline_referral(self, receiver=self.mk_centre)
        self.assertTrue(Notification.objects.filter(recipient=self.mk_counsellor, event=Event.SENT).exists())
        self.assertFalse(Notification.objects.filter(recipient=self.mk_analyst).exists())
        actions.accept(referral, by=self.mk_counsellor)
        case = Case.objects.get(pk=referral.created_record_id)
        self.assertEqual(case.centre, self.mk_centre)
        self.assertEqual(case.contacts.get().summary, "Bullied in a chat group.")

    def test_messages_notify_the_other_side(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.post_message(referral, by=self.mk_analyst, centre=self.mk_centre, text="Which host?")
        self.assertTrue(Notification.objects.filter(recipient=self.al_analyst, event=Event.MESSAGE).exists())
        self.assertEqual(referral.messages.get().text, "Which host?")

    def test_a_rolled_back_change_notifies_nobody(self):
        from django.db import transaction

        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        before_notes, before_tasks = Notification.objects.count(), DBTaskResult.objects.count()
        try:
            with transaction.atomic():
                actions.acknowledge(referral, by=self.mk_analyst)
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertEqual(Notification.objects.count(), before_notes)
        self.assertEqual(DBTaskResult.objects.count(), before_tasks)


class EmailPreferenceTests(SicnetTestCase):
    def test_no_email_when_the_user_said_no_but_still_in_app(self):
        self.login_as(self.mk_analyst)
        self.client.post(reverse("notify:email_preference"), {})
        fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.assertFalse(DBTaskResult.objects.filter(task_path="core.tasks.send_email").exists())
        self.assertTrue(Notification.objects.filter(recipient=self.mk_analyst).exists())
        self.client.post(reverse("notify:email_preference"), {"email": "on"})
        fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.assertTrue(DBTaskResult.objects.filter(task_path="core.tasks.send_email").exists())
