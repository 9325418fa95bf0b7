"""Every state change of the hotline: one transaction, explicit update_fields, one audit entry each."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from core.access import has_perm
from core.crypto import keyed_hash
from core.permissions import Perm
from hotline import geoip, taxonomy
from hotline import public_messages as msg
from hotline.models import Item, ItemEvent, ItemStatus, ReferenceCounter, Report
from hotline.urls_canonical import canonicalize
from network.models import Service
from network.queries import covering_centre

MAX_URLS = 20


class HotlineError(Exception):
    """A refused action; ``message`` is translated and can be shown as it is."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


# --- Intake ---------------------------------------------------------------------------------------


def url_hash(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()


def status_token_for(report: Report) -> str:
    """The reporter's secret: derived from the report's random id, so a retried submission gets it again."""
    return keyed_hash(str(report.pk), purpose="hotline-status-token")[:32]


def idempotency_hash(key: str) -> str:
    return keyed_hash(key, purpose="hotline-idempotency")


def create_report(
    *,
    country: str,
    harm_type: str,
    urls: Iterable[str],
    source: str,
    where_seen: str = "",
    description: str = "",
    reporter_is_child: bool | None = None,
    age_band: str = "",
    contact_email: str = "",
    consent_to_contact: bool = False,
    language: str = "",
    idempotency_key: str = "",
    origin_reference: str = "",
    by=None,
    received_at: datetime | None = None,
    centre=None,
    guard: Callable[[], None] | None = None,
) -> tuple[Report, bool]:
    """Store a report and attach each URL to the open item of its centre (or a new one).

    Returns (report, created): with an ``idempotency_key`` already used, the first report and False.
    The Helpline app escalates a contact with ``source="helpline_escalation"``, ``by=`` the counsellor
    and ``origin_reference=`` the contact's id. ``guard`` runs inside the transaction after the
    report is stored and may raise to undo it (the public rate limit).
    """
    canonical = list(dict.fromkeys(canonicalize(url) for url in urls))  # raises InvalidURL
    if not 1 <= len(canonical) <= MAX_URLS:
        raise HotlineError(msg.URL_COUNT)
    centre = centre or covering_centre(country, Service.HOTLINE)
    if centre is None:
        raise HotlineError(msg.NO_HOTLINE)
    key_hash = idempotency_hash(idempotency_key) if idempotency_key else None
    fields = {
        "country": country.upper(),
        "harm_type": harm_type,
        "source": source,
        "where_seen": where_seen,
        "description": description,
        "reporter_is_child": reporter_is_child,
        "age_band": age_band if reporter_is_child else "",
        "contact_email": contact_email if consent_to_contact else "",
        "consent_to_contact": bool(consent_to_contact and contact_email),
        "language": language,
        "origin_reference": origin_reference,
        "idempotency_key": key_hash,
    }
    for _attempt in range(3):
        try:
            with transaction.atomic():
                report = _store_report(centre, canonical, fields, by, received_at or timezone.now())
                if guard is not None:
                    guard()
                return report, True
        except IntegrityError:
            # The key was used before (a retry), or another report of the same new URL won the race.
            # Asking first would cost every submission a query: the unique index answers instead.
            existing = Report.objects.filter(idempotency_key=key_hash).first() if key_hash else None
            if existing is not None:
                return existing, False
    raise HotlineError(msg.NOT_STORED)


def _store_report(centre, canonical: list[str], fields: dict, by, now: datetime) -> Report:
    report = Report.objects.create(
        centre=centre, reference=_next_reference(fields["country"], now), received_at=now, **fields
    )
    child = bool(report.reporter_is_child)
    item_ids, new_items, events = [], [], []
    for url in canonical:
        digest = url_hash(url)
        item_id = _attach_to_open_item(centre.pk, digest, child, now)
        kind = ItemEvent.Kind.REPORTED_AGAIN
        if item_id is None:
            item = Item(
                centre=centre,
                url=url,
                url_hash=digest,
                harm_type=report.harm_type,
                reported_by_child=child,
                received_at=now,
                last_reported_at=now,
            )
            new_items.append(item)
            item_id, kind = item.pk, ItemEvent.Kind.RECEIVED
        item_ids.append(item_id)
        events.append(ItemEvent(item_id=item_id, kind=kind, at=now, details={"report": report.reference}))
    # One statement each, whatever the number of URLs: the intake stays a handful of queries.
    Item.objects.bulk_create(new_items)
    ItemEvent.objects.bulk_create(events)
    Report.items.through.objects.bulk_create(Report.items.through(report_id=report.pk, item_id=i) for i in item_ids)
    record(
        "hotline.report_received",
        actor=by,
        actor_label="" if by else "public",
        centre_id=centre.pk,
        obj=report,
        changes={"source": report.source, "urls": len(item_ids), "new_items": len(new_items)},
    )
    return report


def _attach_to_open_item(centre_id, digest: str, child: bool, now: datetime):
    """Count one more report on the centre's open item for this URL; its id, or None if there is none."""
    table = Item._meta.db_table
    prep = Item._meta.pk.get_db_prep_value
    stamp = Item._meta.get_field("last_reported_at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        # The duplicate check is one lookup in the partial unique index (centre, url_hash) of open items.
        cursor.execute(
            f"UPDATE {table} SET reports_count = reports_count + 1, last_reported_at = %s, updated_at = %s, "  # noqa: S608
            f"reported_by_child = (reported_by_child OR %s) "
            f"WHERE centre_id = %s AND url_hash = %s AND status <> %s RETURNING id",
            [stamp, stamp, child, prep(centre_id, connection), digest, ItemStatus.CLOSED],
        )
        row = cursor.fetchone()
    return uuid.UUID(str(row[0])) if row else None


def _next_reference(country: str, now: datetime) -> str:
    prefix = f"{country}-{now.year}"
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        # One statement under the counter's row lock: two reports never get the same number.
        cursor.execute(
            f"INSERT INTO {table} (prefix, value) VALUES (%s, 1) "  # noqa: S608 - our own table name
            f"ON CONFLICT (prefix) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [prefix],
        )
        (value,) = cursor.fetchone()
    return f"{prefix}-{value:06d}"


# --- The analyst's work ---------------------------------------------------------------------------


def _open_or_refuse(item: Item) -> None:
    if not item.is_open:
        raise HotlineError(_("This item is closed."))


def _moment(on: date | None, item: Item) -> datetime:
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
    if not has_perm(to, Perm.HOTLINE_ASSESS, item.centre_id):
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
    _step(item, ItemEvent.Kind.ASSESSED, by, {**values, "notes_changed": notes_changed}, fields)
    return item


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
    """A record for now: the Referrals app turns it into a real hand-over."""
    _open_or_refuse(item)
    at = _moment(on, item)
    fields = _acted(item, "forwarded_at", at)
    _step(item, ItemEvent.Kind.FORWARDED, by, {"country": country.upper(), "hotline": hotline}, fields, at)
    return item


@transaction.atomic
def report_to_law_enforcement(item: Item, *, by, agency: str, reference: str = "", on: date | None = None) -> Item:
    _open_or_refuse(item)
    at = _moment(on, item)
    fields = _acted(item, "law_enforcement_at", at)
    _step(item, ItemEvent.Kind.LAW_ENFORCEMENT, by, {"agency": agency, "reference": reference}, fields, at)
    return item


@transaction.atomic
def send_notice(item: Item, *, by, contact: str, channel: str, on: date | None = None) -> Item:
    _open_or_refuse(item)
    at = _moment(on, item)
    fields = _acted(item, "notice_at", at)
    _step(item, ItemEvent.Kind.NOTICE, by, {"contact": contact, "channel": channel}, fields, at)
    return item


@transaction.atomic
def check_removal(item: Item, *, by, removed: bool, on: date | None = None) -> Item:
    _open_or_refuse(item)
    at = _moment(on, item)
    fields: list[str] = []
    if removed and item.removed_at is None:
        item.removed_at = at
        fields.append("removed_at")
    _step(item, ItemEvent.Kind.REMOVAL_CHECK, by, {"removed": removed}, fields, at)
    return item


@transaction.atomic
def close_item(item: Item, *, by, outcome: str) -> Item:
    _open_or_refuse(item)
    item.outcome = outcome
    item.closed_at = timezone.now()
    fields = ["outcome", "closed_at"]
    _advance(item, ItemStatus.CLOSED, fields)
    _step(item, ItemEvent.Kind.CLOSED, by, {"outcome": outcome}, fields)
    return item


SOURCES_FROM_PUBLIC = (taxonomy.Source.WEB_FORM, taxonomy.Source.PUBLIC_API)
