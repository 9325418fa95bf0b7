"""The in-memory PDQ index: exact answers (against a brute force), changes, snapshots, and a change made
in one process matched in another within one second."""

from __future__ import annotations

import json
import os
import select
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from unittest import mock, skipUnless

import numpy as np
from django.core.management import call_command
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.testing import SicnetTestCase
from hashes import actions, pdq_index
from hashes.matching import matches_for
from hashes.models import HashEntry, PdqChange
from hashes.pdq_index import LiveIndex, PdqIndex, Segment, codes_from_hex, keys_from_uuids
from hashes.tests.helpers import flip_bits, make_entry, make_list
from network.models import Centre, Country

ROOT = Path(__file__).resolve().parents[2]
PDQ = "f" * 16 + "0" * 16 + "a5" * 16


def random_codes(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(0, 2**64, size=(count, 4), dtype=np.uint64)


def flip(code: np.ndarray, positions) -> np.ndarray:
    code = code.copy()
    for position in positions:
        code[position // 64] ^= np.uint64(1) << np.uint64(position % 64)
    return code


def brute_force(codes: np.ndarray, alive: np.ndarray, queries: np.ndarray, max_distance: int) -> set:
    found = set()
    for number, query in enumerate(queries):
        distances = np.bitwise_count(codes ^ query).sum(axis=1)
        for row in np.flatnonzero((distances <= max_distance) & alive):
            found.add((number, int(row), int(distances[row])))
    return found


def index_hits(index: PdqIndex, ids: list[uuid.UUID], queries: np.ndarray, max_distance: int) -> set:
    row_of = {entry_id: row for row, entry_id in enumerate(ids)}
    found_ids, numbers, distances = index.search(queries, max_distance)
    hits = [(int(n), row_of[i], int(d)) for i, n, d in zip(found_ids, numbers, distances, strict=True)]
    assert len(hits) == len(set(hits)), "a hit reported twice"
    return set(hits)


def new_index(codes: np.ndarray, **options) -> tuple[PdqIndex, list[uuid.UUID]]:
    ids = [uuid.uuid4() for _ in range(len(codes))]
    hi, lo = keys_from_uuids(ids)
    return PdqIndex.from_arrays(codes, hi, lo, **options), ids


class IndexTests(SimpleTestCase):
    """The numpy index alone."""

    def test_distances_0_31_and_32_in_the_main_segment_and_in_the_delta(self):
        rng = np.random.default_rng(0)
        codes = random_codes(rng, 2_000)
        index, ids = new_index(codes)
        extra = random_codes(rng, 1)
        extra_id = uuid.uuid4()
        index.apply(*keys_from_uuids([extra_id]), extra, np.array([True]))
        for code, entry_id in ((codes[7], ids[7]), (extra[0], extra_id)):
            for distance, expected in ((0, True), (31, True), (32, False)):
                with self.subTest(distance=distance, delta=entry_id == extra_id):
                    query = flip(code, rng.choice(256, distance, replace=False))
                    found_ids, _numbers, distances = index.search(query[None, :], 31)
                    if expected:
                        self.assertEqual(list(zip(found_ids, distances.tolist(), strict=True)), [(entry_id, distance)])
                    else:
                        self.assertEqual(found_ids, [])

    def test_flipped_bits_all_in_one_chunk_or_spread_one_per_chunk(self):
        rng = np.random.default_rng(1)
        codes = random_codes(rng, 500)
        index, ids = new_index(codes)
        # 16 bits in chunk 0 and 15 in chunk 1 (no chunk within 1 bit but others untouched); 31 spread
        # as 2 bits in 15 chunks and 1 in the last (only that chunk is within 1 bit).
        clustered = list(range(16)) + list(range(16, 31))
        spread = [chunk * 16 + bit for chunk in range(15) for bit in (0, 1)] + [15 * 16]
        for positions in (clustered, spread):
            query = flip(codes[3], positions)
            self.assertEqual(index_hits(index, ids, query[None, :], 31), {(0, 3, 31)})

    def test_smaller_and_larger_distances_match_brute_force(self):
        rng = np.random.default_rng(2)
        codes = random_codes(rng, 300)
        queries = np.stack([flip(codes[i], rng.choice(256, d, replace=False)) for i, d in enumerate(range(0, 60, 2))])
        index, ids = new_index(codes)
        alive = np.ones(len(codes), dtype=bool)
        for max_distance in (0, 1, 8, 15, 16, 17, 30, 31, 32, 47, 100, 256):
            with self.subTest(max_distance=max_distance):
                expected = brute_force(codes, alive, queries, max_distance)
                self.assertEqual(index_hits(index, ids, queries, max_distance), expected)
        self.assertEqual(index.search(queries, -1)[0], [])

    def test_disable_enable_and_value_change(self):
        rng = np.random.default_rng(3)
        codes = random_codes(rng, 100)
        index, ids = new_index(codes)
        hi, lo = keys_from_uuids([ids[5]])
        query = codes[5][None, :]
        index.apply(hi, lo, codes[5][None, :], np.array([False]))
        self.assertEqual(index.search(query, 31)[0], [])
        index.apply(hi, lo, codes[5][None, :], np.array([True]))
        self.assertEqual(index.search(query, 31)[0], [ids[5]])
        other = random_codes(rng, 1)
        index.apply(hi, lo, other, np.array([True]))
        self.assertEqual(index.search(query, 31)[0], [])
        self.assertEqual(index.search(other, 0)[0], [ids[5]])
        # Several states of one entry in one batch: the last one wins; the same state twice is one entry.
        index.apply(
            np.repeat(hi, 3), np.repeat(lo, 3), np.concatenate([other, query, query]), np.array([1, 0, 1], bool)
        )
        self.assertEqual(index.search(query, 0)[0], [ids[5]])
        self.assertEqual(index.search(other, 0)[0], [])
        self.assertEqual(len(index), 100)

    def test_merge_keeps_changes_made_while_it_runs(self):
        rng = np.random.default_rng(4)
        codes = random_codes(rng, 50)
        index, ids = new_index(codes, merge_at=10**9)
        added = random_codes(rng, 20)
        added_ids = [uuid.uuid4() for _ in added]
        index.apply(*keys_from_uuids(added_ids), added, np.ones(20, dtype=bool))
        late = random_codes(rng, 1)
        late_id = uuid.uuid4()
        build = Segment.build

        def build_with_changes_meanwhile(*args):
            # Another thread's changes while the new segment is being built.
            changer = threading.Thread(
                target=lambda: (
                    index.apply(
                        *keys_from_uuids([ids[0], added_ids[0]]), np.stack([codes[0], added[0]]), np.zeros(2, bool)
                    ),
                    index.apply(*keys_from_uuids([late_id]), late, np.ones(1, bool)),
                )
            )
            changer.start()
            changer.join()
            return build(*args)

        with mock.patch.object(Segment, "build", side_effect=build_with_changes_meanwhile):
            index.merge()
        self.assertEqual(len(index.main), 70)
        self.assertEqual(index.search(codes[0][None, :], 0)[0], [])
        self.assertEqual(index.search(added[0][None, :], 0)[0], [])
        self.assertEqual(index.search(late, 0)[0], [late_id])
        self.assertEqual(index.search(added[1][None, :], 0)[0], [added_ids[1]])
        self.assertEqual(len(index), 69)

    def test_background_merge_when_the_delta_grows(self):
        rng = np.random.default_rng(5)
        index, _ids = new_index(random_codes(rng, 10), merge_at=64)
        added = random_codes(rng, 100)
        added_ids = [uuid.uuid4() for _ in added]
        for at in range(0, 100, 10):
            index.apply(*keys_from_uuids(added_ids[at : at + 10]), added[at : at + 10], np.ones(10, bool))
        index.wait_for_merge()
        self.assertGreaterEqual(len(index.main), 64)
        self.assertEqual(index_hits(index, added_ids, added, 0), {(i, i, 0) for i in range(100)})

    def test_searches_during_changes_and_merges_never_miss_a_live_entry(self):
        rng = np.random.default_rng(6)
        kept = random_codes(rng, 50)
        index, kept_ids = new_index(kept, merge_at=200)
        stop = threading.Event()

        def churn():
            while not stop.is_set():
                batch = random_codes(rng, 50)
                index.apply(*keys_from_uuids([uuid.uuid4() for _ in batch]), batch, np.ones(50, bool))

        changer = threading.Thread(target=churn)
        changer.start()
        try:
            for _round in range(200):
                self.assertEqual(
                    index_hits(index, kept_ids, kept, 0) & {(i, i, 0) for i in range(50)},
                    {(i, i, 0) for i in range(50)},
                )
        finally:
            stop.set()
            changer.join()
            index.wait_for_merge()
        self.assertGreater(len(index.main), 50)  # merges did happen meanwhile

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        seed=st.integers(0, 2**32 - 1),
        size=st.integers(0, 400),
        max_distance=st.integers(0, 40),
        operations=st.lists(st.tuples(st.sampled_from(["add", "disable", "enable", "merge"]), st.integers(0, 10**6))),
    )
    def test_property_index_equals_brute_force(self, seed, size, max_distance, operations):
        rng = np.random.default_rng(seed)
        # Clusters of near-duplicates, so that many pairs sit around the threshold.
        centres = random_codes(rng, max(1, size // 8))
        codes = (
            np.stack(
                [
                    flip(centres[rng.integers(len(centres))], rng.choice(256, rng.integers(0, 40), replace=False))
                    for _ in range(size)
                ]
            )
            if size
            else np.zeros((0, 4), dtype=np.uint64)
        )
        index, ids = new_index(codes, merge_at=32, background=False)
        alive = np.ones(size, dtype=bool)
        for operation, pick in operations:
            if operation == "add" or not len(ids):
                code = flip(centres[pick % len(centres)], rng.choice(256, pick % 36, replace=False))
                ids.append(uuid.uuid4())
                codes = np.concatenate([codes, code[None, :]])
                alive = np.append(alive, True)
                index.apply(*keys_from_uuids([ids[-1]]), code[None, :], np.array([True]))
            elif operation == "merge":
                index.merge()
            else:
                row = pick % len(ids)
                alive[row] = operation == "enable"
                index.apply(*keys_from_uuids([ids[row]]), codes[row][None, :], np.array([alive[row]]))
        queries = np.stack(
            [
                flip(centres[i % len(centres)], rng.choice(256, int(rng.integers(0, 45)), replace=False))
                for i in range(12)
            ]
        )
        self.assertEqual(
            index_hits(index, ids, queries, max_distance), brute_force(codes, alive, queries, max_distance)
        )


class LiveIndexTests(SicnetTestCase):
    """The process's index over the database (in the test's transaction: its own changes are read at once)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.al_own = make_list(cls.al_centre, "AL own")
        cls.mk_own = make_list(cls.mk_centre, "MK own")

    def setUp(self):
        pdq_index.forget_live_index()
        self.addCleanup(pdq_index.forget_live_index)

    def pdq_found(self, value: str, user=None) -> list[tuple]:
        return [(m.entry.pk, m.distance) for m in matches_for([("pdq", value)], user=user or self.al_analyst)]

    def test_every_change_to_a_pdq_entry_is_logged_by_the_database(self):
        before = PdqChange.objects.count()
        entry, _created = actions.add_entry(
            self.al_own, by=self.al_analyst, algorithm="pdq", value=PDQ, classification="baseline", quality=80
        )
        actions.add_entry(self.al_own, by=self.al_analyst, algorithm="md5", value="0" * 32, classification="baseline")
        actions.set_entry_active(entry, by=self.al_analyst, active=False)
        HashEntry.objects.filter(pk=entry.pk).update(quality=10)
        HashEntry.objects.filter(pk=entry.pk).update(origin="not a PDQ change")
        rows = list(PdqChange.objects.order_by("id").values_list("entry_id", "active", "quality"))[before:]
        self.assertEqual(rows, [(entry.pk, True, 80), (entry.pk, False, 80), (entry.pk, False, 10)])

    def test_add_then_match_at_0_31_32_then_disable(self):
        self.assertEqual(self.pdq_found(PDQ), [])
        entry, _created = actions.add_entry(
            self.al_own, by=self.al_analyst, algorithm="pdq", value=PDQ, classification="baseline", quality=90
        )
        for distance, expected in ((0, [(entry.pk, 0)]), (31, [(entry.pk, 31)]), (32, [])):
            with self.subTest(distance=distance):
                self.assertEqual(self.pdq_found(flip_bits(PDQ, distance)), expected)
        # Another centre's own list stays invisible, through the index too.
        self.assertEqual(self.pdq_found(PDQ, user=self.mk_analyst), [])
        actions.set_entry_active(entry, by=self.al_analyst, active=False)
        self.assertEqual(self.pdq_found(PDQ), [])
        actions.set_entry_active(entry, by=self.al_analyst, active=True)
        self.assertEqual(self.pdq_found(PDQ), [(entry.pk, 0)])

    def test_low_quality_and_bulk_imports(self):
        rows = [
            {"algorithm": "pdq", "value": flip_bits(PDQ, n + 1), "classification": "baseline", "quality": 40 + n * 10}
            for n in range(3)
        ]
        actions.import_entries(self.al_own, rows, by=self.al_analyst, origin="test.csv")
        found = [distance for _pk, distance in self.pdq_found(PDQ)]
        self.assertEqual(found, [2, 3])  # quality 40 is not used

    def test_many_matches_and_repeated_queries_in_one_lookup(self):
        rng = np.random.default_rng(7)
        values = {
            f"{int(PDQ, 16) ^ sum(1 << int(p) for p in rng.choice(256, 20, replace=False)):064x}" for _ in range(620)
        }
        rows = [{"algorithm": "pdq", "value": value, "classification": "baseline", "quality": None} for value in values]
        actions.import_entries(self.al_own, rows, by=self.al_analyst, origin="many.txt")
        found = matches_for([("pdq", PDQ), ("pdq", PDQ), ("pdq", flip_bits(PDQ, 255))], user=self.al_analyst)
        self.assertEqual(len(found), len(values))  # unknown quality is trusted; a repeated query counts once
        self.assertEqual({m.entry.value for m in found}, values)
        self.assertTrue(all(m.distance == 20 for m in found))

    def test_a_disable_is_honoured_before_the_index_hears_of_it(self):
        entry = make_entry(self.al_own, "pdq", PDQ, quality=90)
        self.assertEqual(self.pdq_found(PDQ), [(entry.pk, 0)])
        with mock.patch.object(LiveIndex, "refresh"):
            HashEntry.objects.filter(pk=entry.pk).update(is_active=False)
            self.assertEqual(self.pdq_found(PDQ), [])

    def test_log_rolled_back_starts_the_index_again(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite reuses the ids of a rolled-back log")
        entry = make_entry(self.al_own, "pdq", PDQ, quality=90)
        live = pdq_index.live_index()
        live.refresh()
        # The last row read disappears and a different one takes its id (as after a rollback).
        last = PdqChange.objects.order_by("-id").first()
        PdqChange.objects.filter(pk=last.pk).update(token=last.token + 1)
        HashEntry.objects.filter(pk=entry.pk).update(is_active=False)
        with self.assertLogs("hashes.pdq_index", "INFO") as logs:
            live.refresh(force=True)
        self.assertIn("went back in time", logs.output[0])
        self.assertEqual(live.index.search(codes_from_hex([PDQ]), 0)[0], [])

    def test_snapshot_round_trip(self):
        first = make_entry(self.al_own, "pdq", PDQ, quality=90)
        disabled = make_entry(self.al_own, "pdq", flip_bits(PDQ, 200), quality=90, is_active=False)
        with tempfile.TemporaryDirectory() as directory, override_settings(PDQ_SNAPSHOT_DIR=directory):
            call_command("pdq_snapshot", stdout=open(os.devnull, "w"))
            manifest = json.loads((Path(directory) / "current.json").read_text())
            self.assertEqual(manifest["entries"], 1)
            later = make_entry(self.al_own, "pdq", flip_bits(PDQ, 100), quality=90)
            HashEntry.objects.filter(pk=first.pk).update(is_active=False)
            fresh = LiveIndex()
            fresh.refresh()
            self.assertEqual(fresh.source, "snapshot")
            self.assertIsInstance(fresh.index.main.head, np.memmap)
            # A removal by our own, still open, transaction waits for its commit on PostgreSQL (see
            # docs/hashes.md); matches_for honours it at once from the database anyway.
            still = [first.pk] if connection.vendor == "postgresql" else []
            self.assertEqual(fresh.index.search(codes_from_hex([PDQ]), 0)[0], still)
            self.assertEqual(fresh.index.search(codes_from_hex([flip_bits(PDQ, 100)]), 0)[0], [later.pk])
            self.assertEqual(fresh.index.search(codes_from_hex([flip_bits(PDQ, 200)]), 0)[0], [])
            # A snapshot of another database is ignored.
            with mock.patch.object(LiveIndex, "_identity", return_value={"vendor": "sqlite", "database": "other"}):
                other = LiveIndex()
                other.refresh()
            self.assertEqual(other.source, "database")
        self.assertFalse(disabled.usable)

    def test_snapshot_command_prunes_only_what_the_snapshot_covers(self):
        make_entry(self.al_own, "pdq", PDQ, quality=90)
        PdqChange.objects.update(created_at="2000-01-01T00:00:00Z")
        with tempfile.TemporaryDirectory() as directory, override_settings(PDQ_SNAPSHOT_DIR=directory):
            call_command("pdq_snapshot", "--prune-days", "2", stdout=open(os.devnull, "w"))
        # SQLite keeps the last row read (its token is checked); PostgreSQL keeps what our transaction wrote.
        self.assertEqual(PdqChange.objects.count(), 1)


def shared_database_url(directory: str) -> str:
    """A database URL the helper processes can reach: the test database itself, or a copy of it."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict.get("USER") or "postgres"
        password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    # SQLite tests run in memory: the helpers get a file copy (with its triggers) to share.
    path = os.path.join(directory, "shared.sqlite3")
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


class Helper:
    """A Django process reading commands on stdin (see ``serve``)."""

    def __init__(self, database_url: str):
        environment = dict(os.environ, DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
        code = (
            "import django; django.setup(); from core.access import allow_unscoped_reads_in_tests; "
            "allow_unscoped_reads_in_tests(); from hashes.tests.test_pdq_index import serve; serve()"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, *words, timeout: float = 60) -> list[str]:
        self.process.stdin.write(" ".join(str(word) for word in words) + "\n")
        self.process.stdin.flush()
        ready, _w, _x = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise AssertionError(f"no answer to {words}")
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError(f"helper ended on {words} (exit {self.process.wait()})")
        return line.split()

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


def serve() -> None:
    """Commands: setup, add LIST VALUE, disable ENTRY (answer: commit time), warm, wait VALUE yes|no SINCE."""
    for line in sys.stdin:
        command, *args = line.split()
        if command == "setup":
            country, _c = Country.objects.get_or_create(code="AL", defaults={"name": "Albania"})
            centre, _c = Centre.objects.get_or_create(
                code="al-sic", defaults={"name": "Albania SIC", "country": country}
            )
            answer = [make_list(centre, f"List {uuid.uuid4().hex[:6]}").pk]
        elif command == "add":
            hash_list = actions.HashList.objects.get(pk=args[0])
            entry, _created = actions.add_entry(
                hash_list, by=None, algorithm="pdq", value=args[1], classification="baseline", quality=90
            )
            answer = [entry.pk, repr(time.time())]
        elif command == "disable":
            actions.set_entry_active(HashEntry.objects.get(pk=args[0]), by=None, active=False)
            answer = [repr(time.time())]
        elif command == "warm":
            pdq_index.live_index().refresh()
            answer = ["ok"]
        elif command == "wait":
            # Look up as a request would (the index syncs at most every PDQ_SYNC_SECONDS) until the
            # index's answer is the one expected; answer how long after the commit that was.
            value, wanted, since = args[0], args[1] == "yes", float(args[2])
            live = pdq_index.live_index()
            while True:
                found = bool(live.search([value], 31)[0])
                if found == wanted or time.time() - since > 10:
                    break
                time.sleep(0.005)
            answer = [found == wanted, repr(time.time() - since)]
        else:
            answer = ["unknown"]
        print(*answer, flush=True)


class TwoProcessTests(TransactionTestCase):
    """One process adds or disables; another process's index sees it within one second."""

    def test_add_and_disable_seen_by_another_process_within_a_second(self):
        with tempfile.TemporaryDirectory() as directory:
            url = shared_database_url(directory)
            writer, reader = Helper(url), Helper(url)
            try:
                (list_id,) = writer.ask("setup")
                self.assertEqual(reader.ask("warm"), ["ok"])
                for attempt in range(3):
                    value = uuid.uuid4().hex * 2
                    entry_id, committed = writer.ask("add", list_id, value)
                    found, seconds = reader.ask("wait", value, "yes", committed)
                    self.assertEqual(found, "True")
                    self.assertLess(float(seconds), 1.0, f"add {attempt}")
                    # A near duplicate (distance 31) too, already in the same index.
                    found, _s = reader.ask("wait", flip_bits(value, 31), "yes", committed)
                    self.assertEqual(found, "True")
                    (committed,) = writer.ask("disable", entry_id)
                    found, seconds = reader.ask("wait", value, "no", committed)
                    self.assertEqual(found, "True")
                    self.assertLess(float(seconds), 1.0, f"disable {attempt}")
            finally:
                writer.close()
                reader.close()


@skipUnless(connection.vendor == "postgresql", "only PostgreSQL lets transactions commit out of id order")
class OutOfOrderCommitTests(TransactionTestCase):
    """A change whose log row has a lower id commits after one with a higher id was read."""

    def test_a_late_commit_with_a_lower_id_is_still_applied(self):
        import psycopg

        country = Country.objects.create(code="AL", name="Albania")
        hash_list = make_list(Centre.objects.create(code="al-sic", name="Albania SIC", country=country))
        live = LiveIndex()
        live.refresh()
        early, late = PDQ, flip_bits(PDQ, 100)
        settings_dict = connection.settings_dict
        other = psycopg.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict.get("USER") or "postgres",
            password=settings_dict.get("PASSWORD") or None,
            host=settings_dict.get("HOST") or "127.0.0.1",
            port=settings_dict.get("PORT") or 5432,
        )
        try:
            with other.cursor() as cursor:  # a transaction that stays open: its log row takes the lower id
                cursor.execute(
                    "INSERT INTO hashes_hashentry (id, created_at, updated_at, hash_list_id, algorithm, value,"
                    " classification, quality, first_seen, is_active, origin)"
                    " VALUES (%s, now(), now(), %s, 'pdq', %s, 'baseline', 90, now(), true, '')",
                    [uuid.uuid4(), hash_list.pk, early],
                )
            first_id = PdqChange.objects.count()  # the other transaction's row is not visible yet
            entry, _created = actions.add_entry(
                hash_list, by=None, algorithm="pdq", value=late, classification="baseline", quality=90
            )
            self.assertEqual(first_id, 0)
            live.refresh(force=True)
            self.assertEqual(live.index.search(codes_from_hex([late]), 0)[0], [entry.pk])
            self.assertEqual(live.index.search(codes_from_hex([early]), 0)[0], [])
            other.commit()
            ids = list(PdqChange.objects.order_by("id").values_list("id", "value"))
            self.assertEqual([value for _id, value in ids], [early, late])  # lower id, committed later
            live.refresh(force=True)
            self.assertEqual(len(live.index.search(codes_from_hex([early]), 0)[0]), 1)
        finally:
            other.close()
