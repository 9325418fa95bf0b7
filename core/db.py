"""Running the few statements that every public submission runs, as cheaply as the database allows."""

from __future__ import annotations

import psycopg
from django.db import connection


def fetch_prepared(sql: str, params: list) -> list[tuple]:
    """Run one statement and answer its rows; on PostgreSQL as a prepared statement.

    Django's PostgreSQL cursors bind parameters on the client, so the server parses and plans every
    execution again; a statement run on every submission is prepared once per connection instead
    (psycopg's server-side binding). Such statements bypass Django's query log (and assertNumQueries
    on PostgreSQL): keep this for the intake's hot path. Errors are Django's (IntegrityError...).
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    connection.ensure_connection()
    # A plain psycopg Cursor binds on the server: the connection's own factory (ClientCursor) does not.
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall() if cursor.description else []
