"""Running the few statements that every public submission runs, as cheaply as the database allows."""

from __future__ import annotations

import time
from functools import cache

import psycopg
from django.db import connection


def fetch_prepared(sql: str, params: list) -> list[tuple]:
    """Run one statement and answer its rows; on PostgreSQL as a prepared statement.

    Django's PostgreSQL cursors bind parameters on the client, so the server parses and plans every
    execution again; a statement run on every submission is prepared once per connection instead
    (psycopg's server-side binding; the settings turn preparing on for these statements only).
    Keep this for statements run very often. Logged like Django's own when queries are (DEBUG,
    assertNumQueries). Errors are Django's (IntegrityError...).
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    connection.ensure_connection()
    started = time.monotonic()
    # A plain psycopg Cursor binds on the server: the connection's own factory (ClientCursor) does not.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        rows = cursor.fetchall() if cursor.description else []
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


def insert_sql(table: str, fields: list, rows: list[list]) -> tuple[str, list]:
    """An INSERT of ``rows`` (one list of database-ready values per row, in the order of ``fields``).

    Several rows on PostgreSQL: one array per column (``INSERT ... SELECT ... FROM unnest(...)``), a
    text that is the same for ten rows or a thousand, so it can be prepared once, and neither side
    parses thousands of placeholders. A column with the same value in every row (a default, the
    batch's timestamp) is sent once instead: psycopg spells out arrays in Python, value by value.
    One row, or another database: a VALUES list (arrays cost more to send than the values of one
    row). Append ON CONFLICT or RETURNING as needed.
    """
    if connection.vendor == "postgresql" and len(rows) > 1:
        columns = [list(column) for column in zip(*rows, strict=True)]
        same = [all(value == column[0] for value in column) for column in columns]
        same[0] = False  # at least one array, or unnest gives no rows
        shared = [column[0] for column, once in zip(columns, same, strict=True) if once]
        arrays = [column for column, once in zip(columns, same, strict=True) if not once]
        return _unnest_insert(table, tuple(fields), tuple(same)), shared + arrays
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return f"{_insert_head(table, tuple(fields))}VALUES {', '.join([row] * len(rows))}", [
        value for values in rows for value in values
    ]


@cache
def _insert_head(table: str, fields: tuple) -> str:
    quote = connection.ops.quote_name
    return f"INSERT INTO {quote(table)} ({', '.join(quote(field.column) for field in fields)}) "


@cache
def _unnest_insert(table: str, fields: tuple, same: tuple) -> str:
    """The text for ``insert_sql``: the values of a column in ``same`` come first, once each, then
    the arrays of the others (placeholders in the order they appear)."""
    selected, arrays, names = [], [], []
    for number, (field, once) in enumerate(zip(fields, same, strict=True)):
        kind = field.db_type(connection)
        if once:
            selected.append(f"%s::{kind}")
        else:
            selected.append(f"u.c{number}")
            arrays.append(f"%s::{kind}[]")
            names.append(f"c{number}")
    return (
        f"{_insert_head(table, fields)}SELECT {', '.join(selected)} "  # noqa: S608 - our own names
        f"FROM unnest({', '.join(arrays)}) AS u({', '.join(names)})"
    )
