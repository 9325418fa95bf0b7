"""Reading a centre's earlier records from CSV: every row validated first (``validate``), then
stored by ``hotline.actions.import_reports``, all or none.

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

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.canonical_urls import InvalidURL, canonicalize
from hotline import taxonomy
from hotline.models import ItemStatus

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


def status_of(data: dict) -> str:
    """The status an imported record ends in, from the steps it went through."""
    if data["closed_at"]:
        return ItemStatus.CLOSED
    if data["notice_at"] or data["law_enforcement_at"] or data["forwarded_at"] or data["removed_at"]:
        return ItemStatus.ACTION_TAKEN
    return ItemStatus.IN_ASSESSMENT if data["assessed_at"] else ItemStatus.NEW


def cleaned_batches(path: str, centre, progress: Callable[[float], None]) -> Iterator[list[dict]]:
    """Second pass: the rows, cleaned, in batches (validate() found no rejected row)."""
    tz = zoneinfo.ZoneInfo(centre.effective_time_zone)
    batch: list[dict] = []
    for _number, row in _rows(path, progress):
        batch.append(clean_row(row, default_country=centre.country.code, tz=tz))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
