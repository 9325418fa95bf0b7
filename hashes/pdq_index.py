"""The in-memory PDQ index of each process, kept up to date from the database's change log.

Two layers:

- ``PdqIndex``: numpy only, no Django. Multi-index hashing: the 256 bits are cut into 16 chunks of
  16 bits, and each chunk has a table (positions sorted by the chunk's value, plus 65,537 offsets).
  By the pigeonhole principle, two hashes within Hamming distance ``r`` have at least one chunk
  within distance ``r // 16``; for ``r`` ≤ 31 that is 1, so probing each chunk's own value and its
  16 one-bit neighbours (272 buckets) finds every candidate, and each candidate's real distance is
  checked with XOR and a bit count. Recall is therefore exactly that of a brute force. A distance
  above 31 is answered by a brute force over every hash.
  Changes go to a small ``delta`` (brute-forced) and a ``dead`` flag on the main segment; when the
  delta grows past ``merge_at`` a new main segment is built in a background thread and swapped in,
  with the changes made meanwhile replayed on it. No change ever waits for a rebuild.
- ``LiveIndex``: the process-wide index over the active PDQ entries of the database. It starts from
  the snapshot written by ``manage.py pdq_snapshot`` (memory-mapped) or from the entries table, and
  before a lookup applies the rows of ``PdqChange`` (written by database triggers) committed since it
  last looked, at most ``PDQ_SYNC_SECONDS`` (0.5 s) ago: a change made in any process is matched
  everywhere within one second. See docs/hashes.md for why this never misses a change.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

CHUNKS = 16
BUCKETS = 1 << 16
# The largest distance answered through the chunk tables (one flipped bit per chunk probed).
INDEXED_MAX_DISTANCE = 2 * CHUNKS - 1
_FLIPS = np.array([0] + [1 << bit for bit in range(16)], dtype=np.uint16)
# Candidates examined per step of a batch (bounds the temporary memory to some tens of MB).
_CANDIDATES_PER_STEP = 1 << 18


def codes_from_hex(values: Sequence[str]) -> np.ndarray:
    """64-hex-digit PDQ values → an (n, 4) array of native unsigned 64-bit words."""
    if not values:
        return np.zeros((0, 4), dtype=np.uint64)
    return np.frombuffer(bytes.fromhex("".join(values)), dtype=">u8").reshape(-1, 4).astype(np.uint64)


def keys_from_uuids(ids: Sequence[uuid.UUID | str]) -> tuple[np.ndarray, np.ndarray]:
    """Entry ids → (high, low) 64-bit halves, ordered as the UUIDs are."""
    raw = b"".join((value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).bytes for value in ids)
    pairs = np.frombuffer(raw, dtype=">u8").reshape(-1, 2).astype(np.uint64)
    return np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])


def uuids_from_keys(hi: np.ndarray, lo: np.ndarray) -> list[uuid.UUID]:
    pairs = np.empty((len(hi), 2), dtype=">u8")
    pairs[:, 0], pairs[:, 1] = hi, lo
    raw = pairs.tobytes()
    return [uuid.UUID(bytes=raw[i : i + 16]) for i in range(0, len(raw), 16)]


_HALF = np.dtype((np.void, 16))  # half a hash as a single item: gathering rows is one copy each
_TABLE_STARTS = np.arange(CHUNKS, dtype=np.int64) * (BUCKETS + 1)


def _row_distances(codes: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Row-wise Hamming distances of two (k, 4) arrays (as uint32)."""
    counts = np.bitwise_count(codes ^ queries).view(np.uint32).ravel()
    # The four byte counts (each ≤ 64) of each row, added in place: pairs, then the two halves.
    pairs = (counts & 0x00FF00FF) + ((counts >> 8) & 0x00FF00FF)
    return (pairs & 0xFFFF) + (pairs >> 16)


class Segment:
    """An immutable set of hashes with its 16 chunk tables; only ``alive`` changes.

    Each hash is kept as two halves (``head``: bits 0–127, ``tail``: 128–255) in separate arrays:
    candidates are checked on the head first (16 MB per million hashes, which stays in the CPU's
    cache better), and only the few within ``max_distance`` on the head are read in full.
    """

    def __init__(self, head, tail, hi, lo, order, offsets, alive):
        self.head, self.tail, self.hi, self.lo = head, tail, hi, lo
        self.order, self.offsets, self.alive = order, offsets, alive

    @classmethod
    def build(cls, codes: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> Segment:
        """Rows sorted by entry id (so an entry is found by binary search), then the chunk tables."""
        by_id = np.lexsort((lo, hi))
        codes = codes[by_id]
        hi, lo = np.ascontiguousarray(hi[by_id]), np.ascontiguousarray(lo[by_id])
        size = len(codes)
        position = np.uint32 if size < 2**32 else np.uint64
        chunks = np.ascontiguousarray(codes).view(np.uint16).reshape(size, CHUNKS)
        order = np.empty((CHUNKS, size), dtype=position)
        offsets = np.zeros((CHUNKS, BUCKETS + 1), dtype=np.int64)
        for chunk in range(CHUNKS):
            column = chunks[:, chunk]
            order[chunk] = np.argsort(column, kind="stable")
            np.cumsum(np.bincount(column, minlength=BUCKETS), out=offsets[chunk, 1:])
        head, tail = np.ascontiguousarray(codes[:, :2]), np.ascontiguousarray(codes[:, 2:])
        return cls(head, tail, hi, lo, order, offsets, np.ones(size, dtype=bool))

    @classmethod
    def empty(cls) -> Segment:
        nothing = np.zeros(0, dtype=np.uint64)
        return cls.build(np.zeros((0, 4), dtype=np.uint64), nothing, nothing)

    def __len__(self) -> int:
        return len(self.hi)

    @property
    def codes(self) -> np.ndarray:
        return np.concatenate([self.head, self.tail], axis=1)

    def code_rows(self, rows: np.ndarray) -> np.ndarray:
        return np.concatenate([self.head[rows], self.tail[rows]], axis=1)

    def nbytes(self) -> int:
        arrays = (self.head, self.tail, self.hi, self.lo, self.order, self.offsets, self.alive)
        return sum(array.nbytes for array in arrays)

    def find(self, hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
        """Each (hi, lo) id's row, or -1."""
        found = np.full(len(hi), -1, dtype=np.int64)
        if not len(self) or not len(hi):
            return found
        start = np.searchsorted(self.hi, hi, side="left")
        end = np.searchsorted(self.hi, hi, side="right")
        single = np.flatnonzero(end - start == 1)
        match = self.lo[start[single]] == lo[single]
        found[single[match]] = start[single[match]]
        for index in np.flatnonzero(end - start > 1):
            # Equal high halves are rare (60 random bits): scan the few rows that share it.
            for row in range(start[index], end[index]):
                if self.lo[row] == lo[index]:
                    found[index] = row
                    break
        return found

    def search(self, queries: np.ndarray, max_distance: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query number, row, distance) of every live row within ``max_distance``, each pair once."""
        size = len(self)
        if not size or not len(queries):
            return _no_hits()
        if max_distance > INDEXED_MAX_DISTANCE:
            return self._brute_force(queries, max_distance)
        flips = _FLIPS if max_distance >= CHUNKS else _FLIPS[:1]
        per_query = CHUNKS * len(flips) * (size / BUCKETS) + 1
        step = max(1, int(_CANDIDATES_PER_STEP // per_query))
        parts = [self._probe(queries[at : at + step], at, flips, max_distance) for at in range(0, len(queries), step)]
        return _concat(parts)

    def _probe(self, queries, first, flips, max_distance):
        count = len(queries)
        size = len(self)
        chunks = queries.view(np.uint16).reshape(count, CHUNKS)
        # Bucket keys probed, query by query: chunk * (BUCKETS + 1) + (chunk value ^ flip).
        probes = chunks[:, :, None] ^ flips[None, None, :]
        keys = (probes.astype(np.int64) + _TABLE_STARTS[None, :, None]).ravel()
        flat_offsets = self.offsets.ravel()
        starts = np.take(flat_offsets, keys)
        lengths = np.take(flat_offsets, keys + 1) - starts
        total = int(lengths.sum())
        if not total:
            return _no_hits()
        # Expand every bucket [start, end) of chunk c into indices of order.ravel() (c * size + start …).
        base = np.tile(np.repeat(np.arange(CHUNKS, dtype=np.int64) * size, len(flips)), count) + starts
        shift = np.repeat(base - (np.cumsum(lengths) - lengths), lengths)
        rows = np.take(self.order.ravel(), shift + np.arange(total, dtype=np.int64))
        heads = np.take(self.head.view(_HALF).reshape(size), rows).view(np.uint64).reshape(total, 2)
        # The head's distance, query by query (a slice each: cheaper than repeating the queries).
        ends = np.cumsum(lengths.reshape(count, -1).sum(axis=1))
        found, near, partial = [], [], []
        start = 0
        for number in range(count):
            end = int(ends[number])
            counts = np.bitwise_count(heads[start:end] ^ queries[number, :2]).view(np.uint16).ravel()
            distances = (counts & 0xFF) + (counts >> 8)
            hits = np.flatnonzero(distances <= max_distance)
            if len(hits):
                found.append(hits + start)
                near.append(np.full(len(hits), number, dtype=np.int64))
                partial.append(distances[hits])
            start = end
        if not found:
            return _no_hits()
        rows = rows[np.concatenate(found)]
        query_of_row = np.concatenate(near)
        tail_counts = np.bitwise_count(self.tail[rows] ^ queries[query_of_row, 2:]).view(np.uint16).ravel()
        distances = np.concatenate(partial).astype(np.uint32) + (tail_counts & 0xFF) + (tail_counts >> 8)
        keep = np.flatnonzero((distances <= max_distance) & self.alive[rows])
        rows, distances, query_of_row = rows[keep].astype(np.int64), distances[keep], query_of_row[keep]
        # A near hash may sit in several probed buckets: keep each (query, row) once.
        _unique, first_seen = np.unique(query_of_row * size + rows, return_index=True)
        return query_of_row[first_seen] + first, rows[first_seen], distances[first_seen]

    def _brute_force(self, queries, max_distance):
        codes = self.codes
        parts = []
        for number, query in enumerate(queries):
            distances = _row_distances(codes, query[None, :])
            rows = np.flatnonzero((distances <= max_distance) & self.alive)
            parts.append((np.full(len(rows), number, dtype=np.int64), rows, distances[rows]))
        return _concat(parts)


def _no_hits():
    return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)


def _concat(parts):
    parts = [part for part in parts if len(part[0])]
    if not parts:
        return _no_hits()
    return tuple(np.concatenate([part[i] for part in parts]) for i in range(3))


class Delta:
    """Recent additions, searched by brute force until the next merge. Appends only."""

    def __init__(self, capacity: int = 1024):
        self.codes = np.zeros((capacity, 4), dtype=np.uint64)
        self.hi = np.zeros(capacity, dtype=np.uint64)
        self.lo = np.zeros(capacity, dtype=np.uint64)
        self.alive = np.zeros(capacity, dtype=bool)
        self.count = 0
        self.rows: dict[tuple[int, int], int] = {}

    def append(self, hi: int, lo: int, code: np.ndarray) -> None:
        if self.count == len(self.codes):
            # Grow into new arrays: a search running meanwhile keeps reading the old ones.
            capacity = 2 * len(self.codes)
            for name in ("codes", "hi", "lo", "alive"):
                old = getattr(self, name)
                new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
                new[: self.count] = old[: self.count]
                setattr(self, name, new)
        row = self.count
        self.codes[row], self.hi[row], self.lo[row], self.alive[row] = code, hi, lo, True
        self.rows[(hi, lo)] = row
        self.count = row + 1

    def search(self, queries: np.ndarray, max_distance: int):
        count = self.count
        if not count or not len(queries):
            return _no_hits()
        codes, alive = self.codes[:count], self.alive[:count]
        parts = []
        step = max(1, _CANDIDATES_PER_STEP // count)
        for at in range(0, len(queries), step):
            block = queries[at : at + step]
            distances = np.bitwise_count(block[:, None, :] ^ codes[None, :, :]).sum(axis=2, dtype=np.uint32)
            query_of_row, rows = np.nonzero((distances <= max_distance) & alive[None, :])
            parts.append((query_of_row.astype(np.int64) + at, rows.astype(np.int64), distances[query_of_row, rows]))
        return _concat(parts)


class PdqIndex:
    """Hashes by entry id, searchable by Hamming distance, changed one entry at a time.

    ``apply`` sets entries' states (value and whether it is matched): the last state given for an
    entry wins, and applying the same state twice changes nothing.
    """

    def __init__(self, main: Segment | None = None, *, merge_at: int = 8192, background: bool = True):
        # One attribute, swapped whole by a merge: a search never pairs a new main with an old delta.
        self._state = (main if main is not None else Segment.empty(), Delta())
        self.merge_at = merge_at
        self.background = background
        self._lock = threading.RLock()
        self._merging: threading.Thread | None = None
        self._journal: list | None = None  # changes applied while a merge runs, replayed on its result

    @property
    def main(self) -> Segment:
        return self._state[0]

    @property
    def delta(self) -> Delta:
        return self._state[1]

    @classmethod
    def from_arrays(cls, codes: np.ndarray, hi: np.ndarray, lo: np.ndarray, **options) -> PdqIndex:
        return cls(Segment.build(codes, hi, lo), **options)

    def __len__(self) -> int:
        main, delta = self._state
        return int(main.alive.sum()) + int(delta.alive[: delta.count].sum())

    def apply(self, hi: np.ndarray, lo: np.ndarray, codes: np.ndarray, usable: np.ndarray) -> None:
        """Set each entry's state, in order (the last state of an entry wins)."""
        if not len(hi):
            return
        with self._lock:
            if self._journal is not None:
                self._journal.append((hi, lo, codes, usable))
            main, delta = self._state
            self._apply(main, delta, hi, lo, codes, usable)
            if delta.count >= self.merge_at:
                self._start_merge()

    @staticmethod
    def _apply(main: Segment, delta: Delta, hi, lo, codes, usable) -> None:
        # Only the last state of each entry matters: keep the last occurrence of each id.
        reverse = slice(None, None, -1)
        pairs = np.stack([hi[reverse], lo[reverse]], axis=1)
        _unique, last = np.unique(pairs, axis=0, return_index=True)
        last = len(hi) - 1 - last
        hi, lo, codes, usable = hi[last], lo[last], codes[last], usable[last]
        rows = main.find(hi, lo)
        in_main = rows >= 0
        if in_main.any():
            main_rows = rows[in_main]
            same = (main.code_rows(main_rows) == codes[in_main]).all(axis=1)
            # Same value: revive or kill in place. Another value (never done by the app): kill, re-add below.
            main.alive[main_rows] = usable[in_main] & same
        same = _same_in_main(main, rows, codes)
        for index in range(len(hi)):
            key = (int(hi[index]), int(lo[index]))
            row = delta.rows.get(key)
            if same[index]:
                if row is not None:  # the main segment holds this value: no other copy may stay
                    delta.alive[row] = False
                continue
            if row is not None and (delta.codes[row] == codes[index]).all():
                delta.alive[row] = bool(usable[index])
                continue
            if row is not None:
                delta.alive[row] = False
            if usable[index]:
                delta.append(key[0], key[1], codes[index])

    def search(self, queries: np.ndarray, max_distance: int) -> tuple[list[uuid.UUID], np.ndarray, np.ndarray]:
        """(query numbers, entry ids, distances) of every live entry within ``max_distance``."""
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, 4)
        if max_distance < 0:
            return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
        main, delta = self._state
        q1, rows1, d1 = main.search(queries, max_distance)
        q2, rows2, d2 = delta.search(queries, max_distance)
        hi = np.concatenate([main.hi[rows1], delta.hi[rows2]])
        lo = np.concatenate([main.lo[rows1], delta.lo[rows2]])
        return uuids_from_keys(hi, lo), np.concatenate([q1, q2]), np.concatenate([d1, d2])

    # --- Merging the delta into a new main segment ------------------------------------------------

    def _start_merge(self) -> None:
        if self._merging is not None:
            return
        if not self.background:
            self.merge()
            return
        self._merging = threading.Thread(target=self.merge, name="pdq-index-merge", daemon=True)
        self._merging.start()

    def merge(self) -> None:
        """Build one segment of every live entry, then swap it in with the changes made meanwhile."""
        with self._lock:
            main, delta = self._state
            count = delta.count
            self._journal = []
        try:
            keep = np.flatnonzero(main.alive)
            fresh = np.flatnonzero(delta.alive[:count])
            merged = Segment.build(
                np.concatenate([main.code_rows(keep), delta.codes[fresh]]),
                np.concatenate([main.hi[keep], delta.hi[fresh]]),
                np.concatenate([main.lo[keep], delta.lo[fresh]]),
            )
            with self._lock:
                # State as of the capture, then every change since, in order: the same state as now.
                fresh_delta = Delta()
                for hi, lo, codes, usable in self._journal:
                    self._apply(merged, fresh_delta, hi, lo, codes, usable)
                self._state = (merged, fresh_delta)
        finally:
            with self._lock:
                self._journal = None
                self._merging = None

    def wait_for_merge(self) -> None:
        thread = self._merging
        if thread is not None:
            thread.join()


def _same_in_main(main: Segment, rows: np.ndarray, codes: np.ndarray) -> np.ndarray:
    same = np.zeros(len(rows), dtype=bool)
    present = rows >= 0
    if present.any():
        same[present] = (main.code_rows(rows[present]) == codes[present]).all(axis=1)
    return same


# --- The process-wide index over the database -------------------------------------------------------


class Reset(Exception):
    """The change log is not the one this process read (rolled back, restored): start again."""


def usable_flags(active: np.ndarray, quality: Sequence[int | None], min_quality: int) -> np.ndarray:
    good = np.array([value is None or value >= min_quality for value in quality], dtype=bool)
    return np.asarray(active, dtype=bool) & good


class _IdLog:
    """SQLite (one writer at a time: ids are committed in order). The mark is the last id read."""

    def __init__(self, using: str):
        self.using = using

    @property
    def connection(self):
        from django.db import connections

        return connections[self.using]  # this thread's connection

    def start(self) -> dict:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT id, token FROM hashes_pdqchange ORDER BY id DESC LIMIT 1")
            row = cursor.fetchone()
        return {"id": row[0], "token": row[1]} if row else {"id": 0, "token": None}

    def read(self, mark: dict, apply) -> dict:
        last_id, token = mark["id"], mark["token"]
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, entry_id, value, active, quality, token FROM hashes_pdqchange WHERE id >= %s ORDER BY id",
                [last_id],
            )
            first = True
            while rows := cursor.fetchmany(_FETCH):
                if first and last_id:
                    # The row last read must still be there, the same: else the log went back in time.
                    if rows[0][0] != last_id or rows[0][5] != token:
                        raise Reset
                    rows = rows[1:]
                first = False
                if rows:
                    apply(rows, own=())
                    last_id, token = rows[-1][0], rows[-1][5]
            if first and last_id:
                raise Reset  # the row last read is gone
        return {"id": last_id, "token": token}


class _XidLog:
    """PostgreSQL: the mark is the snapshot of the last read; a read takes the rows of exactly the
    transactions that committed since (ranges of transaction ids, never an in-progress one)."""

    def __init__(self, using: str):
        self.using = using

    @property
    def connection(self):
        from django.db import connections

        return connections[self.using]  # this thread's connection

    def _now(self) -> tuple[int, int, list[int], int | None]:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text")
            snapshot, own = cursor.fetchone()
        xmin, xmax, xip = snapshot.split(":")
        return int(xmin), int(xmax), sorted(int(x) for x in xip.split(",") if x), int(own) if own else None

    def start(self) -> dict:
        xmin, xmax, xip, own = self._now()
        # Entries read inside a transaction that wrote may include its uncommitted changes: once it
        # ends, start again (never happens in a web request; it does in tests).
        return {"xmin": xmin, "xmax": xmax, "xip": xip, "own": [own] if own else [], "taint": own}

    def read(self, mark: dict, apply) -> dict:
        xmin, xmax, xip, own = self._now()
        if xmax < mark["xmax"] or (mark["taint"] is not None and mark["taint"] != own):
            raise Reset
        running = set(xip)
        # Committed since the mark: ids from the mark's xmax to now's that are not running now, and
        # those running at the mark (or our own, then) that are not running any more.
        ended = sorted((set(mark["xip"]) | set(mark["own"])) - running - {own})
        ranges, low = [], mark["xmax"]
        for busy in sorted(running | ({own} if own else set())):
            if low <= busy < xmax:
                if busy > low:
                    ranges.append((low, busy))
                low = busy + 1
        if low < xmax:
            ranges.append((low, xmax))
        conditions = ["(xid >= %s AND xid < %s)"] * len(ranges)
        params: list = [value for pair in ranges for value in pair]
        if ended:
            conditions.append("xid = ANY(%s)")
            params.append(ended)
        if own:
            # Our own uncommitted changes: read at every look, applied as additions only (a removal
            # waits for the commit, so a rollback never leaves a live entry out of the index).
            conditions.append("xid = %s")
            params.append(own)
        if conditions:
            with self.connection.cursor() as cursor:
                # The conditions are fixed fragments; every value is a parameter.
                where = " OR ".join(conditions)
                sql = (
                    f"SELECT id, entry_id, value, active, quality, xid FROM hashes_pdqchange WHERE {where} ORDER BY id"  # noqa: S608
                )
                cursor.execute(sql, params)
                while rows := cursor.fetchmany(_FETCH):
                    apply(rows, own=(own,) if own else ())
        return {"xmin": xmin, "xmax": xmax, "xip": xip, "own": [own] if own else [], "taint": mark["taint"]}


_FETCH = 50_000
IDLE_RESTART_SECONDS = 12 * 3600
SNAPSHOT_FILES = ("head", "tail", "hi", "lo", "order", "offsets")


class LiveIndex:
    """The index of this process over the usable PDQ entries of the database (see the module doc)."""

    def __init__(self, using: str = "default"):
        from django.db import connections

        self.using = using
        vendor = connections[using].vendor
        if vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"No PDQ change log on {vendor}")
        self.log = _XidLog(using) if vendor == "postgresql" else _IdLog(using)
        self.index: PdqIndex | None = None
        self.mark: dict | None = None
        self.checked_at = 0.0
        self.source = ""
        self._lock = threading.RLock()

    @property
    def connection(self):
        from django.db import connections

        return connections[self.using]  # this thread's connection (threaded servers)

    # --- Settings --------------------------------------------------------------------------------

    @staticmethod
    def sync_seconds() -> float:
        from django.conf import settings

        return float(getattr(settings, "PDQ_SYNC_SECONDS", 0.5))

    @staticmethod
    def snapshot_dir() -> Path:
        from django.conf import settings

        return Path(getattr(settings, "PDQ_SNAPSHOT_DIR", Path(settings.BASE_DIR) / "var" / "pdq"))

    def _identity(self) -> dict:
        settings_dict = self.connection.settings_dict
        database = f"{settings_dict.get('HOST') or ''}:{settings_dict.get('PORT') or ''}/{settings_dict['NAME']}"
        return {"vendor": self.connection.vendor, "database": database}

    @staticmethod
    def min_quality() -> int:
        from hashes.matching import PDQ_MIN_QUALITY

        return PDQ_MIN_QUALITY

    # --- Reading ---------------------------------------------------------------------------------

    def search(self, values: Sequence[str], max_distance: int) -> tuple[list[uuid.UUID], np.ndarray, np.ndarray]:
        """(entry ids, query numbers, distances) of the live entries within ``max_distance``."""
        self.refresh()
        return self.index.search(codes_from_hex(list(values)), max_distance)

    def refresh(self, *, force: bool = False) -> None:
        """Start, or apply the changes committed since the last look if that was long enough ago.

        Inside a transaction the log is always read: the transaction's own changes are seen at once.
        """
        with self._lock:
            if self.index is None:
                self._start()
                return
            idle = time.monotonic() - self.checked_at
            if idle > IDLE_RESTART_SECONDS:
                # Change-log rows older than a day may have been pruned (pdq_snapshot --prune-days).
                self._start()
            elif force or idle >= self.sync_seconds() or self.connection.in_atomic_block:
                try:
                    self._read_log()
                except Reset:
                    logger.info("PDQ change log went back in time: starting the index again")
                    self._start()

    def _start(self, *, use_snapshot: bool = True, attempt: int = 1) -> None:
        started = time.perf_counter()
        loaded = self._load_snapshot() if use_snapshot else None
        if loaded is None:
            self.mark = self.log.start()
            self.index = self._from_entries()
            self.source = "database"
        else:
            self.index, self.mark = loaded
            self.source = "snapshot"
        self.checked_at = time.monotonic()
        try:
            self._read_log()
        except Reset:
            # The snapshot, or what was just read, is older than the log now (a rollback meanwhile).
            if attempt >= 3:
                raise
            return self._start(use_snapshot=False, attempt=attempt + 1)
        logger.info(
            "PDQ index: %s entries from the %s in %.2f s", len(self.index), self.source, time.perf_counter() - started
        )

    def _from_entries(self) -> PdqIndex:
        from hashes.matching import usable_pdq
        from hashes.models import Algorithm, HashEntry

        rows = (
            HashEntry.objects.using(self.using)
            .unscoped("PDQ index")
            .filter(usable_pdq(), algorithm=Algorithm.PDQ, is_active=True)
            .order_by()
            .values_list("id", "value")
        )
        ids, values = [], []
        for entry_id, value in rows.iterator(chunk_size=_FETCH):
            ids.append(entry_id)
            values.append(value)
        hi, lo = keys_from_uuids(ids)
        return PdqIndex.from_arrays(codes_from_hex(values), hi, lo)

    def _read_log(self) -> None:
        self.mark = self.log.read(self.mark, self._apply_rows)
        self.checked_at = time.monotonic()

    def _apply_rows(self, rows: list[tuple], own: tuple) -> None:
        hi, lo = keys_from_uuids([row[1] for row in rows])
        codes = codes_from_hex([row[2] for row in rows])
        usable = usable_flags([bool(row[3]) for row in rows], [row[4] for row in rows], self.min_quality())
        if own:
            # Uncommitted changes of this process's own transaction: additions only.
            mine = np.array([row[5] in own for row in rows], dtype=bool)
            keep = ~mine | usable
            hi, lo, codes, usable = hi[keep], lo[keep], codes[keep], usable[keep]
        self.index.apply(hi, lo, codes, usable)

    # --- Snapshots -------------------------------------------------------------------------------

    def _load_snapshot(self) -> tuple[PdqIndex, dict] | None:
        manifest_path = self.snapshot_dir() / "current.json"
        try:
            manifest = json.loads(manifest_path.read_text())
            if manifest.get("identity") != self._identity():
                return None
            folder = self.snapshot_dir() / manifest["folder"]
            arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in SNAPSHOT_FILES}
        except (OSError, ValueError, KeyError):
            return None
        alive = np.ones(len(arrays["hi"]), dtype=bool)
        main = Segment(alive=alive, **arrays)
        return PdqIndex(main), manifest["mark"]

    def write_snapshot(self) -> dict:
        """Bring the index up to date, fold the delta in, and write it for the next process to start from."""
        with self._lock:
            if self.index is None:
                self._start()
            else:
                self.refresh(force=True)
            self.index.wait_for_merge()
            self.index.merge()
            main, mark = self.index.main, self.mark
            directory = self.snapshot_dir()
            directory.mkdir(parents=True, exist_ok=True)
            folder = f"snapshot-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
            working = directory / f".{folder}"
            working.mkdir()
            for name in SNAPSHOT_FILES:
                np.save(working / f"{name}.npy", np.ascontiguousarray(getattr(main, name)))
            os.replace(working, directory / folder)
            manifest = {
                "identity": self._identity(),
                "folder": folder,
                "mark": mark,
                "entries": len(main),
                "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            temporary = directory / "current.json.tmp"
            temporary.write_text(json.dumps(manifest))
            os.replace(temporary, directory / "current.json")
            # Older snapshots: a process that mapped one keeps its pages (the files stay until unmapped).
            for old in directory.glob("snapshot-*"):
                if old.name != folder:
                    for file in old.iterdir():
                        file.unlink()
                    old.rmdir()
            return manifest


_live: dict[str, LiveIndex] = {}
_live_lock = threading.Lock()


def live_index(using: str = "default") -> LiveIndex:
    """This process's index (created at first use)."""
    with _live_lock:
        if using not in _live:
            _live[using] = LiveIndex(using)
        return _live[using]


def forget_live_index() -> None:
    """Drop this process's index (tests; after a fork)."""
    with _live_lock:
        _live.clear()
