"""The hashes app's API operations, mounted under /api/v1/ by api/root.py.

Batch lookup (up to 1,000 hashes per call), the lists a user can see and their entries, creating
and configuring lists, adding, disabling and enabling entries, through the same matching and
actions as the pages.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from accounts.api_auth import staff
from core.access import access_object, has_perm
from core.api import errors, paginated
from hashes import actions
from hashes import values as hash_values
from hashes.forms import EntryForm, ListForm, ListSettingsForm
from hashes.matching import matches_for
from hashes.models import HashList
from hashes.permissions import HashesPerm
from hashes.queries import supervised_centres

router = Router(tags=["hashes"])


class LookupIn(Schema):
    hashes: list[str] = Field(..., min_length=1, max_length=hash_values.MAX_AT_ONCE)


class MatchOut(Schema):
    entry_id: UUID
    list_id: UUID
    list_name: str
    centre: str
    classification: str
    distance: int


class ResultOut(Schema):
    query: str
    algorithm: str
    matches: list[MatchOut]


class InvalidOut(Schema):
    index: int
    error: str


class LookupOut(Schema):
    results: list[ResultOut]
    invalid: list[InvalidOut]


@router.post(
    "/hashes/lookup",
    response={200: LookupOut, **errors(401, 403, 413, 422)},
    auth=staff(HashesPerm.VIEW),
    url_name="hashes_lookup",
)
def lookup(request: HttpRequest, body: LookupIn):
    """Match up to 1,000 hashes (``md5/sha1/sha256`` hex by length, or ``pdq:<hex>``)."""
    parsed, refused = hash_values.parse_many(body.hashes)  # the schema allows no more than MAX_AT_ONCE
    invalid = [{"index": position, "error": str(problem)} for position, problem in refused]
    by_query: dict[tuple[str, str], list] = {value: [] for value in parsed}
    for match in matches_for(parsed, user=request.user):
        entry = match.entry
        by_query[(match.algorithm, match.query)].append(
            {
                "entry_id": entry.pk,
                "list_id": entry.hash_list_id,
                "list_name": entry.hash_list.name,
                "centre": entry.hash_list.centre.code,
                "classification": entry.classification,
                "distance": match.distance,
            }
        )
    results = [
        {"query": value, "algorithm": algorithm, "matches": found} for (algorithm, value), found in by_query.items()
    ]
    return {"results": results, "invalid": invalid}


class ListOut(Schema):
    id: UUID
    name: str
    centre: str = Field(..., alias="centre.code")
    kind: str
    source: str
    trust_level: str
    shares_with_network: bool


@router.get(
    "/hashes/lists",
    response={200: list[ListOut], **errors(401, 403, 422)},
    auth=staff(HashesPerm.VIEW),
    url_name="hashes_lists",
)
@paginated()
def get_lists(request: HttpRequest):
    return HashList.objects.visible_to(request.user).select_related("centre").order_by("name", "pk")


class EntryOut(Schema):
    id: UUID
    algorithm: str
    value: str
    classification: str
    quality: int | None
    first_seen: datetime
    is_active: bool


@router.get(
    "/hashes/lists/{list_id}/entries",
    response={200: list[EntryOut], **errors(401, 403, 404, 422)},
    auth=staff(HashesPerm.VIEW),
    url_name="hashes_list_entries",
)
@paginated(default_limit=500, max_limit=5000)
def get_entries(request: HttpRequest, list_id: UUID, algorithm: str = "", active: bool | None = None):
    hash_list = access_object(HashList.objects.visible_to(request.user), pk=list_id)
    entries = hash_list.entries.order_by("first_seen", "pk")
    if algorithm:
        entries = entries.filter(algorithm=algorithm)
    if active is not None:
        entries = entries.filter(is_active=active)
    return entries


class EntryIn(Schema):
    algorithm: str = ""
    value: str = ""
    classification: str = ""
    quality: int | None = None


@router.post(
    "/hashes/lists/{list_id}/entries",
    response={200: EntryOut, 201: EntryOut, **errors(401, 403, 404, 413, 422)},
    auth=staff(HashesPerm.ADD),
    url_name="hashes_add_entry",
)
def add_entry(request: HttpRequest, list_id: UUID, body: EntryIn):
    """Add a hash to a list of one of the caller's centres (201; 200 when it was already there)."""
    hash_list = access_object(HashList.objects.visible_to(request.user), pk=list_id)
    if not has_perm(request.user, HashesPerm.ADD, hash_list.centre_id):
        # Visible (a network list of another centre) but not theirs to change.
        raise HttpError(403, _("You do not have permission to do this."))
    form = EntryForm(body.dict())
    if not form.is_valid():
        raise HttpError(422, _("The hash is not valid: %(errors)s") % {"errors": form.errors.as_text()})
    data = form.cleaned_data
    entry, created = actions.add_entry(
        hash_list,
        by=request.user,
        algorithm=data["algorithm"],
        value=data["value"],
        classification=data["classification"],
        quality=data["quality"],
        origin="api",
    )
    return (201 if created else 200), entry


class ListIn(Schema):
    centre: str = ""  # the owner centre's code
    name: str = ""
    kind: str = ""
    source: str = ""
    trust_level: str = ""
    shares_with_network: bool = False


def _form_errors(form) -> str:
    return _("The data is not valid: %(errors)s") % {"errors": form.errors.as_text()}


@router.post(
    "/hashes/lists",
    response={201: ListOut, **errors(401, 403, 413, 422)},
    auth=staff(HashesPerm.MANAGE),
    url_name="hashes_create_list",
)
def create_list(request: HttpRequest, body: ListIn):
    """Create a list at a centre the caller supervises (the centre by its code)."""
    centres = supervised_centres(request.user)
    data = body.dict()
    data["centre"] = next((str(c.pk) for c in centres if c.code == body.centre), "")
    form = ListForm(data, centres=centres)
    if not form.is_valid():
        raise HttpError(422, _form_errors(form))
    fields = form.cleaned_data
    hash_list = actions.create_list(fields.pop("centre"), by=request.user, **fields)
    return 201, hash_list


class ListSettingsIn(Schema):
    name: str | None = None
    source: str | None = None
    trust_level: str | None = None
    shares_with_network: bool | None = None


@router.patch(
    "/hashes/lists/{list_id}",
    response={200: ListOut, **errors(401, 403, 404, 413, 422)},
    auth=staff(HashesPerm.MANAGE),
    url_name="hashes_update_list",
)
def update_list(request: HttpRequest, list_id: UUID, body: ListSettingsIn):
    """Change a list's name, source, trust level or sharing (a supervisor of its centre)."""
    hash_list = access_object(HashList.objects.visible_to(request.user).select_related("centre"), pk=list_id)
    if not has_perm(request.user, HashesPerm.MANAGE, hash_list.centre_id):
        raise HttpError(403, _("You do not have permission to do this."))
    current = {f: getattr(hash_list, f) for f in ("name", "source", "trust_level", "shares_with_network")}
    given = {key: value for key, value in body.dict().items() if value is not None}
    form = ListSettingsForm({**current, **given}, hash_list=hash_list)
    if not form.is_valid():
        raise HttpError(422, _form_errors(form))
    return actions.update_list(hash_list, by=request.user, **form.cleaned_data)


class ActiveIn(Schema):
    active: bool | None = None  # checked after access, so another centre's entry is a 404 first


@router.post(
    "/hashes/lists/{list_id}/entries/{entry_id}/active",
    response={200: EntryOut, **errors(401, 403, 404, 413, 422)},
    auth=staff(HashesPerm.ADD),
    url_name="hashes_set_entry_active",
)
def set_entry_active(request: HttpRequest, list_id: UUID, entry_id: UUID, body: ActiveIn):
    """Disable an entry (no longer matched, anywhere, within a second) or enable it again."""
    hash_list = access_object(HashList.objects.visible_to(request.user), pk=list_id)
    if not has_perm(request.user, HashesPerm.ADD, hash_list.centre_id):
        raise HttpError(403, _("You do not have permission to do this."))
    entry = access_object(hash_list.entries.all(), pk=entry_id)
    if body.active is None:
        raise HttpError(422, _("Say whether the entry is active: true or false."))
    return actions.set_entry_active(entry, by=request.user, active=body.active)
