"""Intake in one process: CPU per public submission, ours against the one-row baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sicnet_bench_intake_cpu .venv/bin/python bench/intake_cpu.py

The HTTP benchmark (bench/intake.py) swings with the machine's load; this one counts the CPU the
web process spends per submission (Django's test client, middleware and django-ninja included),
which moves much less. Background work that a submission causes (attaching accepted reports to
items, in batches) is measured too and added to ours. PostgreSQL's own CPU is not in these figures.
BENCH_SUBMISSIONS (default 400) per round; rounds alternate baseline and ours three times.
The database is dropped and created again: point DATABASE_URL at a database of its own.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))
from common import recreate_database  # noqa: E402 - bench/common.py

SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "400"))


def setup_django() -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.intake_settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        IDENTIFIER_HASH_KEY=secrets.token_urlsafe(40),
        AUDIT_ANCHOR_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        SICNET_BENCH_BASELINE="1",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def prepare() -> None:
    from django.core.management import call_command
    from django.db import connection

    from network.models import Centre, Country, Coverage

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_intake_baseline (id bigserial PRIMARY KEY, body text NOT NULL)")
    albania = Country.objects.create(code="AL", name="Albania")
    centre = Centre.objects.create(code="al-sic", name="Albania SIC", country=albania)
    Coverage.objects.create(country=albania, service="hotline", centre=centre)


def body() -> bytes:
    sys.path.insert(0, str(ROOT / "bench"))
    from intake import report_body

    return report_body()


def run(client, path: str, with_key: bool) -> tuple[float, float]:
    """CPU and wall seconds for SUBMISSIONS submissions (bodies made beforehand)."""
    bodies = [body() for _ in range(SUBMISSIONS)]
    keys = [uuid.uuid4().hex for _ in range(SUBMISSIONS)]
    cpu, wall = time.process_time(), time.perf_counter()
    for data, key in zip(bodies, keys, strict=True):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if with_key else {}
        response = client.post(path, data, content_type="application/json", **headers)
        if response.status_code != 201:
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:300]!r}")
    return time.process_time() - cpu, time.perf_counter() - wall


def attach_all() -> tuple[float, float, int]:
    from hotline.actions import attach_pending

    cpu, wall, attached = time.process_time(), time.perf_counter(), 0
    while done := attach_pending():
        attached += done
    return time.process_time() - cpu, time.perf_counter() - wall, attached


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database of its own (it is dropped and created).")
        return 2
    recreate_database(database_url)
    setup_django()
    prepare()
    from django.test import Client

    client = Client()
    run(client, "/bench/baseline", False)  # warm up
    run(client, "/api/v1/reports", True)
    attach_all()
    print(f"{SUBMISSIONS} submissions per round; ms per submission (CPU / wall)")
    for round_number in range(1, 4):
        base_cpu, base_wall = run(client, "/bench/baseline", False)
        ours_cpu, ours_wall = run(client, "/api/v1/reports", True)
        attach_cpu, attach_wall, attached = attach_all()
        per = 1000 / SUBMISSIONS
        print(
            f"round {round_number}: baseline {base_cpu * per:.2f} / {base_wall * per:.2f}"
            f"   ours {ours_cpu * per:.2f} / {ours_wall * per:.2f}"
            f"   + attaching {attach_cpu * per:.2f} / {attach_wall * per:.2f} ({attached} reports)"
            f"   = {(ours_cpu + attach_cpu) * per:.2f} / {(ours_wall + attach_wall) * per:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
