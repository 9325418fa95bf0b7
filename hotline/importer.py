"""Importing a centre's earlier records from CSV: every row validated first, then all stored or none.

Each row is one earlier report of one URL. Columns (a header row is required; only the first
three are mandatory): received_at, url, harm_type, country, reference, assessment, content_type,
site_type, victim_age, victim_gender, flags (separated by ";"), ip_address, hosting_provider,
hosting_country, registrar, assessed_at, forwarded_at, law_enforcement_at, notice_at, removed_at,
closed_at, outcome. Dates are ISO 8601; a date or time without a zone is the centre's local time.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from audit.actions import record
from hotline import taxonomy
from hotline.actions import url_hash
from hotline.models import Item, ItemEvent, ItemStatus, ReferenceCounter, Report
from hotline.urls_canonical import InvalidURL, canonicalize

REQUIRED = ("received_at", "url", "harm_type")
TIMESTAMPS = ("assessed_at", "forwarded_at", "law_enforcement_at", "notice_at", "removed_at", "closed_at")
CHOICES = {
    "harm_type": taxonomy.HarmType.values,
    "assessment": taxonomy.Assessment.values,
    "content_type": taxonomy.ContentType.values,
    "site_type": taxonomy.SiteType.values,
    "victim_age": taxonomy.VictimAge.values,
    "victim_gender": taxonomy.VictimGender.values,
    "outcome": taxonomy.Outcome.values,
}
BATCH = 2000
MAX_REJECTED_SHOWN = 20


class ImportRefused(Exception):
    """The file cannot be imported as a whole (missing columns, or rejected rows)."""


@dataclass
class Summary:
    rows: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    per_prefix: Counter = field(default_factory=Counter)
    reports: int = 0
    new_items: int = 0

    def reject(self, line: int, reason: str) -> None:
        self.reasons[reason.split(":")[0]] += 1
        if len(self.rejected) < MAX_REJECTED_SHOWN:
            self.rejected.append((line, reason))


def _rows(path: str, progress: Callable[[float], None]) -> Iterator[tuple[int, dict]]:
    with open(path, "rb") as raw:
        size = max(raw.seek(0, io.SEEK_END), 1)
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
        if missing:
            raise ImportRefused(f"missing column(s): {', '.join(missing)}")
        for number, row in enumerate(reader, start=2):  # line 1 is the header
            if number % 1000 == 0:
                progress(raw.tell() / size)
            yield number, row
        progress(1.0)


def _moment(value: str, tz) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(f"not a date: {value[:40]}")
        parsed = datetime.combine(day, time(12))
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, tz)


def clean_row(row: dict, *, default_country: str, tz) -> dict:
    """The row as Item and Report fields, or ValueError naming the first problem."""
    try:
        url = canonicalize(row.get("url") or "")
    except InvalidURL as exc:
        raise ValueError(f"url: {exc.message}")
    data: dict = {"url": url}
    for name, allowed in CHOICES.items():
        value = (row.get(name) or "").strip()
        if value and value not in allowed:
            raise ValueError(f"{name}: unknown code {value[:30]!r}")
        data[name] = value
    if not data["harm_type"]:
        raise ValueError("harm_type: missing")
    flags = [f.strip() for f in (row.get("flags") or "").split(";") if f.strip()]
    if set(flags) - set(taxonomy.Flag.values):
        raise ValueError("flags: unknown code")
    data["flags"] = sorted(set(flags))
    try:
        data["received_at"] = _moment(row.get("received_at"), tz)
        for name in TIMESTAMPS:
            data[name] = _moment(row.get(name), tz)
    except ValueError as exc:
        raise ValueError(f"date: {exc}")
    if data["received_at"] is None:
        raise ValueError("received_at: missing")
    ip = (row.get("ip_address") or "").strip()
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise ValueError("ip_address: not an IP address")
    data["ip_address"] = ip or None
    country = (row.get("country") or default_country).strip().upper()
    hosting = (row.get("hosting_country") or "").strip().upper()
    if len(country) != 2 or (hosting and len(hosting) != 2):
        raise ValueError("country: use two-letter codes")
    data.update(country=country, hosting_country=hosting)
    for name in ("hosting_provider", "registrar", "reference"):
        data[name] = (row.get(name) or "").strip()[:200]
    return data


def validate(path: str, centre, progress: Callable[[float], None]) -> Summary:
    """First pass: every row checked, nothing stored."""
    summary = Summary()
    tz = zoneinfo.ZoneInfo(centre.effective_time_zone)
    for number, row in _rows(path, progress):
        summary.rows += 1
        try:
            data = clean_row(row, default_country=centre.country.code, tz=tz)
        except ValueError as exc:
            summary.reject(number, str(exc))
            continue
        summary.per_prefix[f"{data['country']}-{data['received_at'].year}"] += 1
    return summary


def _reserve_numbers(per_prefix: Counter) -> dict[str, int]:
    """The first number of a block per prefix, taken in one go under the counter's row lock."""
    starts = {}
    for prefix, count in per_prefix.items():
        ReferenceCounter.objects.get_or_create(prefix=prefix)
        ReferenceCounter.objects.filter(prefix=prefix).update(value=F("value") + count)
        starts[prefix] = ReferenceCounter.objects.get(prefix=prefix).value - count + 1
    return starts


def _status(data: dict) -> str:
    if data["closed_at"]:
        return ItemStatus.CLOSED
    if data["notice_at"] or data["law_enforcement_at"] or data["forwarded_at"] or data["removed_at"]:
        return ItemStatus.ACTION_TAKEN
    return ItemStatus.IN_ASSESSMENT if data["assessed_at"] else ItemStatus.NEW


@transaction.atomic
def store(path: str, centre, summary: Summary, progress: Callable[[float], None], *, by=None) -> Summary:
    """Second pass, in one transaction: a failure anywhere stores nothing."""
    tz = zoneinfo.ZoneInfo(centre.effective_time_zone)
    next_number = _reserve_numbers(summary.per_prefix)
    # url hash → id of the open item, for duplicates inside the file. Ids only: a million model
    # instances kept for the whole import would cost gigabytes.
    open_items: dict[str, object] = {}
    batch: list[dict] = []
    for _number, row in _rows(path, progress):
        batch.append(clean_row(row, default_country=centre.country.code, tz=tz))
        if len(batch) >= BATCH:
            _store_batch(centre, batch, open_items, next_number, summary)
            batch = []
    if batch:
        _store_batch(centre, batch, open_items, next_number, summary)
    record(
        "hotline.reports_imported",
        actor=by,
        actor_label="" if by else "import",
        centre_id=centre.pk,
        object_type="hotline.report",
        changes={"reports": summary.reports, "new_items": summary.new_items},
    )
    return summary


def _store_batch(centre, batch: list[dict], open_items: dict, next_number: dict, summary: Summary) -> None:
    hashes = {url_hash(data["url"]) for data in batch}
    existing = Item.objects.filter(centre=centre, url_hash__in=hashes - open_items.keys()).exclude(
        status=ItemStatus.CLOSED
    )
    open_items.update(existing.values_list("url_hash", "pk"))
    reports, new_items, links, counted = [], [], [], Counter()
    for data in batch:
        digest = url_hash(data["url"])
        item_id = open_items.get(digest)
        if item_id is None:
            item = _new_item(centre, data, digest)
            new_items.append(item)
            item_id = item.pk
            if item.status != ItemStatus.CLOSED:
                open_items[digest] = item_id
        else:
            counted[item_id] += 1
        prefix = f"{data['country']}-{data['received_at'].year}"
        number = next_number[prefix]
        next_number[prefix] += 1
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
    Item.objects.bulk_create(new_items)
    ItemEvent.objects.bulk_create(
        ItemEvent(item=item, kind=ItemEvent.Kind.RECEIVED, at=item.received_at, details={"imported": True})
        for item in new_items
    )
    Report.objects.bulk_create(reports)
    Report.items.through.objects.bulk_create(links)
    new_ids = {item.pk for item in new_items}
    for item_id, extra in counted.items():
        if item_id not in new_ids:
            Item.objects.filter(pk=item_id).update(reports_count=F("reports_count") + extra)
    for item in new_items:
        if counted[item.pk]:
            Item.objects.filter(pk=item.pk).update(reports_count=1 + counted[item.pk])
    summary.reports += len(reports)
    summary.new_items += len(new_items)


def _new_item(centre, data: dict, digest: str) -> Item:
    fields = {
        name: data[name]
        for name in (*CHOICES, "flags", "ip_address", "hosting_provider", "hosting_country", "registrar")
    }
    fields.pop("harm_type")
    return Item(
        centre=centre,
        url=data["url"],
        url_hash=digest,
        harm_type=data["harm_type"],
        status=_status(data),
        received_at=data["received_at"],
        last_reported_at=data["received_at"],
        traced_at=data["assessed_at"] if data["ip_address"] or data["hosting_country"] else None,
        **{name: data[name] for name in TIMESTAMPS},
        **fields,
    )
