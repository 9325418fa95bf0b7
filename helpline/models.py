"""Models of the helpline app: contacts, repeat-contact flags, cases and what hangs off them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import ChildQuerySet, ScopedQuerySet, centre_ids_with
from core.crypto import EncryptedTextField
from core.models import BaseModel
from helpline.permissions import HelplinePerm

# The centre manager holds HELPLINE_VIEW too, but case records are for the centre's counsellors
# and supervisors only: both hold HELPLINE_LOG, and nobody else does.
CASE_DATA_PERMISSION = HelplinePerm.LOG


# --- Dimensions (the anonymous facts that statistics count) ----------------------------------------


class ContactKind(models.TextChoices):
    COUNSELLING = "counselling", _("Counselling")
    INFORMATION = "information", _("Information")
    SILENT = "silent", _("Silent")
    HANG_UP = "hang_up", _("Hang-up")
    ABUSIVE = "abusive", _("Abusive")
    TEST = "test", _("Test")
    OTHER = "other", _("Other")


# One-click kinds: nothing else needs recording.
QUICK_KINDS = (ContactKind.SILENT, ContactKind.HANG_UP, ContactKind.ABUSIVE, ContactKind.TEST)


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("Email")
    ONLINE_FORM = "online_form", _("Online form")
    SMS = "sms", _("SMS")
    MESSAGING_APP = "messaging_app", _("Messaging app")
    SOCIAL_MEDIA = "social_media", _("Social media")
    IN_PERSON = "in_person", _("In person")


class CallerRole(models.TextChoices):
    CHILD = "child", _("Child or young person")
    PARENT = "parent", _("Parent or carer")
    TEACHER = "teacher", _("Teacher")
    PROFESSIONAL = "professional", _("Other professional")
    OTHER_ADULT = "other_adult", _("Other adult")
    UNKNOWN = "unknown", _("Unknown")


class AgeBand(models.TextChoices):
    A0_4 = "0-4", "0–4"
    A5_8 = "5-8", "5–8"
    A9_11 = "9-11", "9–11"
    A12_14 = "12-14", "12–14"
    A15_17 = "15-17", "15–17"
    A18 = "18+", "18+"
    UNKNOWN = "unknown", _("Unknown")


class Gender(models.TextChoices):
    GIRL = "girl", _("Girl or woman")
    BOY = "boy", _("Boy or man")
    NON_BINARY = "non_binary", _("Non-binary")
    UNKNOWN = "unknown", _("Unknown")


class PlatformType(models.TextChoices):
    SOCIAL_MEDIA = "social_media", _("Social media")
    MESSAGING = "messaging", _("Messaging")
    GAMING = "gaming", _("Gaming")
    VIDEO_SHARING = "video_sharing", _("Video sharing")
    SEARCH = "search", _("Search")
    DATING = "dating", _("Dating")
    MARKETPLACE = "marketplace", _("Marketplace")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    CONCERNING = "concerning", _("Concerning")
    URGENT = "urgent", _("Urgent")
    IMMINENT = "imminent", _("Imminent danger")


class ActionTaken(models.TextChoices):
    COUNSELLING = "counselling", _("Counselling only")
    INFORMATION = "information", _("Information given")
    CHILD_PROTECTION = "child_protection", _("Referral to child protection")
    POLICE = "police", _("Referral to police")
    HEALTH = "health", _("Referral to health or mental health")
    SCHOOL = "school", _("Referral to school")
    HOTLINE = "hotline", _("Report to hotline")
    EMERGENCY = "emergency", _("Emergency services contacted")
    FOLLOW_UP = "follow_up", _("Follow-up scheduled")
    OTHER = "other", _("Other")


def age_band_for(age: int | None) -> str:
    """The band an exact age falls in (CHI wants single years, Insafe bands)."""
    if age is None:
        return AgeBand.UNKNOWN
    for band, upper in (("0-4", 4), ("5-8", 8), ("9-11", 11), ("12-14", 14), ("15-17", 17)):
        if age <= upper:
            return band
    return AgeBand.A18


# --- Taxonomy ---------------------------------------------------------------------------------------


class Scheme(models.TextChoices):
    CHI = "chi", _("CHI reason for contact")
    INSAFE = "insafe", _("Insafe online topic")


class Category(BaseModel):
    """A category a contact can carry: a CHI reason (two levels) or an Insafe topic."""

    scheme = models.CharField(_("scheme"), max_length=10, choices=Scheme.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["scheme", "position"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        # Names are the reference data's English; the parent makes "Other" unambiguous.
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


# --- Contacts ------------------------------------------------------------------------------------


def _restricted_case_filter(user, prefix: str = "") -> models.Q:
    """Not restricted, or the user owns it, or supervises its centre (``prefix`` reaches the case)."""
    supervised = centre_ids_with(user, HelplinePerm.SUPERVISE)
    return (
        models.Q(**{f"{prefix}restricted": False})
        | models.Q(**{f"{prefix}owner_id": user.pk})
        | models.Q(**{f"{prefix}centre_id__in": supervised})
    )


class ContactQuerySet(ScopedQuerySet):
    """Contacts; those of a restricted case follow the case: its owner and the supervisors only.
    A draft (not yet logged) is its author's alone, whoever else holds a role at the centre."""

    def visible_to(self, user, code: str | None = None) -> ContactQuerySet:
        own_draft = models.Q(counsellor_id=user.pk) if getattr(user, "pk", None) else models.Q(pk__in=[])
        scoped = super().visible_to(user, code).filter(models.Q(is_draft=False) | own_draft)
        if centre_ids_with(user, code or self.model.VIEW_PERMISSION) <= centre_ids_with(user, HelplinePerm.SUPERVISE):
            # The supervisor of every centre in scope sees its restricted cases, and a contact's case
            # is of the contact's centre (link_contact): no join to the cases to filter nothing.
            return scoped
        return scoped.filter(models.Q(case__isnull=True) | _restricted_case_filter(user, "case__"))


class Contact(BaseModel):
    """One contact with the helpline: its anonymous dimensions, and an encrypted narrative."""

    VIEW_PERMISSION = CASE_DATA_PERMISSION

    centre = models.ForeignKey(
        "network.Centre", on_delete=models.PROTECT, related_name="helpline_contacts", verbose_name=_("centre")
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="helpline_contacts",
        verbose_name=_("counsellor"),
    )
    is_draft = models.BooleanField(_("draft"), default=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ContactKind.choices, default=ContactKind.COUNSELLING)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    caller_role = models.CharField(_("who is calling"), max_length=20, choices=CallerRole.choices, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    platform_type = models.CharField(_("platform type"), max_length=20, choices=PlatformType.choices, blank=True)
    categories = models.ManyToManyField(Category, blank=True, related_name="contacts", verbose_name=_("categories"))
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE)
    action_taken = models.CharField(_("action taken"), max_length=20, choices=ActionTaken.choices, blank=True)
    consent_callback = models.BooleanField(_("consents to be contacted back"), default=False)
    consent_share = models.BooleanField(_("consents to sharing with services"), default=False)
    # Free text and contact details are encrypted at rest; list pages never show them.
    summary = EncryptedTextField(_("summary"), blank=True)
    contact_details = EncryptedTextField(_("contact details"), blank=True)
    # Only a keyed hash of the caller's identifier: enough to recognise a repeat contact.
    identifier_hash = models.CharField(_("identifier (keyed hash)"), max_length=64, blank=True, db_index=True)
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts", verbose_name=_("case")
    )
    narrative_erased_at = models.DateTimeField(_("narrative erased"), null=True, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["centre", "-started_at"], name="hl_contact_centre_started"),
            models.Index(fields=["centre", "identifier_hash"], name="hl_contact_centre_ident"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int | None:
        if not self.ended_at:
            return None
        return max(0, int((self.ended_at - self.started_at).total_seconds() // 60))


class FlagReason(models.TextChoices):
    ABUSIVE = "abusive", _("Abusive")
    PRANK = "prank", _("Repeated prank contacts")
    WATCH = "watch", _("Known caller: take care")


class IdentifierFlag(BaseModel):
    """A flag on a repeat caller's identifier (by its keyed hash), lapsing at its expiry."""

    VIEW_PERMISSION = CASE_DATA_PERMISSION

    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, verbose_name=_("centre"))
    identifier_hash = models.CharField(_("identifier (keyed hash)"), max_length=64, db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("flagged by")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-expires_at"]
        verbose_name = _("identifier flag")
        verbose_name_plural = _("identifier flags")

    def __str__(self) -> str:
        return self.get_reason_display()

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


# --- Cases ---------------------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED)


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMINENT = "imminent", _("Imminent danger")


class CaseQuerySet(ScopedQuerySet):
    """Cases; a restricted case is visible only to its owner and the centre's supervisors."""

    def visible_to(self, user, code: str | None = None) -> CaseQuerySet:
        return super().visible_to(user, code).filter(_restricted_case_filter(user))


class Case(BaseModel):
    """A case followed over time: contacts, notes, tasks and referrals about one child."""

    VIEW_PERMISSION = CASE_DATA_PERMISSION

    centre = models.ForeignKey(
        "network.Centre", on_delete=models.PROTECT, related_name="helpline_cases", verbose_name=_("centre")
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("owner")
    )
    risk_level = models.CharField(_("risk level"), max_length=20, choices=RiskLevel.choices, default=RiskLevel.LOW)
    restricted = models.BooleanField(
        _("restricted"), default=False, help_text=_("Only the owner and the supervisors see a restricted case.")
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The earliest due date of the case's open follow-up tasks, kept by the task actions, so the
    # dashboard counts overdue cases from the case rows alone.
    next_due_at = models.DateTimeField(_("next follow-up due"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["centre", "number"], name="hl_case_centre_number")]
        indexes = [
            models.Index(fields=["centre", "status", "-created_at"], name="hl_case_centre_status"),
            models.Index(fields=["centre", "-created_at"], name="hl_case_centre_created"),
            models.Index(fields=["centre", "next_due_at"], name="hl_case_centre_next_due"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.number:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseNote(BaseModel):
    """A counsellor's note on a case (encrypted at rest)."""

    PARENT_FIELD = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    text = EncryptedTextField(_("text"))

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return str(_("Note"))


class FollowUpTask(BaseModel):
    """Something to do on a case by a due date; a reminder goes out when it falls due."""

    PARENT_FIELD = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("case"))
    title = EncryptedTextField(_("what to do"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("assignee")
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        # The dashboard asks for open tasks that are overdue; done ones stay out of the index.
        indexes = [models.Index(fields=["due_at"], condition=models.Q(done_at__isnull=True), name="hl_task_open_due")]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")

    def __str__(self) -> str:
        return str(_("Follow-up task"))


# --- Urgent alerts -------------------------------------------------------------------------------


class UrgentAlert(BaseModel):
    """An imminent-danger alert to the centre's supervisors, pinned until acknowledged."""

    VIEW_PERMISSION = CASE_DATA_PERMISSION

    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, verbose_name=_("centre"))
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("contact")
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("case")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("raised by")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("urgent alert")
        verbose_name_plural = _("urgent alerts")
        indexes = [models.Index(fields=["centre", "acknowledged_at"], name="hl_alert_centre_ack")]

    def __str__(self) -> str:
        return str(_("Imminent danger"))


# --- Services and referrals ----------------------------------------------------------------------


class ServiceKind(models.TextChoices):
    POLICE = "police", _("Police")
    SOCIAL = "social", _("Social services")
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SCHOOL = "school", _("School")
    LEGAL_AID = "legal_aid", _("Legal aid")
    OTHER = "other", _("Other")


class SupportService(BaseModel):
    """A service children are referred to, in the directory of one country."""

    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="helpline_services", verbose_name=_("country")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes for counsellors"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["country__name", "kind", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    NO_RESPONSE = "no_response", _("No response")


class ServiceReferralQuerySet(ScopedQuerySet):
    """Referrals follow their contact: those of a restricted case, its owner and the supervisors only."""

    def visible_to(self, user, code: str | None = None) -> ServiceReferralQuerySet:
        scoped = super().visible_to(user, code)
        return scoped.filter(models.Q(contact__case__isnull=True) | _restricted_case_filter(user, "contact__case__"))


class ServiceReferral(BaseModel):
    """A child referred to a service: needs the contact's consent or a supervisor's override."""

    VIEW_PERMISSION = CASE_DATA_PERMISSION

    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, verbose_name=_("centre"))
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("contact"))
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals", verbose_name=_("case")
    )
    service = models.ForeignKey(
        SupportService, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    reason = EncryptedTextField(_("reason"))
    referred_on = models.DateField(_("referred on"), default=timezone.localdate)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("referred by")
    )
    consent_override_reason = EncryptedTextField(_("reason for overriding consent"), blank=True)
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("consent overridden by"),
    )

    objects = ServiceReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.service} · {self.referred_on}"


# --- Retention -----------------------------------------------------------------------------------


class RetentionRule(BaseModel):
    """How long a centre keeps contact narratives and closed cases (applied daily)."""

    centre = models.OneToOneField(
        "network.Centre", on_delete=models.CASCADE, related_name="helpline_retention", verbose_name=_("centre")
    )
    narrative_months = models.PositiveSmallIntegerField(
        _("erase contact narratives and identifiers after (months)"), default=24
    )
    closed_case_years = models.PositiveSmallIntegerField(_("purge closed cases after (years)"), default=5)
    is_active = models.BooleanField(_("applied by the daily task"), default=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return str(self.centre)


# --- Escalation to the hotline -------------------------------------------------------------------


class Escalation(BaseModel):
    """Reported URLs a counsellor sent from a contact to the hotline (the report links back by origin)."""

    VIEW_PERMISSION = CASE_DATA_PERMISSION

    centre = models.ForeignKey("network.Centre", on_delete=models.PROTECT, verbose_name=_("centre"))
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("contact")
    )
    # The hotline report by id and reference, not a foreign key: the helpline does not own it,
    # and the report may live at a partner centre that covers the country. Empty until the hotline
    # has filed the report (the event "hotline.escalation_filed", helpline.subscribers).
    report_id = models.UUIDField(_("hotline report id"), null=True, blank=True)
    report_reference = models.CharField(_("hotline report reference"), max_length=20, blank=True)
    url_count = models.PositiveSmallIntegerField(_("number of URLs"))
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("escalated by")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("escalation to the hotline")
        verbose_name_plural = _("escalations to the hotline")

    def __str__(self) -> str:
        return self.report_reference or str(_("sent to the hotline"))
