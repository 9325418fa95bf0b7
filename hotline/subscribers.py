"""What the hotline does when another app states a fact (core.events), registered from ready().

Each handler runs in its own transaction, once per event (core.events records it), and is
idempotent by itself all the same.
"""

from __future__ import annotations

from datetime import datetime

from core import events
from core.models import Event
from hotline import actions


def record_referral_outcome(event: Event) -> None:
    """ "referrals.completed": a forwarded item's partner gave its outcome; the item shows it."""
    payload = event.payload
    if not payload.get("item"):
        return  # not a referral of a hotline item
    actions.record_partner_outcome(
        payload["item"],
        referral_id=payload["referral"],
        partner=payload["partner"],
        outcome=payload["outcome"],
        at=datetime.fromisoformat(payload["at"]),
    )


def register() -> None:
    events.subscribe("referrals.completed", record_referral_outcome, name="hotline.record_referral_outcome")
