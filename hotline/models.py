"""Models of the hotline: reports from the public, the URLs (items) analysts assess, their timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.access import ScopedQuerySet
from core.crypto import EncryptedTextField
from core.models import BaseModel
from hashes.models import Algorithm
from hotline import taxonomy
from hotline.permissions import HotlinePerm


def unindexed_created_at() -> models.DateTimeField:
    # Report, Item and ItemEvent rows are written for every public submission and never looked up
    # by creation time (received_at and at are what queries use): an index would only slow intake.
    return models.DateTimeField(_("created"), auto_now_add=True)


class ItemStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_ASSESSMENT = "in_assessment", _("Being assessed")
    ACTION_TAKEN = "action_taken", _("Action taken")
    CLOSED = "closed", _("Closed")


class Item(BaseModel):
    """One reported URL at one centre: assessed once, however many reports point at it."""

    VIEW_PERMISSION = HotlinePerm.VIEW
    created_at = unindexed_created_at()

    # No index of its own: the queue index and the open-URL index both start with the centre.
    centre = models.ForeignKey(
        "network.Centre",
        on_delete=models.PROTECT,
        related_name="hotline_items",
        verbose_name=_("centre"),
        db_index=False,
    )
    url = models.TextField(_("canonical URL"))
    url_hash = models.CharField(_("hash of the canonical URL"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.NEW)
    harm_type = models.CharField(_("reported harm"), max_length=20, choices=taxonomy.HarmType.choices)
    reported_by_child = models.BooleanField(_("reported by a child"), default=False)
    reports_count = models.PositiveIntegerField(_("number of reports"), default=1)
    received_at = models.DateTimeField(_("received"))
    last_reported_at = models.DateTimeField(_("last reported"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    # Assessment
    assessment = models.CharField(_("assessment"), max_length=20, choices=taxonomy.Assessment.choices, blank=True)
    content_type = models.CharField(_("content type"), max_length=20, choices=taxonomy.ContentType.choices, blank=True)
    site_type = models.CharField(_("site type"), max_length=20, choices=taxonomy.SiteType.choices, blank=True)
    victim_age = models.CharField(_("victim age group"), max_length=20, choices=taxonomy.VictimAge.choices, blank=True)
    victim_gender = models.CharField(
        _("victim gender"), max_length=20, choices=taxonomy.VictimGender.choices, blank=True
    )
    flags = models.JSONField(_("flags"), default=list, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)  # free text is encrypted at rest
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    # Tracing (entered by the analyst or proposed from an offline GeoIP file: never looked up online)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    hosting_provider = models.CharField(_("hosting provider"), max_length=200, blank=True)
    hosting_country = models.CharField(_("hosting country"), max_length=2, blank=True)
    registrar = models.CharField(_("registrar"), max_length=200, blank=True)
    traced_at = models.DateTimeField(_("traced"), null=True, blank=True)
    # First time each step happened: the hotline's figures are durations between these.
    forwarded_at = models.DateTimeField(_("forwarded to another hotline"), null=True, blank=True)
    law_enforcement_at = models.DateTimeField(_("reported to law enforcement"), null=True, blank=True)
    notice_at = models.DateTimeField(_("notice sent to the host"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removal confirmed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=taxonomy.Outcome.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("reported URL")
        verbose_name_plural = _("reported URLs")
        constraints = [
            # The duplicate check is this index: one open item per URL and centre.
            models.UniqueConstraint(
                fields=["centre", "url_hash"], condition=~Q(status="closed"), name="hotline_one_open_item_per_url"
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "status", "received_at"], name="hotline_queue"),
            models.Index(fields=["centre", "received_at"], name="hotline_figures"),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def is_open(self) -> bool:
        return self.status != ItemStatus.CLOSED


class Report(BaseModel):
    """One submission (public form, API, helpline escalation or import) naming one or more URLs."""

    VIEW_PERMISSION = HotlinePerm.VIEW

    centre = models.ForeignKey(
        "network.Centre", on_delete=models.PROTECT, related_name="hotline_reports", verbose_name=_("centre")
    )
    reference = models.CharField(_("reference"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    source = models.CharField(_("source"), max_length=30, choices=taxonomy.Source.choices)
    harm_type = models.CharField(_("reported harm"), max_length=20, choices=taxonomy.HarmType.choices)
    where_seen = models.CharField(_("where it was seen"), max_length=200, blank=True)
    description = EncryptedTextField(_("description"), blank=True)
    reporter_is_child = models.BooleanField(_("reporter is a child"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=10, choices=taxonomy.AgeBand.choices, blank=True)
    contact_email = EncryptedTextField(_("contact email"), blank=True)
    consent_to_contact = models.BooleanField(_("consents to be contacted"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    received_at = models.DateTimeField(_("received"))
    # A keyed hash of the client's Idempotency-Key: a retried submission finds its first answer.
    idempotency_key = models.CharField(_("idempotency key (hash)"), max_length=64, null=True, blank=True)
    # The helpline contact this report came from (set by the Helpline app).
    origin_reference = models.CharField(_("originating record"), max_length=100, blank=True)
    items = models.ManyToManyField(Item, related_name="reports", verbose_name=_("reported URLs"))
    created_at = unindexed_created_at()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        # Constraints rather than unique=True: on PostgreSQL a unique CharField gets a second index
        # for LIKE searches, which nothing here makes, and every report would write it.
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="hotline_report_reference_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="hotline_report_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return self.reference


class PendingReport(models.Model):
    """A public report accepted but not yet attached to its items (hotline.actions.attach_pending).

    Written with the report, in the same statement; deleted when the report is attached, usually
    within a second. A queue of its own, so that attaching never rewrites the report's row.
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, primary_key=True, related_name="pending")
    centre = models.ForeignKey("network.Centre", on_delete=models.CASCADE, related_name="+", db_index=False)
    received_at = models.DateTimeField(_("received"))
    urls = models.JSONField(_("canonical URLs"))

    VIEW_PERMISSION = HotlinePerm.VIEW
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report waiting to be attached")
        verbose_name_plural = _("reports waiting to be attached")

    def __str__(self) -> str:
        return str(self.report_id)


class ItemEvent(BaseModel):
    """One step on an item's timeline, with who did it; details never hold a sensitive plaintext."""

    VIEW_PERMISSION = HotlinePerm.VIEW
    created_at = unindexed_created_at()
    CENTRE_FIELD = "item__centre"

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        REPORTED_AGAIN = "reported_again", _("Reported again")
        CLAIMED = "claimed", _("Claimed")
        ASSIGNED = "assigned", _("Assigned")
        ASSESSED = "assessed", _("Assessed")
        TRACED = "traced", _("Hosting traced")
        FORWARDED = "forwarded", _("Forwarded to the hotline of the hosting country")
        LAW_ENFORCEMENT = "law_enforcement", _("Reported to law enforcement")
        NOTICE = "notice", _("Notice sent to the hosting provider")
        REMOVAL_CHECK = "removal_check", _("Removal checked")
        CLOSED = "closed", _("Closed")
        HASHES_ADDED = "hashes_added", _("Hashes added")
        HASH_REMOVED = "hash_removed", _("Hash removed")
        PARTNER_OUTCOME = "partner_outcome", _("Outcome from the receiving hotline")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events", verbose_name=_("reported URL"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "created_at"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class ItemHash(BaseModel):
    """A hash of material seen at an item's URL (pasted, or computed from a file read in memory only)."""

    VIEW_PERMISSION = HotlinePerm.VIEW
    CENTRE_FIELD = "item__centre"

    # No index of its own: the unique constraint starts with the item.
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="hashes", verbose_name=_("reported URL"), db_index=False
    )
    algorithm = models.CharField(_("algorithm"), max_length=10, choices=Algorithm.choices)
    value = models.CharField(_("value"), max_length=64, help_text=_("Lower-case hexadecimal."))
    quality = models.PositiveSmallIntegerField(_("PDQ quality"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "algorithm", "value"]
        verbose_name = _("hash of a reported URL's material")
        verbose_name_plural = _("hashes of reported URLs' material")
        constraints = [
            models.UniqueConstraint(fields=["item", "algorithm", "value"], name="hotline_item_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_algorithm_display()} {self.value}"


class ReferenceCounter(models.Model):
    """The last report number given per country and year (references like AL-2026-000123)."""

    prefix = models.CharField(_("prefix"), max_length=10, primary_key=True)
    value = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.prefix}: {self.value}"


class ClientCounter(models.Model):
    """Submissions per client and time window; the client is only a keyed hash, deleted after the window."""

    client = models.CharField(_("client (keyed hash)"), max_length=64)
    window = models.DateTimeField(_("window start"), db_index=True)
    count = models.PositiveIntegerField(_("submissions"), default=0)

    class Meta:
        verbose_name = _("submission counter")
        verbose_name_plural = _("submission counters")
        constraints = [models.UniqueConstraint(fields=["client", "window"], name="hotline_one_counter_per_window")]

    def __str__(self) -> str:
        return f"{self.window:%Y-%m-%d %H:%M}: {self.count}"
