"""The referrals app's API operations, mounted under /api/v1/ by api/root.py.

Reads only in this first version: the referrals a caller's centres sent or received, one referral
with its packet (audited as the page is), and the caller's unread notification count. Lifecycle
steps are pages only for now.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from api.auth import staff
from audit.actions import record
from core.access import access_object
from referrals import queries
from referrals.models import Referral

router = Router(tags=["referrals"])


class ReferralOut(Schema):
    id: UUID
    kind: str
    service: str
    status: str
    sender: str
    receiver: str | None
    external_target: str
    external_reference: str
    sent_at: datetime
    acknowledge_due: datetime | None
    act_due: datetime | None
    outcome: str

    @staticmethod
    def resolve_sender(obj: Referral) -> str:
        return obj.sender.code

    @staticmethod
    def resolve_receiver(obj: Referral) -> str | None:
        return obj.receiver.code if obj.receiver else None


class ReferralDetailOut(ReferralOut):
    packet: dict
    narrative: dict
    decline_reason: str
    outcome_note: str


class UnreadOut(Schema):
    unread: int


@router.get("/referrals", response=list[ReferralOut], auth=staff(), url_name="referrals_list")
def list_referrals(request: HttpRequest, direction: str = "incoming", limit: int = 50, offset: int = 0):
    queryset = queries.outgoing(request.user) if direction == "outgoing" else queries.incoming(request.user)
    limit = max(1, min(limit, 200))
    return list(queryset[offset : offset + limit])


@router.get("/referrals/notifications/unread", response=UnreadOut, auth=staff(), url_name="referrals_unread")
def unread(request: HttpRequest):
    return {"unread": queries.unread_count(request.user)}


@router.get("/referrals/{referral_id}", response=ReferralDetailOut, auth=staff(), url_name="referrals_detail")
def get_referral(request: HttpRequest, referral_id: UUID):
    referral = access_object(
        Referral.objects.visible_to(request.user).select_related("sender", "receiver"), pk=referral_id
    )
    record("referrals.viewed", actor=request.user, centre_id=referral.receiver_id or referral.sender_id, obj=referral)
    return referral
