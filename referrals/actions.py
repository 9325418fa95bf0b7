"""Every state change of a referral: one transaction, explicit update_fields, one audit entry each.

Notifications (in-application rows and queued e-mails) are written in the same transaction as the
change that causes them, so a rolled-back change notifies nobody and a committed one loses nothing.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from audit.actions import record
from core import events
from core.access import has_perm, users_with
from helpline.permissions import HelplinePerm
from hotline import actions as hotline_actions
from hotline.permissions import HotlinePerm
from notify.actions import notify
from notify.models import Notification
from referrals import packets
from referrals.models import (
    REVOCABLE_STATUSES,
    SERVICE_ACT_PERMISSION,
    Event,
    ExternalTarget,
    Kind,
    Message,
    Outcome,
    Referral,
    ReferralService,
    ReferralSettings,
    Status,
)

logger = logging.getLogger(__name__)


class ReferralError(Exception):
    """A refused action; ``message`` is translated and can be shown as it is."""

    status_code = 400  # the API's answer

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class StateConflict(ReferralError):
    """The step does not fit the referral's (or delivery's) current state."""

    status_code = 409


WRONG_STATE = gettext_lazy("This referral cannot take that step in its current state.")
SAME_CENTRE = gettext_lazy("A referral goes to another centre.")
NO_SERVICE = gettext_lazy("That centre does not run this service.")


# --- Notifications ---------------------------------------------------------------------------------


def _staff(centre_id, code: str):
    return list(users_with(centre_id, code))


def _notify(referral: Referral, event: str, centre_id, *, code: str | None = None) -> list[Notification]:
    """Notify the staff of ``centre_id`` who work the referral's service, and the centre's systems."""
    if centre_id is None:
        return []
    code = code or SERVICE_ACT_PERMISSION[referral.service]
    return notify(
        event,
        recipients=_staff(centre_id, code),
        about=referral,  # links to the referral's page (registered in apps.py)
        centre_id=centre_id,
        payload=_webhook_payload(referral),
    )


def _webhook_payload(referral: Referral) -> dict:
    """What a centre's system receives about a referral: ids, kinds and states, never its packet."""
    return {"referral": str(referral.pk), "kind": referral.kind, "service": referral.service, "status": referral.status}


# --- Sending ---------------------------------------------------------------------------------------


def _deadlines(receiver, now):
    if receiver is None:
        return None, None
    conf = ReferralSettings.objects.filter(centre=receiver).first() or ReferralSettings(centre=receiver)
    return now + timedelta(hours=conf.acknowledge_hours), now + timedelta(hours=conf.act_hours)


def _check_receiver(sender, receiver, service: str) -> None:
    if receiver.pk == sender.pk:
        raise ReferralError(SAME_CENTRE)
    if not receiver.services.filter(service=service).exists():
        raise ReferralError(NO_SERVICE)


def _create(*, sender, receiver, service, kind, by, packet, narrative, source_id=None, **extra) -> Referral:
    now = timezone.now()
    ack_due, act_due = _deadlines(receiver, now)
    referral = Referral.objects.create(
        sender=sender,
        receiver=receiver,
        service=service,
        kind=kind,
        status=Status.SENT if receiver else Status.COMPLETED,
        packet=packet,
        packet_text=json.dumps(narrative) if narrative else "",
        source_id=source_id,
        sent_by=by,
        sent_at=now,
        acknowledge_due=ack_due,
        act_due=act_due,
        **extra,
    )
    record(
        "referrals.sent",
        actor=by,
        centre_id=sender.pk,
        obj=referral,
        changes={
            "kind": kind,
            "to": str(receiver.pk) if receiver else extra.get("external_target", ""),
            "consent_override": bool(extra.get("consent_override_reason")),
        },
    )
    _notify(referral, Event.SENT, receiver.pk if receiver else None)
    return referral


@transaction.atomic
def send_hotline_item(item, *, by, receiver, note: str = "") -> Referral:
    """Forward a hotline item to the hotline of another centre, with a packet built from the item."""
    _check_receiver(item.centre, receiver, ReferralService.HOTLINE)
    packet, narrative = packets.hotline_packet(item, note=note)
    referral = _create(
        sender=item.centre,
        receiver=receiver,
        service=ReferralService.HOTLINE,
        kind=Kind.HOTLINE_ITEM,
        by=by,
        packet=packet,
        narrative=narrative,
        source_id=item.pk,
    )
    _record_on_item(item, by=by, target=ExternalTarget.HOTLINE, name=receiver.name, country=receiver.country.code)
    return referral


@transaction.atomic
def send_external(item, *, by, target: str, name: str = "", reference: str = "") -> Referral:
    """Record a forwarding outside the network (INHOPE, another hotline, law enforcement)."""
    if target not in ExternalTarget.values:
        raise ReferralError(WRONG_STATE)
    packet, narrative = packets.hotline_packet(item)
    referral = _create(
        sender=item.centre,
        receiver=None,
        service=ReferralService.HOTLINE,
        kind=Kind.EXTERNAL,
        by=by,
        packet=packet,
        narrative=narrative,
        source_id=item.pk,
        external_target=target,
        external_name=name,
        external_reference=reference,
    )
    _record_on_item(item, by=by, target=target, name=name, reference=reference)
    return referral


def _record_on_item(item, *, by, target: str, name: str, country: str = "", reference: str = "") -> None:
    """The hand-over is also the item's own step (forwarded, or reported to law enforcement), so its
    status, timeline and figures show it without the analyst entering it twice."""
    if not item.is_open:
        return
    label = name or str(ExternalTarget(target).label)
    if target == ExternalTarget.LAW_ENFORCEMENT:
        hotline_actions.report_to_law_enforcement(item, by=by, agency=label, reference=reference)
    else:
        hotline_actions.forward_item(item, by=by, country=item.hosting_country or country, hotline=label)


@transaction.atomic
def send_helpline_case(case, *, by, receiver, summary: str, override_reason: str = "") -> Referral:
    """Refer a helpline case; identifying detail only with recorded consent or a supervisor's reason."""
    _check_receiver(case.centre, receiver, ReferralService.HELPLINE)
    override_reason = override_reason.strip()
    if override_reason and not has_perm(by, HelplinePerm.SUPERVISE, case.centre_id):
        raise ReferralError(gettext_lazy("Only a supervisor can override the consent to share."))
    packet, narrative = packets.helpline_packet(case, summary=summary, override=bool(override_reason))
    extra = {}
    if override_reason:
        extra = {"consent_override_reason": override_reason, "consent_overridden_by": by}
    return _create(
        sender=case.centre,
        receiver=receiver,
        service=ReferralService.HELPLINE,
        kind=Kind.HELPLINE_CASE,
        by=by,
        packet=packet,
        narrative=narrative,
        source_id=case.pk,
        **extra,
    )


@transaction.atomic
def send_information_request(*, sender, receiver, service: str, by, question: str) -> Referral:
    """Ask another centre for information; the question is the packet's only narrative."""
    _check_receiver(sender, receiver, service)
    return _create(
        sender=sender,
        receiver=receiver,
        service=service,
        kind=Kind.INFORMATION,
        by=by,
        packet={},
        narrative={"question": question},
    )


# --- Lifecycle -------------------------------------------------------------------------------------


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().same_as(referral).get()


def _step(referral: Referral, *, by, allowed, status, stamp: str | None, event, notify_centre, action, **fields):
    locked = _lock(referral)
    if locked.status not in allowed:
        raise StateConflict(WRONG_STATE)
    now = timezone.now()
    locked.status = status
    changed = ["status", "updated_at", *fields]
    if stamp:
        setattr(locked, stamp, now)
        changed.append(stamp)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=changed)
    audit_changes = {"status": status}
    audit_changes.update({k: v for k, v in fields.items() if k in ("outcome", "created_record_id")})
    audit_changes = {k: str(v) for k, v in audit_changes.items()}
    centre = locked.receiver_id if notify_centre == "sender" else locked.sender_id
    record(action, actor=by, centre_id=centre, obj=locked, changes=audit_changes)
    _notify(locked, event, locked.sender_id if notify_centre == "sender" else locked.receiver_id)
    for name in ("status", stamp, *fields):
        if name:
            setattr(referral, name, getattr(locked, name))
    return locked


@transaction.atomic
def acknowledge(referral: Referral, *, by) -> Referral:
    return _step(
        referral,
        by=by,
        allowed=(Status.SENT,),
        status=Status.ACKNOWLEDGED,
        stamp="acknowledged_at",
        event=Event.ACKNOWLEDGED,
        notify_centre="sender",
        action="referrals.acknowledged",
    )


@transaction.atomic
def accept(referral: Referral, *, by) -> Referral:
    """Accept, and create the receiver's own record from the packet (never from the origin record)."""
    # Locked before the checks: a concurrent acknowledge or revoke is seen, not overwritten.
    locked = _lock(referral)
    if locked.status not in (Status.SENT, Status.ACKNOWLEDGED):
        raise StateConflict(WRONG_STATE)
    created = packets.create_receiver_record(locked, by=by)
    fields = {"created_record_id": created} if created else {}
    stamp_ack = {} if locked.acknowledged_at else {"acknowledged_at": timezone.now()}
    return _step(
        referral,
        by=by,
        allowed=(Status.SENT, Status.ACKNOWLEDGED),
        status=Status.ACCEPTED,
        stamp="decided_at",
        event=Event.ACCEPTED,
        notify_centre="sender",
        action="referrals.accepted",
        **fields,
        **stamp_ack,
    )


@transaction.atomic
def decline(referral: Referral, *, by, reason: str) -> Referral:
    if not reason.strip():
        raise ReferralError(gettext_lazy("Say why the referral is declined."))
    return _step(
        referral,
        by=by,
        allowed=(Status.SENT, Status.ACKNOWLEDGED),
        status=Status.DECLINED,
        stamp="decided_at",
        event=Event.DECLINED,
        notify_centre="sender",
        action="referrals.declined",
        decline_reason=reason.strip(),
    )


@transaction.atomic
def start(referral: Referral, *, by) -> Referral:
    return _step(
        referral,
        by=by,
        allowed=(Status.ACCEPTED,),
        status=Status.IN_PROGRESS,
        stamp="started_at",
        event=Event.IN_PROGRESS,
        notify_centre="sender",
        action="referrals.started",
    )


@transaction.atomic
def complete(referral: Referral, *, by, outcome: str, note: str = "") -> Referral:
    """Complete with an outcome, which the sender sees on its referral page."""
    if outcome not in Outcome.values:
        raise ReferralError(gettext_lazy("Choose an outcome."))
    completed = _step(
        referral,
        by=by,
        allowed=(Status.ACCEPTED, Status.IN_PROGRESS),
        status=Status.COMPLETED,
        stamp="completed_at",
        event=Event.COMPLETED,
        notify_centre="sender",
        action="referrals.completed",
        outcome=outcome,
        outcome_note=note.strip(),
    )
    # A fact for the apps that care: the hotline writes the outcome on the sender's own item
    # (its timeline, its removal time). Ids and codes only.
    item = completed.source_id if completed.kind == Kind.HOTLINE_ITEM else None
    events.emit(
        "referrals.completed",
        payload={
            "referral": str(completed.pk),
            "item": str(item) if item else None,
            "partner": completed.receiver.code,
            "outcome": outcome,
            "at": completed.completed_at.isoformat(),
        },
        centre_id=completed.sender_id,
    )
    return completed


def hotline_removal_confirmed(item, *, by) -> list[Referral]:
    """The receiving hotline confirmed removal of an item it accepted from referrals: each such
    referral still open completes with "removed" (the sender's item then shows it). Run on the
    event "hotline.removal_confirmed" (referrals.subscribers); a second run finds nothing open.
    Answers the referrals completed."""
    open_referrals = Referral.objects.unscoped("removal confirmed").filter(
        kind=Kind.HOTLINE_ITEM,
        receiver_id=item.centre_id,
        status__in=(Status.ACCEPTED, Status.IN_PROGRESS),
        created_record_id__in=item.reports.values("pk"),  # the report accepting it created
    )
    return [complete(referral, by=by, outcome=Outcome.REMOVED) for referral in open_referrals]


@transaction.atomic
def revoke(referral: Referral, *, by) -> Referral:
    """The sender takes a referral back, until the receiver has accepted it."""
    return _step(
        referral,
        by=by,
        allowed=REVOCABLE_STATUSES,
        status=Status.REVOKED,
        stamp="revoked_at",
        event=Event.REVOKED,
        notify_centre="receiver",
        action="referrals.revoked",
    )


@transaction.atomic
def post_message(referral: Referral, *, by, centre, text: str) -> Message:
    """A message from one side to the other; ``centre`` is the author's side (sender or receiver)."""
    text = text.strip()
    if not text:
        raise ReferralError(gettext_lazy("Write a message."))
    message = Message.objects.create(referral=referral, centre=centre, author=by, text=text)
    record(
        "referrals.message_posted", actor=by, centre_id=centre.pk, obj=referral, changes={"message": str(message.pk)}
    )
    other = referral.receiver_id if centre.pk == referral.sender_id else referral.sender_id
    _notify(referral, Event.MESSAGE, other)
    return message


# --- Deadlines -------------------------------------------------------------------------------------


ESCALATE_AFTER = timedelta(hours=24)


def _overdue(now) -> Q:
    """Not acknowledged by its acknowledge deadline, or not completed by its act deadline."""
    return Q(receiver__isnull=False) & (
        Q(status=Status.SENT, acknowledge_due__lt=now)
        | Q(status__in=(Status.ACKNOWLEDGED, Status.ACCEPTED, Status.IN_PROGRESS), act_due__lt=now)
    )


def _to_remind(now) -> Q:
    """Overdue and not yet reminded, or reminded long enough ago and not yet escalated."""
    return _overdue(now) & (
        Q(reminded_at__isnull=True) | Q(escalated_at__isnull=True, reminded_at__lte=now - ESCALATE_AFTER)
    )


def remind_overdue(*, now=None) -> tuple[int, int]:
    """Remind the receiver of each overdue referral once; alert both centres' supervisors once after.

    The supervisors are alerted when the referral is still overdue a day after the reminder. Each
    referral is handled in its own transaction, locked with ``skip_locked``: a referral that fails
    is logged and rolled back alone (the next run tries it again), and a referral another run is
    handling is skipped rather than waited for. Its state is re-read under the lock, so two runs
    never send the same reminder twice.
    """
    now = now or timezone.now()
    reminded = escalated = 0
    for pk in list(
        Referral.objects.unscoped("deadline reminders").filter(_to_remind(now)).values_list("pk", flat=True)
    ):
        try:
            with transaction.atomic():
                done = _remind_one(pk, now)
        except Exception:  # noqa: BLE001 - one bad referral must not stop the others
            logger.exception("Deadline check failed for referral %s", pk)
            continue
        reminded += done == "reminded"
        escalated += done == "escalated"
    return reminded, escalated


def _remind_one(pk, now) -> str | None:
    referral = (
        Referral.objects.unscoped("deadline reminders")
        .select_for_update(skip_locked=True)
        .filter(_to_remind(now), pk=pk)
        .first()
    )
    if referral is None:  # another run holds it, or it is no longer due
        return None
    if referral.reminded_at is None:
        referral.reminded_at = now
        referral.save(update_fields=["reminded_at", "updated_at"])
        record("referrals.reminded", centre_id=referral.receiver_id, obj=referral, actor_label="system")
        _notify(referral, Event.REMINDER, referral.receiver_id)
        return "reminded"
    referral.escalated_at = now
    referral.save(update_fields=["escalated_at", "updated_at"])
    record("referrals.escalated", centre_id=referral.receiver_id, obj=referral, actor_label="system")
    code = HotlinePerm.SUPERVISE if referral.service == ReferralService.HOTLINE else HelplinePerm.SUPERVISE
    _notify(referral, Event.ESCALATION, referral.receiver_id, code=code)
    _notify(referral, Event.ESCALATION, referral.sender_id, code=code)
    return "escalated"


ACK_HOURS_MAX = 24 * 30
ACT_HOURS_MAX = 24 * 90
BAD_DEADLINES = gettext_lazy("The time to act cannot be shorter than the time to acknowledge.")


@transaction.atomic
def set_deadlines(centre, *, by, acknowledge_hours: int, act_hours: int) -> ReferralSettings:
    """A centre's deadlines for referrals it receives from now on (those already sent keep theirs)."""
    if not (1 <= acknowledge_hours <= ACK_HOURS_MAX and 1 <= act_hours <= ACT_HOURS_MAX):
        raise ReferralError(gettext_lazy("Enter a deadline within the allowed range."))
    if act_hours < acknowledge_hours:
        raise ReferralError(BAD_DEADLINES)
    conf, _created = ReferralSettings.objects.select_for_update().get_or_create(centre=centre)
    before = {"acknowledge_hours": conf.acknowledge_hours, "act_hours": conf.act_hours}
    conf.acknowledge_hours, conf.act_hours = acknowledge_hours, act_hours
    conf.save(update_fields=["acknowledge_hours", "act_hours", "updated_at"])
    record(
        "referrals.deadlines_set",
        actor=by,
        centre_id=centre.pk,
        obj=conf,
        changes={"before": before, "acknowledge_hours": acknowledge_hours, "act_hours": act_hours},
    )
    return conf
