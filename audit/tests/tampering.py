"""Raw-SQL tampering for the tests: what an attacker with database access could do."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from audit.actions import record
from audit.models import AuditEntry

TABLE = AuditEntry._meta.db_table


@contextmanager
def tampering():
    """A cursor that may change the log: on PostgreSQL the append-only triggers are switched off."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if postgres:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def build_chain(count: int = 5, **kwargs) -> list[AuditEntry]:
    return [record(f"test.event{i}", changes={"n": i}, **kwargs) for i in range(count)]
