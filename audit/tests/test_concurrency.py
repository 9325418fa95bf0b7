"""Writers in parallel never chain onto the same previous entry."""

import threading
import time
from unittest import mock, skipUnless

from django.db import connection, connections
from django.test import TransactionTestCase
from django.utils import timezone

from audit import actions
from audit.models import AuditEntry
from audit.verify import verify_chain

THREADS = 8
PER_THREAD = 6


def _slow_now():
    # Widens the window between reading the last entry and inserting the next one, so that
    # writers without the lock would collide almost every time.
    time.sleep(0.005)
    return timezone.now()


@skipUnless(connection.vendor == "postgresql", "SQLite serialises writers itself (BEGIN IMMEDIATE)")
class ConcurrentRecordTests(TransactionTestCase):
    def write_in_parallel(self) -> list[Exception]:
        barrier = threading.Barrier(THREADS)
        errors: list[Exception] = []

        def writer(number: int) -> None:
            try:
                barrier.wait()
                for i in range(PER_THREAD):
                    if number % 2:  # half the writers append batches of one (record_many's path)
                        actions.record_many([(f"test.thread{number}", {"changes": {"i": i}})])
                    else:
                        actions.record(f"test.thread{number}", changes={"i": i})
            except Exception as error:  # noqa: BLE001 - any failure in a thread is reported to the test
                errors.append(error)
            finally:
                connections.close_all()

        with mock.patch.object(actions, "timezone", mock.Mock(now=_slow_now)):
            threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        return errors

    def test_parallel_writers_keep_the_chain_intact(self):
        errors = self.write_in_parallel()
        self.assertEqual(errors, [])
        self.assertEqual(AuditEntry.objects.count(), THREADS * PER_THREAD)
        self.assertEqual(verify_chain(), (THREADS * PER_THREAD, None))
        prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
        self.assertEqual(len(set(prev_hashes)), len(prev_hashes), "two entries chained onto the same one")

    def test_without_the_lock_writers_fork_the_chain(self):
        # The control experiment: proves the test above would catch a missing lock.
        with mock.patch.object(actions, "HEAD_LOCK", ""):
            errors = self.write_in_parallel()
        self.assertEqual(errors, [])
        checked, problem = verify_chain()
        self.assertIsNotNone(problem)
        self.assertLess(checked, THREADS * PER_THREAD)
