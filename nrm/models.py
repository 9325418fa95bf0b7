"""The Model National Response framework (as versioned data) and each country's assessments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.access import ChildQuerySet, GuardedQuerySet, country_ids_with, narrowing
from core.models import BaseModel
from network.models import CountryEditor
from nrm.permissions import NrmPerm


class Named(models.Model):
    """Abstract: an English name plus translations keyed by language code (like network.Country)."""

    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.names.get(get_language() or "en") or self.name


class Framework(BaseModel):
    """One version of the MNR framework; assessments keep the version they were made against."""

    code = models.SlugField(_("code"), max_length=20)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="uniq_framework_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class MaturityLevel(Named, BaseModel):
    """A maturity phase of a framework (0 = not assessed); administrators rename them."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="levels", verbose_name=_("framework")
    )
    level = models.PositiveSmallIntegerField(_("level"))

    class Meta:
        ordering = ["framework", "level"]
        verbose_name = _("maturity level")
        verbose_name_plural = _("maturity levels")
        constraints = [models.UniqueConstraint(fields=["framework", "level"], name="uniq_framework_level")]


class Domain(Named, BaseModel):
    """One of the framework's domains (policy, criminal justice, victim...)."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="domains", verbose_name=_("framework")
    )
    number = models.PositiveSmallIntegerField(_("number"))

    class Meta:
        ordering = ["framework", "number"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class Capability(Named, BaseModel):
    """A numbered capability of the framework, rated in every assessment."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="capabilities", verbose_name=_("domain"))
    number = models.PositiveSmallIntegerField(_("number"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VALIDATED = "validated", _("Validated")
    REOPENED = "reopened", _("Reopened")


EDITABLE_STATUSES = (Status.DRAFT, Status.REOPENED)


class AssessmentQuerySet(GuardedQuerySet):
    """Assessments scoped by country: the user's countries, or all for the coordinator."""

    def visible_to(self, user, code: str | None = None) -> AssessmentQuerySet:
        """``code`` (default ``NrmPerm.READ``): the countries where the user holds it."""
        if code is None and country_ids_with(user, NrmPerm.VALIDATE):
            return self.all()
        return self.filter(country_id__in=country_ids_with(user, code or NrmPerm.READ))

    @narrowing
    def shared_with(self, user) -> AssessmentQuerySet:
        """What the comparison shows a reader: their countries' assessments and every validated one."""
        if country_ids_with(user, NrmPerm.VALIDATE):
            return self.all()
        return self.filter(Q(country_id__in=country_ids_with(user, NrmPerm.READ)) | Q(status=Status.VALIDATED))

    @narrowing
    def published(self) -> AssessmentQuerySet:
        """What the public site shows: validated and published assessments."""
        return self.filter(status=Status.VALIDATED, is_published=True)

    def validated(self) -> AssessmentQuerySet:
        return self.filter(status=Status.VALIDATED)


class Assessment(BaseModel):
    """A country's assessment against the framework for one period."""

    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="nrm_assessments", verbose_name=_("country")
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, verbose_name=_("framework"))
    period = models.CharField(_("period"), max_length=40, help_text=_("For example 2025 or 2025-H1"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    is_published = models.BooleanField(_("published on the public site"), default=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["country__name", "-period"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [models.UniqueConstraint(fields=["country", "period"], name="uniq_assessment_period")]

    def __str__(self) -> str:
        return f"{self.country} {self.period}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class Rating(BaseModel):
    """One capability's maturity in one assessment, with its evidence, gaps and recommendations."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("assessment")
    )
    capability = models.ForeignKey(Capability, on_delete=models.PROTECT, verbose_name=_("capability"))
    level = models.PositiveSmallIntegerField(_("maturity level"), default=0)
    evidence = models.TextField(_("evidence"), blank=True)
    links = models.TextField(_("links"), blank=True, help_text=_("One address per line"))
    gaps = models.TextField(_("gaps"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )

    PARENT_FIELD = "assessment"
    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["capability__number"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.UniqueConstraint(fields=["assessment", "capability"], name="uniq_rating")]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.capability.number}: {self.level}"

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    # A random name under a private prefix: never the uploader's name, never under static.
    return f"private/nrm/evidence/{instance.pk}.pdf"


class EvidenceFile(BaseModel):
    """A PDF document attached as evidence to a rating; served only through a checked view."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="files", verbose_name=_("rating"))
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )

    PARENT_FIELD = "rating"
    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ItemStatus(models.TextChoices):
    # A context: the hotline's and helpline's "Open" agree with other nouns in our languages.
    OPEN = "open", pgettext_lazy("action item status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("action item status", "In progress")
    DONE = "done", pgettext_lazy("action item status", "Done")
    DROPPED = "dropped", pgettext_lazy("action item status", "Dropped")


OPEN_ITEM_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)


class ActionItemQuerySet(GuardedQuerySet):
    """Action items follow the visibility of their assessment."""

    def visible_to(self, user, code: str | None = None) -> ActionItemQuerySet:
        return self.filter(assessment__in=Assessment.objects.visible_to(user, code))

    def overdue(self) -> ActionItemQuerySet:
        return self.filter(status__in=OPEN_ITEM_STATUSES, due_date__lt=timezone.localdate())


class ActionItem(BaseModel):
    """A step of an assessment's action plan, owned by an organisation, with a due date."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("assessment")
    )
    capability = models.ForeignKey(
        Capability, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("capability")
    )
    title = models.CharField(_("action"), max_length=300)
    owner_organisation = models.CharField(_("owner organisation"), max_length=200)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.OPEN)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "title"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_ITEM_STATUSES and self.due_date < timezone.localdate()


class ActionItemComment(BaseModel):
    """A comment on an action item (progress, obstacles)."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="comments", verbose_name=_("item"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("comment"))

    PARENT_FIELD = "item"
    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("action item comment")
        verbose_name_plural = _("action item comments")

    def __str__(self) -> str:
        return self.text[:50]


class Editor(CountryEditor):
    """A member a centre manager named to edit their country's assessments."""

    class Meta(CountryEditor.Meta):
        verbose_name = _("assessment editor")
        verbose_name_plural = _("assessment editors")
