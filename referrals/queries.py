"""Reads of referrals: lists per side, the side a user acts for, network figures."""

from __future__ import annotations

from collections import defaultdict
from statistics import median

from django.db.models import QuerySet

from core.access import has_perm
from referrals.models import SERVICE_ACT_PERMISSION, SERVICE_PERMISSION, Referral


def incoming(user) -> QuerySet:
    return Referral.objects.received_by(user).select_related("sender", "receiver")


def outgoing(user) -> QuerySet:
    return Referral.objects.sent_by(user).select_related("sender", "receiver")


def can_act(user, referral: Referral, side: str) -> bool:
    """Whether the user works the referral's service at the ``side`` ("sender" or "receiver")."""
    centre_id = referral.sender_id if side == "sender" else referral.receiver_id
    return centre_id is not None and has_perm(user, SERVICE_ACT_PERMISSION[referral.service], centre_id)


def reader_centre_id(user, referral: Referral):
    """The reader's own side of a referral, under which a read is audited.

    The receiver's side when the user sees the referral's service there, else the sender's (a user
    with roles at both ends reads it as the receiver).
    """
    code = SERVICE_PERMISSION[referral.service]
    if referral.receiver_id is not None and has_perm(user, code, referral.receiver_id):
        return referral.receiver_id
    return referral.sender_id


def network_figures() -> list[dict]:
    """Counts and median hours between each pair of countries; no case content, no centre names."""
    rows = (
        Referral.objects.unscoped("network figures")
        .filter(receiver__isnull=False)
        .values_list(
            "sender__country__code", "receiver__country__code", "status", "sent_at", "acknowledged_at", "completed_at"
        )
    )
    pairs: dict = defaultdict(lambda: {"count": 0, "completed": 0, "ack": [], "done": []})
    for origin, target, _status, sent, acked, done in rows:
        pair = pairs[(origin, target)]
        pair["count"] += 1
        if acked:
            pair["ack"].append((acked - sent).total_seconds() / 3600)
        if done:
            pair["completed"] += 1
            pair["done"].append((done - sent).total_seconds() / 3600)
    return [
        {
            "origin": origin,
            "target": target,
            "count": pair["count"],
            "completed": pair["completed"],
            "median_ack_hours": round(median(pair["ack"]), 1) if pair["ack"] else None,
            "median_completion_hours": round(median(pair["done"]), 1) if pair["done"] else None,
        }
        for (origin, target), pair in sorted(pairs.items())
    ]
