"""Shared helpers of the helpline tests."""

from __future__ import annotations

from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from audit.models import AuditEntry
from core.permissions import Role
from network.models import Membership


def run_worker() -> None:
    """Run the queued tasks once. The worker would close the test's connection: keep it."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def raw_column(table: str, column: str, pk) -> str:
    """A column as stored, bypassing the field's decryption."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])  # noqa: S608
        return cursor.fetchone()[0]


def audit_text() -> str:
    """Every audit entry's changes, as one string: to prove no plaintext went there."""
    return " ".join(str(entry.changes) for entry in AuditEntry.objects.all())


def second_al_counsellor():
    user = get_user_model().objects.create_user(email="al_counsellor2@test.example", password="x" * 20)
    centre = Membership.objects.filter(user__email="al_counsellor@test.example").get().centre
    Membership.objects.create(user=user, centre=centre, role=Role.HELPLINE_COUNSELLOR)
    return user
