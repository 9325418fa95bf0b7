"""Countries, centres and their services, coverage, and who holds which role where."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.permissions import Role


class Country(BaseModel):
    """A country of the network or a partner country (ISO 3166 alpha-2; Kosovo is XK)."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Names in the interface languages, keyed by language code; English is ``name``.
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("BCP 47 tags"))
    default_language = models.CharField(_("default interface language"), max_length=10, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Belgrade")
    in_network = models.BooleanField(_("member of the network"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.names.get(get_language() or "en") or self.name


class Service(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    HELPLINE = "helpline", _("Helpline")
    AWARENESS = "awareness", _("Awareness centre")
    YOUTH_PANEL = "youth_panel", _("Youth panel")


class CentreKind(models.TextChoices):
    SIC = "sic", _("Safer Internet Centre")
    CSO = "cso", _("Civil society organisation")
    STATE = "state", _("State institution")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    INTERNATIONAL = "international", _("International partner")


class Centre(BaseModel):
    """An organisation of the network: it owns case records and employs members."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CentreKind.choices, default=CentreKind.SIC)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="centres", verbose_name=_("country"))
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    listed_in_directory = models.BooleanField(_("listed in the directory"), default=True)

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")

    def __str__(self) -> str:
        return self.name

    @property
    def effective_time_zone(self) -> str:
        return self.time_zone or self.country.time_zone


class CentreService(BaseModel):
    """A service a centre runs (its public name, number and hours)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="services", verbose_name=_("centre"))
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    public_name = models.CharField(_("public name"), max_length=200, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_public = models.BooleanField(_("shown on the public site"), default=True)

    class Meta:
        ordering = ["service"]
        verbose_name = _("centre service")
        verbose_name_plural = _("centre services")
        constraints = [models.UniqueConstraint(fields=["centre", "service"], name="uniq_centre_service")]

    def __str__(self) -> str:
        return f"{self.centre} · {self.get_service_display()}"


class Coverage(BaseModel):
    """Which centre handles a service for a country: every report and contact has a home."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("country"))
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="coverage", verbose_name=_("centre"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["country__name", "service"]
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        constraints = [models.UniqueConstraint(fields=["country", "service"], name="uniq_country_service")]

    def __str__(self) -> str:
        return f"{self.country.code} {self.service} → {self.centre.code}"

    @property
    def is_partner(self) -> bool:
        """True when a centre of another country covers this one."""
        return self.centre.country_id != self.country_id


class Membership(BaseModel):
    """A user holds a role at a centre; roles grant permission codes (core.permissions)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("centre"))
    role = models.CharField(_("role"), max_length=30, choices=Role.CHOICES)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["centre__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "centre", "role"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.centre}"


class CountryEditor(BaseModel):
    """A member a centre manager named to edit their country's records of one kind (NRM
    assessments, legal entries): each app keeps its own table of editors (abstract)."""

    country = models.ForeignKey(
        "network.Country", on_delete=models.CASCADE, related_name="+", verbose_name=_("country")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("named by")
    )

    class Meta:
        abstract = True
        ordering = ["country__name"]
        constraints = [models.UniqueConstraint(fields=["country", "user"], name="uniq_%(app_label)s_editor")]

    def __str__(self) -> str:
        return f"{self.user} · {self.country}"
