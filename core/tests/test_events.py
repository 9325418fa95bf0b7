"""Events between apps: written with the change, delivered at least once, each subscriber once.

- an event emitted in a transaction that rolls back is never delivered;
- a committed event reaches every subscriber when the worker runs;
- delivering it again changes nothing;
- a failing subscriber does not stop the others; the sweeper retries it alone, with backoff, and
  after the last attempt the event is dead (and stays visible).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from io import StringIO
from unittest import skipUnless

from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import TestCase, TransactionTestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import events
from core.models import Event, EventHandled, EventStatus
from core.testing import clock, run_worker, subscribed

NAME = "tests.something_happened"


class Rollback(Exception):
    pass


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.seen: list[dict] = []
        self.fail_times = fail_times

    def __call__(self, event: Event) -> None:
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("the subscriber's service is down")
        self.seen.append(event.payload)


class EmitTests(TestCase):
    def test_an_event_of_a_rolled_back_change_is_never_delivered(self):
        first = Recorder()
        with subscribed(NAME, first, name="tests.first"):
            with self.assertRaises(Rollback), transaction.atomic():
                events.emit(NAME, payload={"item": "1"})
                raise Rollback
            run_worker()
            call_command("deliver_events", verbosity=0)
        self.assertEqual(first.seen, [])
        self.assertFalse(Event.objects.exists())
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_committed_event_reaches_every_subscriber_once(self):
        first, second = Recorder(), Recorder()
        with subscribed(NAME, first, name="tests.first"), subscribed(NAME, second, name="tests.second"):
            with transaction.atomic():
                event = events.emit(NAME, payload={"item": "1"}, sealed={"url": "https://example.com/x"})
            self.assertEqual(first.seen, [])  # nothing runs before the worker
            run_worker()
            self.assertEqual((first.seen, second.seen), ([{"item": "1"}], [{"item": "1"}]))
            event.refresh_from_db()
            self.assertEqual((event.status, event.attempts), (EventStatus.DELIVERED, 1))
            self.assertEqual(event.sealed, "")  # erased once nothing needs it
            self.assertEqual(set(event.handled.values_list("subscriber", flat=True)), {"tests.first", "tests.second"})
            events.deliver(event.pk)
            run_worker()
            call_command("deliver_events", verbosity=0)
        self.assertEqual((len(first.seen), len(second.seen)), (1, 1))

    def test_a_subscriber_reads_the_sealed_content(self):
        seen = []
        with subscribed(NAME, lambda event: seen.append(event.sealed_data), name="tests.sealed"):
            with transaction.atomic():
                events.emit(NAME, payload={}, sealed={"url": "https://example.com/x"})
            run_worker()
        self.assertEqual(seen, [{"url": "https://example.com/x"}])

    def test_emit_outside_a_transaction_or_with_a_big_payload_is_refused(self):
        # TestCase wraps each test in a transaction: step out of it to see the refusal.
        connection = transaction.get_connection()
        connection.in_atomic_block = False
        try:
            with self.assertRaises(RuntimeError):
                events.emit(NAME, payload={})
        finally:
            connection.in_atomic_block = True
        with self.assertRaises(ValueError), transaction.atomic():
            events.emit(NAME, payload={"text": "x" * 3000})
        with self.assertRaises(TypeError), transaction.atomic():
            events.emit(NAME, payload={"when": timezone.now()})
        self.assertFalse(Event.objects.exists())


class RetryTests(TestCase):
    def test_a_failing_subscriber_is_retried_by_the_sweeper_and_the_others_are_not_repeated(self):
        healthy, flaky = Recorder(), Recorder(fail_times=1)
        with subscribed(NAME, healthy, name="tests.healthy"), subscribed(NAME, flaky, name="tests.flaky"):
            with transaction.atomic():
                event = events.emit(NAME, payload={"item": "1"})
            run_worker()
            self.assertEqual((len(healthy.seen), len(flaky.seen)), (1, 0))
            event.refresh_from_db()
            self.assertEqual((event.status, event.attempts), (EventStatus.PENDING, 1))
            self.assertEqual(event.last_error, "tests.flaky: RuntimeError")
            self.assertEqual(list(event.handled.values_list("subscriber", flat=True)), ["tests.healthy"])
            # Not due yet: the sweeper leaves it alone.
            call_command("deliver_events", verbosity=0)
            self.assertEqual(len(flaky.seen), 0)
            with clock(event.next_attempt_at + timedelta(seconds=1)):
                out = StringIO()
                call_command("deliver_events", stdout=out)
            self.assertEqual(out.getvalue().strip(), "1 delivered, 0 still waiting or dead")
        self.assertEqual((len(healthy.seen), len(flaky.seen)), (1, 1))
        event.refresh_from_db()
        self.assertEqual((event.status, event.attempts, event.last_error), (EventStatus.DELIVERED, 2, ""))

    def test_a_lost_delivery_is_made_by_the_sweeper(self):
        seen = Recorder()
        with subscribed(NAME, seen, name="tests.seen"):
            with transaction.atomic():
                events.emit(NAME, payload={"item": "1"})
            DBTaskResult.objects.all().delete()  # the queued delivery is lost
            call_command("deliver_events", verbosity=0)
            self.assertEqual(seen.seen, [])  # it is given time first
            with clock(timezone.now() + events.LOST_AFTER + timedelta(seconds=1)):
                call_command("deliver_events", verbosity=0)
        self.assertEqual(seen.seen, [{"item": "1"}])

    def test_backoff_doubles_then_the_event_is_dead_and_can_be_revived(self):
        broken = Recorder(fail_times=events.MAX_ATTEMPTS)
        with subscribed(NAME, broken, name="tests.broken"):
            with transaction.atomic():
                event = events.emit(NAME, payload={"item": "1"})
            run_worker()
            waits = []
            for _attempt in range(events.MAX_ATTEMPTS - 1):
                event.refresh_from_db()
                waits.append(event.next_attempt_at)
                with clock(event.next_attempt_at + timedelta(seconds=1)):
                    call_command("deliver_events", verbosity=0)
            event.refresh_from_db()
            self.assertEqual((event.status, event.attempts), (EventStatus.DEAD, events.MAX_ATTEMPTS))
            self.assertIsNone(event.next_attempt_at)
            self.assertEqual(events.backoff(1), timedelta(minutes=5))
            self.assertEqual(events.backoff(2), timedelta(minutes=10))
            self.assertEqual(events.backoff(9), timedelta(hours=12))
            with clock(timezone.now() + timedelta(days=30)):
                call_command("deliver_events", verbosity=0)  # dead: left alone
            self.assertEqual(broken.seen, [])
            out = StringIO()
            call_command("deliver_events", event=str(event.pk), stdout=out)  # the cause was fixed
            self.assertEqual(out.getvalue().strip(), "delivered")
        self.assertEqual(broken.seen, [{"item": "1"}])
        self.assertEqual(EventHandled.objects.filter(event=event).count(), 1)

    def test_delivered_events_are_deleted_after_30_days_and_dead_ones_kept(self):
        with transaction.atomic():
            delivered = events.emit(NAME, payload={"item": "1"})
            dead = events.emit(NAME, payload={"item": "2"})
        run_worker()
        Event.objects.filter(pk=dead.pk).update(status=EventStatus.DEAD)
        with clock(timezone.now() + timedelta(days=29)):
            call_command("deliver_events", verbosity=0)
        self.assertEqual(Event.objects.count(), 2)
        with clock(timezone.now() + timedelta(days=31)):
            call_command("deliver_events", verbosity=0)
        self.assertEqual(list(Event.objects.values_list("pk", flat=True)), [dead.pk])
        self.assertFalse(EventHandled.objects.filter(event_id=delivered.pk).exists())

    def test_a_subscriber_that_fails_leaves_no_half_done_work(self):
        def half_then_fail(event):
            Event.objects.filter(pk=event.pk).update(last_error="written by the subscriber")
            raise RuntimeError

        with subscribed(NAME, half_then_fail, name="tests.half"):
            with transaction.atomic():
                event = events.emit(NAME, payload={})
            run_worker()
        event.refresh_from_db()
        self.assertEqual(event.last_error, "tests.half: RuntimeError")
        self.assertFalse(event.handled.exists())


class AdminTests(TestCase):
    def test_a_platform_administrator_sees_dead_events_and_can_change_nothing(self):
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.create_superuser(email="root@example.org", password="x")
        with transaction.atomic():
            event = events.emit(NAME, payload={"item": "1"}, sealed={"url": "https://secret.example.com/"})
        Event.objects.filter(pk=event.pk).update(status=EventStatus.DEAD, last_error="tests.broken: RuntimeError")
        self.client.force_login(admin)
        page = self.client.get("/admin/core/event/?status=dead")
        self.assertContains(page, NAME)
        self.assertContains(page, "tests.broken: RuntimeError")
        detail = self.client.get(f"/admin/core/event/{event.pk}/change/")
        self.assertEqual(detail.status_code, 200)
        self.assertNotContains(detail, "secret.example.com")
        self.assertNotContains(detail, 'name="_save"')
        self.assertEqual(self.client.post(f"/admin/core/event/{event.pk}/delete/").status_code, 403)


@skipUnless(connection.vendor == "postgresql", "needs row locks and concurrent transactions (PostgreSQL)")
class ConcurrentDeliveryTests(TransactionTestCase):
    def test_two_deliveries_at_once_run_a_subscriber_once(self):
        calls = []
        started = threading.Event()

        def slow(event):
            calls.append(event.pk)
            started.set()
            time.sleep(0.5)  # the other delivery arrives while this one holds the record

        def deliver(event_id):
            try:
                events.deliver(event_id)
            finally:
                connections.close_all()

        with subscribed(NAME, slow, name="tests.slow"):
            with transaction.atomic():
                event = events.emit(NAME, payload={})
            first = threading.Thread(target=deliver, args=(event.pk,))
            first.start()
            started.wait(5)
            second = threading.Thread(target=deliver, args=(event.pk,))
            second.start()
            first.join(10)
            second.join(10)
        self.assertEqual(len(calls), 1)
        event.refresh_from_db()
        self.assertEqual(event.status, EventStatus.DELIVERED)
        self.assertEqual(EventHandled.objects.filter(event=event).count(), 1)
