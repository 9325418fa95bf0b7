"""The provisions of the legal-harmonisation checklist and each country's status against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.access import ChildQuerySet, GuardedQuerySet, country_ids_with, narrowing
from core.models import BaseModel
from legal.permissions import LegalPerm
from network.models import CountryEditor


class Provision(BaseModel):
    """A provision the matrix tracks, with its treaty and directive references (editable data)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    group = models.CharField(_("group"), max_length=100)
    group_names = models.JSONField(_("group in other languages"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=300)
    titles = models.JSONField(_("title in other languages"), default=dict, blank=True)
    references = models.JSONField(_("references"), default=list, blank=True)
    reference_text = models.TextField(_("reference text"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.titles.get(get_language() or "en") or self.title

    @property
    def display_group(self) -> str:
        return self.group_names.get(get_language() or "en") or self.group


class EntryStatus(models.TextChoices):
    FULL = "full", _("Full")
    PARTIAL = "partial", _("Partial")
    NONE = "none", _("None")
    UNKNOWN = "unknown", _("Unknown")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


GAP_STATUSES = (EntryStatus.PARTIAL, EntryStatus.NONE, EntryStatus.UNKNOWN)


class EntryQuerySet(GuardedQuerySet):
    """Entries scoped by country: the user's countries, or all for the coordinator."""

    def visible_to(self, user, code: str | None = None) -> EntryQuerySet:
        """``code`` (default ``LegalPerm.READ``): the countries where the user holds it."""
        if code is None and country_ids_with(user, LegalPerm.VALIDATE):
            return self.all()
        return self.filter(country_id__in=country_ids_with(user, code or LegalPerm.READ))

    @narrowing
    def network_shared(self, own_country_ids) -> EntryQuerySet:
        """The matrix: the entries of the reader's own countries (``readable_country_ids``; none on
        the public site) and every validated entry."""
        return self.filter(models.Q(country_id__in=own_country_ids) | models.Q(validated_at__isnull=False))


class Entry(BaseModel):
    """A country's status against one provision: law, article, note, source and last review."""

    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="legal_entries", verbose_name=_("country")
    )
    provision = models.ForeignKey(
        Provision, on_delete=models.PROTECT, related_name="entries", verbose_name=_("provision")
    )
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.UNKNOWN)
    national_law = models.CharField(_("national law"), max_length=300, blank=True)
    article = models.CharField(_("article"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last reviewed by"),
    )
    # Set by the coordinator's validation; any later edit clears it until validated again.
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["country__name", "provision__order", "provision__code"]
        verbose_name = _("legal entry")
        verbose_name_plural = _("legal entries")
        constraints = [models.UniqueConstraint(fields=["country", "provision"], name="uniq_legal_entry")]

    def __str__(self) -> str:
        return f"{self.country} · {self.provision.code}: {self.status}"


class EntryChange(BaseModel):
    """One change of an entry, kept forever: how a country's status moved as its laws changed."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="changes", verbose_name=_("entry"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )
    kind = models.CharField(_("kind"), max_length=20)
    status = models.CharField(_("status"), max_length=20, choices=EntryStatus.choices)
    national_law = models.CharField(_("national law"), max_length=300, blank=True)
    article = models.CharField(_("article"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)

    PARENT_FIELD = "entry"
    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("legal entry change")
        verbose_name_plural = _("legal entry changes")

    def __str__(self) -> str:
        return f"{self.entry} @ {self.created_at:%Y-%m-%d}"


class Publication(BaseModel):
    """The coordinator's choice to show a country's validated entries on the public site."""

    country = models.OneToOneField(
        "network.Country", on_delete=models.CASCADE, related_name="+", verbose_name=_("country")
    )
    is_published = models.BooleanField(_("published on the public site"), default=False)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"{self.country}: {self.is_published}"


class Editor(CountryEditor):
    """A member a centre manager named to edit their country's legal entries."""

    class Meta(CountryEditor.Meta):
        verbose_name = _("legal editor")
        verbose_name_plural = _("legal editors")
