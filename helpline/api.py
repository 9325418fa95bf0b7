"""The helpline's staff API (mounted under /api/v1/): the same scoping, forms and actions as the pages."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from accounts.api_auth import staff
from audit.actions import record
from core.access import access_centre, access_object
from core.api import errors, paginated
from helpline import actions, forms, queries
from helpline.models import CASE_DATA_PERMISSION, Case, Contact

router = Router(tags=["helpline"])
LOG = staff(CASE_DATA_PERMISSION)


class ContactIn(Schema):
    centre_id: UUID | None = Field(None, description="Needed only by someone who logs for several centres.")
    draft: bool = False
    kind: str = "counselling"
    channel: str = "phone"
    started_at: datetime | None = None
    ended_at: datetime | None = None
    caller_role: str = ""
    age: int | None = None
    age_band: str = ""
    gender: str = ""
    municipality: str = ""
    platform_type: str = ""
    categories: list[UUID] = []
    urgency: str = "routine"
    summary: str = ""
    action_taken: str = ""
    consent_callback: bool = False
    consent_share: bool = False
    contact_details: str = ""
    identifier: str = Field("", description="Phone, e-mail or chat handle; stored only as a keyed hash.")


class ContactOut(Schema):
    """A contact as lists show it: never its summary, details or identifier."""

    id: UUID
    centre_id: UUID
    is_draft: bool
    kind: str
    channel: str
    started_at: datetime
    ended_at: datetime | None
    caller_role: str
    age: int | None
    age_band: str
    gender: str
    municipality: str
    platform_type: str
    urgency: str
    action_taken: str
    consent_callback: bool
    consent_share: bool
    case_id: UUID | None


class ContactDetailOut(ContactOut):
    summary: str
    contact_details: str
    categories: list[UUID]
    narrative_erased_at: datetime | None

    @staticmethod
    def resolve_categories(obj) -> list[UUID]:
        return [category.pk for category in obj.categories.all()]


class CaseOut(Schema):
    id: UUID
    centre_id: UUID
    reference: str
    status: str
    risk_level: str
    restricted: bool
    owner_id: UUID | None
    created_at: datetime
    closed_at: datetime | None


class NoteOut(Schema):
    id: UUID
    author_id: UUID | None
    created_at: datetime
    text: str


class CaseDetailOut(CaseOut):
    contacts: list[UUID]
    notes: list[NoteOut]

    @staticmethod
    def resolve_contacts(obj) -> list[UUID]:
        return [contact.pk for contact in obj.contacts.all()]

    @staticmethod
    def resolve_notes(obj) -> list:
        return list(obj.notes.all())


class CaseUpdateIn(Schema):
    status: str | None = None
    risk_level: str | None = None
    restricted: bool | None = None


class NoteIn(Schema):
    text: str = ""


def _form_data(payload: ContactIn) -> dict:
    # The API validates exactly as the page does: through the same form.
    data = payload.dict(exclude={"centre_id", "draft"})
    for name in ("started_at", "ended_at"):
        if data[name] is not None:
            data[name] = timezone.localtime(data[name]).strftime("%Y-%m-%dT%H:%M:%S")
        elif name == "started_at":
            data[name] = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")
    data["categories"] = [str(pk) for pk in payload.categories]
    return {key: value for key, value in data.items() if value is not None}


def _errors(form) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


@router.get(
    "/helpline/contacts",
    response={200: list[ContactOut], **errors(401, 403, 422)},
    auth=LOG,
    url_name="helpline_contacts",
)
@paginated()
def list_contacts(request: HttpRequest):
    """Logged contacts of the caller's centres, newest first (no summaries)."""
    return queries.contact_list(request.user)


@router.post(
    "/helpline/contacts",
    response={201: ContactDetailOut, **errors(401, 403, 404, 413, 422)},
    auth=LOG,
    url_name="helpline_log_contact",
)
def log_contact(request: HttpRequest, payload: ContactIn):
    """Log a contact (or, with draft=true, keep it as the caller's draft)."""
    centres = queries.logging_centres(request.user)
    centre = access_centre(request.user, payload.centre_id, CASE_DATA_PERMISSION) if payload.centre_id else centres[0]
    form = forms.ContactForm(_form_data(payload), instance=Contact(centre=centre, id=None), draft=payload.draft)
    if not form.is_valid() and not payload.draft:
        return 422, {"detail": _("The contact is not valid."), "errors": _errors(form)}
    act = actions.save_draft if payload.draft else actions.log_contact
    contact = act(None, centre=centre, by=request.user, data=form.action_data())
    return 201, contact


@router.get(
    "/helpline/contacts/{contact_id}",
    response={200: ContactDetailOut, **errors(401, 403, 404, 422)},
    auth=LOG,
    url_name="helpline_contact",
)
def get_contact(request: HttpRequest, contact_id: UUID):
    """One contact with its summary: the read is audited."""
    contact = access_object(Contact.objects.visible_to(request.user).prefetch_related("categories"), pk=contact_id)
    record(
        "helpline.contact_viewed", actor=request.user, centre_id=contact.centre_id, obj=contact, changes={"via": "api"}
    )
    return contact


@router.post(
    "/helpline/contacts/{contact_id}/case",
    response={201: CaseOut, **errors(401, 403, 404, 409, 422)},
    auth=LOG,
    url_name="helpline_open_case",
)
def open_case(request: HttpRequest, contact_id: UUID):
    """Open a case from a contact."""
    contact = access_object(Contact.objects.visible_to(request.user).filter(is_draft=False), pk=contact_id)
    if contact.case_id:
        return 409, {"detail": _("The contact already belongs to a case.")}
    return 201, actions.open_case(contact, by=request.user)


@router.get(
    "/helpline/cases", response={200: list[CaseOut], **errors(401, 403, 422)}, auth=LOG, url_name="helpline_cases"
)
@paginated()
def list_cases(request: HttpRequest):
    """Cases the caller may see (restricted ones only for their owner and the supervisors)."""
    return Case.objects.visible_to(request.user).order_by("-created_at", "pk")


def _case(request: HttpRequest, case_id: UUID) -> Case:
    return access_object(Case.objects.visible_to(request.user), pk=case_id)


@router.get(
    "/helpline/cases/{case_id}",
    response={200: CaseDetailOut, **errors(401, 403, 404, 422)},
    auth=LOG,
    url_name="helpline_case",
)
def get_case(request: HttpRequest, case_id: UUID):
    """One case with its contacts and notes: the read is audited."""
    case = access_object(Case.objects.visible_to(request.user).prefetch_related("contacts", "notes"), pk=case_id)
    record("helpline.case_viewed", actor=request.user, centre_id=case.centre_id, obj=case, changes={"via": "api"})
    return case


@router.patch(
    "/helpline/cases/{case_id}",
    response={200: CaseOut, **errors(401, 403, 404, 413, 422)},
    auth=LOG,
    url_name="helpline_update_case",
)
def update_case(request: HttpRequest, case_id: UUID, payload: CaseUpdateIn):
    """Change a case's status, risk level or restriction (what is left out stays)."""
    case = _case(request, case_id)
    current = {"status": case.status, "risk_level": case.risk_level, "restricted": case.restricted}
    form = forms.CaseForm({**current, **payload.dict(exclude_none=True)})
    if not form.is_valid():
        return 422, {"detail": _("The change is not valid."), "errors": _errors(form)}
    actions.update_case(case, by=request.user, **form.cleaned_data)
    return 200, case


@router.post(
    "/helpline/cases/{case_id}/notes",
    response={201: NoteOut, **errors(401, 403, 404, 413, 422)},
    auth=LOG,
    url_name="helpline_add_note",
)
def add_note(request: HttpRequest, case_id: UUID, payload: NoteIn):
    """Add a note to a case (encrypted at rest)."""
    case = _case(request, case_id)
    form = forms.NoteForm({"text": payload.text})
    if not form.is_valid():
        return 422, {"detail": _("The note is not valid."), "errors": _errors(form)}
    return 201, actions.add_note(case, by=request.user, text=form.cleaned_data["text"])
