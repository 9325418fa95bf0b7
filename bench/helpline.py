"""Benchmark of the helpline pages with 200,000 contacts and 40,000 cases (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres sicnet_helpline_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sicnet_helpline_bench DEBUG=1 .venv/bin/python bench/helpline.py

Seeds the data once (about a minute), then requests the case list, a case page and the
supervisor dashboard as Albania's supervisor through Django's test client (the whole view:
middleware, queries, template) and prints p50/p95 and the query count of each. The goal is a
p95 of 200 ms or less; results go to docs/performance.md ("## Helpline").
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sicnet.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

CONTACTS = 200_000
CASES = 40_000
RUNS = 60
WARMUP = 5
BATCH = 5_000


def seed() -> None:
    from django.contrib.auth import get_user_model

    from core.permissions import Role
    from core.testing import build_test_network
    from helpline.models import Case, CaseNote, Category, Contact, FollowUpTask, UrgentAlert
    from network.models import Centre, Membership

    if not Centre.objects.filter(code="al-sic").exists():
        build_test_network()
    centre = Centre.objects.get(code="al-sic")
    if Contact.objects.unscoped("benchmark").filter(centre=centre).count() >= CONTACTS:
        return
    print("seeding…", flush=True)
    rng = random.Random(4)
    User = get_user_model()
    counsellors = list(User.objects.filter(email__in=["al_counsellor@test.example", "al_supervisor@test.example"]))
    for n in range(20):
        user, _ = User.objects.get_or_create(email=f"bench.counsellor{n}@test.example", defaults={"full_name": f"C{n}"})
        Membership.objects.get_or_create(user=user, centre=centre, role=Role.HELPLINE_COUNSELLOR)
        counsellors.append(user)
    categories = list(Category.objects.values_list("pk", flat=True))
    now = timezone.now()
    kinds = ["counselling"] * 6 + ["information", "silent", "hang_up", "abusive", "test"]
    channels = ["phone", "chat", "email", "online_form", "sms", "messaging_app"]
    with transaction.atomic():
        cases = [
            Case(
                centre=centre,
                number=n + 1,
                owner=rng.choice(counsellors),
                status=rng.choice(["open", "in_progress", "closed", "closed", "closed", "reopened"]),
                risk_level=rng.choice(["low", "medium", "high"]),
            )
            for n in range(CASES)
        ]
        Case.objects.bulk_create(cases, batch_size=BATCH)
        through = Contact.categories.through
        for start in range(0, CONTACTS, BATCH):
            batch = []
            for n in range(start, min(start + BATCH, CONTACTS)):
                started = now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))
                batch.append(
                    Contact(
                        centre=centre,
                        counsellor=rng.choice(counsellors),
                        kind=rng.choice(kinds),
                        channel=rng.choice(channels),
                        started_at=started,
                        ended_at=started + timedelta(minutes=rng.randint(1, 40)),
                        age=rng.randint(6, 17),
                        gender=rng.choice(["girl", "boy", "unknown"]),
                        urgency="routine",
                        summary="Benchmark narrative, encrypted like any other.",
                        identifier_hash=f"{rng.getrandbits(256):064x}",
                        case=cases[n % CASES] if n < CASES * 2 else None,
                    )
                )
            Contact.objects.bulk_create(batch)
            through.objects.bulk_create(
                [through(contact_id=c.pk, category_id=rng.choice(categories)) for c in batch], ignore_conflicts=True
            )
        CaseNote.objects.bulk_create(
            [CaseNote(case=c, author=c.owner, text="A note.") for c in cases], batch_size=BATCH
        )
        FollowUpTask.objects.bulk_create(
            [
                FollowUpTask(
                    case=c, title="Call back", assignee=c.owner, due_at=now + timedelta(days=rng.randint(-30, 30))
                )
                for c in cases
            ],
            batch_size=BATCH,
        )
        UrgentAlert.objects.bulk_create([UrgentAlert(centre=centre, case=cases[n]) for n in range(5)])
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE helpline_case SET created_at = now() - (random() * interval '730 days'), "
                "closed_at = CASE WHEN status = 'closed' THEN now() - (random() * interval '365 days') END"
            )
            # bulk_create bypasses the task actions that keep next_due_at: set it as they would.
            cursor.execute(
                "UPDATE helpline_case c SET next_due_at = (SELECT min(due_at) FROM helpline_followuptask t "
                "WHERE t.case_id = c.id AND t.done_at IS NULL)"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, label: str, path: str) -> tuple[str, float, float, int]:
    for _ in range(WARMUP):
        assert client.get(path).status_code == 200, path
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    p95 = statistics.quantiles(timings, n=20)[-1]
    return label, statistics.median(timings), p95, len(queries)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL (see the docstring).")
    call_command("migrate", verbosity=0)
    seed()
    from django.contrib.auth import get_user_model

    from helpline.models import Case

    supervisor = get_user_model().objects.get(email="al_supervisor@test.example")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor, backend="accounts.backends.EmailBackend")
    case = Case.objects.unscoped("benchmark").filter(contacts__isnull=False).order_by("-created_at").first()
    rows = [
        measure(client, "case list", "/helpline/cases/"),
        measure(client, "case list, not closed", "/helpline/cases/?status=open"),
        measure(client, "case page", f"/helpline/cases/{case.pk}/"),
        measure(client, "supervisor dashboard", "/helpline/supervisor/"),
        measure(client, "contact list", "/helpline/"),
    ]
    print(f"{'page':<24}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    for label, p50, p95, count in rows:
        print(f"{label:<24}{p50:>9.1f}{p95:>9.1f}{count:>9}")


if __name__ == "__main__":
    main()
