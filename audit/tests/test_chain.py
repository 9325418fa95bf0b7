"""record() chains entries; entries survive the database unchanged; nothing changes or deletes them."""

import datetime
import uuid
from decimal import Decimal
from unittest import skipUnless

from django.db import DatabaseError, connection, transaction

from audit.actions import record, record_many
from audit.models import GENESIS_HASH, AppendOnlyError, AuditEntry
from audit.tests.tampering import TABLE, build_chain
from audit.verify import verify_chain
from core.testing import SicnetTestCase


class RecordTests(SicnetTestCase):
    def test_first_entry_links_to_genesis_and_each_next_to_the_one_before(self):
        entries = build_chain(4)
        self.assertEqual(entries[0].prev_hash, GENESIS_HASH)
        for before, after in zip(entries, entries[1:], strict=False):
            self.assertEqual(after.prev_hash, before.hash)
            self.assertGreater(after.seq, before.seq)
        self.assertEqual(len({e.hash for e in entries}), 4)
        stored = list(AuditEntry.objects.order_by("seq"))
        self.assertEqual([e.hash for e in stored], [e.hash for e in entries])
        self.assertEqual(verify_chain(), (4, None))

    def test_record_many_chains_in_order_between_single_entries(self):
        record("test.before")
        record_many([("test.batch", {"changes": {"n": n}, "actor_label": "public"}) for n in range(3)])
        record("test.after")
        stored = list(AuditEntry.objects.order_by("seq"))
        self.assertEqual(
            [(entry.action, entry.changes) for entry in stored],
            [("test.before", {}), *[("test.batch", {"n": n}) for n in range(3)], ("test.after", {})],
        )
        for before, after in zip(stored, stored[1:], strict=False):
            self.assertEqual(after.prev_hash, before.hash)
        self.assertEqual(verify_chain(), (5, None))

    def test_record_many_of_nothing_writes_nothing(self):
        record_many([])
        self.assertFalse(AuditEntry.objects.exists())

    def test_record_fills_who_where_and_what(self):
        entry = record(
            "membership.granted", actor=self.al_manager, centre_id=self.al_centre.pk, obj=self.al_centre, changes={}
        )
        entry = AuditEntry.objects.get(pk=entry.pk)
        self.assertEqual(entry.actor_id, self.al_manager.pk)
        self.assertEqual(entry.actor_label, self.al_manager.email)
        self.assertEqual(entry.centre_id, self.al_centre.pk)
        self.assertEqual(entry.object_type, "network.centre")
        self.assertEqual(entry.object_id, str(self.al_centre.pk))
        self.assertEqual(entry.changes, {})
        self.assertEqual(entry.hash, entry.compute_hash())

    def test_hash_covers_the_previous_hash(self):
        first, second = build_chain(2)
        second.prev_hash = GENESIS_HASH
        self.assertNotEqual(second.compute_hash(), second.hash)

    def test_changes_round_trip_through_the_database(self):
        moment = datetime.datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC)
        some_id = uuid.uuid4()
        changes = {
            "text": 'Përshëndetje, Здраво, "quoted" <b>',
            "nested": {"list": [1, 2.5, None, True, {"deep": "x"}], "z": 1, "a": 2},
            "when": moment,
            "day": moment.date(),
            "id": some_id,
            "amount": Decimal("12.50"),
            "float_whole": 1e16,
            "float_small": 1.5e-7,
            "float_one": 1.0,
            "minus_zero": -0.0,
            "big": 2**62,
            3: "int key",
        }
        entry = record("test.json", changes=changes)
        stored = AuditEntry.objects.get(pk=entry.pk)
        # What record() returned is what a reader gets back, and both hash the same.
        self.assertEqual(stored.changes, entry.changes)
        self.assertEqual(stored.compute_hash(), stored.hash)
        self.assertEqual(stored.changes["when"], "2026-03-01T12:30:15.123Z")
        self.assertEqual(stored.changes["id"], str(some_id))
        self.assertEqual(stored.changes["amount"], "12.50")
        self.assertEqual(stored.changes["nested"]["list"], [1, 2.5, None, True, {"deep": "x"}])
        self.assertEqual(stored.changes["3"], "int key")
        self.assertEqual(stored.changes["float_whole"], 10**16)
        self.assertEqual(stored.changes["float_small"], 1.5e-7)
        self.assertEqual(verify_chain(), (1, None))

    def test_ids_given_as_text_hash_the_same_once_stored(self):
        # Callers may hold an id as text (upper case, without dashes): the database gives back a UUID.
        entry = record("test.ids", centre_id=self.al_centre.pk.hex.upper(), actor_label="someone")
        stored = AuditEntry.objects.get(pk=entry.pk)
        self.assertEqual(stored.centre_id, self.al_centre.pk)
        self.assertEqual(stored.compute_hash(), stored.hash)
        self.assertEqual(verify_chain(), (1, None))

    def test_entries_written_in_a_rolled_back_transaction_leave_no_trace_in_the_chain(self):
        record("test.kept")
        try:
            with transaction.atomic():
                record("test.lost")
                raise RuntimeError
        except RuntimeError:
            pass
        record("test.kept_too")
        self.assertEqual(list(AuditEntry.objects.values_list("action", flat=True)), ["test.kept", "test.kept_too"])
        self.assertEqual(verify_chain(), (2, None))


class AppendOnlyTests(SicnetTestCase):
    def setUp(self):
        self.entries = build_chain(3)

    def test_model_refuses_save_of_an_existing_entry(self):
        entry = AuditEntry.objects.get(pk=self.entries[1].pk)
        entry.action = "test.rewritten"
        with self.assertRaises(AppendOnlyError):
            entry.save()
        with self.assertRaises(AppendOnlyError):
            entry.save(update_fields=["action"])
        self.assertEqual(AuditEntry.objects.get(pk=entry.pk).action, "test.event1")

    def test_model_refuses_delete(self):
        with self.assertRaises(AppendOnlyError):
            self.entries[1].delete()
        self.assertEqual(AuditEntry.objects.count(), 3)

    def test_queryset_refuses_update_and_delete(self):
        with self.assertRaises(AppendOnlyError):
            AuditEntry.objects.filter(pk=self.entries[0].pk).update(action="test.rewritten")
        with self.assertRaises(AppendOnlyError):
            AuditEntry.objects.all().delete()
        with self.assertRaises(AppendOnlyError):
            AuditEntry.objects.filter(pk=self.entries[0].pk).delete()
        with self.assertRaises(AppendOnlyError):
            entry = self.entries[0]
            entry.action = "test.rewritten"
            AuditEntry.objects.bulk_update([entry], ["action"])
        with self.assertRaises(AppendOnlyError):
            AuditEntry.objects.update_or_create(pk=self.entries[0].pk, defaults={"action": "test.rewritten"})
        self.assertEqual(AuditEntry.objects.count(), 3)
        self.assertEqual(verify_chain(), (3, None))

    def test_entries_cannot_be_added_around_record(self):
        # Rows written without record() would not be chained.
        with self.assertRaises(AppendOnlyError):
            AuditEntry.objects.bulk_create([AuditEntry(action="test.bulk", prev_hash="x", hash="y")])
        with self.assertRaises(AppendOnlyError):
            AuditEntry.objects.create(action="test.unchained")
        self.assertEqual(verify_chain(), (3, None))


@skipUnless(connection.vendor == "postgresql", "the append-only triggers exist on PostgreSQL only")
class DatabaseRefusesChangesTests(SicnetTestCase):
    """Even code that bypasses the ORM (or a person at a psql prompt) cannot change the log."""

    def setUp(self):
        self.entries = build_chain(3)

    def assertRefused(self, sql, params=()):
        with self.assertRaisesMessage(DatabaseError, "append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    def test_plain_update_is_refused(self):
        self.assertRefused(f"UPDATE {TABLE} SET action = 'test.rewritten' WHERE seq = %s", [self.entries[1].seq])
        self.assertRefused(f"UPDATE {TABLE} SET seq = seq + 1000")

    def test_plain_delete_is_refused(self):
        self.assertRefused(f"DELETE FROM {TABLE} WHERE seq = %s", [self.entries[1].seq])
        self.assertRefused(f"DELETE FROM {TABLE}")

    def test_nothing_changed_and_appending_still_works(self):
        for sql in (f"UPDATE {TABLE} SET action = 'x'", f"DELETE FROM {TABLE}"):
            self.assertRefused(sql)
        record("test.after")
        self.assertEqual(verify_chain(), (4, None))
        self.assertEqual(AuditEntry.objects.get(pk=self.entries[1].pk).action, "test.event1")
