"""Every state change of the hotline: one transaction, explicit update_fields, one audit entry each."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, datetime, time
from functools import cache, cached_property

from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    ProgrammingError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from psycopg import errors as psycopg_errors

from audit.actions import record, record_many
from core.access import centre_ids_with, has_perm
from core.crypto import keyed_hash
from core.db import fetch_prepared, insert_sql
from hashes import actions as hash_actions
from hashes import values as hash_values
from hashes.models import Algorithm, Classification, ListKind
from hotline import geoip, taxonomy, throttle
from hotline import public_messages as msg
from hotline.models import Item, ItemEvent, ItemHash, ItemStatus, PendingReport, ReferenceCounter, Report
from hotline.permissions import HotlinePerm
from hotline.report_rules import MAX_URLS
from hotline.urls_canonical import canonicalize
from network.models import Service
from network.queries import centre_id_from_db, covering_centre_id, covering_centre_statement


class HotlineError(Exception):
    """A refused action; ``message`` is translated and can be shown as it is."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class NotCovered(HotlineError):
    """No centre takes hotline reports for the chosen country."""


# --- Intake ---------------------------------------------------------------------------------------


def url_hash(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()


def status_token_for(report: Report) -> str:
    """The reporter's secret: derived from the report's random id, so a retried submission gets it again."""
    return keyed_hash(str(report.pk), purpose="hotline-status-token")[:32]


def idempotency_hash(key: str) -> str:
    return keyed_hash(key, purpose="hotline-idempotency")


ATTACH_BATCH = 500  # reports attached per transaction by attach_pending


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
        attach_reports(PendingReport.objects.filter(pk=report.pk), by=by)
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
            reference, count, centre = _with_sequence(prefix, lambda: store(report, urls, prefix, client, centre_id))
        except IntegrityError:
            # The number was taken already (given out by hand, or a counter restored from an old
            # backup): try the next. A sequence has moved on by itself; the counter table moved
            # back with the savepoint, so it is stepped on here.
            if connection.vendor != "postgresql" and not connection.get_autocommit():
                _take_numbers(prefix, 1)
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
        existing = Report.objects.filter(idempotency_key=key_hash).first() if key_hash else None
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
    number_sql, number_params = _numbers_statement(prefix, 1)
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
        *(prefix if field is None else _db_value(field, report, db) for field in fields),
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
    for field in _insert_fields(Report):
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


def _db_value(field, obj, db):
    """The field's value as the database takes it (what bulk_create sends)."""
    value = field.pre_save(obj, True)  # stamps the auto_now fields
    if type(field) in _PLAIN_FIELDS:
        return value  # text and booleans go as they are: skip four calls on every submission
    return field.get_db_prep_save(value, db)


_PLAIN_FIELDS = (models.CharField, models.BooleanField)


def _store_step_by_step(report: Report, urls: list[str], prefix: str, client, centre_id) -> tuple:
    """What ``_store_in_one_statement`` does, as separate statements (SQLite has no INSERT in WITH)."""
    (number,) = _take_numbers(prefix, 1)
    count = throttle.counted(client) if client else 0
    centre = centre_id or covering_centre_id(report.country, Service.HOTLINE)
    if count > throttle.limit() or centre is None:
        return None, count, centre
    report.reference, report.centre_id = f"{prefix}-{number:06d}", centre
    db = connections[DEFAULT_DB_ALIAS]
    reports, queued = _Rows(Report, db), _Rows(PendingReport, db)
    reports.add_instance(report)
    if not _insert(reports, suffix=_UNLESS_SENT_BEFORE):
        return None, count, centre
    queued.add(report_id=report.pk, centre_id=centre, received_at=report.received_at, urls=urls)
    _insert(queued)
    return report.reference, count, centre


_UNLESS_SENT_BEFORE = ' ON CONFLICT ("idempotency_key") DO NOTHING RETURNING "id"'


def attach_pending(*, centre_ids: Iterable | None = None, limit: int = ATTACH_BATCH) -> int:
    """Attach the oldest accepted reports (of these centres) to their items; answers how many.

    Run in a loop by ``manage.py attach_reports``, and by the pages that list a centre's items
    before they read them, so an analyst never waits for the loop. Reports another process is
    attaching are skipped, not waited for.
    """
    pending = PendingReport.objects.all()
    if centre_ids is not None:
        pending = pending.filter(centre_id__in=list(centre_ids))
    if not pending.exists():  # a plain read first: no transaction (nor SQLite write lock) when idle
        return 0
    return attach_reports(pending, limit=limit)


def attach_pending_for(user) -> int:
    """Before a page or the API lists items: attach what waits at the user's centres."""
    return attach_pending(centre_ids=centre_ids_with(user, HotlinePerm.VIEW))


def attach_reports(pending, *, by=None, limit: int = ATTACH_BATCH) -> int:
    """Attach these waiting reports (PendingReport queryset; the oldest ``limit``) in one transaction.

    A URL with an open item at the report's centre counts one more report on it, any other URL
    becomes a new item; each URL gets its timeline entry ("received" or "reported again", at the
    time the report was received) and each report its "report received" audit entry. The same
    number of statements for one report as for five hundred.
    """
    with transaction.atomic():
        # Only the queue's rows are locked: a report being attached elsewhere is skipped. The
        # reports are read after, by key: joined in the same query, PostgreSQL scanned every
        # report ever received to find a batch's.
        queued = list(
            pending.order_by("received_at")
            .select_for_update(skip_locked=True)
            .values_list("report_id", "centre_id", "received_at", "urls")[:limit]
        )
        if not queued:
            return 0
        reports = Report.objects.filter(pk__in=[row[0] for row in queued]).values_list(
            "pk", "reference", "source", "harm_type", "reporter_is_child"
        )
        about = {pk: fields for pk, *fields in reports}
        rows = [
            (report_id, centre_id, *about[report_id], received_at, urls)
            for report_id, centre_id, received_at, urls in queued
        ]
        item_ids, new_ids = _attach_or_create_items(rows)
        db = connections[DEFAULT_DB_ALIAS]
        events, links = _Rows(ItemEvent, db), _Rows(Report.items.through, db)
        entries, opened = [], set()
        for report_id, centre_id, reference, source, _harm, _child, received_at, urls in rows:
            new_items = 0
            for url in urls:
                item_id = item_ids[(centre_id, url_hash(url))]
                # The first report of a new item received it; any other report counts again.
                first = item_id in new_ids and item_id not in opened
                opened.add(item_id)
                new_items += first
                kind = ItemEvent.Kind.RECEIVED if first else ItemEvent.Kind.REPORTED_AGAIN
                events.add(item_id=item_id, kind=kind, at=received_at, details={"report": reference})
                links.add(report_id=report_id, item_id=item_id)
            details = {"source": source, "urls": len(urls), "new_items": new_items}
            entries.append(_received_entry(report_id, centre_id, details, by))
        _insert(events, then=links)
        PendingReport.objects.filter(pk__in=[row[0] for row in rows])._raw_delete(DEFAULT_DB_ALIAS)
        record_many(entries)
    return len(rows)


def _received_entry(report_id, centre_id, changes: dict, by) -> tuple[str, dict]:
    label = "" if by else "public"
    details = {"actor": by, "actor_label": label, "centre_id": centre_id, "object_type": "hotline.report"}
    return "hotline.report_received", {**details, "object_id": str(report_id), "changes": changes}


def _attach_or_create_items(rows: list) -> tuple[dict, set]:
    """The item of every (centre, URL) of the reports: {(centre_id, url hash): item id}, and the new ones."""
    proposed: dict[tuple, dict] = {}
    for _id, centre_id, _reference, _source, harm_type, child, received_at, urls in rows:
        for url in urls:
            key = (centre_id, url_hash(url))
            item = proposed.get(key)
            if item is None:
                proposed[key] = {
                    "id": uuid.uuid4(),
                    "centre_id": centre_id,
                    "url": url,
                    "url_hash": key[1],
                    "harm_type": harm_type,
                    "reported_by_child": bool(child),
                    "reports_count": 1,
                    "received_at": received_at,
                    "last_reported_at": received_at,
                }
            else:  # named again in this batch: one row, counted as many times
                item["reports_count"] += 1
                item["reported_by_child"] = item["reported_by_child"] or bool(child)
                item["last_reported_at"] = max(item["last_reported_at"], received_at)
    items = _Rows(Item, connections[DEFAULT_DB_ALIAS])
    # Rows in key order: two batches naming the same URLs lock their items in the same order.
    for key in sorted(proposed, key=lambda key: (str(key[0]), key[1])):
        items.add(**proposed[key])
    item_ids = {
        (_uuid(centre_id), digest): _uuid(item_id)
        for item_id, centre_id, digest in _insert(items, suffix=_ATTACH_OR_CREATE)
    }
    return item_ids, {item["id"] for item in proposed.values()}


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


_ATTACH_OR_CREATE = (
    # The conflict target names the partial unique index hotline_one_open_item_per_url: the
    # duplicate check is a lookup in it. Concurrent reports of one new URL wait, never fail.
    f' ON CONFLICT ("centre_id", "url_hash") WHERE NOT ("status" = \'{ItemStatus.CLOSED.value}\') DO UPDATE SET'
    f' "reports_count" = {Item._meta.db_table}."reports_count" + EXCLUDED."reports_count",'
    ' "last_reported_at" = EXCLUDED."last_reported_at",'
    ' "updated_at" = EXCLUDED."last_reported_at",'
    f' "reported_by_child" = ({Item._meta.db_table}."reported_by_child" OR EXCLUDED."reported_by_child")'
    ' RETURNING "id", "centre_id", "url_hash"'
)


@cache
def _insert_fields(model) -> list:
    """Every concrete column but an auto-increment key."""
    return [field for field in model._meta.concrete_fields if not getattr(field, "db_returning", False)]


class _Rows:
    """Database-ready rows of new records of one model, for ``_insert``, without a model instance each.

    Building an instance per row was a third of attaching's CPU. Every column starts from the value
    a new instance has (one instance per batch: its timestamps are the batch's); ``add`` sets the
    columns it is given, and a new primary key unless one is given.
    """

    def __init__(self, model, db) -> None:
        self.model, self.db, self.rows = model, db, []
        self.fields = _insert_fields(model)
        self.position = {field.attname: number for number, field in enumerate(self.fields)}
        key = model._meta.pk
        self.key = key if key in self.fields and key.has_default() else None

    @cached_property
    def template(self) -> list:
        """The values of a new instance, made once (only ``add`` needs them)."""
        blank = self.model()
        return [_db_value(field, blank, self.db) for field in self.fields]

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
        self.rows.append([_db_value(field, obj, self.db) for field in self.fields])
        obj._state.adding, obj._state.db = False, self.db.alias

    def sql(self, start: int, stop: int) -> tuple[str, list]:
        return insert_sql(self.model._meta.db_table, self.fields, self.rows[start:stop])


def _insert(rows: _Rows, *, suffix: str = "", then: _Rows | None = None) -> list:
    """INSERT the rows, 500 a statement, as bulk_create would, without compiling a query each time.

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
        _insert(then)
    return answered


# Reference numbers. On PostgreSQL each prefix (country and year) has a sequence: nextval() holds no
# lock until the report commits, so reports of one country never wait for each other's disk write.
# It is created on first use, starting after the counter table's value (the numbers given before
# sequences were used). SQLite keeps the counter table, one row per prefix.


def _numbers_statement(prefix: str, count: int) -> tuple[str, list]:
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


def _take_numbers(prefix: str, count: int) -> list[int] | range:
    """``count`` new reference numbers of the prefix, in increasing order."""
    sql, params = _numbers_statement(prefix, count)
    if connection.vendor == "postgresql":
        return _with_sequence(prefix, lambda: [row[0] for row in fetch_prepared(sql, params)])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (last,) = cursor.fetchone()
    return range(last - count + 1, last + 1)


def _sequence_name(prefix: str) -> str:
    name = "hotline_reference_" + prefix.lower().replace("-", "_")
    if not re.fullmatch(r"hotline_reference_[a-z]{2}_[0-9]{4}", name):
        raise HotlineError(msg.NOT_STORED)  # never from validated input; no odd name reaches SQL
    return name


def _with_sequence(prefix: str, run):
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


# --- Importing earlier records (manage.py import_reports) -----------------------------------------


@transaction.atomic
def import_reports(path: str, centre, summary, progress, *, by=None):
    """Store a validated file (``hotline.importer.validate``) in one transaction: all or nothing.

    Rows arrive in batches; an item already open at the centre (or earlier in the file) counts the
    row as one more report. One audit entry for the whole import.
    """
    from hotline import importer

    next_number = {prefix: iter(_take_numbers(prefix, count)) for prefix, count in sorted(summary.per_prefix.items())}
    # url hash → id of the open item, for duplicates inside the file. Ids only: a million model
    # instances kept for the whole import would cost gigabytes.
    open_items: dict[str, object] = {}
    for batch in importer.cleaned_batches(path, centre, progress):
        _import_batch(centre, batch, open_items, next_number, summary)
    record(
        "hotline.reports_imported",
        actor=by,
        actor_label="" if by else "import",
        centre_id=centre.pk,
        object_type="hotline.report",
        changes={"reports": summary.reports, "new_items": summary.new_items},
    )
    return summary


def _import_batch(centre, batch: list[dict], open_items: dict, next_number: dict, summary) -> None:
    hashes = {url_hash(data["url"]) for data in batch}
    existing = Item.objects.filter(centre=centre, url_hash__in=hashes - open_items.keys()).exclude(
        status=ItemStatus.CLOSED
    )
    open_items.update(existing.values_list("url_hash", "pk"))
    reports, new_items, links, counted = [], {}, [], Counter()
    for data in batch:
        digest = url_hash(data["url"])
        item_id = open_items.get(digest)
        if item_id is None:
            item = _imported_item(centre, data, digest)
            new_items[item.pk] = item
            item_id = item.pk
            if item.status != ItemStatus.CLOSED:
                open_items[digest] = item_id
        elif item_id in new_items:
            new_items[item_id].reports_count += 1  # counted before the item is written
        else:
            counted[item_id] += 1
        prefix = f"{data['country']}-{data['received_at'].year}"
        number = next(next_number[prefix])
        report = Report(
            centre=centre,
            reference=f"{prefix}-{number:06d}",
            country=data["country"],
            source=taxonomy.Source.IMPORT,
            harm_type=data["harm_type"],
            received_at=data["received_at"],
            origin_reference=data["reference"],
        )
        reports.append(report)
        links.append(Report.items.through(report_id=report.pk, item_id=item_id))
    Item.objects.bulk_create(new_items.values())
    ItemEvent.objects.bulk_create(
        ItemEvent(item=item, kind=ItemEvent.Kind.RECEIVED, at=item.received_at, details={"imported": True})
        for item in new_items.values()
    )
    Report.objects.bulk_create(reports)
    Report.items.through.objects.bulk_create(links)
    # Items of earlier batches (or already open) counted again: one statement per distinct count.
    by_extra: dict[int, list] = {}
    for item_id, extra in counted.items():
        by_extra.setdefault(extra, []).append(item_id)
    for extra, ids in by_extra.items():
        Item.objects.filter(pk__in=ids).update(reports_count=F("reports_count") + extra)
    summary.reports += len(reports)
    summary.new_items += len(new_items)


def _imported_item(centre, data: dict, digest: str) -> Item:
    from hotline import importer

    steps = ("assessment", "content_type", "site_type", "victim_age", "victim_gender", "outcome", "flags")
    return Item(
        centre=centre,
        url=data["url"],
        url_hash=digest,
        harm_type=data["harm_type"],
        status=importer.status_of(data),
        received_at=data["received_at"],
        last_reported_at=data["received_at"],
        traced_at=data["assessed_at"] if data["ip_address"] or data["hosting_country"] else None,
        **{name: data[name] for name in importer.TIMESTAMPS},
        **{name: data[name] for name in steps},
        ip_address=data["ip_address"],
        hosting_provider=data["hosting_provider"],
        hosting_country=data["hosting_country"],
        registrar=data["registrar"],
    )


# --- The analyst's work ---------------------------------------------------------------------------


def _open_or_refuse(item: Item) -> None:
    if not item.is_open:
        raise HotlineError(_("This item is closed."))


def _moment(on: date | None) -> datetime:
    """When a step happened: now, or midday of the date the analyst gives for an earlier step."""
    now = timezone.now()
    if on is None or on >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(on, time(12)))


def _step(item: Item, kind: str, by, changes: dict, fields: list[str], at: datetime | None = None) -> ItemEvent:
    item.save(update_fields=[*fields, "updated_at"])
    event = ItemEvent.objects.create(item=item, kind=kind, at=at or timezone.now(), by=by, details=changes)
    record(f"hotline.item_{kind}", actor=by, centre_id=item.centre_id, obj=item, changes=changes)
    return event


def _advance(item: Item, status: str, fields: list[str]) -> None:
    order = [ItemStatus.NEW, ItemStatus.IN_ASSESSMENT, ItemStatus.ACTION_TAKEN, ItemStatus.CLOSED]
    if order.index(status) > order.index(item.status):
        item.status = status
        fields.append("status")


@transaction.atomic
def claim_item(item: Item, *, by) -> Item:
    _open_or_refuse(item)
    item.assigned_to = by
    fields = ["assigned_to"]
    _advance(item, ItemStatus.IN_ASSESSMENT, fields)
    _step(item, ItemEvent.Kind.CLAIMED, by, {"assigned_to": str(by.pk)}, fields)
    return item


@transaction.atomic
def assign_item(item: Item, *, to, by) -> Item:
    _open_or_refuse(item)
    if not has_perm(to, HotlinePerm.ASSESS, item.centre_id):
        raise HotlineError(_("This person cannot assess reports at this centre."))
    item.assigned_to = to
    _step(item, ItemEvent.Kind.ASSIGNED, by, {"assigned_to": str(to.pk)}, ["assigned_to"])
    return item


@transaction.atomic
def assess_item(
    item: Item,
    *,
    by,
    assessment: str,
    content_type: str = "",
    site_type: str = "",
    victim_age: str = "",
    victim_gender: str = "",
    flags: Iterable[str] = (),
    notes: str = "",
) -> Item:
    _open_or_refuse(item)
    values = {
        "assessment": assessment,
        "content_type": content_type,
        "site_type": site_type,
        "victim_age": victim_age,
        "victim_gender": victim_gender,
        "flags": sorted(set(flags)),
    }
    for name, value in values.items():
        setattr(item, name, value)
    notes_changed = notes != item.notes
    item.notes = notes
    fields = [*values, "notes"]
    if item.assessed_at is None:  # the figures count from the first assessment
        item.assessed_at = timezone.now()
        fields.append("assessed_at")
    if item.assigned_to_id is None:
        item.assigned_to = by
        fields.append("assigned_to")
    _advance(item, ItemStatus.IN_ASSESSMENT, fields)
    changes = {**values, "notes_changed": notes_changed}
    confirmed = _confirm_hashes(item, by=by, assessment=assessment)
    if confirmed:
        changes["hashes_confirmed"] = confirmed
    _step(item, ItemEvent.Kind.ASSESSED, by, changes, fields)
    return item


# An assessment as illegal confirms the item's hashes with the same classification, and back:
# a known hash's classification proposes the assessment.
CLASSIFICATION_OF = {
    taxonomy.Assessment.BASELINE: Classification.BASELINE,
    taxonomy.Assessment.NATIONAL: Classification.NATIONAL,
}
ASSESSMENT_OF = {classification: assessment for assessment, classification in CLASSIFICATION_OF.items()}


def _confirm_hashes(item: Item, *, by, assessment: str) -> int:
    """An item assessed baseline or national: its hashes join the centre's lists (same transaction)."""
    classification = CLASSIFICATION_OF.get(assessment)
    if classification is None:
        return 0
    values = [(h.algorithm, h.value, h.quality) for h in item.hashes.all()]
    if not values:
        return 0
    added = hash_actions.add_confirmed_hashes(
        item.centre,
        values=values,
        classification=classification,
        by=by,
        origin=f"hotline item {item.pk}",  # a code, never the URL: hashes and classifications only
    )
    return added[ListKind.OWN]  # new in the centre's list (a re-assessment adds none)


@transaction.atomic
def trace_item(
    item: Item,
    *,
    by,
    ip_address: str | None = None,
    hosting_provider: str = "",
    hosting_country: str = "",
    registrar: str = "",
) -> Item:
    _open_or_refuse(item)
    proposed = not hosting_country and bool(ip_address)
    if proposed:
        hosting_country = geoip.country_for(ip_address)
    values = {
        "ip_address": ip_address or None,
        "hosting_provider": hosting_provider,
        "hosting_country": hosting_country.upper(),
        "registrar": registrar,
    }
    for name, value in values.items():
        setattr(item, name, value)
    fields = list(values)
    if item.traced_at is None:
        item.traced_at = timezone.now()
        fields.append("traced_at")
    _step(item, ItemEvent.Kind.TRACED, by, {**values, "country_from_geoip": proposed and bool(hosting_country)}, fields)
    return item


def _acted(item: Item, timestamp_field: str, at: datetime) -> list[str]:
    fields: list[str] = []
    if getattr(item, timestamp_field) is None:
        setattr(item, timestamp_field, at)
        fields.append(timestamp_field)
    _advance(item, ItemStatus.ACTION_TAKEN, fields)
    return fields


@transaction.atomic
def forward_item(item: Item, *, by, country: str, hotline: str = "", on: date | None = None) -> Item:
    """Record a forwarding (also written by referrals.actions when a referral hands the item over)."""
    _open_or_refuse(item)
    at = _moment(on)
    fields = _acted(item, "forwarded_at", at)
    _step(item, ItemEvent.Kind.FORWARDED, by, {"country": country.upper(), "hotline": hotline}, fields, at)
    return item


@transaction.atomic
def report_to_law_enforcement(item: Item, *, by, agency: str, reference: str = "", on: date | None = None) -> Item:
    _open_or_refuse(item)
    at = _moment(on)
    fields = _acted(item, "law_enforcement_at", at)
    _step(item, ItemEvent.Kind.LAW_ENFORCEMENT, by, {"agency": agency, "reference": reference}, fields, at)
    return item


@transaction.atomic
def send_notice(item: Item, *, by, contact: str, channel: str, on: date | None = None) -> Item:
    _open_or_refuse(item)
    at = _moment(on)
    fields = _acted(item, "notice_at", at)
    _step(item, ItemEvent.Kind.NOTICE, by, {"contact": contact, "channel": channel}, fields, at)
    return item


@transaction.atomic
def check_removal(item: Item, *, by, removed: bool, on: date | None = None) -> Item:
    _open_or_refuse(item)
    at = _moment(on)
    fields: list[str] = []
    if removed and item.removed_at is None:
        item.removed_at = at
        fields.append("removed_at")
    _step(item, ItemEvent.Kind.REMOVAL_CHECK, by, {"removed": removed}, fields, at)
    if removed and fields:
        # An item accepted from another hotline's referral: the sender learns of the removal
        # without anyone typing it twice. (Imported here: referrals builds on the hotline.)
        from referrals.actions import hotline_removal_confirmed

        hotline_removal_confirmed(item, by=by)
    return item


def record_partner_outcome(item_id, *, referral_id, partner: str, outcome: str, at: datetime) -> bool:
    """The centre a referral went to reports its outcome: the sender's item timeline shows it.

    Called by referrals (in its transaction) when a forwarded item's referral completes. A removal
    also stamps the item's removal time, which the figures read, if none was recorded. Answers
    False when the item no longer exists.
    """
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        return False
    details = {"referral": str(referral_id), "partner": partner, "outcome": outcome}
    fields: list[str] = []
    if outcome == "removed" and item.removed_at is None:
        item.removed_at = at
        fields.append("removed_at")
    if fields:
        item.save(update_fields=[*fields, "updated_at"])
    ItemEvent.objects.create(item=item, kind=ItemEvent.Kind.PARTNER_OUTCOME, at=at, details=details)
    record(
        "hotline.partner_outcome",
        actor_label=partner,
        centre_id=item.centre_id,
        obj=item,
        changes={**details, "removed_at_set": bool(fields)},
    )
    return True


@transaction.atomic
def close_item(item: Item, *, by, outcome: str) -> Item:
    _open_or_refuse(item)
    item.outcome = outcome
    item.closed_at = timezone.now()
    fields = ["outcome", "closed_at"]
    _advance(item, ItemStatus.CLOSED, fields)
    _step(item, ItemEvent.Kind.CLOSED, by, {"outcome": outcome}, fields)
    return item


# --- Hashes of the material seen at an item's URL ----------------------------------------------------


@transaction.atomic
def add_item_hashes(item: Item, *, by, values: Iterable[tuple], source: str = "pasted") -> list[ItemHash]:
    """Add hashes of the material at the item's URL; answers the new ones (known ones are skipped).

    ``values``: ``(algorithm, value)`` or ``(algorithm, value, PDQ quality)``, checked again here.
    ``source`` says how they came ("pasted", "file"): a file is hashed in memory by the caller and
    only its hashes reach this function. One timeline entry and one audit entry when any is new.
    """
    _open_or_refuse(item)
    wanted: dict[tuple[str, str], int | None] = {}
    for row in values:
        algorithm, value, quality = (*row, None)[:3]
        try:
            algorithm = hash_values.algorithm_of(algorithm)
            key = (algorithm, hash_values.normalise(algorithm, value))
            quality = hash_values.check_quality(quality) if algorithm == Algorithm.PDQ else None
        except hash_values.BadHash as exc:
            raise HotlineError(str(exc)) from None
        wanted.setdefault(key, quality)
    if len(wanted) > hash_values.MAX_AT_ONCE:
        raise HotlineError(hash_values.describe("too_many", {"n": hash_values.MAX_AT_ONCE}))
    known = set(item.hashes.values_list("algorithm", "value"))
    now = timezone.now()
    new = [
        ItemHash(item=item, algorithm=algorithm, value=value, quality=quality, added_by=by, added_at=now)
        for (algorithm, value), quality in wanted.items()
        if (algorithm, value) not in known
    ]
    if not new:
        return []
    ItemHash.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent add of the same hash is no error
    # The first hundred values: the rows themselves hold every one.
    details = {"source": source, "added": len(new), "hashes": [f"{h.algorithm}:{h.value}" for h in new[:100]]}
    _step(item, ItemEvent.Kind.HASHES_ADDED, by, details, [], at=now)
    return new


@transaction.atomic
def remove_item_hash(item: Item, item_hash: ItemHash, *, by) -> None:
    """Remove one hash from the item (a mistake). Lists it already joined keep it: disable it there."""
    _open_or_refuse(item)
    if item_hash.item_id != item.pk:
        raise HotlineError(_("This hash is not one of this item's."))
    details = {"algorithm": item_hash.algorithm, "value": item_hash.value}
    item_hash.delete()
    _step(item, ItemEvent.Kind.HASH_REMOVED, by, details, [])
