"""The analyst's workflow on an item: claim, assign, assess, trace, act, confirm removal, close."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from core import events
from core.access import has_perm
from hashes import actions as hash_actions
from hashes.models import Classification, ListKind
from hotline import geoip, taxonomy
from hotline.actions.common import HotlineError
from hotline.models import Item, ItemEvent, ItemStatus
from hotline.permissions import HotlinePerm


def open_or_refuse(item: Item) -> None:
    if not item.is_open:
        raise HotlineError(_("This item is closed."))


def _moment(on: date | None) -> datetime:
    """When a step happened: now, or midday of the date the analyst gives for an earlier step."""
    now = timezone.now()
    if on is None or on >= timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(on, time(12)))


def add_step(item: Item, kind: str, by, changes: dict, fields: list[str], at: datetime | None = None) -> ItemEvent:
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
    open_or_refuse(item)
    item.assigned_to = by
    fields = ["assigned_to"]
    _advance(item, ItemStatus.IN_ASSESSMENT, fields)
    add_step(item, ItemEvent.Kind.CLAIMED, by, {"assigned_to": str(by.pk)}, fields)
    return item


@transaction.atomic
def assign_item(item: Item, *, to, by) -> Item:
    open_or_refuse(item)
    if not has_perm(to, HotlinePerm.ASSESS, item.centre_id):
        raise HotlineError(_("This person cannot assess reports at this centre."))
    item.assigned_to = to
    add_step(item, ItemEvent.Kind.ASSIGNED, by, {"assigned_to": str(to.pk)}, ["assigned_to"])
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
    open_or_refuse(item)
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
    add_step(item, ItemEvent.Kind.ASSESSED, by, changes, fields)
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
    open_or_refuse(item)
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
    add_step(
        item, ItemEvent.Kind.TRACED, by, {**values, "country_from_geoip": proposed and bool(hosting_country)}, fields
    )
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
    open_or_refuse(item)
    at = _moment(on)
    fields = _acted(item, "forwarded_at", at)
    add_step(item, ItemEvent.Kind.FORWARDED, by, {"country": country.upper(), "hotline": hotline}, fields, at)
    return item


@transaction.atomic
def report_to_law_enforcement(item: Item, *, by, agency: str, reference: str = "", on: date | None = None) -> Item:
    open_or_refuse(item)
    at = _moment(on)
    fields = _acted(item, "law_enforcement_at", at)
    add_step(item, ItemEvent.Kind.LAW_ENFORCEMENT, by, {"agency": agency, "reference": reference}, fields, at)
    return item


@transaction.atomic
def send_notice(item: Item, *, by, contact: str, channel: str, on: date | None = None) -> Item:
    open_or_refuse(item)
    at = _moment(on)
    fields = _acted(item, "notice_at", at)
    add_step(item, ItemEvent.Kind.NOTICE, by, {"contact": contact, "channel": channel}, fields, at)
    return item


@transaction.atomic
def check_removal(item: Item, *, by, removed: bool, on: date | None = None) -> Item:
    open_or_refuse(item)
    at = _moment(on)
    fields: list[str] = []
    if removed and item.removed_at is None:
        item.removed_at = at
        fields.append("removed_at")
    add_step(item, ItemEvent.Kind.REMOVAL_CHECK, by, {"removed": removed}, fields, at)
    if removed and fields:
        # The first confirmed removal is a fact other apps may act on (referrals completes the
        # referral the item came from, so its sender learns of it without anyone typing it twice).
        events.emit(
            "hotline.removal_confirmed",
            payload={"item": str(item.pk), "by": str(by.pk) if by else None},
            centre_id=item.centre_id,
        )
    return item


@transaction.atomic
def record_partner_outcome(item_id, *, referral_id, partner: str, outcome: str, at: datetime) -> bool:
    """The centre a referral went to reports its outcome: the sender's item timeline shows it.

    Run on the event "referrals.completed" (hotline.subscribers). A removal also stamps the item's
    removal time, which the figures read, if none was recorded. Idempotent: a referral's outcome
    is written once. Answers False when the item no longer exists or already shows that outcome.
    """
    item = Item.objects.unscoped("partner outcome").select_for_update().filter(pk=item_id).first()
    if item is None:
        return False
    if item.events.filter(kind=ItemEvent.Kind.PARTNER_OUTCOME, details__referral=str(referral_id)).exists():
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
    open_or_refuse(item)
    item.outcome = outcome
    item.closed_at = timezone.now()
    fields = ["outcome", "closed_at"]
    _advance(item, ItemStatus.CLOSED, fields)
    add_step(item, ItemEvent.Kind.CLOSED, by, {"outcome": outcome}, fields)
    return item
