"""Models of the referrals app: cross-border referrals and their messages.

Their notifications, e-mails and webhooks are notify's (the events are ``Event`` below, registered
in ``apps.py``)."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ChildQuerySet, GuardedQuerySet, centre_ids_with
from core.crypto import EncryptedTextField
from core.models import BaseModel
from helpline.permissions import HelplinePerm
from hotline.permissions import HotlinePerm


class ReferralService(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    HELPLINE = "helpline", _("Helpline")


# Who sees a referral of each service at the sender's or the receiver's centre. Helpline case data
# is for counsellors and supervisors only (HELPLINE_LOG), as in the helpline app.
SERVICE_PERMISSION = {ReferralService.HOTLINE: HotlinePerm.VIEW, ReferralService.HELPLINE: HelplinePerm.LOG}
SERVICE_ACT_PERMISSION = {ReferralService.HOTLINE: HotlinePerm.ASSESS, ReferralService.HELPLINE: HelplinePerm.LOG}


class Kind(models.TextChoices):
    HOTLINE_ITEM = "hotline_item", _("Hotline item")
    HELPLINE_CASE = "helpline_case", _("Helpline case")
    INFORMATION = "information", _("Request for information")
    EXTERNAL = "external", _("External referral")


class ExternalTarget(models.TextChoices):
    INHOPE = "inhope", _("INHOPE")
    HOTLINE = "hotline", _("Another hotline")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")


class Status(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


OPEN_STATUSES = (Status.SENT, Status.ACKNOWLEDGED, Status.ACCEPTED, Status.IN_PROGRESS)
REVOCABLE_STATUSES = (Status.SENT, Status.ACKNOWLEDGED)


class Outcome(models.TextChoices):
    REMOVED = "removed", _("Content removed")
    NOT_REMOVED = "not_removed", _("Content not removed")
    REPORTED_TO_POLICE = "police", _("Reported to law enforcement")
    SUPPORTED = "supported", _("Child supported")
    REFERRED_ON = "referred_on", _("Referred on to a service")
    ANSWERED = "answered", _("Information given")
    NO_ACTION = "no_action", _("No action possible")


class ReferralSettings(BaseModel):
    """A centre's deadlines for referrals it receives (defaults: 24 hours, 3 days)."""

    centre = models.OneToOneField(
        "network.Centre", on_delete=models.CASCADE, related_name="referral_settings", verbose_name=_("centre")
    )
    acknowledge_hours = models.PositiveSmallIntegerField(_("hours to acknowledge"), default=24)
    act_hours = models.PositiveSmallIntegerField(_("hours to act"), default=72)

    class Meta:
        verbose_name = _("referral settings")
        verbose_name_plural = _("referral settings")

    def __str__(self) -> str:
        return str(self.centre)


def _sides_condition(user, code: str | None, sides: tuple[str, ...]) -> Q:
    """Referrals of a service whose view permission the user holds at a centre on one of ``sides``."""
    condition = Q(pk__in=[])
    for service, service_code in SERVICE_PERMISSION.items():
        if code is not None and code != service_code:
            continue
        centres = centre_ids_with(user, service_code)
        if centres:
            either = Q(pk__in=[])
            for side in sides:
                either |= Q(**{f"{side}_id__in": centres})
            condition |= Q(service=service) & either
    return condition


class ReferralQuerySet(GuardedQuerySet):
    """Referrals seen by the sender's and the receiver's staff of the referral's service, nobody else."""

    def visible_to(self, user, code: str | None = None) -> ReferralQuerySet:
        """``code``: only the referrals of the service that code views (``HotlinePerm.VIEW``: hotline)."""
        return self.filter(_sides_condition(user, code, ("sender", "receiver")))

    def received_by(self, user) -> ReferralQuerySet:
        """The visible referrals the user's centres received."""
        return self.visible_to(user).filter(_sides_condition(user, None, ("receiver",)))

    def sent_by(self, user) -> ReferralQuerySet:
        """The visible referrals the user's centres sent."""
        return self.visible_to(user).filter(_sides_condition(user, None, ("sender",)))


class Referral(BaseModel):
    """One hand-over from a centre to another (or outside the network), carrying a minimised packet."""

    sender = models.ForeignKey(
        "network.Centre", on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("from centre")
    )
    receiver = models.ForeignKey(
        "network.Centre",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        null=True,
        blank=True,
        verbose_name=_("to centre"),
    )
    service = models.CharField(_("service"), max_length=10, choices=ReferralService.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SENT)
    external_target = models.CharField(
        _("external recipient"), max_length=20, choices=ExternalTarget.choices, blank=True
    )
    external_name = models.CharField(_("external recipient's name"), max_length=200, blank=True)
    external_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    # The record it came from, by id only: the origin stays the sender's, and a purge there is not
    # blocked by a foreign key from here.
    source_id = models.UUIDField(_("originating record"), null=True, blank=True)
    # Non-narrative facts of the packet (codes, URLs, dates); narrative parts are in packet_text.
    packet = models.JSONField(_("packet"), default=dict, blank=True)
    packet_text = EncryptedTextField(_("packet narrative"), blank=True)
    consent_override_reason = EncryptedTextField(_("reason for overriding consent"), blank=True)
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent overridden by"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"))
    acknowledge_due = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    act_due = models.DateTimeField(_("act by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or declined"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True)
    created_record_id = models.UUIDField(_("record created by the receiver"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(_("outcome note"), blank=True)
    reminded_at = models.DateTimeField(_("receiver reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("supervisors alerted"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["receiver", "status", "-sent_at"], name="ref_receiver_status"),
            models.Index(fields=["sender", "status", "-sent_at"], name="ref_sender_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.sent_at:%Y-%m-%d}"

    @property
    def narrative(self) -> dict:
        return json.loads(self.packet_text) if self.packet_text else {}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Message(BaseModel):
    """A message between the two centres on a referral; text encrypted at rest."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="messages", verbose_name=_("referral")
    )
    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = EncryptedTextField(_("text"))

    PARENT_FIELD = "referral"
    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.centre} · {self.created_at:%Y-%m-%d %H:%M}"


class Event(models.TextChoices):
    """What referrals tell people and centres' systems about (notify events; the values are the
    names centres' systems already receive, kept as they were)."""

    SENT = "sent", _("A referral was sent to your centre")
    ACKNOWLEDGED = "acknowledged", _("Your referral was acknowledged")
    ACCEPTED = "accepted", _("Your referral was accepted")
    DECLINED = "declined", _("Your referral was declined")
    REVOKED = "revoked", _("A referral to your centre was revoked")
    IN_PROGRESS = "in_progress", _("Work started on your referral")
    COMPLETED = "completed", _("Your referral was completed")
    MESSAGE = "message", _("A new message on a referral")
    REMINDER = "reminder", _("A referral to your centre is overdue")
    ESCALATION = "escalation", _("A referral is overdue: supervisors alerted")
