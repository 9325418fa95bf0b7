"""Every state change of the helpline: one transaction, explicit update_fields, one audit entry.

Audit entries name fields and choices, never the plaintext of a summary, note or identifier.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record, save_recorded
from core import events
from core.access import has_perm
from core.canonical_urls import canonicalize
from core.crypto import keyed_hash
from core.tasks import send_email
from helpline.models import (
    QUICK_KINDS,
    Case,
    CaseNote,
    CaseStatus,
    Contact,
    Escalation,
    FollowUpTask,
    IdentifierFlag,
    RetentionRule,
    RiskLevel,
    ServiceReferral,
    SupportService,
    Urgency,
    UrgentAlert,
    age_band_for,
)
from helpline.permissions import HelplinePerm
from network.models import Service as NetworkService
from network.queries import covering_centre

IDENTIFIER_PURPOSE = "helpline.identifier"

# Fields a contact form may set; the sensitive ones are never named with their values in the audit.
CONTACT_FIELDS = (
    "kind",
    "channel",
    "started_at",
    "ended_at",
    "caller_role",
    "age",
    "age_band",
    "gender",
    "municipality",
    "platform_type",
    "urgency",
    "action_taken",
    "consent_callback",
    "consent_share",
    "summary",
    "contact_details",
)


def hash_identifier(value: str) -> str:
    """The keyed hash under which a caller's identifier is stored ("" for none)."""
    value = (value or "").strip()
    return keyed_hash(value, purpose=IDENTIFIER_PURPOSE) if value else ""


def _apply(contact: Contact, data: dict[str, Any]) -> list[str]:
    changed = []
    for field in CONTACT_FIELDS:
        if field in data and data[field] is not None:
            setattr(contact, field, data[field])
            changed.append(field)
    if "identifier" in data and data["identifier"]:
        contact.identifier_hash = hash_identifier(data["identifier"])
        changed.append("identifier_hash")
    if contact.age is not None and not contact.age_band:
        contact.age_band = age_band_for(contact.age)
        changed.append("age_band")
    return changed


def _write_contact(contact: Contact, data: dict[str, Any], *, is_draft: bool) -> list[str]:
    is_new = contact._state.adding
    changed = _apply(contact, data)
    contact.is_draft = is_draft
    if is_new:
        contact.save()
    else:
        contact.save(update_fields=sorted({*changed, "is_draft", "updated_at"}))
    if data.get("categories") is not None:
        contact.categories.set(data["categories"])
        changed.append("categories")
    return changed


@transaction.atomic
def save_draft(contact: Contact | None, *, centre, by, data: dict[str, Any]) -> Contact:
    """Keep what the counsellor has typed so far; a dropped call or closed tab loses nothing."""
    contact = contact or Contact(centre=centre, counsellor=by)
    is_new = contact._state.adding
    changed = _write_contact(contact, data, is_draft=True)
    record(
        "helpline.contact_draft_saved",
        actor=by,
        centre_id=contact.centre_id,
        obj=contact,
        changes={"new": is_new, "fields": sorted(set(changed))},
    )
    return contact


@transaction.atomic
def log_contact(contact: Contact | None, *, centre, by, data: dict[str, Any]) -> Contact:
    """Record a contact (new, or a draft made final); imminent danger alerts the supervisors."""
    contact = contact or Contact(centre=centre, counsellor=by)
    changed = _write_contact(contact, data, is_draft=False)
    record(
        "helpline.contact_logged",
        actor=by,
        centre_id=contact.centre_id,
        obj=contact,
        changes={
            "kind": contact.kind,
            "channel": contact.channel,
            "urgency": contact.urgency,
            "fields": sorted(set(changed)),
        },
    )
    if contact.urgency == Urgency.IMMINENT:
        raise_alert(centre=contact.centre, contact=contact, by=by)
    return contact


@transaction.atomic
def log_quick_contact(*, centre, by, kind: str, channel: str) -> Contact:
    """One click for a contact that needs nothing more: silent, hang-up, abusive, test."""
    if kind not in QUICK_KINDS:
        raise ValueError(f"{kind!r} is not a one-click contact kind")
    now = timezone.now()
    contact = Contact.objects.create(
        centre=centre, counsellor=by, kind=kind, channel=channel, started_at=now, ended_at=now
    )
    record(
        "helpline.contact_logged",
        actor=by,
        centre_id=centre.pk,
        obj=contact,
        changes={"kind": kind, "channel": channel},
    )
    return contact


@transaction.atomic
def discard_draft(contact: Contact, *, by) -> None:
    """Drop a draft the counsellor no longer needs."""
    contact_id, centre_id = contact.pk, contact.centre_id
    contact.delete()
    record(
        "helpline.contact_draft_discarded",
        actor=by,
        centre_id=centre_id,
        object_type="helpline.contact",
        object_id=str(contact_id),
    )


# --- Repeat contacts -------------------------------------------------------------------------------


@transaction.atomic
def flag_identifier(contact: Contact, *, by, reason: str, hours: int) -> IdentifierFlag:
    """Flag the contact's identifier at this centre until the expiry, when it lapses by itself."""
    if not contact.identifier_hash:
        raise ValueError("the contact has no identifier to flag")
    flag = IdentifierFlag.objects.create(
        centre_id=contact.centre_id,
        identifier_hash=contact.identifier_hash,
        reason=reason,
        expires_at=timezone.now() + timedelta(hours=hours),
        created_by=by,
    )
    record(
        "helpline.identifier_flagged",
        actor=by,
        centre_id=contact.centre_id,
        obj=flag,
        changes={"contact": str(contact.pk), "reason": reason, "hours": hours},
    )
    return flag


# --- Cases ---------------------------------------------------------------------------------------


def _next_case_number(centre_id) -> int:
    # The unique constraint on (centre, number) turns a rare race into an error, never a duplicate.
    last = Case.objects.unscoped("case numbering").filter(centre_id=centre_id).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


@transaction.atomic
def open_case(contact: Contact, *, by, risk_level: str = RiskLevel.LOW) -> Case:
    """Open a case from a contact; the counsellor who opens it owns it."""
    case = Case.objects.create(
        centre_id=contact.centre_id, number=_next_case_number(contact.centre_id), owner=by, risk_level=risk_level
    )
    contact.case = case
    contact.save(update_fields=["case", "updated_at"])
    record("helpline.case_opened", actor=by, centre_id=case.centre_id, obj=case, changes={"contact": str(contact.pk)})
    if risk_level == RiskLevel.IMMINENT:
        raise_alert(centre=case.centre, case=case, by=by)
    return case


@transaction.atomic
def link_contact(case: Case, contact: Contact, *, by) -> None:
    """Attach a further contact to the case."""
    if contact.centre_id != case.centre_id:
        raise ValueError("a contact can only join a case of its own centre")
    contact.case = case
    contact.save(update_fields=["case", "updated_at"])
    record(
        "helpline.case_contact_linked",
        actor=by,
        centre_id=case.centre_id,
        obj=case,
        changes={"contact": str(contact.pk)},
    )


@transaction.atomic
def update_case(case: Case, *, by, status: str, risk_level: str, restricted: bool) -> list[str]:
    """Change the status, risk level or restriction; a rise to imminent danger alerts supervisors."""
    before = {"status": case.status, "risk_level": case.risk_level, "restricted": case.restricted}
    after = {"status": status, "risk_level": risk_level, "restricted": restricted}
    changed = [field for field in after if before[field] != after[field]]
    if not changed:
        return []
    for field in changed:
        setattr(case, field, after[field])
    fields = [*changed, "updated_at"]
    if "status" in changed:
        case.closed_at = timezone.now() if status == CaseStatus.CLOSED else None
        fields.append("closed_at")
    case.save(update_fields=fields)
    record(
        "helpline.case_updated",
        actor=by,
        centre_id=case.centre_id,
        obj=case,
        changes={field: [before[field], after[field]] for field in changed},
    )
    if "risk_level" in changed and risk_level == RiskLevel.IMMINENT:
        raise_alert(centre=case.centre, case=case, by=by)
    return changed


@transaction.atomic
def assign_case(case: Case, *, by, owner) -> None:
    """A supervisor hands the case to another counsellor of the centre."""
    previous = case.owner_id
    case.owner = owner
    case.save(update_fields=["owner", "updated_at"])
    record(
        "helpline.case_assigned",
        actor=by,
        centre_id=case.centre_id,
        obj=case,
        changes={"owner": [str(previous) if previous else None, str(owner.pk)]},
    )


@transaction.atomic
def close_case(case: Case, *, by) -> None:
    """Close the case (supervisors close from the dashboard, owners from the case page)."""
    previous = case.status
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])
    record(
        "helpline.case_closed", actor=by, centre_id=case.centre_id, obj=case, changes={"status": [previous, "closed"]}
    )


@transaction.atomic
def add_note(case: Case, *, by, text: str) -> CaseNote:
    """Add an encrypted note to the case."""
    note = CaseNote.objects.create(case=case, author=by, text=text)
    record("helpline.case_note_added", actor=by, centre_id=case.centre_id, obj=note, changes={"case": str(case.pk)})
    return note


def _refresh_next_due(case: Case) -> None:
    # Part of the calling action (no audit entry of its own): the case's earliest open due date.
    case.next_due_at = case.tasks.filter(done_at__isnull=True).aggregate(first=Min("due_at"))["first"]
    case.save(update_fields=["next_due_at"])


@transaction.atomic
def add_task(case: Case, *, by, title: str, due_at: datetime, assignee=None) -> FollowUpTask:
    """Schedule a follow-up; the reminder task emails the assignee when it falls due."""
    task = FollowUpTask.objects.create(case=case, title=title, due_at=due_at, assignee=assignee or by)
    _refresh_next_due(case)
    record(
        "helpline.task_added",
        actor=by,
        centre_id=case.centre_id,
        obj=task,
        changes={"case": str(case.pk), "due_at": due_at, "assignee": str(task.assignee_id)},
    )
    return task


@transaction.atomic
def complete_task(task: FollowUpTask, *, by) -> None:
    """Mark a follow-up task done."""
    task.done_at = timezone.now()
    task.save(update_fields=["done_at", "updated_at"])
    _refresh_next_due(task.case)
    record("helpline.task_done", actor=by, centre_id=task.case.centre_id, obj=task, changes={"case": str(task.case_id)})


@transaction.atomic
def mark_task_reminded(task: FollowUpTask) -> None:
    """Queue the reminder e-mail for a task that fell due (run by the reminder task)."""
    from helpline.notifications import reminder_message

    task.reminded_at = timezone.now()
    task.save(update_fields=["reminded_at", "updated_at"])
    record("helpline.task_reminded", actor_label="system", centre_id=task.case.centre_id, obj=task)
    if task.assignee and task.assignee.email:
        subject, body = reminder_message(task)
        send_email.enqueue(subject=subject, body=body, to=[task.assignee.email])


# --- Imminent danger -----------------------------------------------------------------------------


def raise_alert(*, centre, by, contact: Contact | None = None, case: Case | None = None) -> UrgentAlert:
    """Alert the centre's supervisors of imminent danger (in the app, and by e-mail).

    Called inside the caller's transaction (saving a contact or a case at imminent risk): the alert,
    its audit entry and its e-mails stand or fall together with the change that raised them."""
    from helpline.notifications import alert_message, supervisor_emails

    alert = UrgentAlert.objects.create(centre=centre, contact=contact, case=case, raised_by=by)
    record("helpline.urgent_alert_raised", actor=by, centre_id=centre.pk, obj=alert)
    recipients = supervisor_emails(centre)
    if recipients:
        subject, body = alert_message(alert)
        send_email.enqueue(subject=subject, body=body, to=recipients)
    return alert


@transaction.atomic
def acknowledge_alert(alert: UrgentAlert, *, by) -> None:
    """Someone has taken the alert in hand: it leaves the top of the dashboard."""
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = by
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    record("helpline.urgent_alert_acknowledged", actor=by, centre_id=alert.centre_id, obj=alert)


# --- Services and referrals ----------------------------------------------------------------------


class ConsentRequired(Exception):
    """A referral without the contact's consent needs a supervisor's override with a reason."""


SERVICE_FIELDS = ("kind", "name", "phone", "email", "website", "address", "notes", "is_active")


@transaction.atomic
def save_service(service: SupportService | None, *, country, by, centre_id, data: dict[str, Any]) -> SupportService:
    """Add or change a service in the country's directory (the centre manager's work)."""
    service = service or SupportService(country=country)
    is_new = service._state.adding
    changed = [field for field in SERVICE_FIELDS if field in data and getattr(service, field) != data[field]]
    for field in changed:
        setattr(service, field, data[field])
    if is_new:
        service.save()
    else:
        service.save(update_fields=[*changed, "updated_at"])
    action = "helpline.service_added" if is_new else "helpline.service_changed"
    record(action, actor=by, centre_id=centre_id, obj=service, changes={"fields": sorted(changed)})
    return service


@transaction.atomic
def refer(
    contact: Contact, *, by, service: SupportService, reason: str, referred_on=None, override_reason: str = ""
) -> ServiceReferral:
    """Refer the child to a service: with the contact's consent, or a supervisor's audited override."""
    override = not contact.consent_share
    if override and not (override_reason.strip() and has_perm(by, HelplinePerm.SUPERVISE, contact.centre_id)):
        raise ConsentRequired
    referral = ServiceReferral.objects.create(
        centre_id=contact.centre_id,
        contact=contact,
        case_id=contact.case_id,
        service=service,
        reason=reason,
        referred_on=referred_on or timezone.localdate(),
        referred_by=by,
        consent_override_reason=override_reason.strip() if override else "",
        consent_overridden_by=by if override else None,
    )
    record(
        "helpline.referral_made",
        actor=by,
        centre_id=contact.centre_id,
        obj=referral,
        changes={"contact": str(contact.pk), "service": str(service.pk), "consent_overridden": override},
    )
    return referral


@transaction.atomic
def set_referral_outcome(referral: ServiceReferral, *, by, outcome: str) -> None:
    """Record what became of a referral."""
    previous = referral.outcome
    referral.outcome = outcome
    referral.save(update_fields=["outcome", "updated_at"])
    record(
        "helpline.referral_outcome",
        actor=by,
        centre_id=referral.centre_id,
        obj=referral,
        changes={"outcome": [previous, outcome]},
    )


# --- Retention -----------------------------------------------------------------------------------


@transaction.atomic
def save_retention_rule(centre, *, by, narrative_months: int, closed_case_years: int, is_active: bool) -> RetentionRule:
    """Set the centre's retention periods."""
    rule, _created = RetentionRule.objects.get_or_create(centre=centre)
    before = {
        "narrative_months": rule.narrative_months,
        "closed_case_years": rule.closed_case_years,
        "is_active": rule.is_active,
    }
    after = {"narrative_months": narrative_months, "closed_case_years": closed_case_years, "is_active": is_active}
    for field, value in after.items():
        setattr(rule, field, value)
    rule.save(update_fields=[*after, "updated_at"])
    record(
        "helpline.retention_rule_saved",
        actor=by,
        centre_id=centre.pk,
        obj=rule,
        changes={"before": before, "after": after},
    )
    return rule


@transaction.atomic
def erase_contact_narrative(contact: Contact) -> None:
    """Retention: the narrative, contact details and identifier go; the anonymous dimensions stay."""
    contact.summary = ""
    contact.contact_details = ""
    contact.identifier_hash = ""
    contact.narrative_erased_at = timezone.now()
    contact.save(update_fields=["summary", "contact_details", "identifier_hash", "narrative_erased_at", "updated_at"])
    # A referral's reasons are narrative too.
    ServiceReferral.objects.unscoped("retention").filter(contact=contact).update(
        reason="", consent_override_reason="", updated_at=timezone.now()
    )
    record("helpline.contact_narrative_erased", actor_label="retention", centre_id=contact.centre_id, obj=contact)


@transaction.atomic
def purge_case(case: Case) -> None:
    """Retention: a closed case goes with its notes and tasks; its contacts stay, anonymous."""
    case_id, centre_id, number = case.pk, case.centre_id, case.number
    case.delete()
    record(
        "helpline.case_purged",
        actor_label="retention",
        centre_id=centre_id,
        object_type="helpline.case",
        object_id=str(case_id),
        changes={"number": number},
    )


# --- Escalation to the hotline -------------------------------------------------------------------


MAX_ESCALATED_URLS = 20


class EscalationRefused(Exception):
    """An escalation that cannot be sent; ``message`` is translated."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@transaction.atomic
def escalate_to_hotline(contact: Contact, *, by, urls: list[str], harm_type: str, where_seen: str = "") -> Escalation:
    """Send reported URLs to the hotline covering the contact's country; linked both ways.

    Recorded here and stated as the event "helpline.escalated": the hotline files the report
    (hotline.subscribers) with the contact's id as its origin, and answers with its reference
    ("hotline.escalation_filed"), which the contact then shows. No narrative goes with it: the
    hotline gets the URLs and the harm type only, the URLs and where they were seen sealed in the
    event. Refused at once, with translated messages: a URL the hotline would refuse
    (core.canonical_urls.InvalidURL), no URL or too many, no hotline covering the country
    (EscalationRefused).
    """
    urls = list(dict.fromkeys(canonicalize(url) for url in urls))
    if not 1 <= len(urls) <= MAX_ESCALATED_URLS:
        raise EscalationRefused(_("Give between 1 and 20 web addresses."))
    country = contact.centre.country.code
    hotline = covering_centre(country, NetworkService.HOTLINE)
    if hotline is None:
        raise EscalationRefused(_("No hotline takes reports for this country yet."))
    escalation = Escalation.objects.create(
        centre_id=contact.centre_id, contact=contact, url_count=len(urls), escalated_by=by
    )
    record(
        "helpline.escalated_to_hotline",
        actor=by,
        centre_id=contact.centre_id,
        obj=escalation,
        changes={"contact": str(contact.pk), "hotline": str(hotline.pk), "url_count": len(urls)},
    )
    events.emit(
        "helpline.escalated",
        payload={
            "escalation": str(escalation.pk),
            "contact": str(contact.pk),
            "country": country,
            "harm_type": harm_type,
            "hotline_centre": str(hotline.pk),
            "by": str(by.pk) if by else None,
        },
        sealed={"urls": urls, "where_seen": where_seen},
        centre_id=contact.centre_id,
    )
    return escalation


@transaction.atomic
def link_escalation_report(escalation_id, *, report_id, reference: str) -> Escalation | None:
    """The hotline filed the report of an escalation: the contact shows its reference. Idempotent."""
    escalation = Escalation.objects.unscoped("event subscriber").select_for_update().filter(pk=escalation_id).first()
    if escalation is None or escalation.report_id is not None:
        return escalation
    escalation.report_id, escalation.report_reference = report_id, reference
    escalation.save(update_fields=["report_id", "report_reference", "updated_at"])
    record(
        "helpline.escalation_filed",
        actor_label="hotline",
        centre_id=escalation.centre_id,
        obj=escalation,
        changes={"contact": str(escalation.contact_id), "report": reference},
    )
    return escalation


def save_category(obj, *, by, fields: list[str]) -> bool:
    """A platform administrator adds or edits a category of the taxonomy (the admin; categories are
    switched off, never deleted, since contacts carry them). ``fields``: the fields changed (none for a new one); one audit entry names them."""
    return save_recorded(obj, by=by, action="helpline.category", fields=fields)
