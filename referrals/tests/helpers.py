"""Shared helpers of the referrals tests."""

from __future__ import annotations

import contextlib
from datetime import datetime
from unittest import mock

from django.core.management import call_command
from django.db import connection


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
