"""Attaching accepted reports to their items, up to ATTACH_BATCH per transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import (
    DEFAULT_DB_ALIAS,
    connections,
    transaction,
)

from audit.actions import record, record_many
from hotline.actions.common import url_hash
from hotline.actions.rows import Rows, as_uuid, insert_rows
from hotline.models import Item, ItemEvent, ItemStatus, PendingReport, Report
from hotline.permissions import HotlinePerm

ATTACH_BATCH = 500  # reports attached per transaction by attach_pending


def attach_pending(*, centre_ids: Iterable | None = None, limit: int = ATTACH_BATCH) -> int:
    """Attach the oldest accepted reports (of these centres) to their items; answers how many.

    Run in a loop by ``manage.py attach_reports --loop``; the pages never attach (they only read,
    and say how many reports wait when the loop is behind: hotline.waiting). Reports another
    process is attaching are skipped, not waited for.
    """
    pending = PendingReport.objects.unscoped("attaching loop")
    if centre_ids is not None:
        pending = pending.filter(centre_id__in=list(centre_ids))
    if not pending.exists():  # a plain read first: no transaction (nor SQLite write lock) when idle
        return 0
    return attach_reports(pending, limit=limit)


def attach_waiting_at(centre, *, by) -> int:
    """A supervisor's "attach now" while the loop is stopped: one batch of the centre's waiting reports.

    The caller has checked HotlinePerm.SUPERVISE at ``centre``. One transaction: the batch (each
    report keeps its own "report received" entry, by the public) and one
    ``hotline.reports_attached`` entry naming the supervisor. Answers how many were attached.
    """
    with transaction.atomic():
        attached = attach_reports(
            PendingReport.objects.visible_to(by, HotlinePerm.SUPERVISE).filter(centre_id=centre.pk)
        )
        if attached:
            record(
                "hotline.reports_attached",
                actor=by,
                centre_id=centre.pk,
                obj=centre,
                changes={"attached": attached},
            )
    return attached


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
        reports = (
            Report.objects.unscoped("attaching loop")
            .filter(pk__in=[row[0] for row in queued])
            .values_list("pk", "reference", "source", "harm_type", "reporter_is_child")
        )
        about = {pk: fields for pk, *fields in reports}
        rows = [
            (report_id, centre_id, *about[report_id], received_at, urls)
            for report_id, centre_id, received_at, urls in queued
        ]
        item_ids, new_ids = _attach_or_create_items(rows)
        db = connections[DEFAULT_DB_ALIAS]
        events, links = Rows(ItemEvent, db), Rows(Report.items.through, db)
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
        insert_rows(events, then=links)
        PendingReport.objects.unscoped("attaching loop").filter(pk__in=[row[0] for row in rows])._raw_delete(
            DEFAULT_DB_ALIAS
        )
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
    items = Rows(Item, connections[DEFAULT_DB_ALIAS])
    # Rows in key order: two batches naming the same URLs lock their items in the same order.
    for key in sorted(proposed, key=lambda key: (str(key[0]), key[1])):
        items.add(**proposed[key])
    item_ids = {
        (as_uuid(centre_id), digest): as_uuid(item_id)
        for item_id, centre_id, digest in insert_rows(items, suffix=_ATTACH_OR_CREATE)
    }
    return item_ids, {item["id"] for item in proposed.values()}


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
