"""Models of the hashes app: lists of hashes of known material and their entries (never the material)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.access import GuardedQuerySet, ScopedQuerySet, centre_ids_with
from core.models import BaseModel
from hashes.permissions import HashesPerm


class ListKind(models.TextChoices):
    OWN = "own", _("Centre's own list")
    NETWORK = "network", _("Network-shared list")
    PARTNER = "partner", _("Imported partner list")


class TrustLevel(models.TextChoices):
    HIGH = "high", _("High (confirmed by analysts)")
    MEDIUM = "medium", _("Medium (trusted partner)")
    LOW = "low", _("Low (unverified source)")


class Algorithm(models.TextChoices):
    MD5 = "md5", "MD5"
    SHA1 = "sha1", "SHA-1"
    SHA256 = "sha256", "SHA-256"
    PDQ = "pdq", "PDQ"


# Hex digits of a value per algorithm (PDQ: 256 bits).
HEX_LENGTH = {Algorithm.MD5: 32, Algorithm.SHA1: 40, Algorithm.SHA256: 64, Algorithm.PDQ: 64}


class Classification(models.TextChoices):
    BASELINE = "baseline", _("Baseline (illegal everywhere)")
    NATIONAL = "national", _("National (illegal under national law)")


class HashListQuerySet(ScopedQuerySet):
    """A centre's own and partner lists to its hotline staff; network lists to every network hotline."""

    def visible_to(self, user, code: str | None = None):
        code = code or HashesPerm.VIEW
        centre_ids = centre_ids_with(user, code)
        if not centre_ids:
            return self.none()
        if code != HashesPerm.VIEW:
            # Any other code (changing a list) reaches the user's own centres' lists only.
            return self.filter(centre_id__in=centre_ids)
        return self.filter(models.Q(centre_id__in=centre_ids) | models.Q(kind=ListKind.NETWORK))


class HashList(BaseModel):
    """A list of hashes of known material, owned by one centre."""

    VIEW_PERMISSION = HashesPerm.VIEW

    centre = models.ForeignKey(
        "network.Centre", on_delete=models.PROTECT, related_name="hash_lists", verbose_name=_("owner centre")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ListKind.choices, default=ListKind.OWN)
    source = models.CharField(_("source"), max_length=200, blank=True)
    trust_level = models.CharField(_("trust level"), max_length=20, choices=TrustLevel.choices, default=TrustLevel.HIGH)
    # For an own list: hashes the centre confirms also join the network-shared list.
    shares_with_network = models.BooleanField(_("shares with the network"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = HashListQuerySet.as_manager()

    class Meta:
        verbose_name = _("hash list")
        verbose_name_plural = _("hash lists")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="hashes_list_unique_name")]

    def __str__(self) -> str:
        return self.name


class HashEntryQuerySet(GuardedQuerySet):
    """Entries are visible exactly when their list is."""

    def visible_to(self, user, code: str | None = None):
        return self.filter(hash_list__in=HashList.objects.visible_to(user, code))


class HashEntry(BaseModel):
    """One hash of known material in one list."""

    hash_list = models.ForeignKey(HashList, on_delete=models.PROTECT, related_name="entries", verbose_name=_("list"))
    algorithm = models.CharField(_("algorithm"), max_length=10, choices=Algorithm.choices)
    value = models.CharField(_("value"), max_length=64, help_text=_("Lower-case hexadecimal."))
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    quality = models.PositiveSmallIntegerField(_("PDQ quality"), null=True, blank=True)
    first_seen = models.DateTimeField(_("first seen"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Where it came from (an import file, a hotline item): shown only to the owner centre.
    origin = models.CharField(_("origin"), max_length=200, blank=True)

    objects = HashEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("hash entry")
        verbose_name_plural = _("hash entries")
        ordering = ["-first_seen"]
        constraints = [
            models.UniqueConstraint(fields=["hash_list", "algorithm", "value"], name="hashes_entry_unique_value")
        ]
        # Exact lookups across lists: (algorithm, value).
        indexes = [models.Index(fields=["algorithm", "value"], name="hashes_entry_lookup")]

    def __str__(self) -> str:
        return f"{self.get_algorithm_display()} {self.value}"

    @property
    def usable(self) -> bool:
        """Matched at all: active, and for PDQ of quality 50 or more (unknown quality is trusted)."""
        from hashes.matching import usable_quality

        return self.is_active and (self.algorithm != Algorithm.PDQ or usable_quality(self.quality))


class PdqChange(models.Model):
    """One change to a PDQ entry, as the in-memory indexes apply it; written by database triggers.

    The triggers (migration 0002) add a row for every insert, update of the value, activity or
    quality, and delete of a PDQ entry, whatever the code path (actions, imports, bulk updates,
    the shell), in the transaction that makes the change. Each process's index reads the rows
    committed since it last looked (``hashes.pdq_index``). ``active`` is the entry's own flag
    (false once deleted); usable quality is decided in Python.
    """

    id = models.BigAutoField(primary_key=True)
    entry_id = models.UUIDField(_("entry"))
    value = models.CharField(_("value"), max_length=64)
    active = models.BooleanField(_("active"))
    quality = models.PositiveSmallIntegerField(_("PDQ quality"), null=True, blank=True)
    # PostgreSQL: the writing transaction's id (pg_current_xact_id), to read exactly what committed since.
    xid = models.BigIntegerField(_("transaction"), null=True, blank=True)
    # Random: tells the row a process read from another one with the same id (log rolled back or restored).
    token = models.BigIntegerField(_("token"))
    created_at = models.DateTimeField(_("created"), db_default=Now())

    class Meta:
        verbose_name = _("PDQ change")
        verbose_name_plural = _("PDQ changes")
        indexes = [models.Index(fields=["xid"], name="hashes_pdqchange_xid")]

    def __str__(self) -> str:
        return f"PDQ change {self.pk}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(BaseModel):
    """A hash list file imported by the task worker, with its progress for the page.

    The file (hashes of known material only, never material) is kept compressed until the job
    ends, then emptied. Rows are stored in committed batches, so the page can show progress.
    """

    VIEW_PERMISSION = HashesPerm.VIEW
    CENTRE_FIELD = "hash_list__centre"

    hash_list = models.ForeignKey(HashList, on_delete=models.CASCADE, related_name="imports", verbose_name=_("list"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    file_name = models.CharField(_("file"), max_length=200)
    fmt = models.CharField(_("format"), max_length=10)
    algorithm = models.CharField(_("algorithm"), max_length=10, blank=True)
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    content = models.BinaryField(_("compressed file"), default=b"")
    size = models.BigIntegerField(_("size in bytes"))
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    rows = models.PositiveIntegerField(_("lines read"), default=0)
    valid = models.PositiveIntegerField(_("valid lines"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates in the file"), default=0)
    rejected = models.PositiveIntegerField(_("rejected lines"), default=0)
    added = models.PositiveIntegerField(_("new entries"), default=0)
    # [code, parameters, count] and [line, code, parameters] (hashes.values.REASONS): the page says
    # them in the reader's language. Jobs stored before codes hold texts: {text: count}, [line, text].
    reasons = models.JSONField(_("rejections by reason"), default=list, blank=True)
    rejected_lines = models.JSONField(_("first rejected lines"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hash list import")
        verbose_name_plural = _("hash list imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.hash_list}"

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    def reason_counts(self) -> list[tuple[str, int]]:
        """(reason in the current language, rejected lines), the most frequent first."""
        from hashes.values import describe  # hashes.values reads this module's constants

        if isinstance(self.reasons, dict):
            return list(self.reasons.items())
        return [(describe(code, params), count) for code, params, count in self.reasons]

    def first_rejections(self) -> list[tuple[int, str]]:
        """(line, reason in the current language) of the first rejected lines."""
        from hashes.values import describe

        return [(line, describe(*reason)) for line, *reason in self.rejected_lines]

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
