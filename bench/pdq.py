"""PDQ matching benchmark: our index (hashes/pdq_index.py) against python-threatexchange's PDQ indexes.

    .venv/bin/pip install -r requirements-bench.txt
    .venv/bin/python bench/pdq.py                   # 1,000,000 random hashes
    .venv/bin/python bench/pdq.py --ten-million     # 10,000,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sicnet_pdq_bench .venv/bin/python bench/pdq.py --latency-only

In one run, for each index (each built in a process of its own, forked from the one holding the data):
build time, memory (growth of the process's resident set over the build, the input arrays or strings
made beforehand and freed afterwards; ours also as the exact size of its arrays), queries per second
one at a time and in batches of 1,000 (single-threaded: faiss is limited to one OpenMP thread; a
batched figure with faiss's default threads is given too), and recall against an exact brute force
for distance ≤ 31 on a sample of the queries. Queries: near-duplicates of stored hashes at distances
0, 4, 8, 16, 24, 31, 32 and 40, and random hashes (non-matches).

Then the change log: a database (a temporary SQLite file, or the PostgreSQL database of DATABASE_URL,
dropped and created again) with DB_ENTRIES PDQ entries; one process adds an entry (or disables one)
through hashes.actions, another process looks the value up as a request would, and the time from the
commit to the first lookup that matches (or no longer matches) is measured. The startup of a process
from the snapshot (manage.py pdq_snapshot) and from the entries table is timed too.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import recreate_database  # noqa: E402 - bench/common.py, the script's own folder

from hashes.pdq_index import PdqIndex, codes_from_hex  # noqa: E402

DISTANCES = (0, 4, 8, 16, 24, 31, 32, 40)
PER_DISTANCE = 500
RANDOM_QUERIES = 2_000
TRUTH_SAMPLE = 1_200
BATCH = 1_000
SINGLE_SECONDS = 10.0
MAX_DISTANCE = 31


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def make_data(count: int, seed: int = 6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stored codes, query codes, and each query's planted distance (-1: random)."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 2**64, size=(count, 4), dtype=np.uint64)
    queries, planted = [], []
    for distance in DISTANCES:
        for row in rng.integers(0, count, PER_DISTANCE):
            code = codes[row].copy()
            for position in rng.choice(256, distance, replace=False):
                code[position // 64] ^= np.uint64(1) << np.uint64(position % 64)
            queries.append(code)
            planted.append(distance)
    queries.extend(rng.integers(0, 2**64, size=(RANDOM_QUERIES, 4), dtype=np.uint64))
    planted.extend([-1] * RANDOM_QUERIES)
    order = rng.permutation(len(queries))
    return codes, np.array(queries)[order], np.array(planted)[order]


def to_hex(codes: np.ndarray) -> list[str]:
    raw = codes.astype(">u8").tobytes()
    return [raw[i : i + 32].hex() for i in range(0, len(raw), 32)]


def brute_force(codes: np.ndarray, queries: np.ndarray) -> set[tuple[int, int]]:
    found = set()
    for number, query in enumerate(queries):
        distances = np.bitwise_count(codes ^ query).sum(axis=1)
        found.update((number, int(row)) for row in np.flatnonzero(distances <= MAX_DISTANCE))
    return found


# --- The indexes, each measured in a forked process ---------------------------------------------


def measure_ours(codes, query_hex, sample_hex):
    before = rss_mb()
    started = time.perf_counter()
    # Entry ids: row number in the high half, so results map back to rows.
    hi = np.arange(len(codes), dtype=np.uint64)
    index = PdqIndex.from_arrays(codes, hi, np.zeros(len(codes), dtype=np.uint64))
    build = time.perf_counter() - started
    del hi
    gc.collect()
    memory = rss_mb() - before

    def rows(ids):
        return [entry_id.int >> 64 for entry_id in ids]

    def single(value):
        return index.search(codes_from_hex([value]), MAX_DISTANCE)

    def batch(values):
        return index.search(codes_from_hex(values), MAX_DISTANCE)

    found = set()
    for at in range(0, len(sample_hex), BATCH):
        ids, numbers, _d = batch(sample_hex[at : at + BATCH])
        found.update(zip((numbers + at).tolist(), rows(ids), strict=True))
    result = speeds(single, batch, query_hex)
    result.update(build_s=build, rss_mb=memory, exact_mb=index.main.nbytes() / 2**20, found=found)
    return result


def measure_threatexchange(kind, codes, query_hex, sample_hex, threads=1):
    import faiss
    from threatexchange.signal_type.pdq.pdq_index import PDQFlatIndex, PDQIndex

    faiss.omp_set_num_threads(threads)
    before = rss_mb()
    hexes = to_hex(codes)  # the index keeps these strings (its local_id_to_entry list)
    started = time.perf_counter()
    index = (PDQIndex if kind == "multi" else PDQFlatIndex).build(zip(hexes, range(len(hexes)), strict=True))
    build = time.perf_counter() - started
    del hexes
    gc.collect()
    memory = rss_mb() - before
    matcher = index.index

    def single(value):
        return matcher.search_with_distance_in_result([value], MAX_DISTANCE)

    def batch(values):
        return matcher.search_with_distance_in_result(values, MAX_DISTANCE)

    found = set()
    for at in range(0, len(sample_hex), BATCH):
        chunk = sample_hex[at : at + BATCH]
        answers = batch(chunk)
        for number, value in enumerate(chunk):
            found.update((number + at, int(row)) for row, _h, distance in answers[value] if distance <= MAX_DISTANCE)
    result = speeds(single, batch, query_hex)
    if threads == 1:
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        result["batch_qps_all_threads"] = speeds(None, batch, query_hex)["batch_qps"]
    result.update(build_s=build, rss_mb=memory, found=found)
    return result


def speeds(single, batch, query_hex) -> dict:
    result = {}
    if single is not None:
        started, done = time.perf_counter(), 0
        for value in query_hex:
            single(value)
            done += 1
            if time.perf_counter() - started > SINGLE_SECONDS:
                break
        result["single_qps"] = done / (time.perf_counter() - started)
    started = time.perf_counter()
    for at in range(0, len(query_hex), BATCH):
        batch(query_hex[at : at + BATCH])
    result["batch_qps"] = len(query_hex) / (time.perf_counter() - started)
    return result


def in_child(function, *args):
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


# --- Insert → matched in another process, through the database's change log --------------------


def database_url(directory: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        recreate_database(url)
        return url
    return f"sqlite:///{directory}/pdq_bench.sqlite3"


class Helper:
    def __init__(self, environment: dict):
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, *words) -> list[str]:
        self.process.stdin.write(" ".join(str(word) for word in words) + "\n")
        self.process.stdin.flush()
        ready, _w, _x = select.select([self.process.stdout], [], [], 600)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"helper gave no answer to {words}")
        return line.split()

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def serve() -> None:
    """A Django process: setup COUNT, start, add VALUE, disable ENTRY, wait VALUE yes|no SINCE."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sicnet.settings")
    import django

    django.setup()
    from django.utils import timezone

    from hashes import actions
    from hashes.models import HashEntry, HashList
    from hashes.pdq_index import live_index
    from network.models import Centre, Country

    hash_list = None
    for line in sys.stdin:
        command, *args = line.split()
        if command == "setup":
            country = Country.objects.create(code="AL", name="Albania")
            centre = Centre.objects.create(code="al-sic", name="Albania SIC", country=country)
            hash_list = actions.create_list(centre, by=None, name="Bench", kind="own", trust_level="high")
            rng = np.random.default_rng(1)
            rows = (
                {
                    "algorithm": "pdq",
                    "value": value,
                    "classification": "baseline",
                    "quality": 90,
                    "first_seen": timezone.now(),
                }
                for value in to_hex(rng.integers(0, 2**64, size=(int(args[0]), 4), dtype=np.uint64))
            )
            started = time.perf_counter()
            actions.import_entries(hash_list, rows, by=None, origin="bench")
            answer = [hash_list.pk, f"{time.perf_counter() - started:.1f}"]
        elif command == "start":
            started = time.perf_counter()
            live = live_index()
            live.refresh()
            answer = [live.source, f"{time.perf_counter() - started:.3f}", len(live.index)]
        elif command == "add":
            hash_list = hash_list or HashList.objects.unscoped("benchmark").get()
            entry, _c = actions.add_entry(
                hash_list, by=None, algorithm="pdq", value=args[0], classification="baseline", quality=90
            )
            answer = [entry.pk, repr(time.time())]
        elif command == "disable":
            actions.set_entry_active(HashEntry.objects.unscoped("benchmark").get(pk=args[0]), by=None, active=False)
            answer = [repr(time.time())]
        elif command == "wait":
            value, wanted, since = args[0], args[1] == "yes", float(args[2])
            live = live_index()
            while True:
                found = bool(live.search([value], MAX_DISTANCE)[0])
                if found == wanted or time.time() - since > 30:
                    break
                time.sleep(0.001)
            answer = [found == wanted, repr(time.time() - since)]
        else:
            answer = ["?"]
        print(*answer, flush=True)


def latency(db_entries: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        url = database_url(directory)
        environment = dict(
            os.environ, DATABASE_URL=url, DEBUG="1", PDQ_SNAPSHOT_DIR=f"{directory}/pdq", PYTHONPATH=str(ROOT)
        )
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment, check=True)
        writer = Helper(environment)
        _list_id, import_seconds = writer.ask("setup", db_entries)
        cold = Helper(environment)
        cold_start = cold.ask("start")
        cold.close()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "pdq_snapshot"],
            cwd=ROOT,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        snapshot_seconds = time.perf_counter() - started
        reader = Helper(environment)
        warm_start = reader.ask("start")
        adds, disables = [], []
        rng = np.random.default_rng(2)
        for _round in range(rounds):
            value = to_hex(rng.integers(0, 2**64, size=(1, 4), dtype=np.uint64))[0]
            entry_id, committed = writer.ask("add", value)
            ok, seconds = reader.ask("wait", value, "yes", committed)
            adds.append(float(seconds) if ok == "True" else float("inf"))
            (committed,) = writer.ask("disable", entry_id)
            ok, seconds = reader.ask("wait", value, "no", committed)
            disables.append(float(seconds) if ok == "True" else float("inf"))
            time.sleep(float(rng.random()) * 0.5)  # commits at random points of the reader's 0.5 s cycle
        writer.close()
        reader.close()
    return {
        "database": "PostgreSQL" if url.startswith("postgres") else "SQLite",
        "entries": db_entries,
        "import_s": float(import_seconds),
        "start_from_database": cold_start,
        "snapshot_s": snapshot_seconds,
        "start_from_snapshot": warm_start,
        "add": adds,
        "disable": disables,
    }


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ten-million", action="store_true", help="10,000,000 hashes instead of 1,000,000")
    parser.add_argument("--count", type=int, help="any other number of hashes")
    parser.add_argument("--db-entries", type=int, default=100_000, help="PDQ entries in the latency database")
    parser.add_argument("--rounds", type=int, default=30, help="adds and disables timed across processes")
    parser.add_argument("--latency-only", action="store_true")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        return serve()
    count = options.count or (10_000_000 if options.ten_million else 1_000_000)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    if not options.latency_only:
        compare(count)
    if not options.no_latency:
        result = latency(options.db_entries, options.rounds)
        print(
            f"\nchange log on {result['database']}, {result['entries']:,} PDQ entries (import {result['import_s']} s)"
        )
        print(f"start from the entries table: {result['start_from_database']}")
        print(f"pdq_snapshot: {result['snapshot_s']:.1f} s; start from it: {result['start_from_snapshot']}")
        print(f"insert → matched in another process: {describe(result['add'])}")
        print(f"disable → no longer matched by its index: {describe(result['disable'])}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


def compare(count: int) -> None:
    started = time.perf_counter()
    codes, queries, planted = make_data(count)
    query_hex = to_hex(queries)
    sample = np.concatenate([np.flatnonzero(planted == d)[: TRUTH_SAMPLE // 10] for d in (*DISTANCES, -1)])
    sample_hex = [query_hex[i] for i in sample]
    truth = brute_force(codes, queries[sample])
    print(
        f"{count:,} hashes, {len(query_hex):,} queries; brute force over {len(sample):,} of them "
        f"({len(truth)} pairs ≤ {MAX_DISTANCE}) in {time.perf_counter() - started:.0f} s"
    )
    rows = [
        ("ours (numpy multi-index, 16×16 bits)", in_child(measure_ours, codes, query_hex, sample_hex)),
        (
            "threatexchange PDQIndex (faiss MultiHash)",
            in_child(measure_threatexchange, "multi", codes, query_hex, sample_hex),
        ),
        (
            "threatexchange PDQFlatIndex (faiss flat)",
            in_child(measure_threatexchange, "flat", codes, query_hex, sample_hex),
        ),
    ]
    print("\n| index | build s | memory MB (RSS growth) | queries/s one at a time | queries/s batched | recall ≤ 31 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, result in rows:
        found = result["found"]
        recall = len(found & truth) / len(truth) if truth else 1.0
        extra = len(found - truth)
        memory = f"{result['rss_mb']:.0f}"
        if "exact_mb" in result:
            memory += f" (arrays {result['exact_mb']:.0f})"
        batched = f"{result['batch_qps']:,.0f}"
        if "batch_qps_all_threads" in result:
            batched += f" ({result['batch_qps_all_threads']:,.0f} on all CPUs)"
        print(
            f"| {name} | {result['build_s']:.1f} | {memory} | {result['single_qps']:,.0f} | {batched} | "
            f"{recall:.2%}{f' (+{extra} wrong)' if extra else ''} |"
        )


if __name__ == "__main__":
    main()
