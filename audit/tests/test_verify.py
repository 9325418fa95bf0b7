"""manage.py audit_verify: passes on an intact chain, names the first broken entry after tampering."""

import json
import uuid
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.actions import record
from audit.models import AuditEntry, ChainHead
from audit.tests.tampering import TABLE, build_chain, tampering
from audit.verify import verify_chain
from core.testing import SicnetTestCase


class AuditVerifyCommandTests(SicnetTestCase):
    def setUp(self):
        self.entries = build_chain(5, actor=self.al_analyst, centre_id=self.al_centre.pk)
        self.seqs = [e.seq for e in self.entries]

    def verify(self) -> str:
        out = StringIO()
        call_command("audit_verify", stdout=out)
        return out.getvalue()

    def assertBrokenAt(self, seq: int, *words: str) -> str:
        with self.assertRaises(CommandError) as caught:
            self.verify()
        message = str(caught.exception)
        self.assertIn(f"#{seq}:", message)
        for word in words:
            self.assertIn(word, message)
        return message

    def test_intact_chain_passes(self):
        self.assertIn("5 entries verified", self.verify())

    def test_empty_log_passes(self):
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(f"DELETE FROM {ChainHead._meta.db_table}")
        self.assertIn("0 entries verified", self.verify())

    def test_every_entry_deleted(self):
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
        self.assertBrokenAt(self.seqs[4], "deleted, with every entry")

    def test_chain_keeps_verifying_as_it_grows(self):
        record("test.more", actor=self.al_manager)
        self.assertIn("6 entries verified", self.verify())

    def test_changed_action(self):
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET action = %s WHERE seq = %s", ["test.innocent", self.seqs[2]])
        message = self.assertBrokenAt(self.seqs[2], "changed")
        self.assertIn("2 entries before it are intact", message)

    def test_changed_changes(self):
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET changes = %s WHERE seq = %s", [json.dumps({"n": 99}), self.seqs[1]])
        self.assertEqual(AuditEntry.objects.get(seq=self.seqs[1]).changes, {"n": 99})
        self.assertBrokenAt(self.seqs[1], "changed")

    def test_changed_actor(self):
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET actor_id = %s WHERE seq = %s", [self.mk_analyst.pk.hex, self.seqs[3]])
        self.assertEqual(AuditEntry.objects.get(seq=self.seqs[3]).actor_id, self.mk_analyst.pk)
        self.assertBrokenAt(self.seqs[3], "changed")

    def test_changed_actor_label_centre_object_and_time(self):
        changes = [
            ("actor_label", "someone@else.example"),
            ("centre_id", self.mk_centre.pk.hex),
            ("object_id", "another"),
            ("object_type", "network.other"),
        ]
        for column, value in changes:
            with self.subTest(column=column), tampering() as cursor:
                cursor.execute(f"SELECT {column} FROM {TABLE} WHERE seq = %s", [self.seqs[0]])
                (original,) = cursor.fetchone()
                cursor.execute(f"UPDATE {TABLE} SET {column} = %s WHERE seq = %s", [value, self.seqs[0]])
                self.assertBrokenAt(self.seqs[0], "changed")
                cursor.execute(f"UPDATE {TABLE} SET {column} = %s WHERE seq = %s", [original, self.seqs[0]])
                self.assertIn("5 entries verified", self.verify())

    def test_changed_content_with_its_hash_recomputed(self):
        # A careful forger recomputes the changed entry's hash: the next entry's link gives it away.
        forged = AuditEntry.objects.get(seq=self.seqs[2])
        forged.action = "test.innocent"
        with tampering() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET action = %s, hash = %s WHERE seq = %s",
                [forged.action, forged.compute_hash(), forged.seq],
            )
        message = self.assertBrokenAt(self.seqs[3], "link")
        self.assertIn(f"#{self.seqs[2]}", message)

    def test_deleted_middle_entry(self):
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [self.seqs[2]])
        self.assertBrokenAt(self.seqs[3], "deleted")

    def test_deleted_newest_entries(self):
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq >= %s", [self.seqs[3]])
        message = self.assertBrokenAt(self.seqs[4], "newest entries were deleted")
        self.assertIn(f"#{self.seqs[2]}", message)

    def test_deleted_head_record(self):
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {ChainHead._meta.db_table}")
        self.assertBrokenAt(self.seqs[4], "head record was deleted")

    def test_deleted_first_entry(self):
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [self.seqs[0]])
        self.assertBrokenAt(self.seqs[1], "deleted")

    def test_two_entries_swapped(self):
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [-1, self.seqs[1]])
            cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [self.seqs[1], self.seqs[2]])
            cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [self.seqs[2], -1])
        self.assertEqual(AuditEntry.objects.get(seq=self.seqs[1]).action, "test.event2")
        self.assertBrokenAt(self.seqs[1], "reordered")

    def test_contents_of_two_entries_swapped(self):
        columns = ["at", "actor_id", "actor_label", "centre_id", "action", "object_type", "object_id"]
        columns += ["changes", "prev_hash", "hash"]
        first, second = self.seqs[3], self.seqs[4]
        with tampering() as cursor:
            cursor.execute(f"SELECT seq, {', '.join(columns)} FROM {TABLE} WHERE seq IN (%s, %s)", [first, second])
            rows = {row[0]: row[1:] for row in cursor.fetchall()}
            # Make room: hash is unique.
            cursor.execute(f"UPDATE {TABLE} SET hash = %s WHERE seq = %s", ["x", first])
            for target, source in ((second, first), (first, second)):
                assignments = ", ".join(f"{c} = %s" for c in columns)
                cursor.execute(f"UPDATE {TABLE} SET {assignments} WHERE seq = %s", [*rows[source], target])
        self.assertEqual(AuditEntry.objects.get(seq=first).action, "test.event4")
        self.assertBrokenAt(first, "reordered")

    def test_renumbering_alone_breaks_nothing(self):
        # The sequence number only orders the chain; gaps are normal (rolled-back transactions).
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET seq = seq + 100 WHERE seq >= %s", [self.seqs[2]])
        self.assertIn("5 entries verified", self.verify())

    def test_inserted_forged_entry_in_the_middle(self):
        # A forger who knows the algorithm makes room and inserts a well-formed entry after #2.
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET seq = seq + 100 WHERE seq >= %s", [self.seqs[2]])
        self._insert_forged(seq=self.seqs[2], after=self.entries[1])
        self.assertEqual(AuditEntry.objects.count(), 6)
        self.assertBrokenAt(self.seqs[2], "inserted")

    def test_inserted_forged_entry_with_invented_hashes(self):
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET seq = seq + 100 WHERE seq >= %s", [self.seqs[2]])
        self._insert_forged(seq=self.seqs[2], after=None)
        self.assertBrokenAt(self.seqs[2])

    def test_forged_entry_before_the_first(self):
        self._insert_forged(seq=self.seqs[0] - 1 if self.seqs[0] > 1 else -1, after=None, genesis=True)
        # The forged entry is well-formed; the real first entry no longer links to what comes before it.
        with self.assertRaises(CommandError) as caught:
            self.verify()
        self.assertIn("inserted", str(caught.exception))

    def _insert_forged(self, *, seq: int, after: AuditEntry | None, genesis: bool = False) -> AuditEntry:
        template = AuditEntry.objects.get(seq=self.entries[0].seq)
        forged = AuditEntry(
            seq=seq,
            at=template.at,
            actor_id=self.mk_manager.pk,
            actor_label=self.mk_manager.email,
            centre_id=self.al_centre.pk,
            action="membership.granted",
            object_type="network.membership",
            object_id=str(uuid.uuid4()),
            changes={"role": "centre_manager"},
        )
        if after is not None or genesis:
            forged.prev_hash = after.hash if after is not None else "0" * 64
            forged.hash = forged.compute_hash()
        else:
            forged.prev_hash, forged.hash = "1" * 64, "2" * 64
        with tampering() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (seq, at, actor_id, actor_label, centre_id, action, object_type, object_id,"
                " changes, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    forged.seq,
                    AuditEntry._meta.get_field("at").get_db_prep_value(forged.at, cursor.db),
                    forged.actor_id.hex,
                    forged.actor_label,
                    forged.centre_id.hex,
                    forged.action,
                    forged.object_type,
                    forged.object_id,
                    json.dumps(forged.changes),
                    forged.prev_hash,
                    forged.hash,
                ],
            )
        return forged


class VerifyChainTests(SicnetTestCase):
    def test_reports_count_and_problem(self):
        entries = build_chain(3)
        self.assertEqual(verify_chain(batch_size=2), (3, None))
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET action = 'x' WHERE seq = %s", [entries[2].seq])
        checked, problem = verify_chain(batch_size=2)
        self.assertEqual(checked, 2)
        self.assertEqual(problem.seq, entries[2].seq)

    def test_reads_the_table_once_in_chunks(self):
        build_chain(7)
        # One query for the whole walk, fetched in chunks (a server-side cursor on PostgreSQL):
        # memory stays bounded by the chunk size, whatever the length of the log.
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(verify_chain(batch_size=3), (7, None))
        reads = [q["sql"] for q in queries.captured_queries if TABLE in q["sql"]]
        self.assertEqual(len(reads), 1)
        if connection.vendor == "postgresql":
            self.assertIn("CURSOR", reads[0])
            self.assertNotIn("WITH HOLD", reads[0])
