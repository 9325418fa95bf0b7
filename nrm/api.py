"""The nrm app's API operations, mounted under /api/v1/ by api/root.py: the same reads and actions as the pages."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import File, Path, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from accounts.api_auth import staff
from core.api import Mapped, errors, paginated
from nrm import actions, queries
from nrm.forms import MAX_EVIDENCE_BYTES, check_evidence
from nrm.models import Assessment, Capability
from nrm.permissions import NrmPerm

router = Router(tags=["nrm"])


class AssessmentOut(Schema):
    id: UUID
    country: str
    period: str
    status: str
    is_published: bool
    framework: str


class RatingOut(Schema):
    capability: int
    level: int
    evidence: str
    links: list[str]
    gaps: str
    recommendations: str


class ActionItemOut(Schema):
    id: UUID
    title: str
    capability: int | None
    owner_organisation: str
    due_date: datetime.date
    status: str


class AssessmentDetailOut(AssessmentOut):
    ratings: list[RatingOut]
    action_items: list[ActionItemOut]


class RatingIn(Schema):
    # Defaults let the access check answer first (404 for a stranger) before the body is judged.
    capability: int = 0
    level: int = -1
    evidence: str = ""
    links: list[str] = []
    gaps: str = ""
    recommendations: str = ""


def _summary(assessment: Assessment) -> dict:
    return {
        "id": assessment.pk,
        "country": assessment.country.code,
        "period": assessment.period,
        "status": assessment.status,
        "is_published": assessment.is_published,
        "framework": f"{assessment.framework.code} {assessment.framework.version}",
    }


def _detail(assessment: Assessment) -> dict:
    ratings = queries.ratings_by_number(assessment).values()
    items = assessment.action_items.select_related("capability")
    return _summary(assessment) | {
        "ratings": [
            {
                "capability": r.capability.number,
                "level": r.level,
                "evidence": r.evidence,
                "links": r.link_list,
                "gaps": r.gaps,
                "recommendations": r.recommendations,
            }
            for r in ratings
        ],
        "action_items": [
            {
                "id": i.pk,
                "title": i.title,
                "capability": i.capability.number if i.capability else None,
                "owner_organisation": i.owner_organisation,
                "due_date": i.due_date,
                "status": i.status,
            }
            for i in items
        ],
    }


@router.get(
    "/nrm/assessments",
    response={200: list[AssessmentOut], **errors(401, 403, 422)},
    auth=staff(NrmPerm.READ),
    url_name="nrm_assessments",
)
@paginated()
def list_assessments(request):
    """The assessments the caller may read: their countries' (the coordinator: all)."""
    assessments = Assessment.objects.visible_to(request.user).select_related("country", "framework")
    return Mapped(assessments, _summary)


@router.get(
    "/nrm/assessments/{assessment_id}",
    response={200: AssessmentDetailOut, **errors(401, 403, 404, 422)},
    auth=staff(NrmPerm.READ),
    url_name="nrm_assessment",
)
def get_assessment(request, assessment_id: UUID):
    return _detail(queries.access_assessment(request.user, assessment_id))


@router.post(
    "/nrm/assessments/{assessment_id}/ratings",
    response={200: AssessmentDetailOut, **errors(401, 403, 404, 409, 413, 422)},
    auth=staff(NrmPerm.READ),
    url_name="nrm_rate",
)
def rate(request, assessment_id: UUID, payload: RatingIn):
    """Rate one capability, through the same action as the page (evidence files: .../evidence)."""
    assessment = queries.access_assessment(request.user, assessment_id)
    try:
        queries.require_editor(request.user, assessment)
    except PermissionDenied:
        raise HttpError(403, _("You do not have permission to do this."))
    capability = Capability.objects.filter(domain__framework=assessment.framework, number=payload.capability).first()
    levels = queries.levels_of(assessment.framework)
    if capability is None or payload.level not in levels:
        raise HttpError(422, _("Give a capability number and a maturity level of this framework."))
    try:
        actions.rate_capability(
            assessment,
            capability,
            by=request.user,
            level=payload.level,
            evidence=payload.evidence,
            links="\n".join(payload.links),
            gaps=payload.gaps,
            recommendations=payload.recommendations,
        )
    except ValidationError as error:
        raise HttpError(409, " ".join(error.messages))
    return _detail(assessment)


class EvidenceOut(Schema):
    id: UUID
    original_name: str
    size: int


@router.post(
    "/nrm/assessments/{assessment_id}/ratings/{number}/evidence",
    response={201: EvidenceOut, **errors(401, 403, 404, 413, 422)},
    auth=staff(NrmPerm.READ),
    url_name="nrm_attach_evidence",
)
def attach_evidence(
    request,
    assessment_id: UUID,
    number: int = Path(..., ge=0, le=10_000),
    document: UploadedFile | None = File(None),
):
    """Attach a PDF (multipart field "document") to a rated capability, as the page does."""
    assessment = queries.access_assessment(request.user, assessment_id)
    try:
        queries.require_editor(request.user, assessment)
    except PermissionDenied:
        raise HttpError(403, _("You do not have permission to do this."))
    capability = Capability.objects.filter(domain__framework=assessment.framework, number=number).first()
    if capability is None:
        raise HttpError(404, _("No such capability in this framework."))
    if document is None:
        raise HttpError(422, _("Send the PDF in the multipart field “document”."))
    if document.size > MAX_EVIDENCE_BYTES:
        raise HttpError(
            413, _("The file is too large: at most %(size)s.") % {"size": filesizeformat(MAX_EVIDENCE_BYTES)}
        )
    try:
        check_evidence(document)
        evidence_file = actions.attach_evidence(assessment, capability, by=request.user, upload=document)
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages))
    return 201, evidence_file
