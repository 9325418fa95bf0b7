"""Audit benchmark: audited writes and reads of two centres at once, one chain against one per centre.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sicnet_bench_audit .venv/bin/python bench/audit.py

On PostgreSQL, CLIENTS_PER_CENTRE processes per centre (two centres) each run, for SECONDS, a loop
of the two things every request of a centre does: an action (a transaction that writes a row of
its centre and, audited, the entry saying so) and an audited read (a transaction that reads a row
of its centre and records the read). Three kinds of round, alternated ROUNDS times:

- ``none``: the same transactions without the audit entry (the ceiling);
- ``before``: audited by the code of OLD_COMMIT (one chain, one head row every writer locks),
  checked out into a temporary worktree and run against a database migrated by it;
- ``after``: audited by this tree's code (one chain per centre).

Answers throughput (transactions per second, all clients together) and its share of ``none``,
then runs each tree's audit_verify on its database (every entry written chained as it should be).
Loopback only; two databases named after DATABASE_URL's (which must say "bench") are dropped and
created again.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import psql, recreate_database  # bench/common.py: the script's own folder

ROOT = Path(__file__).resolve().parent.parent
OLD_COMMIT = os.environ.get("BENCH_OLD_COMMIT", "3142473")
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CLIENTS_PER_CENTRE = int(os.environ.get("BENCH_CLIENTS_PER_CENTRE", "2"))
ROWS_PER_CENTRE = 1000
CENTRES = [uuid.UUID("00000000-0000-4000-8000-00000000a1a1"), uuid.UUID("00000000-0000-4000-8000-00000000b2b2")]
KINDS = ("none", "before", "after")


@cache
def run_secrets() -> dict:
    """One set per run: every client signs its chain's heads with the same anchor key."""
    from cryptography.fernet import Fernet

    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "IDENTIFIER_HASH_KEY": secrets.token_urlsafe(40),
        "AUDIT_ANCHOR_KEY": secrets.token_urlsafe(40),
    }


def environment(tree: Path, database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sicnet.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        **run_secrets(),
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(tree),
        SICNET_VAR_DIR=tempfile.gettempdir(),
    )
    return env


def with_database(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/" + name))


def prepare(tree: Path, database_url: str) -> None:
    recreate_database(database_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "audit", "--no-input"],
        cwd=tree,
        env=environment(tree, database_url),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    psql(
        database_url,
        "CREATE TABLE bench_audit_work (id bigserial PRIMARY KEY, centre_id uuid NOT NULL, n int NOT NULL)",
    )
    for centre in CENTRES:
        psql(
            database_url,
            f"INSERT INTO bench_audit_work (centre_id, n) SELECT '{centre}', n FROM generate_series(1, {ROWS_PER_CENTRE}) n",
        )
    psql(database_url, "VACUUM ANALYZE bench_audit_work")


def run_round(kind: str, trees: dict, urls: dict) -> dict:
    """One round: every client process started together, for SECONDS; answers the totals."""
    tree, url = (trees["old"], urls["old"]) if kind == "before" else (trees["new"], urls["new"])
    start_at = time.time() + 3.0  # time for every process to start Django and connect
    processes = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "audit.py"), "--worker", kind, str(centre), str(start_at)],
            cwd=tree,
            env=environment(tree, url),
            stdout=subprocess.PIPE,
            text=True,
        )
        for centre in CENTRES
        for _client in range(CLIENTS_PER_CENTRE)
    ]
    results = [json.loads(process.communicate(timeout=SECONDS + 60)[0]) for process in processes]
    per_centre = {str(c): sum(r["done"] for r in results if r["centre"] == str(c)) for c in CENTRES}
    latencies = sorted(value for r in results for value in r["latencies"])
    return {
        "kind": kind,
        "per_second": sum(r["done"] for r in results) / SECONDS,
        "per_centre": {centre: count / SECONDS for centre, count in per_centre.items()},
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
    }


# --- One client (a process of its own, started by run_round) ------------------------------------


def worker(kind: str, centre: str, start_at: float) -> None:
    import random

    # This file is bench/audit.py: its folder goes off the path, or it would shadow the audit app.
    here = Path(__file__).resolve().parent
    sys.path[:] = [path for path in sys.path if Path(path or ".").resolve() != here]
    sys.path.insert(0, os.environ["PYTHONPATH"])
    import django

    django.setup()
    from django.db import connection, transaction

    from audit.actions import record

    audited = kind != "none"
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM bench_audit_work WHERE centre_id = %s", [centre])
        low, high = cursor.fetchone()
    time.sleep(max(0.0, start_at - time.time()))
    deadline, done, latencies = time.perf_counter() + SECONDS, 0, []
    while (started := time.perf_counter()) < deadline:
        write = done % 2 == 0  # an action, then an audited read, and so on
        with transaction.atomic(), connection.cursor() as cursor:
            if write:
                n = random.randrange(1_000_000)
                cursor.execute("INSERT INTO bench_audit_work (centre_id, n) VALUES (%s, %s) RETURNING id", [centre, n])
                (row_id,) = cursor.fetchone()
                if audited:
                    record(
                        "bench.changed", centre_id=centre, object_type="bench.work", object_id=row_id, changes={"n": n}
                    )
            else:
                row_id = random.randint(low, high)
                cursor.execute("SELECT id, n FROM bench_audit_work WHERE id = %s", [row_id])
                cursor.fetchone()
                if audited:
                    record("bench.viewed", centre_id=centre, object_type="bench.work", object_id=row_id)
        latencies.append(time.perf_counter() - started)
        done += 1
    print(json.dumps({"centre": centre, "done": done, "latencies": latencies}))


# --- The run ------------------------------------------------------------------------------------


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()


def verify(tree: Path, url: str) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=tree,
        env=environment(tree, url),
        capture_output=True,
        text=True,
    )
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    return f"exit {completed.returncode}: {lines[-1] if lines else ''}"


def main() -> None:
    database_url = os.environ["DATABASE_URL"]
    name = urlsplit(database_url).path.lstrip("/")
    urls = {"new": database_url, "old": with_database(database_url, f"{name}_old")}
    print(f"load before: {uptime()}", flush=True)
    old_tree = Path(tempfile.mkdtemp(prefix="sicnet-audit-old-"))
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(old_tree), OLD_COMMIT], cwd=ROOT, check=True, capture_output=True
    )
    try:
        trees = {"new": ROOT, "old": old_tree}
        for which in ("new", "old"):
            prepare(trees[which], urls[which])
        psql(database_url, "SHOW synchronous_commit")  # recorded below
        rounds = []
        for number in range(ROUNDS):
            for kind in KINDS if number % 2 == 0 else reversed(KINDS):
                result = run_round(kind, trees, urls)
                rounds.append(result)
                print(
                    f"round {number + 1} {kind:>6}: {result['per_second']:7.1f} tx/s "
                    f"(per centre {', '.join(f'{v:.1f}' for v in result['per_centre'].values())}), "
                    f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms",
                    flush=True,
                )
        print(f"\nverify after:  {verify(ROOT, urls['new'])}")
        print(f"verify before: {verify(old_tree, urls['old'])}")
        summary(rounds, psql(database_url, "SHOW synchronous_commit"))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT, check=False)
        print(f"load after: {uptime()}")


def summary(rounds: list[dict], synchronous_commit: str) -> None:
    median = {kind: statistics.median(r["per_second"] for r in rounds if r["kind"] == kind) for kind in KINDS}
    print(
        f"\n{len(CENTRES)} centres x {CLIENTS_PER_CENTRE} clients, {SECONDS:.0f} s rounds, {ROUNDS} rounds of each; "
        f"synchronous_commit={synchronous_commit}; {os.cpu_count()} CPUs"
    )
    print("| audit | tx/s (median) | share of no audit |")
    print("|---|---|---|")
    for kind in KINDS:
        print(f"| {kind} | {median[kind]:.1f} | {median[kind] / median['none']:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        main()
