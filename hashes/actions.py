"""Every change to hash lists: one transaction, explicit update_fields, one audit entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from audit.actions import record
from hashes.models import HashEntry, HashList


@transaction.atomic
def create_list(
    centre, *, by, name: str, kind: str, source: str = "", trust_level: str, shares_with_network: bool = False
) -> HashList:
    hash_list = HashList.objects.create(
        centre=centre,
        name=name,
        kind=kind,
        source=source,
        trust_level=trust_level,
        shares_with_network=shares_with_network,
        created_by=by,
    )
    record(
        "hashes.list_created",
        actor=by,
        centre_id=centre.pk,
        obj=hash_list,
        changes={"name": name, "kind": kind, "trust_level": trust_level, "shares_with_network": shares_with_network},
    )
    return hash_list


@transaction.atomic
def add_entry(
    hash_list: HashList,
    *,
    by,
    algorithm: str,
    value: str,
    classification: str,
    quality: int | None = None,
    origin: str = "",
) -> tuple[HashEntry, bool]:
    """Add a (normalised) hash to the list; an existing one is returned unchanged with created=False."""
    entry, created = HashEntry.objects.get_or_create(
        hash_list=hash_list,
        algorithm=algorithm,
        value=value,
        defaults={
            "classification": classification,
            "quality": quality,
            "first_seen": timezone.now(),
            "added_by": by,
            "origin": origin,
        },
    )
    if created:
        record(
            "hashes.entry_added",
            actor=by,
            centre_id=hash_list.centre_id,
            obj=entry,
            changes={
                "list": str(hash_list.pk),
                "algorithm": algorithm,
                "value": value,
                "classification": classification,
            },
        )
    return entry, created


@transaction.atomic
def set_entry_active(entry: HashEntry, *, by, active: bool) -> HashEntry:
    """Disable (no longer matched) or enable an entry again."""
    entry = HashEntry.objects.select_for_update().select_related("hash_list").get(pk=entry.pk)
    if entry.is_active == active:
        return entry
    entry.is_active = active
    entry.save(update_fields=["is_active", "updated_at"])
    record(
        "hashes.entry_enabled" if active else "hashes.entry_disabled",
        actor=by,
        centre_id=entry.hash_list.centre_id,
        obj=entry,
        changes={"is_active": active},
    )
    return entry


BATCH = 2_000


@transaction.atomic
def import_entries(
    hash_list: HashList,
    rows: Iterable[dict],
    *,
    by=None,
    origin: str,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Store validated rows (algorithm, value, classification, quality) in batches; one audit entry.

    Values already in the list are skipped by the unique constraint. Answers how many were new.
    """
    now = timezone.now()
    before = hash_list.entries.count()
    batch: list[HashEntry] = []
    seen = 0

    def flush() -> None:
        HashEntry.objects.bulk_create(batch, ignore_conflicts=True)
        if on_batch:
            on_batch(seen)
        batch.clear()

    for row in rows:
        seen += 1
        batch.append(
            HashEntry(
                hash_list=hash_list,
                algorithm=row["algorithm"],
                value=row["value"],
                classification=row["classification"],
                quality=row.get("quality"),
                first_seen=row.get("first_seen") or now,
                added_by=by,
                origin=origin,
            )
        )
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    added = hash_list.entries.count() - before
    record(
        "hashes.list_imported",
        actor=by,
        actor_label="" if by else "manage.py import_hashes",
        centre_id=hash_list.centre_id,
        obj=hash_list,
        changes={"rows": seen, "added": added, "origin": origin},
    )
    return added


# --- Hashes the hotline confirms ------------------------------------------------------------------

CONFIRMED_LIST_NAME = "{code} confirmed"  # the centre's own list of hotline-confirmed hashes
NETWORK_LIST_NAME = "{code} network"  # the centre's network-shared list, when it has none yet


@transaction.atomic
def add_confirmed_hashes(
    centre,
    *,
    values: Iterable[tuple[str, str, int | None]],
    classification: str,
    by,
    origin: str,
) -> dict[str, int]:
    """Hashes an analyst confirmed (an item assessed baseline or national) join the centre's lists.

    They join the centre's own list named "<centre code> confirmed" (created once, not shared), and,
    when that list ``shares_with_network``, the centre's network-shared list too (its oldest one,
    created as "<centre code> network" if it has none). Only hashes and classifications go there:
    ``origin`` is a short code ("hotline item <id>"), never a URL. Each new entry goes through
    ``add_entry`` (its own audit entry); a hash already in a list is left as it is. Answers how many
    entries were new in each list kind.
    """
    from hashes.models import ListKind, TrustLevel

    values = list(dict.fromkeys(values))
    added = {ListKind.OWN.value: 0, ListKind.NETWORK.value: 0}
    if not values:
        return added
    own = _list_named(centre, CONFIRMED_LIST_NAME.format(code=centre.code), ListKind.OWN, TrustLevel.HIGH, by)
    targets = [(ListKind.OWN.value, own)]
    if own.shares_with_network:
        network = centre.hash_lists.filter(kind=ListKind.NETWORK).order_by("created_at", "pk").first()
        if network is None:
            name = NETWORK_LIST_NAME.format(code=centre.code)
            network = _list_named(centre, name, ListKind.NETWORK, TrustLevel.HIGH, by)
        targets.append((ListKind.NETWORK.value, network))
    for kind, hash_list in targets:
        for algorithm, value, quality in values:
            _entry, created = add_entry(
                hash_list,
                by=by,
                algorithm=algorithm,
                value=value,
                classification=classification,
                quality=quality,
                origin=origin,
            )
            added[kind] += created
    return added


def _list_named(centre, name: str, kind: str, trust_level: str, by) -> HashList:
    """The centre's list of that name, created (audited) the first time it is needed."""
    from django.db import IntegrityError

    existing = centre.hash_lists.filter(name=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: two first confirmations at once both find the list
            return create_list(centre, by=by, name=name, kind=kind, source="hotline", trust_level=trust_level)
    except IntegrityError:
        return centre.hash_lists.get(name=name)


# --- A list's settings ------------------------------------------------------------------------------


@transaction.atomic
def update_list(
    hash_list: HashList, *, by, name: str, source: str, trust_level: str, shares_with_network: bool
) -> HashList:
    """Change a list's name, source, trust level or sharing; audited with what changed."""
    locked = HashList.objects.select_for_update().get(pk=hash_list.pk)
    wanted = {"name": name, "source": source, "trust_level": trust_level, "shares_with_network": shares_with_network}
    changed = {field: value for field, value in wanted.items() if getattr(locked, field) != value}
    if not changed:
        return locked
    for field, value in changed.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*changed, "updated_at"])
    record("hashes.list_changed", actor=by, centre_id=locked.centre_id, obj=locked, changes=changed)
    return locked
