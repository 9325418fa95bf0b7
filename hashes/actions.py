"""Every change to hash lists: one transaction, explicit update_fields, one audit entry."""

from __future__ import annotations

import gzip
import io
import logging
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.actions import record
from hashes.models import HashEntry, HashList, ListKind, TrustLevel

logger = logging.getLogger(__name__)


@transaction.atomic
def create_list(
    centre, *, by, name: str, kind: str, source: str = "", trust_level: str, shares_with_network: bool = False
) -> HashList:
    hash_list = HashList.objects.create(
        centre=centre,
        name=name,
        kind=kind,
        source=source,
        trust_level=trust_level,
        shares_with_network=shares_with_network,
        created_by=by,
    )
    record(
        "hashes.list_created",
        actor=by,
        centre_id=centre.pk,
        obj=hash_list,
        changes={"name": name, "kind": kind, "trust_level": trust_level, "shares_with_network": shares_with_network},
    )
    return hash_list


@transaction.atomic
def add_entry(
    hash_list: HashList,
    *,
    by,
    algorithm: str,
    value: str,
    classification: str,
    quality: int | None = None,
    origin: str = "",
) -> tuple[HashEntry, bool]:
    """Add a (normalised) hash to the list; an existing one is returned unchanged with created=False."""
    entry, created = HashEntry.objects.unscoped("adding to a list").get_or_create(
        hash_list=hash_list,
        algorithm=algorithm,
        value=value,
        defaults={
            "classification": classification,
            "quality": quality,
            "first_seen": timezone.now(),
            "added_by": by,
            "origin": origin,
        },
    )
    if created:
        record(
            "hashes.entry_added",
            actor=by,
            centre_id=hash_list.centre_id,
            obj=entry,
            changes={
                "list": str(hash_list.pk),
                "algorithm": algorithm,
                "value": value,
                "classification": classification,
            },
        )
    return entry, created


@transaction.atomic
def set_entry_active(entry: HashEntry, *, by, active: bool) -> HashEntry:
    """Disable (no longer matched) or enable an entry again."""
    entry = HashEntry.objects.select_for_update().select_related("hash_list").same_as(entry).get()
    if entry.is_active == active:
        return entry
    entry.is_active = active
    entry.save(update_fields=["is_active", "updated_at"])
    record(
        "hashes.entry_enabled" if active else "hashes.entry_disabled",
        actor=by,
        centre_id=entry.hash_list.centre_id,
        obj=entry,
        changes={"is_active": active},
    )
    return entry


BATCH = 2_000


@transaction.atomic
def import_entries(
    hash_list: HashList,
    rows: Iterable[dict],
    *,
    by=None,
    origin: str,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Store validated rows (algorithm, value, classification, quality) in batches; one audit entry.

    All or nothing (one transaction). Values already in the list are skipped by the unique
    constraint. Answers how many were new.
    """
    now = timezone.now()
    before = hash_list.entries.count()
    seen = 0
    for batch in _batches(rows):
        _store_rows(hash_list, batch, by=by, origin=origin, now=now)
        seen += len(batch)
        if on_batch:
            on_batch(seen)
    added = hash_list.entries.count() - before
    record(
        "hashes.list_imported",
        actor=by,
        actor_label="" if by else "manage.py import_hashes",
        centre_id=hash_list.centre_id,
        obj=hash_list,
        changes={"rows": seen, "added": added, "origin": origin},
    )
    return added


def _batches(rows: Iterable[dict]):
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _store_rows(hash_list: HashList, rows: list[dict], *, by, origin: str, now) -> None:
    HashEntry.objects.bulk_create(
        [
            HashEntry(
                hash_list=hash_list,
                algorithm=row["algorithm"],
                value=row["value"],
                classification=row["classification"],
                quality=row.get("quality"),
                first_seen=row.get("first_seen") or now,
                added_by=by,
                origin=origin,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )


# --- Imports run by the task worker, with their progress in the page --------------------------------


@transaction.atomic
def start_import(hash_list: HashList, *, by, upload, fmt: str, algorithm: str, classification: str):
    """Keep the uploaded list (compressed) and queue its import in the same transaction."""
    from hashes.models import ImportJob
    from hashes.tasks import run_import

    compressed = io.BytesIO()
    size = 0
    with gzip.GzipFile(fileobj=compressed, mode="wb", compresslevel=6) as out:
        for chunk in upload.chunks():
            size += len(chunk)
            out.write(chunk)
    job = ImportJob.objects.create(
        hash_list=hash_list,
        created_by=by,
        file_name=(upload.name or "upload")[-200:],
        fmt=fmt,
        algorithm=algorithm,
        classification=classification,
        content=compressed.getvalue(),
        size=size,
    )
    record(
        "hashes.import_started",
        actor=by,
        centre_id=hash_list.centre_id,
        obj=job,
        changes={"list": str(hash_list.pk), "file": job.file_name, "bytes": size},
    )
    run_import.enqueue(job_id=str(job.pk))
    return job


PROGRESS_EVERY = 10  # batches between progress writes


def run_import(job_id) -> str:
    """The worker's side: read the file, store valid rows in committed batches, report progress.

    A batch and the progress that counts it commit together. A failure keeps the batches already
    stored (valid, checked hashes) and says so; importing the same file again adds only the rest.
    """
    from hashes import importer
    from hashes.models import ImportJob, ImportStatus

    with transaction.atomic():
        job = (
            ImportJob.objects.unscoped("import worker")
            .select_for_update()
            .select_related("hash_list", "created_by")
            .get(pk=job_id)
        )
        if job.status != ImportStatus.QUEUED:
            return job.status  # a repeated task: the first run owns the job
        job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    hash_list, summary, origin = job.hash_list, importer.Summary(), f"import:{job.file_name}"[:200]
    before = hash_list.entries.count()
    share = {"read": 0.0}
    try:
        stream = gzip.GzipFile(fileobj=io.BytesIO(bytes(job.content)), mode="rb")
        rows = importer.read_stream(
            stream,
            size=job.size,
            fmt=job.fmt,
            algorithm=job.algorithm or None,
            classification=job.classification,
            summary=summary,
            progress=lambda value: share.update(read=value),
        )
        now = timezone.now()
        for number, batch in enumerate(_batches(rows), start=1):
            with transaction.atomic():
                _store_rows(hash_list, batch, by=job.created_by, origin=origin, now=now)
                if number % PROGRESS_EVERY == 0:
                    _save_progress(job, summary, share["read"])
    except Exception as exc:  # noqa: BLE001 - any failure ends the job as failed, shown on its page
        logger.exception("Hash list import %s failed", job.pk)
        return _finish(job, summary, before, status=ImportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:300])
    return _finish(job, summary, before, status=ImportStatus.DONE)


def _save_progress(job, summary, read: float) -> None:
    job.progress = min(read, 0.99)
    job.rows, job.valid, job.duplicates = summary.rows, summary.valid, summary.duplicates
    job.rejected = sum(summary.reasons.values())
    job.save(update_fields=["progress", "rows", "valid", "duplicates", "rejected", "updated_at"])


@transaction.atomic
def _finish(job, summary, before: int, *, status: str, error: str = "") -> str:
    job.progress = 1.0 if status == "done" else job.progress
    job.rows, job.valid, job.duplicates = summary.rows, summary.valid, summary.duplicates
    job.rejected = sum(summary.reasons.values())
    job.status, job.error, job.finished_at = status, error, timezone.now()
    job.added = job.hash_list.entries.count() - before
    job.reasons = [[code, params, count] for code, params, count in summary.reason_counts()]
    job.rejected_lines = [[line, code, params] for line, code, params in summary.rejected]
    job.content = b""  # the file is not kept once read
    job.save(
        update_fields=[
            *("progress", "rows", "valid", "duplicates", "rejected", "status", "error", "finished_at", "added"),
            *("reasons", "rejected_lines", "content", "updated_at"),
        ]
    )
    record(
        "hashes.list_imported",
        actor=job.created_by,
        centre_id=job.hash_list.centre_id,
        obj=job.hash_list,
        changes={"job": str(job.pk), "status": status, "rows": job.rows, "added": job.added, "error": error},
    )
    return status


# --- Hashes the hotline confirms ------------------------------------------------------------------

CONFIRMED_LIST_NAME = "{code} confirmed"  # the centre's own list of hotline-confirmed hashes
NETWORK_LIST_NAME = "{code} network"  # the centre's network-shared list, when it has none yet


@transaction.atomic
def add_confirmed_hashes(
    centre,
    *,
    values: Iterable[tuple[str, str, int | None]],
    classification: str,
    by,
    origin: str,
) -> dict[str, int]:
    """Hashes an analyst confirmed (an item assessed baseline or national) join the centre's lists.

    They join the centre's own list named "<centre code> confirmed" (created once, not shared), and,
    when that list ``shares_with_network``, the centre's network-shared list too (its oldest one,
    created as "<centre code> network" if it has none). Only hashes and classifications go there:
    ``origin`` is a short code ("hotline item <id>"), never a URL. A hash already in a list is left
    as it is; the new ones are stored in one statement per list, with one audit entry per list that
    gained any. Answers how many entries were new in each list kind.
    """
    values = list(dict.fromkeys(values))
    added = {ListKind.OWN.value: 0, ListKind.NETWORK.value: 0}
    if not values:
        return added
    own = _list_named(centre, CONFIRMED_LIST_NAME.format(code=centre.code), ListKind.OWN, TrustLevel.HIGH, by)
    targets = [(ListKind.OWN.value, own)]
    if own.shares_with_network:
        network = (
            HashList.objects.unscoped("confirmed hashes")
            .filter(centre=centre, kind=ListKind.NETWORK)
            .order_by("created_at", "pk")
            .first()
        )
        if network is None:
            name = NETWORK_LIST_NAME.format(code=centre.code)
            network = _list_named(centre, name, ListKind.NETWORK, TrustLevel.HIGH, by)
        targets.append((ListKind.NETWORK.value, network))
    now = timezone.now()
    for kind, hash_list in targets:
        present = set(
            hash_list.entries.filter(value__in={value for _a, value, _q in values}).values_list("algorithm", "value")
        )
        new = [
            {"algorithm": algorithm, "value": value, "classification": classification, "quality": quality}
            for algorithm, value, quality in values
            if (algorithm, value) not in present
        ]
        if not new:
            continue
        _store_rows(hash_list, new, by=by, origin=origin, now=now)
        added[kind] = len(new)
        record(
            "hashes.entries_confirmed",
            actor=by,
            centre_id=hash_list.centre_id,
            obj=hash_list,
            # The first hundred values: the entries themselves hold every one.
            changes={
                "origin": origin,
                "classification": classification,
                "count": len(new),
                "hashes": [f"{row['algorithm']}:{row['value']}" for row in new[:100]],
            },
        )
    return added


def _list_named(centre, name: str, kind: str, trust_level: str, by) -> HashList:
    """The centre's list of that name, created (audited) the first time it is needed."""
    existing = HashList.objects.unscoped("confirmed hashes").filter(centre=centre, name=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: two first confirmations at once both find the list
            return create_list(centre, by=by, name=name, kind=kind, source="hotline", trust_level=trust_level)
    except IntegrityError:
        return HashList.objects.unscoped("confirmed hashes").get(centre=centre, name=name)


# --- A list's settings ------------------------------------------------------------------------------


@transaction.atomic
def update_list(
    hash_list: HashList, *, by, name: str, source: str, trust_level: str, shares_with_network: bool
) -> HashList:
    """Change a list's name, source, trust level or sharing; audited with what changed."""
    locked = HashList.objects.select_for_update().same_as(hash_list).get()
    wanted = {"name": name, "source": source, "trust_level": trust_level, "shares_with_network": shares_with_network}
    changed = {field: value for field, value in wanted.items() if getattr(locked, field) != value}
    if not changed:
        return locked
    for field, value in changed.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*changed, "updated_at"])
    record("hashes.list_changed", actor=by, centre_id=locked.centre_id, obj=locked, changes=changed)
    return locked
