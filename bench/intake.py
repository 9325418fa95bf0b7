"""Intake benchmark: public submissions (POST /api/v1/reports) against a one-row baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sicnet_bench_intake .venv/bin/python bench/intake.py

Runs gunicorn with two sync workers on PostgreSQL, with DEBUG off, and measures in one run:
1. throughput (closed loop, CONCURRENCY clients) of the baseline and of our endpoint, in ROUNDS
   alternating rounds, with the CPU each kind of process spent per answer;
2. p50/p99 latency at a fixed moderate rate (open loop, RATE requests per second);
3. the same again with ITEMS (default 1,000,000) items already stored at the centre;
4. that every 201 answer is exactly one stored report (nothing lost, nothing doubled), and that
   every stored report is attached to its item by the attaching loop (`manage.py attach_reports
   --loop`, running beside the server on the same two CPUs, as in production).
The database is dropped and created again: point DATABASE_URL at a database of its own.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from common import psql, recreate_database  # bench/common.py: the script's own folder

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
RATE = float(os.environ.get("BENCH_RATE", "20"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))  # throughput rounds, alternating baseline and ours
SAME_URL_SHARE = 0.1  # one submission in ten names a URL already open: the duplicate path


def environment() -> dict:
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.intake_settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        IDENTIFIER_HASH_KEY=secrets.token_urlsafe(40),
        AUDIT_ANCHOR_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SICNET_BENCH_BASELINE="1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(database_url: str, env: dict) -> None:
    recreate_database(database_url)
    manage(env, "migrate", "--no-input")
    psql(database_url, "CREATE TABLE bench_intake_baseline (id bigserial PRIMARY KEY, body text NOT NULL)")
    seed = (
        "from network.models import *; "
        "al = Country.objects.create(code='AL', name='Albania'); "
        "c = Centre.objects.create(code='al-sic', name='Albania SIC', country=al); "
        "Coverage.objects.create(country=al, service='hotline', centre=c); "
        "Coverage.objects.create(country=al, service='helpline', centre=c)"
    )
    manage(env, "shell", "-c", seed)


def preload_items(database_url: str, count: int) -> float:
    """ITEMS open items at the centre, written by SQL (the duplicate check must stay an index lookup)."""
    started = time.perf_counter()
    psql(
        database_url,
        f"""
        INSERT INTO hotline_item (id, created_at, updated_at, centre_id, url, url_hash, status, harm_type,
            reported_by_child, reports_count, received_at, last_reported_at, assessment, content_type, site_type,
            victim_age, victim_gender, flags, notes, hosting_provider, hosting_country, registrar, outcome)
        SELECT gen_random_uuid(), now(), now(), c.id, u.url, encode(sha256(convert_to(u.url, 'UTF8')), 'hex'),
            CASE WHEN n % 4 = 0 THEN 'closed' ELSE 'new' END, 'csam', false, 1, now(), now(),
            '', '', '', '', '', '[]', '', '', '', '', ''
        FROM generate_series(1, {count}) AS n
        CROSS JOIN LATERAL (SELECT 'https://preloaded' || n || '.example.com/path/' || n AS url) u
        CROSS JOIN (SELECT id FROM network_centre WHERE code = 'al-sic') c;
        """,
    )
    # Settle the bulk load before measuring: statistics, visibility map, and the WAL flushed, so the
    # measurement is not a checkpoint of the preload.
    psql(database_url, "VACUUM ANALYZE hotline_item")
    psql(database_url, "CHECKPOINT")
    return time.perf_counter() - started


# --- Load ---------------------------------------------------------------------------------------


def report_body() -> bytes:
    n = secrets.randbelow(50) if secrets.randbelow(10) == 0 else uuid.uuid4().hex
    return json.dumps(
        {
            "country": "AL",
            "harm_type": "csam",
            "urls": [f"https://bench-{n}.example.com/p?id={n}&utm_source=app"],
            "where_seen": "an app",
            "description": "benchmark",
            "reporter_is_child": True,
            "age_band": "13_15",
            "contact_email": "",
            "consent_to_contact": False,
        }
    ).encode()


def post(path: str, body: bytes, key: str | None = None) -> tuple[int, float, bytes]:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    started = time.perf_counter()
    # Each load client has an address of its own (127.0.0.2 and up), as separate reporters would:
    # the per-client counter is then per client, as in production, where one address cannot send
    # hundreds of reports a second (HOTLINE_REPORTS_PER_WINDOW).
    connection = http.client.HTTPConnection(
        "127.0.0.1", PORT, timeout=30, source_address=(getattr(CLIENT, "address", "127.0.0.2"), 0)
    )
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, time.perf_counter() - started, data
    finally:
        connection.close()


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: dict[int, int] = {}
        self.latencies: list[float] = []
        self.references: list[str] = []

    def add(self, status: int, seconds: float, data: bytes) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies.append(seconds)
            if status == 201 and data.startswith(b'{"reference"'):
                self.references.append(json.loads(data)["reference"])


def request_for(endpoint: str) -> tuple[str, bytes, str | None]:
    if endpoint == "baseline":
        return "/bench/baseline", report_body(), None
    return "/api/v1/reports", report_body(), uuid.uuid4().hex


CLIENT = threading.local()  # .address of the closed loop's clients; the open loop's use 127.0.0.2


def closed_loop(endpoint: str, seconds: float) -> Tally:
    tally, deadline = Tally(), time.perf_counter() + seconds

    def client(number: int) -> None:
        CLIENT.address = f"127.0.0.{number + 2}"
        while time.perf_counter() < deadline:
            tally.add(*post(*request_for(endpoint)))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def open_loop(endpoint: str, seconds: float, rate: float) -> Tally:
    """Requests started at a fixed rate, whatever the answers' speed (no coordinated omission)."""
    tally, threads = Tally(), []
    start = time.perf_counter()
    for n in range(int(seconds * rate)):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=lambda: tally.add(*post(*request_for(endpoint))))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return tally


def cpu_seconds_by_process() -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by each process of a kind we count: {pid: (kind, seconds)} (Linux /proc)."""
    seconds: dict[int, tuple[str, float]] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc") if os.path.isdir("/proc") else []):
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline") as cmdline:
                fields, command = stat.read().rsplit(")", 1)[1].split(), cmdline.read()
        except OSError:
            continue  # ended meanwhile
        kind = next((name for name in KINDS if name in command), None)
        if kind:
            seconds[int(pid)] = (KINDS[kind], (int(fields[11]) + int(fields[12])) / ticks)
    return seconds


# Where the machine's CPU goes, by process: our own children and PostgreSQL's backends.
KINDS = {"gunicorn": "web workers", "attach_reports": "attaching loop", "postgres": "PostgreSQL", "intake.py": "load"}


def cpu_per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    """Milliseconds per request by kind. Per process, so one that ended meanwhile (a PostgreSQL
    backend of a closed connection) takes nothing away; its last moments are not counted."""
    totals: dict[str, float] = {}
    for pid, (kind, seconds) in after.items():
        earlier = before.get(pid)
        used = seconds - earlier[1] if earlier and earlier[0] == kind else seconds
        totals[kind] = totals.get(kind, 0.0) + used
    return {kind: round(used * 1000 / max(requests, 1), 2) for kind, used in totals.items()}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")


def throughput(endpoint: str, seconds: float, database_url: str, results: dict, references: list) -> None:
    """One closed-loop run; ours is not done until the attaching loop has caught up (that time counts)."""
    cpu_before = cpu_seconds_by_process()
    tally = closed_loop(endpoint, seconds)
    catch_up = wait_until_attached(database_url) if endpoint == "ours" else 0.0
    created = tally.statuses.get(201, 0)
    cpu = cpu_per_request(cpu_before, cpu_seconds_by_process(), 1)
    totals = results.setdefault(endpoint, {"201": 0, "seconds": 0.0, "statuses": {}, "cpu_s": {}})
    totals["201"] += created
    totals["seconds"] += seconds + catch_up
    for status, count in tally.statuses.items():
        totals["statuses"][status] = totals["statuses"].get(status, 0) + count
    for kind, milliseconds in cpu.items():
        totals["cpu_s"][kind] = totals["cpu_s"].get(kind, 0.0) + milliseconds / 1000
    references += tally.references if endpoint == "ours" else []


def measure(label: str, database_url: str) -> dict:
    """Throughput in ROUNDS alternating rounds of each (so a change in the machine's load between
    two minutes weighs on both), then latency at a fixed rate."""
    for endpoint in ("baseline", "ours"):
        closed_loop(endpoint, 3)  # warm up both workers
    wait_until_attached(database_url)
    before = int(psql(database_url, "SELECT count(*) FROM hotline_report"))
    references: list[str] = []
    runs: dict = {}
    for _round in range(ROUNDS):
        for endpoint in ("baseline", "ours"):
            throughput(endpoint, SECONDS / ROUNDS, database_url, runs, references)
    results = {}
    for endpoint, totals in runs.items():
        results[f"{endpoint}_rps"] = totals["201"] / totals["seconds"]
        results[f"{endpoint}_statuses"] = totals["statuses"]
        results[f"{endpoint}_cpu_ms_per_201"] = {
            kind: round(seconds * 1000 / max(totals["201"], 1), 2) for kind, seconds in totals["cpu_s"].items()
        }
    results["ours_catch_up_s"] = runs["ours"]["seconds"] - SECONDS
    for endpoint in ("baseline", "ours"):
        tally = open_loop(endpoint, SECONDS, RATE)
        results[f"{endpoint}_p50_ms"] = percentile(tally.latencies, 0.50)
        results[f"{endpoint}_p99_ms"] = percentile(tally.latencies, 0.99)
        results[f"{endpoint}_rate_statuses"] = tally.statuses
        references += tally.references if endpoint == "ours" else []
    stored = int(psql(database_url, "SELECT count(*) FROM hotline_report")) - before
    results["attached_within_s"] = wait_until_attached(database_url)
    distinct = len(set(references))
    results["ratio"] = results["ours_rps"] / results["baseline_rps"]
    results["answers_201"] = len(references)
    results["stored"] = stored
    results["exactly_once"] = distinct == len(references) == stored
    # One URL per report: each stored report is one link to an item, and the items count them all.
    links = int(psql(database_url, "SELECT count(*) FROM hotline_report_items"))
    counted = int(
        psql(database_url, "SELECT coalesce(sum(reports_count), 0) FROM hotline_item WHERE url LIKE '%bench-%'")
    )
    reports = int(psql(database_url, "SELECT count(*) FROM hotline_report"))
    results["all_attached"] = links == counted == reports
    print(f"\n== {label}")
    for key, value in results.items():
        print(f"  {key:>22}: {value:.2f}" if isinstance(value, float) else f"  {key:>22}: {value}")
    return results


def wait_until_attached(database_url: str, limit: float = 120) -> float:
    """Seconds after the load until no report waits to be attached (looked at every 10 ms, from one
    open connection: a psql process per look took longer than a look)."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as connection:
        while connection.execute("SELECT EXISTS (SELECT 1 FROM hotline_pendingreport)").fetchone()[0]:
            if time.perf_counter() - started > limit:
                return float("inf")
            time.sleep(0.01)
    return time.perf_counter() - started


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database of its own (it is dropped and created).")
        return 2
    env = environment()
    prepare(database_url, env)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "sicnet.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    attacher = subprocess.Popen([sys.executable, "manage.py", "attach_reports", "--loop"], cwd=ROOT, env=env)
    try:
        time.sleep(3)
        empty = measure("empty database", database_url)
        print(f"\nPreloading {ITEMS:,} items…")
        print(f"  took {preload_items(database_url, ITEMS):.0f} s")
        full = measure(f"{ITEMS:,} items stored", database_url)
        print(f"\nThroughput with {ITEMS:,} items / empty: {full['ours_rps'] / empty['ours_rps']:.2f}")
    finally:
        for process in (server, attacher):
            process.terminate()
            process.wait()
    passed = all(phase["exactly_once"] and phase["all_attached"] for phase in (empty, full))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
