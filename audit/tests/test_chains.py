"""One chain per centre and one for the network: entries link within their chain, batches lock
each chain once, and audit_verify names the first broken entry of each chain."""

import threading
from io import StringIO
from unittest import skipUnless

from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from audit.actions import record, record_many
from audit.models import GENESIS_HASH, LEGACY_CHAIN, NETWORK_CHAIN, AuditEntry, ChainHead
from audit.tests.tampering import TABLE, tampering
from audit.verify import verify_chain, verify_chains
from core.testing import SicnetTestCase


class ChainPerCentreTests(SicnetTestCase):
    def test_each_entry_links_to_the_previous_entry_of_its_own_centre(self):
        al1 = record("test.a", centre_id=self.al_centre.pk)
        mk1 = record("test.b", centre_id=self.mk_centre.pk)
        net1 = record("test.c")
        al2 = record("test.d", centre_id=self.al_centre.pk)
        mk2 = record("test.e", centre_id=self.mk_centre.pk)
        self.assertEqual([al1.prev_hash, mk1.prev_hash, net1.prev_hash], [GENESIS_HASH] * 3)
        self.assertEqual(al2.prev_hash, al1.hash)
        self.assertEqual(mk2.prev_hash, mk1.hash)
        heads = dict(ChainHead.objects.values_list("chain", "hash"))
        self.assertEqual(
            heads, {str(self.al_centre.pk): al2.hash, str(self.mk_centre.pk): mk2.hash, NETWORK_CHAIN: net1.hash}
        )
        verification = verify_chains()
        self.assertTrue(verification.intact)
        self.assertEqual(
            {c: r.checked for c, r in verification.chains.items()},
            {
                str(self.al_centre.pk): 2,
                str(self.mk_centre.pk): 2,
                NETWORK_CHAIN: 1,
            },
        )

    def test_record_many_chains_a_mixed_batch_per_centre_in_its_order(self):
        record("test.before", centre_id=self.mk_centre.pk)
        centres = [self.al_centre.pk, self.mk_centre.pk, None, self.al_centre.pk, self.mk_centre.pk]
        record_many([("test.batch", {"centre_id": centre, "changes": {"n": n}}) for n, centre in enumerate(centres)])
        for centre in (self.al_centre.pk, self.mk_centre.pk, None):
            with self.subTest(centre=centre):
                chain = list(AuditEntry.objects.filter(centre_id=centre).order_by("seq"))
                self.assertEqual(chain[0].prev_hash, GENESIS_HASH)
                for before, after in zip(chain, chain[1:], strict=False):
                    self.assertEqual(after.prev_hash, before.hash)
                head = ChainHead.objects.get(chain=str(centre) if centre else NETWORK_CHAIN)
                self.assertEqual((head.seq, head.hash), (chain[-1].seq, chain[-1].hash))
        self.assertEqual(
            list(AuditEntry.objects.filter(centre_id=self.al_centre.pk).values_list("changes", flat=True)),
            [{"n": 0}, {"n": 3}],
        )
        self.assertEqual(verify_chain(), (6, None))

    def test_a_batch_of_several_centres_takes_as_many_statements_as_a_batch_of_one(self):
        def statements(centres) -> int:
            with CaptureQueriesContext(connection) as queries:
                record_many([("test.batch", {"centre_id": centre}) for centre in centres])
            return len(queries)

        record("test.first", centre_id=self.al_centre.pk)  # the AL chain exists, the others start in the batch
        one = statements([self.al_centre.pk])
        many = statements([self.al_centre.pk, self.mk_centre.pk, None] * 40)
        self.assertEqual(one, many)
        self.assertEqual(verify_chain(), (122, None))

    def test_a_broken_chain_is_named_and_the_others_still_verify(self):
        al = [record("test.al", centre_id=self.al_centre.pk, changes={"n": n}) for n in range(3)]
        mk = [record("test.mk", centre_id=self.mk_centre.pk, changes={"n": n}) for n in range(3)]
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET action = 'test.other' WHERE seq IN (%s, %s)", [al[1].seq, mk[2].seq])
        verification = verify_chains()
        self.assertEqual(verification.chains[str(self.al_centre.pk)].problem.seq, al[1].seq)
        self.assertEqual(verification.chains[str(self.mk_centre.pk)].problem.seq, mk[2].seq)
        with self.assertRaises(CommandError) as caught:
            call_command("audit_verify", stdout=StringIO())
        message = str(caught.exception)
        self.assertIn(f"Audit chain {self.al_centre.pk} broken at entry #{al[1].seq}: its content was changed", message)
        self.assertIn(f"Audit chain {self.mk_centre.pk} broken at entry #{mk[2].seq}", message)
        self.assertIn("2 entries before it are intact", message)

    def test_an_entry_moved_to_another_centre_breaks_both_chains(self):
        al = [record("test.al", centre_id=self.al_centre.pk) for _ in range(2)]
        record("test.mk", centre_id=self.mk_centre.pk)
        with tampering() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET centre_id = %s WHERE seq = %s", [self.mk_centre.pk.hex, al[0].seq])
        verification = verify_chains()
        self.assertIsNotNone(verification.chains[str(self.al_centre.pk)].problem)
        self.assertIsNotNone(verification.chains[str(self.mk_centre.pk)].problem)


@skipUnless(connection.vendor == "postgresql", "SQLite serialises every writer (BEGIN IMMEDIATE)")
class CentresDoNotWaitForEachOtherTests(TransactionTestCase):
    def test_a_writer_holding_one_centres_chain_does_not_hold_up_another_centre(self):
        import uuid

        al, mk = uuid.uuid4(), uuid.uuid4()
        record("test.al", centre_id=al)
        record("test.mk", centre_id=mk)
        holding, done = threading.Event(), threading.Event()
        outcome = {}

        def other_centre():
            try:
                holding.wait(10)
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                    record("test.mk", centre_id=mk)  # would wait for the AL writer with one head row
                    record("test.network")
                outcome["mk"] = "written"
            except Exception as error:  # noqa: BLE001 - reported to the test
                outcome["mk"] = repr(error)
            finally:
                done.set()
                connections.close_all()

        thread = threading.Thread(target=other_centre)
        thread.start()
        with transaction.atomic():
            record("test.al", centre_id=al)  # holds AL's head until the commit
            holding.set()
            done.wait(10)
        thread.join(10)
        self.assertEqual(outcome, {"mk": "written"})
        self.assertEqual(verify_chain(), (5, None))


class LegacyChainMigrationTests(TransactionTestCase):
    """Entries written before chains were split stay one chain, verified as before (migration 0006)."""

    def setUp(self):
        self.executor = MigrationExecutor(connection)
        self.executor.migrate([("audit", "0005_indexes_without_like")])
        self.executor.loader.build_graph()

    def tearDown(self):
        MigrationExecutor(connection).migrate([("audit", "0006_one_chain_per_centre")])

    def test_old_entries_verify_as_the_legacy_chain_and_new_ones_start_centres_chains(self):
        import uuid

        old_apps = self.executor.loader.project_state([("audit", "0005_indexes_without_like")]).apps
        OldEntry, OldHead = old_apps.get_model("audit", "AuditEntry"), old_apps.get_model("audit", "ChainHead")
        al, mk = uuid.uuid4(), uuid.uuid4()
        previous = GENESIS_HASH
        for n, centre in enumerate([al, mk, None, al, mk]):
            # The one chain there was: each entry links to the one before it, whatever its centre.
            entry = AuditEntry(at=self._now(), centre_id=centre, action=f"test.old{n}", changes={"n": n})
            entry.prev_hash = previous
            entry.hash = entry.compute_hash()
            columns = {f.attname: getattr(entry, f.attname) for f in AuditEntry._meta.fields if f.attname != "seq"}
            stored = OldEntry.objects.create(**columns)
            previous = entry.hash
        OldHead.objects.create(id=1, seq=stored.seq, hash=previous)

        MigrationExecutor(connection).migrate([("audit", "0006_one_chain_per_centre")])

        legacy = ChainHead.objects.get(chain=LEGACY_CHAIN)
        self.assertEqual((legacy.seq, legacy.hash), (stored.seq, previous))
        record("test.new", centre_id=al)
        record("test.new", centre_id=mk)
        record("test.new", centre_id=al)
        verification = verify_chains()
        self.assertTrue(verification.intact, [r.problems for r in verification.chains.values()])
        self.assertEqual(
            {c: r.checked for c, r in verification.chains.items()}, {LEGACY_CHAIN: 5, str(al): 2, str(mk): 1}
        )
        # The legacy chain is still checked link by link.
        with tampering() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE action = 'test.old2'")
        self.assertEqual(verify_chains().chains[LEGACY_CHAIN].problem.seq, stored.seq - 1)

    @staticmethod
    def _now():
        from django.utils import timezone

        return timezone.now()
