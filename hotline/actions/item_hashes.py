"""The hashes an analyst records on an item, and their matching against the hash lists."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import (
    transaction,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hashes import values as hash_values
from hashes.models import Algorithm
from hotline.actions.common import HotlineError
from hotline.actions.workflow import add_step, open_or_refuse
from hotline.models import Item, ItemEvent, ItemHash


@transaction.atomic
def add_item_hashes(item: Item, *, by, values: Iterable[tuple], source: str = "pasted") -> list[ItemHash]:
    """Add hashes of the material at the item's URL; answers the new ones (known ones are skipped).

    ``values``: ``(algorithm, value)`` or ``(algorithm, value, PDQ quality)``, checked again here.
    ``source`` says how they came ("pasted", "file"): a file is hashed in memory by the caller and
    only its hashes reach this function. One timeline entry and one audit entry when any is new.
    """
    open_or_refuse(item)
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
    add_step(item, ItemEvent.Kind.HASHES_ADDED, by, details, [], at=now)
    return new


@transaction.atomic
def remove_item_hash(item: Item, item_hash: ItemHash, *, by) -> None:
    """Remove one hash from the item (a mistake). Lists it already joined keep it: disable it there."""
    open_or_refuse(item)
    if item_hash.item_id != item.pk:
        raise HotlineError(_("This hash is not one of this item's."))
    details = {"algorithm": item_hash.algorithm, "value": item_hash.value}
    item_hash.delete()
    add_step(item, ItemEvent.Kind.HASH_REMOVED, by, details, [])
