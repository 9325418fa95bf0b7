"""Attaching's batch insert: our rows without instances (hotline.actions.rows) against bulk_create.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sicnet_bench_attach_rows .venv/bin/python bench/attach_rows.py

Issue 13 asks to replace hand-built SQL with Django's own ``bulk_create`` (which sends UNNEST
arrays on PostgreSQL in Django 5.2) wherever that loses nothing. This measures the one write of
attaching that bulk_create could do as it is: a batch's timeline entries and report–item links
(500 of each, the batch size), written in one transaction that is then rolled back, so the
tables stay the same size. ROUNDS alternating rounds of BATCHES batches each; the CPU of this
process (Python, psycopg) per batch, and the wall time (PostgreSQL's work included).
The database is dropped and created again: point DATABASE_URL at a database of its own.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))
from common import recreate_database  # noqa: E402 - bench/common.py

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BATCHES = int(os.environ.get("BENCH_BATCHES", "40"))
SIZE = 500


def setup_django() -> None:
    recreate_database(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sicnet.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fixtures():
    from django.utils import timezone

    from hotline.models import Item, Report
    from network.models import Centre, Country

    country = Country.objects.create(code="AL", name="Albania", default_language="sq")
    centre = Centre.objects.create(code="al-bench", name="Bench centre", country=country)
    now = timezone.now()
    items = Item.objects.bulk_create(
        Item(
            centre=centre,
            url=f"https://bench.example/{n}",
            url_hash=f"{n:064x}",
            harm_type="csam",
            received_at=now,
            last_reported_at=now,
        )
        for n in range(SIZE)
    )
    reports = Report.objects.bulk_create(
        Report(
            centre=centre,
            reference=f"AL-2026-{n:06d}",
            country="AL",
            source="public",
            harm_type="csam",
            received_at=now,
        )
        for n in range(SIZE)
    )
    return [(r.pk, i.pk, r.reference) for r, i in zip(reports, items, strict=True)], now


def ours(pairs, now) -> None:
    from django.db import DEFAULT_DB_ALIAS, connections

    from hotline.actions.rows import Rows, insert_rows
    from hotline.models import ItemEvent, Report

    db = connections[DEFAULT_DB_ALIAS]
    events, links = Rows(ItemEvent, db), Rows(Report.items.through, db)
    for report_id, item_id, reference in pairs:
        events.add(item_id=item_id, kind=ItemEvent.Kind.RECEIVED, at=now, details={"report": reference})
        links.add(report_id=report_id, item_id=item_id)
    insert_rows(events, then=links)


def django_bulk_create(pairs, now) -> None:
    from hotline.models import ItemEvent, Report

    through = Report.items.through
    ItemEvent.objects.bulk_create(
        ItemEvent(item_id=item_id, kind=ItemEvent.Kind.RECEIVED, at=now, details={"report": reference})
        for _report_id, item_id, reference in pairs
    )
    through.objects.bulk_create(through(report_id=report_id, item_id=item_id) for report_id, item_id, _ in pairs)


def measure(write, pairs, now) -> tuple[float, float]:
    from django.db import transaction

    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(BATCHES):
        try:
            with transaction.atomic():
                write(pairs, now)
                raise _RollBack
        except _RollBack:
            pass
    return (time.process_time() - cpu) * 1000 / BATCHES, (time.perf_counter() - wall) * 1000 / BATCHES


class _RollBack(Exception):
    pass


def main() -> int:
    setup_django()
    pairs, now = fixtures()
    uuid.uuid4()  # warm the generator
    measure(ours, pairs, now), measure(django_bulk_create, pairs, now)  # warm-up
    print(f"{BATCHES} batches of {SIZE} timeline entries and {SIZE} links per round; ms per batch (CPU / wall)")
    for number in range(1, ROUNDS + 1):
        a, b = measure(ours, pairs, now), measure(django_bulk_create, pairs, now)
        print(f"round {number}: ours {a[0]:.2f} / {a[1]:.2f}   bulk_create {b[0]:.2f} / {b[1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
