"""What every app's tests share without importing an app: the canonical users and their password,
running the task worker once, a fixed clock, a column as stored.

The base test case that builds the network for them is ``network.testing.SicnetTestCase``.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from unittest import mock

from django.core.management import call_command
from django.db import connection

from core.permissions import Role

TEST_PASSWORD = "correct horse battery staple 42"

CANONICAL_USERS = {
    # name: (centre key, role)
    "al_analyst": ("al", Role.HOTLINE_ANALYST),
    "al_counsellor": ("al", Role.HELPLINE_COUNSELLOR),
    "al_supervisor": ("al", Role.SUPERVISOR),
    "al_manager": ("al", Role.CENTRE_MANAGER),
    "al_auditor": ("al", Role.AUDITOR),
    "mk_analyst": ("mk", Role.HOTLINE_ANALYST),
    "mk_counsellor": ("mk", Role.HELPLINE_COUNSELLOR),
    "mk_manager": ("mk", Role.CENTRE_MANAGER),
    "mk_auditor": ("mk", Role.AUDITOR),
    "coordinator": ("coord", Role.NETWORK_COORDINATOR),
    "state_viewer": ("al_state", Role.STATE_VIEWER),
    "outsider": (None, None),
}


def run_worker() -> None:
    """Run the queued tasks once. The worker would close the test's connection: keep it."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


@contextlib.contextmanager
def clock(moment: datetime):
    """Every ``timezone.now()`` answers ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def raw_column(table: str, column: str, pk) -> str:
    """A column as stored, bypassing the field's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])  # noqa: S608
        return cursor.fetchone()[0]
