"""Importing a centre's earlier reports from a file (manage.py import_reports)."""

from __future__ import annotations

from collections import Counter

from django.db import (
    transaction,
)
from django.db.models import F

from audit.actions import record
from hotline import taxonomy
from hotline.actions.common import url_hash
from hotline.actions.rows import take_numbers
from hotline.models import Item, ItemEvent, ItemStatus, Report


@transaction.atomic
def import_reports(path: str, centre, summary, progress, *, by=None):
    """Store a validated file (``hotline.importer.validate``) in one transaction: all or nothing.

    Rows arrive in batches; an item already open at the centre (or earlier in the file) counts the
    row as one more report. One audit entry for the whole import.
    """
    from hotline import importer

    next_number = {prefix: iter(take_numbers(prefix, count)) for prefix, count in sorted(summary.per_prefix.items())}
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
    existing = (
        Item.objects.unscoped("import")
        .filter(centre=centre, url_hash__in=hashes - open_items.keys())
        .exclude(status=ItemStatus.CLOSED)
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
        Item.objects.unscoped("import").filter(pk__in=ids).update(reports_count=F("reports_count") + extra)
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
