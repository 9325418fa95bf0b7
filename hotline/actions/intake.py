"""Accepting a report: one statement on PostgreSQL for a public submission; staff channels attach at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache

from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    connection,
    connections,
)
from django.utils import timezone

from core.canonical_urls import canonicalize
from core.db import fetch_prepared
from hotline import public_messages as msg
from hotline import throttle
from hotline.actions.attaching import attach_reports
from hotline.actions.common import HotlineError, NotCovered, idempotency_hash
from hotline.actions.rows import (
    Rows,
    db_value,
    insert_fields,
    insert_rows,
    numbers_statement,
    take_numbers,
    with_sequence,
)
from hotline.models import PendingReport, Report
from hotline.report_rules import MAX_URLS
from network.models import Service
from network.queries import centre_id_from_db, covering_centre_id, covering_centre_statement


def create_report(
    *,
    country: str,
    harm_type: str,
    urls: Iterable[str],
    source: str,
    by=None,
    centre=None,
    centre_id=None,
    **details,
) -> tuple[Report, bool]:
    """Store a report and attach each URL to the open item of its centre (or a new one), now.

    For staff channels, which act in the user's transaction: a helpline counsellor escalating a
    contact (``source="helpline_escalation"``, ``by=`` the counsellor, ``origin_reference=`` the
    contact's id), a partner hotline's referral, the demo. Public submissions are only accepted
    (``accept_report``) and attached soon after, in batches. Returns (report, created): with an
    ``idempotency_key`` already used, the first report and False. ``centre`` (or ``centre_id``) is
    the receiving centre when the caller knows it; otherwise the centre covering the country's
    hotline. ``details``: the other fields of ``accept_report``.
    """
    canonical = list(dict.fromkeys(canonicalize(url) for url in urls))  # raises InvalidURL
    centre_id = centre.pk if centre is not None else centre_id
    report, created = accept_report(
        country=country, harm_type=harm_type, urls=canonical, source=source, centre_id=centre_id, **details
    )
    if created:
        attach_reports(PendingReport.objects.unscoped("public intake").filter(pk=report.pk), by=by)
    return report, created


def accept_report(
    *,
    country: str,
    harm_type: str,
    urls: list[str],
    source: str,
    centre_id=None,
    where_seen: str = "",
    description: str = "",
    reporter_is_child: bool | None = None,
    age_band: str = "",
    contact_email: str = "",
    consent_to_contact: bool = False,
    language: str = "",
    idempotency_key: str = "",
    origin_reference: str = "",
    received_at: datetime | None = None,
    client: str | None = None,
) -> tuple[Report, bool]:
    """Store a report, waiting to be attached to its items (``attach_pending``): one statement on PostgreSQL.

    ``urls`` are canonical already (``canonicalize``); ``centre_id`` is the receiving centre, by
    default the centre covering the country's hotline (NotCovered if there is none). With
    ``client`` (a keyed hash of the address, hotline.throttle) the submission is counted for that
    client first and refused with throttle.Throttled over the limit, before anything is stored.
    Returns (report, created): with an ``idempotency_key`` already used, the first report and False.
    """
    if not 1 <= len(urls) <= MAX_URLS:
        raise HotlineError(msg.URL_COUNT)
    key_hash = idempotency_hash(idempotency_key) if idempotency_key else None
    now = received_at or timezone.now()
    report = Report(
        country=country.upper(),
        harm_type=harm_type,
        source=source,
        where_seen=where_seen,
        description=description,
        reporter_is_child=reporter_is_child,
        age_band=age_band if reporter_is_child else "",
        contact_email=contact_email if consent_to_contact else "",
        consent_to_contact=bool(consent_to_contact and contact_email),
        language=language,
        origin_reference=origin_reference,
        idempotency_key=key_hash,
        received_at=now,
    )
    prefix = f"{report.country}-{now.year}"
    store = _store_in_one_statement if connection.vendor == "postgresql" else _store_step_by_step
    for _attempt in range(3):
        try:
            reference, count, centre = with_sequence(prefix, lambda: store(report, urls, prefix, client, centre_id))
        except IntegrityError:
            # The number was taken already (given out by hand, or a counter restored from an old
            # backup): try the next. A sequence has moved on by itself; the counter table moved
            # back with the savepoint, so it is stepped on here.
            if connection.vendor != "postgresql" and not connection.get_autocommit():
                take_numbers(prefix, 1)
            continue
        if client and count > throttle.limit():
            raise throttle.Throttled
        if centre is None:
            raise NotCovered(msg.NO_HOTLINE)
        if reference is not None:
            report.reference, report.centre_id = reference, centre
            report._state.adding, report._state.db = False, connection.alias
            return report, True
        # The unique index of idempotency keys answered "sent before": asking first would cost
        # every submission a query.
        existing = (
            Report.objects.unscoped("public intake").filter(idempotency_key=key_hash).first() if key_hash else None
        )
        if existing is not None:
            return existing, False
    raise HotlineError(msg.NOT_STORED)


def _store_in_one_statement(report: Report, urls: list[str], prefix: str, client, centre_id) -> tuple:
    """Take the number, count the client, find the centre, store the report and queue it: one statement.

    Answers (the reference, or None if nothing was stored; the client's count; the centre's id).
    Nothing is stored over the client's limit, without a centre, or for a repeated idempotency key.
    The number comes from a sequence (no lock); the client's counter row stays locked until the
    commit, so the submissions of one client commit one after the other.
    """
    number_sql, number_params = numbers_statement(prefix, 1)
    count_sql, count_params, window = (
        throttle.count_statement(client, asynchronous=False) if client else ("SELECT 0 AS count", [], None)
    )
    covering_sql, covering_params = covering_centre_statement(report.country, Service.HOTLINE)
    db = connections[DEFAULT_DB_ALIAS]
    sql, fields = _one_statement(number_sql, count_sql, covering_sql)
    all_params = [
        *number_params,
        *count_params,
        centre_id,
        *covering_params,
        *(prefix if field is None else db_value(field, report, db) for field in fields),
        throttle.limit(),
        PendingReport._meta.get_field("urls").get_db_prep_save(urls, db),
    ]
    ((reference, count, centre),) = fetch_prepared(sql, all_params)
    if client:
        throttle.after_count(count, window)
    return reference, count, centre_id_from_db(centre)


@cache
def _one_statement(number_sql: str, count_sql: str, covering_sql: str) -> tuple[str, list]:
    """The text of ``_store_in_one_statement`` (built once), and the report's fields whose values it
    takes, in order (None: the reference's prefix)."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns, values, fields = [], [], []
    for field in insert_fields(Report):
        columns.append(quote(field.column))
        if field.attname == "reference":
            values.append("%s || '-' || lpad(number.value::text, greatest(6, length(number.value::text)), '0')")
            fields.append(None)  # the reference's prefix is passed here
        elif field.attname == "centre_id":
            values.append("centre.id")
        else:
            values.append("%s")
            fields.append(field)
    sql = (
        f"WITH number AS ({number_sql}), attempt AS ({count_sql}), "  # noqa: S608 - our own names
        f"centre AS (SELECT COALESCE(%s::uuid, ({covering_sql})) AS id), "
        f"accepted AS (INSERT INTO {Report._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM number, attempt, centre WHERE attempt.count <= %s AND centre.id IS NOT NULL"
        f"{_UNLESS_SENT_BEFORE}, reference, centre_id, received_at), "
        f"queued AS (INSERT INTO {PendingReport._meta.db_table} (report_id, centre_id, received_at, urls) "
        "SELECT id, centre_id, received_at, %s FROM accepted) "
        "SELECT (SELECT reference FROM accepted), attempt.count, centre.id FROM attempt, centre"
    )
    return sql, fields


def _store_step_by_step(report: Report, urls: list[str], prefix: str, client, centre_id) -> tuple:
    """What ``_store_in_one_statement`` does, as separate statements (SQLite has no INSERT in WITH)."""
    (number,) = take_numbers(prefix, 1)
    count = throttle.counted(client) if client else 0
    centre = centre_id or covering_centre_id(report.country, Service.HOTLINE)
    if count > throttle.limit() or centre is None:
        return None, count, centre
    report.reference, report.centre_id = f"{prefix}-{number:06d}", centre
    db = connections[DEFAULT_DB_ALIAS]
    reports, queued = Rows(Report, db), Rows(PendingReport, db)
    reports.add_instance(report)
    if not insert_rows(reports, suffix=_UNLESS_SENT_BEFORE):
        return None, count, centre
    queued.add(report_id=report.pk, centre_id=centre, received_at=report.received_at, urls=urls)
    insert_rows(queued)
    return report.reference, count, centre


_UNLESS_SENT_BEFORE = ' ON CONFLICT ("idempotency_key") DO NOTHING RETURNING "id"'
