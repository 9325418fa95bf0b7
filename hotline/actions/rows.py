"""Rows written in batches without model instances, and reference numbers. Hand-written SQL: the
intake benchmark (bench/intake.py, docs/performance.md) is why each piece is here."""

from __future__ import annotations

import re
import uuid
from contextlib import nullcontext
from functools import cache, cached_property

from django.db import (
    DatabaseError,
    ProgrammingError,
    connection,
    models,
    transaction,
)
from psycopg import errors as psycopg_errors

from core.db import fetch_prepared, insert_sql
from hotline import public_messages as msg
from hotline.actions.common import HotlineError
from hotline.models import ReferenceCounter


def db_value(field, obj, db):
    """The field's value as the database takes it (what bulk_create sends)."""
    value = field.pre_save(obj, True)  # stamps the auto_now fields
    if type(field) in _PLAIN_FIELDS:
        return value  # text and booleans go as they are: skip four calls on every submission
    return field.get_db_prep_save(value, db)


_PLAIN_FIELDS = (models.CharField, models.BooleanField)


def as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@cache
def insert_fields(model) -> list:
    """Every concrete column but an auto-increment key."""
    return [field for field in model._meta.concrete_fields if not getattr(field, "db_returning", False)]


class Rows:
    """Database-ready rows of new records of one model, for ``insert_rows``, without a model instance each.

    Building an instance per row was a third of attaching's CPU. Every column starts from the value
    a new instance has (one instance per batch: its timestamps are the batch's); ``add`` sets the
    columns it is given, and a new primary key unless one is given.
    """

    def __init__(self, model, db) -> None:
        self.model, self.db, self.rows = model, db, []
        self.fields = insert_fields(model)
        self.position = {field.attname: number for number, field in enumerate(self.fields)}
        key = model._meta.pk
        self.key = key if key in self.fields and key.has_default() else None

    @cached_property
    def template(self) -> list:
        """The values of a new instance, made once (only ``add`` needs them)."""
        blank = self.model()
        return [db_value(field, blank, self.db) for field in self.fields]

    def add(self, **values) -> None:
        row = self.template.copy()
        if self.key is not None and self.key.attname not in values:
            values[self.key.attname] = self.key.get_default()
        for name, value in values.items():
            number = self.position[name]
            field = self.fields[number]
            row[number] = value if type(field) in _PLAIN_FIELDS else field.get_db_prep_save(value, self.db)
        self.rows.append(row)

    def add_instance(self, obj) -> None:
        self.rows.append([db_value(field, obj, self.db) for field in self.fields])
        obj._state.adding, obj._state.db = False, self.db.alias

    def sql(self, start: int, stop: int) -> tuple[str, list]:
        return insert_sql(self.model._meta.db_table, self.fields, self.rows[start:stop])


def insert_rows(rows: Rows, *, suffix: str = "", then: Rows | None = None) -> list:
    """INSERT the rows, 500 a statement, as bulk_create would, without compiling a query each time.

    Why not Django's bulk_create (UNNEST on PostgreSQL in 5.2): bench/attach_rows.py, a batch's 500
    timeline entries and 500 links, 2026-12-08, load 0.8: these rows 15.0-17.4 ms CPU per batch
    (24-29 ms wall), bulk_create with instances 39.5-49.7 ms CPU (52-65 ms wall): 2.6-2.9 times the
    CPU. The items' upsert (reports_count = reports_count + EXCLUDED...) has no bulk_create form.

    ``then``: rows of another model, as many, inserted in the same statements on PostgreSQL. The
    text has one shape per model whatever the number of rows, so it is prepared on PostgreSQL.
    Answers the rows a RETURNING ``suffix`` asks for.
    """
    answered = []
    for start in range(0, len(rows.rows), 500):
        sql, params = rows.sql(start, start + 500)
        if then is not None and rows.db.vendor == "postgresql":
            # A data-modifying WITH runs to completion whether or not the main statement reads it.
            then_sql, then_params = then.sql(start, start + 500)
            sql, params = f"WITH earlier AS ({sql}) {then_sql}", params + then_params
        answered += fetch_prepared(sql + suffix, params)
    if then is not None and rows.db.vendor != "postgresql":
        insert_rows(then)
    return answered


def numbers_statement(prefix: str, count: int) -> tuple[str, list]:
    """SELECT of ``count`` new numbers of the prefix (column ``value``), in increasing order."""
    if connection.vendor == "postgresql":
        return "SELECT nextval(%s::regclass) AS value FROM generate_series(1, %s)", [_sequence_name(prefix), count]
    table = ReferenceCounter._meta.db_table
    # One statement under the counter's row lock: two reports never get the same number.
    sql = (
        f"INSERT INTO {table} (prefix, value) VALUES (%s, %s) "  # noqa: S608 - our own table name
        f"ON CONFLICT (prefix) DO UPDATE SET value = {table}.value + EXCLUDED.value RETURNING value"
    )
    return sql, [prefix, count]


def take_numbers(prefix: str, count: int) -> list[int] | range:
    """``count`` new reference numbers of the prefix, in increasing order."""
    sql, params = numbers_statement(prefix, count)
    if connection.vendor == "postgresql":
        return with_sequence(prefix, lambda: [row[0] for row in fetch_prepared(sql, params)])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def _sequence_name(prefix: str) -> str:
    name = "hotline_reference_" + prefix.lower().replace("-", "_")
    if not re.fullmatch(r"hotline_reference_[a-z]{2}_[0-9]{4}", name):
        raise HotlineError(msg.NOT_STORED)  # never from validated input; no odd name reaches SQL
    return name


def with_sequence(prefix: str, run):
    """``run()``; if the prefix's sequence does not exist yet (its first number), create it and run again."""
    try:
        with _own_statement():
            return run()
    except ProgrammingError as exc:
        if not isinstance(exc.__cause__, psycopg_errors.UndefinedTable):
            raise
    _create_sequence(prefix)
    with _own_statement():
        return run()


def _own_statement():
    # In autocommit a statement is its own transaction (no BEGIN or COMMIT to send); inside a
    # caller's transaction a savepoint keeps a refused statement from spoiling it.
    return nullcontext() if connection.get_autocommit() else transaction.atomic()


def _create_sequence(prefix: str) -> None:
    given = ReferenceCounter.objects.filter(prefix=prefix).values_list("value", flat=True).first() or 0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # DDL takes no parameters: the name is checked by _sequence_name, the start is an int.
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {_sequence_name(prefix)} START WITH {int(given) + 1}")
    except DatabaseError:
        pass  # another process created it at the same moment
