"""Per-client limits on public submissions, without third parties.

The client address is kept only as a keyed hash, in a counter row deleted once its window is over.
A submission is counted before it is stored, in the statement that takes its reference number
(hotline.actions.accept_report): the counter row is locked for that statement only (not until the
report commits), a refused or failed attempt still counts, and over the limit nothing is stored.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from core.crypto import keyed_hash
from hotline.models import ClientCounter

DEFAULT_LIMIT = 10  # submissions per client and window
DEFAULT_WINDOW_SECONDS = 600


class Throttled(Exception):
    """The client has used up its window."""


def limit() -> int:
    return int(getattr(settings, "HOTLINE_REPORTS_PER_WINDOW", DEFAULT_LIMIT))


def window_seconds() -> int:
    return int(getattr(settings, "HOTLINE_REPORT_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))


def client_hash(request: HttpRequest) -> str:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wants it to be.
    return keyed_hash(request.META.get("REMOTE_ADDR", ""), purpose="hotline-client")


def count_statement(client: str, *, asynchronous: bool = True) -> tuple[str, list, object]:
    """The statement that adds one to the client's current window (answers the count), and the window."""
    seconds = window_seconds()
    now = timezone.now()
    window = now - timedelta(seconds=now.timestamp() % seconds)
    table = ClientCounter._meta.db_table
    window_db = ClientCounter._meta.get_field("window").get_db_prep_value(window, connection)
    row = "VALUES (%s, %s, 1)"
    if asynchronous and connection.vendor == "postgresql" and connection.get_autocommit():
        # A transaction of its own whose commit need not wait for the disk: a count lost in a
        # crash only gives a client one more attempt.
        row = "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous_commit"
    sql = (
        f'INSERT INTO {table} (client, "window", count) {row} '  # noqa: S608 - our own table name
        f'ON CONFLICT (client, "window") DO UPDATE SET count = {table}.count + 1 RETURNING count'
    )
    return sql, [client, window_db], window


def counted(client: str) -> int:
    """Add one to the client's current window and return its count (one statement)."""
    sql, params, window = count_statement(client)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (count,) = cursor.fetchone()
    after_count(count, window)
    return count


def after_count(count: int, window) -> None:
    if count == 1:
        # A new window started for this client: a good moment to forget finished ones.
        ClientCounter.objects.filter(window__lt=window - timedelta(seconds=window_seconds())).delete()


def over_limit_after_attempt(request: HttpRequest) -> bool:
    """Count an attempt that stores nothing (bad input); True once the client is over its limit."""
    return counted(client_hash(request)) > limit()
