"""Reads of the legal app: scoping by country, the matrix and the gap lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.access import country_ids_with
from legal.models import GAP_STATUSES, Editor, Entry, Provision, Publication
from legal.permissions import LegalPerm
from network.models import Country


def is_coordinator(user) -> bool:
    return bool(country_ids_with(user, LegalPerm.VALIDATE))


def readable_country_ids(user) -> set:
    if is_coordinator(user):
        return set(Country.objects.filter(in_network=True).values_list("pk", flat=True))
    return set(country_ids_with(user, LegalPerm.READ))


def editable_country_ids(user) -> set:
    """Countries whose entries the user edits: by role, or named editor while still a member there."""
    ids = set(country_ids_with(user, LegalPerm.EDIT))
    member_of = country_ids_with(user, LegalPerm.READ)
    if member_of and getattr(user, "pk", None):
        ids |= set(Editor.objects.filter(user=user, country_id__in=member_of).values_list("country_id", flat=True))
    return ids


def access_country(user, country_id) -> Country:
    """The country if the user reads its entries, else 404 (as if it did not exist)."""
    if str(country_id) not in {str(pk) for pk in readable_country_ids(user)}:
        raise Http404
    return Country.objects.get(pk=country_id)


def require_editor(user, country: Country) -> None:
    if country.pk not in editable_country_ids(user):
        raise PermissionDenied


def require_coordinator(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied


def provisions() -> list[Provision]:
    return list(Provision.objects.filter(is_active=True))


@dataclass
class MatrixRow:
    """One provision of the matrix with the entry of each country (None: not yet entered)."""

    provision: Provision
    cells: list


def matrix(countries: list[Country], *, own_ids: set, published_only: bool = False) -> list[tuple[str, list]]:
    """Provisions grouped, each with one cell per country: own countries' entries, others' validated ones."""
    entries = Entry.objects.network_shared(own_ids).filter(country__in=countries).select_related("reviewed_by")
    by_key = {}
    for entry in entries:
        if entry.country_id in own_ids or entry.validated_at is not None:
            by_key[(entry.country_id, entry.provision_id)] = entry
    groups: dict[str, list] = {}
    for provision in provisions():
        cells = [by_key.get((country.pk, provision.pk)) for country in countries]
        groups.setdefault(provision.display_group, []).append(MatrixRow(provision, cells))
    return list(groups.items())


def matrix_countries(user) -> tuple[list[Country], set]:
    """Every network country for a reader of the matrix, and which ones are the user's own."""
    own = readable_country_ids(user)
    return list(Country.objects.filter(in_network=True)), own


def published_countries() -> list[Country]:
    ids = Publication.objects.filter(is_published=True).values_list("country_id", flat=True)
    return list(Country.objects.filter(pk__in=ids))


def gaps(country: Country, user) -> list[tuple[Provision, Entry | None]]:
    """Provisions the country does not fully meet, with what is missing: partial, none, unknown or no entry."""
    entries = {e.provision_id: e for e in Entry.objects.visible_to(user).filter(country=country)}
    result = []
    for provision in provisions():
        entry = entries.get(provision.pk)
        if entry is None or entry.status in GAP_STATUSES:
            result.append((provision, entry))
    return result


def is_published(country: Country) -> bool:
    return Publication.objects.filter(country=country, is_published=True).exists()
