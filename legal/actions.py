"""Every change to the legal matrix: entries (with their history), validation, publication, editors."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.actions import record, save_recorded
from core.access import acting_centre_id
from legal.models import Editor, Entry, EntryChange, Provision, Publication

ENTRY_FIELDS = ("status", "national_law", "article", "note", "source")


def _history(entry: Entry, *, by, kind: str) -> EntryChange:
    return EntryChange(entry=entry, changed_by=by, kind=kind, **{f: getattr(entry, f) for f in ENTRY_FIELDS})


@transaction.atomic
def update_entry(country, provision: Provision, *, by, **values: str) -> Entry:
    """Record a country's status against a provision; the change joins the entry's history."""
    entry, _created = (
        Entry.objects.visible_to(by).select_for_update().get_or_create(country=country, provision=provision)
    )
    before = {f: getattr(entry, f) for f in ENTRY_FIELDS}
    for name in ENTRY_FIELDS:
        setattr(entry, name, values.get(name, getattr(entry, name)))
    entry.reviewed_at, entry.reviewed_by = timezone.now(), by
    # An edited entry is no longer what the coordinator validated: it leaves the public matrix.
    entry.validated_at = None
    entry.save(update_fields=[*ENTRY_FIELDS, "reviewed_at", "reviewed_by", "validated_at", "updated_at"])
    _history(entry, by=by, kind="edited").save()
    changed = {f: [before[f], getattr(entry, f)] for f in ENTRY_FIELDS if before[f] != getattr(entry, f)}
    record(
        "legal.entry_updated",
        actor=by,
        centre_id=acting_centre_id(by, entry.country_id),
        obj=entry,
        changes={"country": country.code, "provision": provision.code, **changed},
    )
    return entry


@transaction.atomic
def validate_country(country, *, by) -> int:
    """The coordinator validates every entry of a country as it stands now."""
    entries = list(Entry.objects.visible_to(by).select_for_update().filter(country=country, validated_at__isnull=True))
    now = timezone.now()
    for entry in entries:
        entry.validated_at = now
    Entry.objects.bulk_update(entries, ["validated_at"])
    EntryChange.objects.bulk_create([_history(entry, by=by, kind="validated") for entry in entries])
    record(
        "legal.country_validated",
        actor=by,
        centre_id=acting_centre_id(by, country.pk),
        obj=country,
        changes={"country": country.code, "entries": len(entries)},
    )
    return len(entries)


@transaction.atomic
def set_published(country, *, by, published: bool) -> Publication:
    publication, _created = Publication.objects.get_or_create(country=country)
    publication.is_published = published
    publication.save(update_fields=["is_published", "updated_at"])
    action = "legal.country_published" if published else "legal.country_unpublished"
    record(
        action,
        actor=by,
        centre_id=acting_centre_id(by, country.pk),
        obj=publication,
        changes={"country": country.code, "is_published": published},
    )
    return publication


@transaction.atomic
def name_editor(country, user, *, by) -> Editor:
    editor, created = Editor.objects.get_or_create(country=country, user=user, defaults={"named_by": by})
    if created:  # naming someone already named changes nothing, and is not recorded
        record(
            "legal.editor_named",
            actor=by,
            centre_id=acting_centre_id(by, country.pk),
            obj=editor,
            changes={"country": country.code, "user": str(user.pk)},
        )
    return editor


@transaction.atomic
def remove_editor(editor: Editor, *, by) -> None:
    record(
        "legal.editor_removed",
        actor=by,
        centre_id=acting_centre_id(by, editor.country_id),
        obj=editor,
        changes={"country": editor.country.code, "user": str(editor.user_id)},
    )
    editor.delete()


def save_provision(obj, *, by, fields: list[str]) -> bool:
    """A platform administrator adds or edits a provision the matrix tracks (the admin). ``fields``: the fields changed (none for a new one); one audit entry names them."""
    return save_recorded(obj, by=by, action="legal.provision", fields=fields)
