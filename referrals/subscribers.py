"""What referrals does when another app states a fact (core.events), registered from ready().

Each handler runs in its own transaction, once per event (core.events records it), and is
idempotent by itself all the same.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core import events
from core.models import Event
from hotline.models import Item
from referrals import actions


def complete_on_removal(event: Event) -> None:
    """On "hotline.removal_confirmed": a referral the item came from completes with "removed"."""
    item = Item.objects.unscoped("event subscriber").filter(pk=event.payload["item"]).first()
    if item is None:
        return
    by = get_user_model().objects.filter(pk=event.payload.get("by")).first() if event.payload.get("by") else None
    actions.hotline_removal_confirmed(item, by=by)


def register() -> None:
    events.subscribe("hotline.removal_confirmed", complete_on_removal, name="referrals.complete_on_removal")
