"""The legal app's API operations, mounted under /api/v1/ by api/root.py."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from accounts.api_auth import staff
from core.api import Mapped, errors, paginated
from legal import actions, queries
from legal.models import Entry, EntryStatus, Provision
from legal.permissions import LegalPerm

router = Router(tags=["legal"])


class EntryOut(Schema):
    country: str
    provision: str
    status: str
    national_law: str
    article: str
    note: str
    source: str
    reviewed_at: datetime.datetime | None
    validated: bool


class EntryIn(Schema):
    # Defaults let the access check answer first (404 for a stranger) before the body is judged.
    status: str = ""
    national_law: str = ""
    article: str = ""
    note: str = ""
    source: str = ""


def _entry(entry: Entry) -> dict:
    return {
        "country": entry.country.code,
        "provision": entry.provision.code,
        "status": entry.status,
        "national_law": entry.national_law,
        "article": entry.article,
        "note": entry.note,
        "source": entry.source,
        "reviewed_at": entry.reviewed_at,
        "validated": entry.validated_at is not None,
    }


@router.get(
    "/legal/entries",
    response={200: list[EntryOut], **errors(401, 403, 422)},
    auth=staff(LegalPerm.READ),
    url_name="legal_entries",
)
@paginated(default_limit=200, max_limit=1000)
def list_entries(request):
    """The matrix as the caller sees it: their countries' entries, other countries' validated ones."""
    own = queries.readable_country_ids(request.user)
    entries = Entry.objects.network_shared(own)
    return Mapped(entries.select_related("country", "provision"), _entry)


@router.get(
    "/legal/countries/{country_id}/entries",
    response={200: list[EntryOut], **errors(401, 403, 404, 422)},
    auth=staff(LegalPerm.READ),
    url_name="legal_country_entries",
)
@paginated(default_limit=200, max_limit=1000)
def country_entries(request, country_id: UUID):
    country = queries.access_country(request.user, country_id)
    entries = Entry.objects.visible_to(request.user).filter(country=country).select_related("country", "provision")
    return Mapped(entries, _entry)


@router.put(
    "/legal/countries/{country_id}/entries/{code}",
    response={200: EntryOut, **errors(401, 403, 404, 413, 422)},
    auth=staff(LegalPerm.READ),
    url_name="legal_update_entry",
)
def update_entry(request, country_id: UUID, code: str, payload: EntryIn):
    """Record a country's status against a provision, through the same action as the page."""
    country = queries.access_country(request.user, country_id)
    try:
        queries.require_editor(request.user, country)
    except PermissionDenied:
        raise HttpError(403, _("You do not have permission to do this."))
    provision = Provision.objects.filter(code=code, is_active=True).first()
    if provision is None:
        raise HttpError(404, _("No such provision."))
    if payload.status not in EntryStatus.values:
        raise HttpError(422, _("Give a status: full, partial, none, unknown or not_applicable."))
    limits = {"national_law": 300, "article": 100, "source": 500}
    if any(len(getattr(payload, name)) > size for name, size in limits.items()):
        raise HttpError(422, _("A field is too long."))
    entry = actions.update_entry(country, provision, by=request.user, **payload.dict())
    return _entry(Entry.objects.select_related("country", "provision").same_as(entry).get())
