"""What the hotline does when another app states a fact (core.events), registered from ready().

Each handler runs in its own transaction, once per event (core.events records it), and is
idempotent by itself all the same.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model

from core import events
from core.models import Event
from hotline import actions
from hotline.models import Report
from hotline.taxonomy import Source


def record_referral_outcome(event: Event) -> None:
    """On "referrals.completed": a forwarded item's partner gave its outcome; the item shows it."""
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


def file_escalation(event: Event) -> None:
    """On "helpline.escalated": a counsellor sent reported URLs; file them as a report, once per
    escalation (its idempotency key), and tell the helpline the report's reference."""
    payload = event.payload
    key = f"helpline-escalation:{payload['escalation']}"
    if Report.objects.unscoped("event subscriber").filter(idempotency_key=actions.idempotency_hash(key)).exists():
        return  # filed already; the reference went back with it
    sealed = event.sealed_data
    by = get_user_model().objects.filter(pk=payload["by"]).first() if payload.get("by") else None
    report, _created = actions.create_report(
        country=payload["country"],
        harm_type=payload["harm_type"],
        urls=sealed["urls"],
        source=Source.HELPLINE_ESCALATION,
        where_seen=sealed.get("where_seen", ""),
        by=by,
        centre_id=payload["hotline_centre"],
        origin_reference=payload["contact"],
        idempotency_key=key,
    )
    events.emit(
        "hotline.escalation_filed",
        payload={"escalation": payload["escalation"], "report": str(report.pk), "reference": report.reference},
        centre_id=event.centre_id,
    )


def register() -> None:
    events.subscribe("referrals.completed", record_referral_outcome, name="hotline.record_referral_outcome")
    events.subscribe("helpline.escalated", file_escalation, name="hotline.file_escalation")
