"""The referrals app's API operations, mounted under /api/v1/ by api/root.py.

The same actions as the pages: the referrals a caller's centres sent or received, one referral with
its packet and messages (a read audited under the reader's centre), and every lifecycle step
(acknowledge, accept, decline, start, complete, revoke, post a message). A referral of a third
centre answers 404 exactly like one that does not exist; a refused step answers a translated
``ErrorOut``: 403 for the wrong side, 409 for the wrong state, 422 for bad input (the
actions' ReferralError, turned into that answer once, by api/root.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.api_auth import staff
from audit.actions import record
from core.access import access_object
from core.api import errors, paginated
from helpline.models import Case
from helpline.permissions import HelplinePerm
from hotline.models import Item
from hotline.permissions import HotlinePerm
from notify.queries import unread_count
from referrals import actions, queries
from referrals.forms import TEXT_MAX_LENGTH, ExternalForm, SendCaseForm, SendItemForm
from referrals.models import SERVICE_ACT_PERMISSION, SERVICE_PERMISSION, Message, Referral, ReferralService

router = Router(tags=["referrals"])


# Seeing referrals of some service somewhere, and working one.
VIEW = staff(*dict.fromkeys(SERVICE_PERMISSION.values()))
ACT = staff(*dict.fromkeys(SERVICE_ACT_PERMISSION.values()))


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


class MessageOut(Schema):
    id: UUID
    centre: str
    text: str
    created_at: datetime

    @staticmethod
    def resolve_centre(obj: Message) -> str:
        return obj.centre.code


class ReferralDetailOut(ReferralOut):
    packet: dict
    narrative: dict
    decline_reason: str
    outcome_note: str
    messages: list[MessageOut]

    @staticmethod
    def resolve_messages(obj: Referral) -> list:
        return list(obj.messages.select_related("centre"))


class UnreadOut(Schema):
    unread: int


# Fields default to empty so that a missing one gets the action's own translated answer (and a
# referral that is not the caller's answers 404 whatever the body).
class DeclineIn(Schema):
    reason: str = ""


class CompleteIn(Schema):
    outcome: str = ""
    note: str = ""


class MessageIn(Schema):
    text: str = ""


# A step on a referral: the caller's side may not take it (403), the referral is not theirs (404), its
# state refuses the step (409), the input is not valid (422).
ERRORS = errors(401, 403, 404, 409, 422)
WITH_BODY = errors(401, 403, 404, 409, 413, 422)


def _referral(request: HttpRequest, referral_id: UUID) -> Referral:
    queryset = Referral.objects.visible_to(request.user).select_related("sender", "receiver")
    try:
        return access_object(queryset, pk=referral_id)
    except Http404:
        raise HttpError(404, _("No such referral.")) from None


def _side(request: HttpRequest, referral: Referral, *sides: str) -> str:
    """The first of ``sides`` the caller works the referral's service at, else 403."""
    for side in sides:
        if queries.can_act(request.user, referral, side):
            return side
    raise HttpError(403, _("Your centre cannot take this step on this referral."))


def _text(value: str) -> str:
    if len(value) > TEXT_MAX_LENGTH:
        raise HttpError(422, _("The text is too long (at most %(max)d characters).") % {"max": TEXT_MAX_LENGTH})
    return value


def _act(request: HttpRequest, referral_id: UUID, step: str, side: str, **data) -> Referral:
    """One step by the caller's ``side``; answers the referral's new state (not its packet)."""
    referral = _referral(request, referral_id)
    _side(request, referral, side)
    for value in data.values():
        _text(value)
    getattr(actions, step)(referral, by=request.user, **data)  # copies the new state onto it
    return referral


# --- Reads -----------------------------------------------------------------------------------------


@router.get(
    "/referrals", response={200: list[ReferralOut], **errors(401, 403, 422)}, auth=VIEW, url_name="referrals_list"
)
@paginated()
def list_referrals(request: HttpRequest, direction: Literal["incoming", "outgoing"] = "incoming"):
    return queries.outgoing(request.user) if direction == "outgoing" else queries.incoming(request.user)


@router.get(
    "/referrals/notifications/unread",
    response={200: UnreadOut, **errors(401)},
    auth=staff(),
    url_name="referrals_unread",
)
def unread(request: HttpRequest):
    return {"unread": unread_count(request.user)}


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralDetailOut, **errors(401, 403, 404, 422)},
    auth=VIEW,
    url_name="referrals_detail",
)
def get_referral(request: HttpRequest, referral_id: UUID):
    referral = _referral(request, referral_id)
    record(
        "referrals.viewed", actor=request.user, centre_id=queries.reader_centre_id(request.user, referral), obj=referral
    )
    return referral


# --- Steps -----------------------------------------------------------------------------------------


@router.post(
    "/referrals/{referral_id}/acknowledge",
    response={200: ReferralOut, **ERRORS},
    auth=ACT,
    url_name="referrals_acknowledge",
)
def acknowledge(request: HttpRequest, referral_id: UUID):
    return _act(request, referral_id, "acknowledge", "receiver")


@router.post(
    "/referrals/{referral_id}/accept",
    response={200: ReferralOut, **ERRORS},
    auth=ACT,
    url_name="referrals_accept",
)
def accept(request: HttpRequest, referral_id: UUID):
    """Accept: the receiver's own record (hotline report, or helpline contact and case) is created."""
    return _act(request, referral_id, "accept", "receiver")


@router.post(
    "/referrals/{referral_id}/decline",
    response={200: ReferralOut, **WITH_BODY},
    auth=ACT,
    url_name="referrals_decline",
)
def decline(request: HttpRequest, referral_id: UUID, body: DeclineIn):
    return _act(request, referral_id, "decline", "receiver", reason=body.reason)


@router.post(
    "/referrals/{referral_id}/start", response={200: ReferralOut, **ERRORS}, auth=ACT, url_name="referrals_start"
)
def start(request: HttpRequest, referral_id: UUID):
    return _act(request, referral_id, "start", "receiver")


@router.post(
    "/referrals/{referral_id}/complete",
    response={200: ReferralOut, **WITH_BODY},
    auth=ACT,
    url_name="referrals_complete",
)
def complete(request: HttpRequest, referral_id: UUID, body: CompleteIn):
    return _act(request, referral_id, "complete", "receiver", outcome=body.outcome, note=body.note)


@router.post(
    "/referrals/{referral_id}/revoke",
    response={200: ReferralOut, **ERRORS},
    auth=ACT,
    url_name="referrals_revoke",
)
def revoke(request: HttpRequest, referral_id: UUID):
    return _act(request, referral_id, "revoke", "sender")


@router.post(
    "/referrals/{referral_id}/messages",
    response={201: MessageOut, **WITH_BODY},
    auth=ACT,
    url_name="referrals_message",
)
def post_message(request: HttpRequest, referral_id: UUID, body: MessageIn):
    referral = _referral(request, referral_id)
    side = _side(request, referral, "receiver", "sender")
    centre = referral.receiver if side == "receiver" else referral.sender
    return 201, actions.post_message(referral, by=request.user, centre=centre, text=_text(body.text))


# --- Sending ----------------------------------------------------------------------------------------


class SendItemIn(Schema):
    receiver: str = ""  # the receiving centre's code
    note: str = ""


class ExternalIn(Schema):
    target: str = ""
    name: str = ""
    reference: str = ""


class SendCaseIn(Schema):
    receiver: str = ""
    summary: str = ""
    override_reason: str = ""


def _valid(form) -> dict:
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in form.errors.items())
        raise HttpError(422, _("The data is not valid: %(errors)s") % {"errors": problems})
    return form.cleaned_data


@router.post(
    "/referrals/hotline-items/{item_id}",
    response={201: ReferralOut, **WITH_BODY},
    auth=staff(HotlinePerm.ASSESS),
    url_name="referrals_send_item",
)
def send_item(request: HttpRequest, item_id: UUID, body: SendItemIn):
    """Forward one of the caller's hotline items to another network hotline (the packet is built
    from the item, as on the page)."""
    item = access_object(Item.objects.visible_to(request.user, HotlinePerm.ASSESS), pk=item_id)
    form = SendItemForm(
        {"receiver": body.receiver, "note": body.note}, service=ReferralService.HOTLINE, exclude_id=item.centre_id
    )
    form.fields["receiver"].to_field_name = "code"  # the API names centres by code
    data = _valid(form)
    return 201, actions.send_hotline_item(item, by=request.user, receiver=data["receiver"], note=data["note"])


@router.post(
    "/referrals/hotline-items/{item_id}/external",
    response={201: ReferralOut, **WITH_BODY},
    auth=staff(HotlinePerm.ASSESS),
    url_name="referrals_send_external",
)
def send_external(request: HttpRequest, item_id: UUID, body: ExternalIn):
    """Record a forwarding outside the network (INHOPE, another hotline, law enforcement)."""
    item = access_object(Item.objects.visible_to(request.user, HotlinePerm.ASSESS), pk=item_id)
    data = _valid(ExternalForm(body.dict()))
    return 201, actions.send_external(item, by=request.user, **data)


@router.post(
    "/referrals/helpline-cases/{case_id}",
    response={201: ReferralOut, **WITH_BODY},
    auth=staff(HelplinePerm.LOG),
    url_name="referrals_send_case",
)
def send_case(request: HttpRequest, case_id: UUID, body: SendCaseIn):
    """Refer one of the caller's helpline cases; identifying detail only with recorded consent or a
    supervisor's reason (the same consent gate as the page)."""
    case = access_object(Case.objects.visible_to(request.user), pk=case_id)
    form = SendCaseForm(
        {"receiver": body.receiver, "summary": body.summary, "override_reason": body.override_reason},
        service=ReferralService.HELPLINE,
        exclude_id=case.centre_id,
    )
    form.fields["receiver"].to_field_name = "code"  # the API names centres by code
    data = _valid(form)
    return 201, actions.send_helpline_case(case, by=request.user, **data)
