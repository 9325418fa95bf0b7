"""Every change to assessments, ratings, evidence, action plans and editors: one audit entry each."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record, save_recorded
from core.access import acting_centre_id
from nrm.models import (
    EDITABLE_STATUSES,
    ActionItem,
    ActionItemComment,
    Assessment,
    Capability,
    Editor,
    EvidenceFile,
    Framework,
    Rating,
    Status,
)


def _require_status(assessment: Assessment, *allowed: str) -> None:
    if assessment.status not in allowed:
        raise ValidationError(
            _("This cannot be done while the assessment is %(status)s.") % {"status": assessment.get_status_display()}
        )


@transaction.atomic
def create_assessment(country, *, framework: Framework, period: str, by) -> Assessment:
    assessment = Assessment.objects.create(country=country, framework=framework, period=period)
    record(
        "nrm.assessment_created",
        actor=by,
        centre_id=acting_centre_id(by, country.pk),
        obj=assessment,
        changes={"country": country.code, "period": period},
    )
    return assessment


@transaction.atomic
def rate_capability(
    assessment: Assessment,
    capability: Capability,
    *,
    by,
    level: int,
    evidence: str = "",
    links: str = "",
    gaps: str = "",
    recommendations: str = "",
    upload: UploadedFile | None = None,
) -> Rating:
    """Set a capability's level and its evidence; an uploaded PDF (already checked) is attached."""
    assessment = Assessment.objects.select_for_update().same_as(assessment).get()
    _require_status(assessment, *EDITABLE_STATUSES)
    rating, _created = Rating.objects.of(assessment=assessment).get_or_create(
        assessment=assessment, capability=capability
    )
    before = rating.level
    rating.level, rating.evidence, rating.links = level, evidence, links
    rating.gaps, rating.recommendations, rating.rated_by = gaps, recommendations, by
    rating.save(update_fields=["level", "evidence", "links", "gaps", "recommendations", "rated_by", "updated_at"])
    changes = {"capability": capability.number, "level": [before, level]}
    if upload is not None:
        evidence_file = EvidenceFile(rating=rating, original_name=upload.name[:200], size=upload.size, uploaded_by=by)
        evidence_file.file.save("evidence.pdf", upload, save=False)
        evidence_file.save()
        changes["file"] = str(evidence_file.pk)
    record(
        "nrm.capability_rated",
        actor=by,
        centre_id=acting_centre_id(by, assessment.country_id),
        obj=assessment,
        changes=changes,
    )
    return rating


@transaction.atomic
def attach_evidence(assessment: Assessment, capability: Capability, *, by, upload: UploadedFile) -> EvidenceFile:
    """Attach a PDF (already checked) to a capability's existing rating."""
    assessment = Assessment.objects.select_for_update().same_as(assessment).get()
    _require_status(assessment, *EDITABLE_STATUSES)
    rating = Rating.objects.of(assessment=assessment).filter(capability=capability).first()
    if rating is None:
        raise ValidationError(_("Rate the capability before attaching evidence to it."))
    evidence_file = EvidenceFile(rating=rating, original_name=upload.name[:200], size=upload.size, uploaded_by=by)
    evidence_file.file.save("evidence.pdf", upload, save=False)
    evidence_file.save()
    record(
        "nrm.evidence_attached",
        actor=by,
        centre_id=acting_centre_id(by, assessment.country_id),
        obj=assessment,
        changes={"capability": capability.number, "file": str(evidence_file.pk)},
    )
    return evidence_file


def _transition(assessment: Assessment, *, by, allowed: tuple, status: str, action: str, fields: dict) -> Assessment:
    assessment = Assessment.objects.select_for_update().same_as(assessment).get()
    _require_status(assessment, *allowed)
    before = assessment.status
    assessment.status = status
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.save(update_fields=["status", *fields, "updated_at"])
    record(
        action,
        actor=by,
        centre_id=acting_centre_id(by, assessment.country_id),
        obj=assessment,
        changes={"status": [before, status]},
    )
    return assessment


@transaction.atomic
def update_summary(assessment: Assessment, *, by, summary: str) -> Assessment:
    """The short summary shown with the assessment (and on the public site once published)."""
    assessment = Assessment.objects.select_for_update().same_as(assessment).get()
    _require_status(assessment, *EDITABLE_STATUSES)
    assessment.summary = summary
    assessment.save(update_fields=["summary", "updated_at"])
    record(
        "nrm.summary_updated",
        actor=by,
        centre_id=acting_centre_id(by, assessment.country_id),
        obj=assessment,
        changes={"length": len(summary)},
    )
    return assessment


@transaction.atomic
def submit_assessment(assessment: Assessment, *, by) -> Assessment:
    return _transition(
        assessment,
        by=by,
        allowed=EDITABLE_STATUSES,
        status=Status.SUBMITTED,
        action="nrm.assessment_submitted",
        fields={"submitted_at": timezone.now()},
    )


@transaction.atomic
def validate_assessment(assessment: Assessment, *, by) -> Assessment:
    return _transition(
        assessment,
        by=by,
        allowed=(Status.SUBMITTED,),
        status=Status.VALIDATED,
        action="nrm.assessment_validated",
        fields={"validated_at": timezone.now(), "validated_by": by},
    )


@transaction.atomic
def reopen_assessment(assessment: Assessment, *, by) -> Assessment:
    # Reopening withdraws it from the public site: only validated data is ever published.
    return _transition(
        assessment,
        by=by,
        allowed=(Status.SUBMITTED, Status.VALIDATED),
        status=Status.REOPENED,
        action="nrm.assessment_reopened",
        fields={"validated_at": None, "validated_by": None, "is_published": False},
    )


@transaction.atomic
def set_published(assessment: Assessment, *, by, published: bool) -> Assessment:
    assessment = Assessment.objects.select_for_update().same_as(assessment).get()
    if published:
        _require_status(assessment, Status.VALIDATED)
    assessment.is_published = published
    assessment.save(update_fields=["is_published", "updated_at"])
    action = "nrm.assessment_published" if published else "nrm.assessment_unpublished"
    record(
        action,
        actor=by,
        centre_id=acting_centre_id(by, assessment.country_id),
        obj=assessment,
        changes={"is_published": published},
    )
    return assessment


@transaction.atomic
def add_action_item(
    assessment: Assessment,
    *,
    by,
    title: str,
    owner_organisation: str,
    due_date: datetime.date,
    capability: Capability | None = None,
) -> ActionItem:
    item = ActionItem.objects.create(
        assessment=assessment,
        capability=capability,
        title=title,
        owner_organisation=owner_organisation,
        due_date=due_date,
    )
    record(
        "nrm.action_item_added",
        actor=by,
        centre_id=acting_centre_id(by, item.assessment.country_id),
        obj=item,
        changes={"assessment": str(assessment.pk), "due_date": due_date, "owner": owner_organisation},
    )
    return item


@transaction.atomic
def update_action_item(item: ActionItem, *, by, status: str, comment: str = "") -> ActionItem:
    """Progress on the plan goes on after validation: status and comments stay open to editors."""
    before = item.status
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    if comment:
        ActionItemComment.objects.create(item=item, author=by, text=comment)
    record(
        "nrm.action_item_updated",
        actor=by,
        centre_id=acting_centre_id(by, item.assessment.country_id),
        obj=item,
        changes={"status": [before, status], "comment": bool(comment)},
    )
    return item


@transaction.atomic
def name_editor(country, user, *, by) -> Editor:
    editor, created = Editor.objects.get_or_create(country=country, user=user, defaults={"named_by": by})
    if created:  # naming someone already named changes nothing, and is not recorded
        record(
            "nrm.editor_named",
            actor=by,
            centre_id=acting_centre_id(by, country.pk),
            obj=editor,
            changes={"country": country.code, "user": str(user.pk)},
        )
    return editor


@transaction.atomic
def remove_editor(editor: Editor, *, by) -> None:
    record(
        "nrm.editor_removed",
        actor=by,
        centre_id=acting_centre_id(by, editor.country_id),
        obj=editor,
        changes={"country": editor.country.code, "user": str(editor.user_id)},
    )
    editor.delete()


def save_framework_data(obj, *, by, fields: list[str]) -> bool:
    """A platform administrator edits the framework's data: a version, its levels, domains and
    capabilities (the admin). ``fields``: the fields changed (none for a new one); one audit entry names them."""
    return save_recorded(obj, by=by, action=f"nrm.{obj._meta.model_name}", fields=fields)
