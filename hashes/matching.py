"""Matching hashes against the lists: exact lookups by index, PDQ by Hamming distance.

PDQ goes through this process's in-memory index (``hashes.pdq_index``: multi-index hashing, exact,
updated from the database's change log within a second of any change anywhere). The index only
proposes entry ids and distances; the entries are then read from the database through the same
scoping as before (visible to the user, active, usable quality), so a disable is honoured at once,
even before the index hears of it. A distance above PDQ_MAX_DISTANCE (the PDQ standard's 31, which
the index is built for) uses the brute force (every usable entry read from the database and
compared), which gives the same answers.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy
from django.conf import settings
from django.db.models import Q

from hashes.models import Algorithm, HashEntry

# A PDQ match is a Hamming distance of at most 31 bits (the standard's, and the widest the in-memory
# index answers; HASHES_PDQ_MAX_DISTANCE may set another); a PDQ hash of quality under 50 is not used.
PDQ_MAX_DISTANCE = 31
PDQ_MIN_QUALITY = 50


@dataclass(frozen=True)
class Match:
    """One entry that matches one queried hash: the entry, its list and the distance (0 when exact)."""

    algorithm: str
    query: str
    entry: HashEntry
    distance: int

    @property
    def hash_list(self):
        return self.entry.hash_list


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def usable_quality(quality: int | None) -> bool:
    """A PDQ hash is used for matching unless its quality is known to be under PDQ_MIN_QUALITY."""
    return quality is None or quality >= PDQ_MIN_QUALITY


def usable_pdq() -> Q:
    """The same rule as a filter on entries."""
    return Q(quality__isnull=True) | Q(quality__gte=PDQ_MIN_QUALITY)


def _entries(user):
    return HashEntry.objects.visible_to(user).filter(is_active=True).select_related("hash_list", "hash_list__centre")


def pdq_max_distance() -> int:
    """The configured PDQ match distance (setting HASHES_PDQ_MAX_DISTANCE, default PDQ_MAX_DISTANCE)."""
    configured = getattr(settings, "HASHES_PDQ_MAX_DISTANCE", None)
    return PDQ_MAX_DISTANCE if configured is None else int(configured)


def matches_for(values: Iterable[tuple[str, str]], *, user, max_distance: int | None = None) -> list[Match]:
    """Every active entry matching one of ``values`` ((algorithm, normalised hex) pairs).

    Only the lists that ``user`` may see are searched. Results are sorted by query,
    then distance.
    """
    max_distance = pdq_max_distance() if max_distance is None else max_distance
    values = list(dict.fromkeys(values))
    exact: dict[str, set[str]] = {}
    pdq_queries: list[str] = []
    for algorithm, value in values:
        if algorithm == Algorithm.PDQ:
            pdq_queries.append(value)
        else:
            exact.setdefault(algorithm, set()).add(value)
    found: list[Match] = []
    if exact:
        condition = Q()
        for algorithm, wanted in exact.items():
            condition |= Q(algorithm=algorithm, value__in=sorted(wanted))
        for entry in _entries(user).filter(condition):
            found.append(Match(entry.algorithm, entry.value, entry, 0))
    if pdq_queries:
        found.extend(_pdq_matches(pdq_queries, user, max_distance))
    order = {value: index for index, value in enumerate(values)}
    found.sort(key=lambda m: (order.get((m.algorithm, m.query), 0), m.distance, str(m.entry.pk)))
    return found


def _pdq_matches(queries: list[str], user, max_distance: int) -> list[Match]:
    live = _live_index() if max_distance <= PDQ_MAX_DISTANCE else None
    if live is None:
        return _pdq_brute_force(queries, user, max_distance)
    entry_ids, query_numbers, _distances = live.search(queries, max_distance)
    if not entry_ids:
        return []
    wanted = sorted(set(entry_ids))
    entries = {}
    scoped = _entries(user).filter(usable_pdq(), algorithm=Algorithm.PDQ)
    for start in range(0, len(wanted), IN_BATCH):
        for entry in scoped.filter(pk__in=wanted[start : start + IN_BATCH]):
            entries[entry.pk] = entry
    found = []
    for entry_id, number in zip(entry_ids, query_numbers, strict=True):
        entry = entries.get(entry_id)
        if entry is None:
            continue
        # The distance from the database's value (the truth), should the index lag behind it.
        query = queries[int(number)]
        distance = hamming(int(query, 16), int(entry.value, 16))
        if distance <= max_distance:
            found.append(Match(Algorithm.PDQ, query, entry, distance))
    return found


def _live_index():
    try:
        from hashes.pdq_index import live_index

        return live_index()
    except NotImplementedError:  # a database without the change log's triggers
        return None


# Entry ids per query of the entries found.
IN_BATCH = 500


def _pdq_brute_force(queries: list[str], user, max_distance: int) -> list[Match]:
    hits: list[tuple[str, object, int]] = []
    candidates = _entries(user).filter(usable_pdq(), algorithm=Algorithm.PDQ).values_list("pk", "value")
    chunk: list[tuple[object, str]] = []
    for row in candidates.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            hits.extend(_distances(queries, chunk, max_distance))
            chunk = []
    if chunk:
        hits.extend(_distances(queries, chunk, max_distance))
    if not hits:
        return []
    entries = _entries(user).in_bulk([pk for _q, pk, _d in hits])
    return [Match(Algorithm.PDQ, query, entries[pk], distance) for query, pk, distance in hits]


CHUNK = 50_000


def _distances(queries: list[str], rows: list[tuple[object, str]], max_distance: int) -> list[tuple[str, object, int]]:
    """(query, entry id, distance) for every pair within ``max_distance``: exact, no index."""
    words = _as_words([value for _pk, value in rows])
    found = []
    for query, wanted in zip(queries, _as_words(queries), strict=True):
        distances = numpy.bitwise_count(words ^ wanted).sum(axis=1)
        for index in numpy.flatnonzero(distances <= max_distance):
            found.append((query, rows[index][0], int(distances[index])))
    return found


def _as_words(values: list[str]):
    # 256 bits as four unsigned 64-bit words per hash.
    return numpy.frombuffer(bytes.fromhex("".join(values)), dtype=">u8").reshape(-1, 4)


def known_for_items(hashes_by_item: Mapping[Hashable, Iterable[tuple[str, str]]], *, user) -> dict:
    """For the hotline: each item's (or any key's) hashes → the matches, in one lookup.

    ``{item_id: [(algorithm, value), ...]}`` → ``{item_id: [Match, ...]}`` (keys without a
    match are left out).
    """
    wanted = {key: list(values) for key, values in hashes_by_item.items()}
    every = [value for values in wanted.values() for value in values]
    matches = matches_for(every, user=user)
    by_value: dict[tuple[str, str], list[Match]] = {}
    for match in matches:
        by_value.setdefault((match.algorithm, match.query), []).append(match)
    result = {}
    for key, values in wanted.items():
        found = [match for value in dict.fromkeys(values) for match in by_value.get(value, [])]
        if found:
            result[key] = found
    return result
