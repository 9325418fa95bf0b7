"""The hotline app's API operations, mounted under /api/v1/ by api/root.py.

Public: POST /reports and GET /reports/{reference}/status (a contract other apps rely on: keep
the field names). Staff: the queue and the analyst's work, through the same actions as the pages.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel

from accounts.api_auth import staff
from audit.actions import record
from core.access import access_object
from core.api import errors, paginated
from core.canonical_urls import defang
from hashes import values as hash_values
from hotline import actions, queries, throttle
from hotline import public_messages as msg
from hotline.models import Item
from hotline.permissions import HotlinePerm
from hotline.public_views import MAX_BODY_BYTES
from hotline.queries import public_status, queue, report_by_token
from hotline.report_rules import CHOOSE_COUNTRY, clean_report
from hotline.steps import STEPS
from hotline.taxonomy import Source

router = Router(tags=["hotline"])


# The public intake's body is a plain pydantic model: ninja's Schema adds a validator for reading
# Django objects that a JSON body never needs, and it runs on every submission.
class ReportIn(BaseModel):
    country: str
    harm_type: str
    urls: list[str]
    where_seen: str = ""
    description: str = ""
    reporter_is_child: bool | None = None
    age_band: str = ""
    contact_email: str = ""
    consent_to_contact: bool = False


class ReportOut(Schema):
    reference: str
    status_token: str


class StatusOut(Schema):
    reference: str
    status: str
    status_label: str


@router.post(
    "/reports",
    auth=None,
    response={201: ReportOut, 200: ReportOut, **errors(413, 422, 429)},
    url_name="hotline_report_create",
)
def create_report(request: HttpRequest, payload: ReportIn):
    """Report harmful URLs. Send an Idempotency-Key header: a retry with the same key is stored once."""
    if len(request.body) > MAX_BODY_BYTES:
        return 413, {"detail": str(msg.TOO_LONG)}
    too_many = 429, {"detail": str(msg.TOO_MANY)}
    data, problems = clean_report(payload.model_dump())
    if problems:
        return too_many if throttle.over_limit_after_attempt(request) else _refused(problems)
    key = request.headers.get("Idempotency-Key", "")[:200]
    try:
        report, created = actions.accept_report(
            **data,
            source=Source.PUBLIC_API,
            language=get_language(),
            idempotency_key=f"api:{key}" if key else "",
            client=throttle.client_hash(request),
        )
    except throttle.Throttled:
        return too_many
    except actions.NotCovered:
        return _refused({"country": [str(CHOOSE_COUNTRY)]})
    except actions.HotlineError as exc:  # the URLs were made canonical while validating
        return 422, {"detail": str(exc.message)}
    answer = {"reference": report.reference, "status_token": actions.status_token_for(report)}
    # Already the documented ReportOut: sent as it is, without validating it again on every submission.
    return HttpResponse(json.dumps(answer), status=201 if created else 200, content_type="application/json")


def _refused(field_errors: dict[str, list[str]]) -> tuple[int, dict]:
    return 422, {"detail": str(msg.HAS_ERRORS), "errors": field_errors}


@router.get(
    "/reports/{reference}/status",
    auth=None,
    response={200: StatusOut, **errors(404, 422)},
    url_name="hotline_report_status",
)
def report_status(request: HttpRequest, reference: str, token: str = ""):
    """The coarse status of a report (received, being assessed, action taken, closed), with its token."""
    report = report_by_token(reference, token)
    if report is None:
        raise HttpError(404, str(msg.NO_SUCH_REPORT))
    status = public_status(report)
    return {"reference": report.reference, "status": status.value, "status_label": str(status.label)}


# --- Staff: the queue and the analyst's work ------------------------------------------------------


class ItemOut(Schema):
    id: UUID
    url: str
    url_defanged: str
    status: str
    harm_type: str
    reported_by_child: bool
    reports_count: int
    received_at: datetime
    assigned_to: UUID | None = Field(None, alias="assigned_to_id")
    assessment: str
    content_type: str
    site_type: str
    victim_age: str
    victim_gender: str
    flags: list[str]
    assessed_at: datetime | None
    ip_address: str | None
    hosting_provider: str
    hosting_country: str
    registrar: str
    forwarded_at: datetime | None
    law_enforcement_at: datetime | None
    notice_at: datetime | None
    removed_at: datetime | None
    closed_at: datetime | None
    outcome: str

    @staticmethod
    def resolve_url_defanged(obj) -> str:
        return defang(obj.url)


class EventOut(Schema):
    kind: str
    at: datetime
    by: UUID | None = Field(None, alias="by_id")
    details: dict


class ItemDetailOut(ItemOut):
    notes: str
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())


class AssessIn(Schema):
    # Every field has a default: the form says what is missing, after the item is found (or 404).
    assessment: str = ""
    content_type: str = ""
    site_type: str = ""
    victim_age: str = ""
    victim_gender: str = ""
    flags: list[str] = []
    notes: str = ""


class TraceIn(Schema):
    ip_address: str = ""
    hosting_provider: str = ""
    hosting_country: str = ""
    registrar: str = ""


class ForwardIn(Schema):
    country: str = ""
    hotline: str = ""
    on: date | None = None


class LawEnforcementIn(Schema):
    agency: str = ""
    reference: str = ""
    on: date | None = None


class NoticeIn(Schema):
    contact: str = ""
    channel: str = ""
    on: date | None = None


class RemovalIn(Schema):
    removed: bool | None = None
    on: date | None = None


class CloseIn(Schema):
    outcome: str = ""


class Empty(Schema):
    pass


VIEW = staff(HotlinePerm.VIEW)
ASSESS = staff(HotlinePerm.ASSESS)


@router.get(
    "/hotline/items", response={200: list[ItemOut], **errors(401, 403, 422)}, auth=VIEW, url_name="hotline_items"
)
@paginated(default_limit=100, max_limit=500)
def list_items(
    request: HttpRequest,
    status: str = "open",
    harm_type: str = "",
    assigned: str = "",
    sort: str = "child_first",
):
    """The queue (the items the caller may see), filtered and sorted as on the page."""
    params = {"status": status, "harm_type": harm_type, "assigned": assigned, "sort": sort}
    # Reads only: reports accepted a moment ago appear once the attaching loop has attached them.
    return queue(request.user, params)


@router.get(
    "/hotline/items/{item_id}",
    response={200: ItemDetailOut, **errors(401, 403, 404, 422)},
    auth=VIEW,
    url_name="hotline_item",
)
def get_item(request: HttpRequest, item_id: UUID):
    """One item with its timeline (the read is audited)."""
    item = access_object(Item.objects.visible_to(request.user), pk=item_id)
    record("hotline.item_viewed", actor=request.user, centre_id=item.centre_id, obj=item)
    return item


def _run_step(request: HttpRequest, item_id: UUID, step: str, data: dict):
    item = access_object(Item.objects.visible_to(request.user, HotlinePerm.ASSESS), pk=item_id)
    form = STEPS[step].form(data)
    if not form.is_valid():
        problems = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return 422, {"detail": _("The request has errors; nothing was changed."), "errors": problems}
    try:
        STEPS[step].action(item, by=request.user, **form.cleaned_data)
    except actions.HotlineError as exc:
        return 409, {"detail": str(exc.message)}
    return 200, item


STEP_RESPONSES = {200: ItemOut, **errors(401, 403, 404, 409, 413, 422)}


@router.post("/hotline/items/{item_id}/claim", response=STEP_RESPONSES, auth=ASSESS, url_name="hotline_claim")
def claim(request: HttpRequest, item_id: UUID, payload: Empty | None = None):
    return _run_step(request, item_id, "claim", {})


@router.post("/hotline/items/{item_id}/assess", response=STEP_RESPONSES, auth=ASSESS, url_name="hotline_assess")
def assess(request: HttpRequest, item_id: UUID, payload: AssessIn):
    return _run_step(request, item_id, "assess", payload.dict())


@router.post("/hotline/items/{item_id}/trace", response=STEP_RESPONSES, auth=ASSESS, url_name="hotline_trace")
def trace(request: HttpRequest, item_id: UUID, payload: TraceIn):
    return _run_step(request, item_id, "trace", payload.dict())


@router.post("/hotline/items/{item_id}/forward", response=STEP_RESPONSES, auth=ASSESS, url_name="hotline_forward")
def forward(request: HttpRequest, item_id: UUID, payload: ForwardIn):
    """Record a forward to the hotline of the hosting country."""
    return _run_step(request, item_id, "forward", payload.dict())


@router.post(
    "/hotline/items/{item_id}/law-enforcement", response=STEP_RESPONSES, auth=ASSESS, url_name="hotline_law_enforcement"
)
def law_enforcement(request: HttpRequest, item_id: UUID, payload: LawEnforcementIn):
    return _run_step(request, item_id, "law-enforcement", payload.dict())


@router.post("/hotline/items/{item_id}/notice", response=STEP_RESPONSES, auth=ASSESS, url_name="hotline_notice")
def notice(request: HttpRequest, item_id: UUID, payload: NoticeIn):
    return _run_step(request, item_id, "notice", payload.dict())


@router.post(
    "/hotline/items/{item_id}/removal-check", response=STEP_RESPONSES, auth=ASSESS, url_name="hotline_removal_check"
)
def removal_check(request: HttpRequest, item_id: UUID, payload: RemovalIn):
    data = payload.dict()
    data["removed"] = {True: "yes", False: "no"}.get(data["removed"], "")
    return _run_step(request, item_id, "removal", data)


@router.post("/hotline/items/{item_id}/close", response=STEP_RESPONSES, auth=ASSESS, url_name="hotline_close")
def close(request: HttpRequest, item_id: UUID, payload: CloseIn):
    return _run_step(request, item_id, "close", payload.dict())


# --- Staff: hashes of the material at an item's URL -----------------------------------------------


class KnownOut(Schema):
    list_id: UUID
    list_name: str
    centre: str
    classification: str
    distance: int


class ItemHashOut(Schema):
    id: UUID
    algorithm: str
    value: str
    quality: int | None
    added_by: UUID | None
    added_at: datetime
    known: list[KnownOut]


class ItemHashesIn(Schema):
    # A default, so that the item is found (or 404) before the body is judged.
    hashes: list[str] = []


class ItemHashesOut(Schema):
    added: int
    hashes: list[ItemHashOut]


def _hashes_out(item: Item, user) -> list[dict]:
    return [
        {
            "id": item_hash.pk,
            "algorithm": item_hash.algorithm,
            "value": item_hash.value,
            "quality": item_hash.quality,
            "added_by": item_hash.added_by_id,
            "added_at": item_hash.added_at,
            "known": [
                {
                    "list_id": match.entry.hash_list_id,
                    "list_name": match.entry.hash_list.name,
                    "centre": match.entry.hash_list.centre.code,
                    "classification": match.entry.classification,
                    "distance": match.distance,
                }
                for match in matches
            ],
        }
        for item_hash, matches in queries.hashes_with_matches(item, user)
    ]


@router.get(
    "/hotline/items/{item_id}/hashes",
    response={200: list[ItemHashOut], **errors(401, 403, 404, 422)},
    auth=VIEW,
    url_name="hotline_item_hashes",
)
@paginated(default_limit=100, max_limit=1000)
def list_item_hashes(request: HttpRequest, item_id: UUID):
    """The item's hashes, each with its matches in the hash lists the caller may see."""
    item = access_object(Item.objects.visible_to(request.user), pk=item_id)
    return _hashes_out(item, request.user)


@router.post(
    "/hotline/items/{item_id}/hashes",
    response={200: ItemHashesOut, **errors(401, 403, 404, 409, 413, 422)},
    auth=ASSESS,
    url_name="hotline_item_hashes_add",
)
def add_item_hashes(request: HttpRequest, item_id: UUID, payload: ItemHashesIn):
    """Add up to 1,000 hashes (``md5/sha1/sha256`` hex by length, or ``pdq:<hex>``). Files are hashed by the client."""
    item = access_object(Item.objects.visible_to(request.user, HotlinePerm.ASSESS), pk=item_id)
    parsed, problems = _parsed_hashes(payload.hashes)
    if problems:
        return 422, {"detail": _("The request has errors; nothing was changed."), "errors": {"hashes": problems[:10]}}
    try:
        added = actions.add_item_hashes(item, by=request.user, values=parsed, source="api")
    except actions.HotlineError as exc:
        return 409, {"detail": str(exc.message)}
    return 200, {"added": len(added), "hashes": _hashes_out(item, request.user)}


def _parsed_hashes(texts: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(algorithm, value) of each hash given, or the errors to answer with."""
    if not texts:
        return [], [_("Give at least one hash.")]
    try:
        parsed, refused = hash_values.parse_many(texts)
    except hash_values.BadHash as exc:  # too many
        return [], [str(exc)]
    return parsed, [_("Hash %(n)d: %(error)s") % {"n": position + 1, "error": problem} for position, problem in refused]
