"""Deadlines: the receiver is reminded once, then both centres' supervisors are alerted once."""

from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from core.testing import SicnetTestCase, clock, run_worker
from notify.models import Notification
from referrals import actions
from referrals.models import Event, ReferralSettings
from referrals.tests import fixtures


class DeadlineTests(SicnetTestCase):
    def test_reminder_then_escalation(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        start = referral.sent_at
        with clock(start + timedelta(hours=23)):
            self.assertEqual(actions.remind_overdue(), (0, 0))
        with clock(start + timedelta(hours=25)):
            self.assertEqual(actions.remind_overdue(), (1, 0))
            self.assertEqual(actions.remind_overdue(), (0, 0))  # once
        self.assertTrue(Notification.objects.filter(recipient=self.mk_analyst, event=Event.REMINDER).exists())
        with clock(start + timedelta(hours=50)):
            self.assertEqual(actions.remind_overdue(), (0, 1))
        alerted = set(Notification.objects.filter(event=Event.ESCALATION).values_list("recipient__email", flat=True))
        # Hotline supervisors of both centres: Albania's supervisor and manager, North Macedonia's manager.
        self.assertEqual(alerted, {"al_supervisor@test.example", "al_manager@test.example", "mk_manager@test.example"})

    def test_acknowledged_referral_is_overdue_only_after_the_act_deadline(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        actions.acknowledge(referral, by=self.mk_analyst)
        with clock(referral.sent_at + timedelta(hours=71)):
            self.assertEqual(actions.remind_overdue(), (0, 0))
        with clock(referral.sent_at + timedelta(hours=73)):
            self.assertEqual(actions.remind_overdue(), (1, 0))

    def test_centre_sets_its_own_deadlines(self):
        ReferralSettings.objects.create(centre=self.mk_centre, acknowledge_hours=4, act_hours=48)
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        self.assertEqual(referral.acknowledge_due - referral.sent_at, timedelta(hours=4))
        self.assertEqual(referral.act_due - referral.sent_at, timedelta(hours=48))

    def test_command_queues_and_worker_reminds_and_emails(self):
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        run_worker()  # the e-mail of the referral itself
        mail.outbox.clear()
        self.mk_analyst.language = "mk"
        self.mk_analyst.save(update_fields=["language"])
        call_command("referrals_deadlines", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertTrue(DBTaskResult.objects.filter(task_path="referrals.tasks.check_deadlines").exists())
        with clock(referral.sent_at + timedelta(hours=25)):
            run_worker()
        self.assertTrue(Notification.objects.filter(recipient=self.mk_analyst, event=Event.REMINDER).exists())
        self.assertEqual([m.to for m in mail.outbox], [["mk_analyst@test.example"]])
        self.assertIn("/referrals/", mail.outbox[0].body)
        self.assertLess(timezone.now() - referral.sent_at, timedelta(hours=1))


class OneReferralAtATimeTests(SicnetTestCase):
    def test_one_failing_referral_neither_blocks_the_others_nor_is_half_done(self):
        from unittest import mock

        bad = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        good = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        real_notify = actions._notify

        def notify(referral, event, centre_id, **kwargs):
            if referral.pk == bad.pk:
                raise RuntimeError("mail template broken")
            return real_notify(referral, event, centre_id, **kwargs)

        with clock(bad.sent_at + timedelta(hours=25)):
            with mock.patch("referrals.actions._notify", notify), self.assertLogs("referrals.actions", "ERROR"):
                self.assertEqual(actions.remind_overdue(), (1, 0))
            bad.refresh_from_db()
            good.refresh_from_db()
            self.assertIsNone(bad.reminded_at)  # rolled back on its own, audit entry included
            self.assertIsNotNone(good.reminded_at)
            reminded = set(AuditEntry.objects.filter(action="referrals.reminded").values_list("object_id", flat=True))
            self.assertEqual(reminded, {str(good.pk)})
            # The next run tries the failed one again, and only that one.
            self.assertEqual(actions.remind_overdue(), (1, 0))
        bad.refresh_from_db()
        self.assertIsNotNone(bad.reminded_at)

    def test_state_is_rechecked_under_the_lock(self):
        """A referral reminded by another run after this run listed it is not reminded again."""
        referral = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        moment = referral.sent_at + timedelta(hours=25)
        with clock(moment):
            self.assertEqual(actions._remind_one(referral.pk, moment), "reminded")
            self.assertIsNone(actions._remind_one(referral.pk, moment))  # the late run finds it done
        self.assertEqual(Notification.objects.filter(event=Event.REMINDER).count(), 1)
