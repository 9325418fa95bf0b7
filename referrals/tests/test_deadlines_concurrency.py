"""Deadline runs on PostgreSQL: a referral another transaction holds is skipped, not waited for.

Needs real row locks and two connections: skipped on SQLite. Run with
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/sicnet_<name> pytest referrals/tests/test_deadlines_concurrency.py``.
"""

import threading
import unittest
from datetime import timedelta

from django.db import connection, connections, transaction
from django.test import TransactionTestCase

from core.testing import build_test_network, clock
from notify.models import Notification
from referrals import actions
from referrals.models import Event, Referral
from referrals.tests import fixtures


@unittest.skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
class SkipLockedTests(TransactionTestCase):
    def setUp(self):
        network = build_test_network()
        for name, user in network["users"].items():
            setattr(self, name, user)
        self.al_centre, self.mk_centre = network["centres"]["al"], network["centres"]["mk"]

    def test_a_locked_referral_is_skipped_and_reminded_once_later(self):
        held = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        free = fixtures.al_hotline_referral(self, receiver=self.mk_centre)
        locked, release = threading.Event(), threading.Event()

        def other_run():
            try:
                with transaction.atomic():
                    Referral.objects.select_for_update().get(pk=held.pk)
                    locked.set()
                    release.wait(30)
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_run)
        thread.start()
        self.assertTrue(locked.wait(10))
        try:
            with clock(held.sent_at + timedelta(hours=25)):
                # Would block for as long as the other transaction lasts without skip_locked.
                with connection.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '5s'")
                with self.assertNoLogs("referrals.actions", "ERROR"):  # skipped, not timed out
                    self.assertEqual(actions.remind_overdue(), (1, 0))
        finally:
            release.set()
            thread.join()
        held.refresh_from_db()
        free.refresh_from_db()
        self.assertIsNone(held.reminded_at)
        self.assertIsNotNone(free.reminded_at)
        with clock(held.sent_at + timedelta(hours=26)):
            self.assertEqual(actions.remind_overdue(), (1, 0))
            self.assertEqual(actions.remind_overdue(), (0, 0))
        self.assertEqual(Notification.objects.filter(event=Event.REMINDER, target_id=held.pk).count(), 1)
