"""Reading hotline data: the queue, the public status of a report, where a reporter gets help."""

from __future__ import annotations

import secrets

from django.db.models import QuerySet

from hashes.matching import known_for_items, usable_quality
from hotline.actions import status_token_for
from hotline.models import Item, ItemHash, ItemStatus, Report
from hotline.public_messages import PublicStatus
from network.models import CentreService, Country, Service
from network.queries import covering_centre

SORTS = {
    "oldest": ("received_at",),
    "newest": ("-received_at",),
    "most_reported": ("-reports_count", "received_at"),
    "child_first": ("-reported_by_child", "received_at"),
}


def queue(user, params: dict) -> QuerySet[Item]:
    """Items the user may see, filtered and sorted as the queue asks (duplicates are already one item)."""
    items = Item.objects.visible_to(user).select_related("assigned_to", "centre").defer("notes")
    status = params.get("status") or "open"
    if status == "open":
        items = items.exclude(status=ItemStatus.CLOSED)
    elif status in ItemStatus.values:
        items = items.filter(status=status)
    if params.get("harm_type"):
        items = items.filter(harm_type=params["harm_type"])
    mine = params.get("assigned")
    if mine == "me":
        items = items.filter(assigned_to=user)
    elif mine == "nobody":
        items = items.filter(assigned_to__isnull=True)
    return items.order_by(*SORTS.get(params.get("sort") or "child_first", SORTS["child_first"]))


def report_by_token(reference: str, token: str) -> Report | None:
    """The report if the token is its own; otherwise None, whether the reference exists or not."""
    report = Report.objects.unscoped("public status page").filter(reference=(reference or "").strip().upper()).first()
    expected = status_token_for(report) if report else "x" * 32
    given = (token or "").strip().encode("utf-8")  # bytes: compare_digest refuses non-ASCII text
    if not secrets.compare_digest(expected.encode("ascii"), given) or report is None:
        return None
    return report


def public_status(report: Report) -> str:
    """Coarse, never detailed: received, being assessed, action taken, closed."""
    statuses = set(report.items.values_list("status", flat=True))
    if statuses and statuses == {ItemStatus.CLOSED}:
        return PublicStatus.CLOSED
    if statuses & {ItemStatus.ACTION_TAKEN, ItemStatus.CLOSED}:
        return PublicStatus.ACTION_TAKEN
    if ItemStatus.IN_ASSESSMENT in statuses:
        return PublicStatus.BEING_ASSESSED
    return PublicStatus.RECEIVED


def helpline_for(country_code: str) -> CentreService | None:
    """The public helpline that serves the country (its own, or a partner's through coverage)."""
    centre = covering_centre(country_code, Service.HELPLINE)
    if centre is None:
        return None
    services = CentreService.objects.filter(centre=centre, service=Service.HELPLINE, is_public=True)
    return services.select_related("centre").first()


def reportable_countries():
    """Countries whose reports a hotline takes, in the visitor's language."""
    countries = Country.objects.filter(coverage__service=Service.HOTLINE).distinct()
    return sorted(countries, key=lambda c: c.display_name)


def hashes_with_matches(item: Item, user) -> list[tuple[ItemHash, list]]:
    """The item's hashes, each with its matches in the lists ``user`` may see: three queries at most."""
    item_hashes = list(item.hashes.all())
    if not item_hashes:
        return []
    # A PDQ hash of low quality (a flat or tiny image) is kept but never matched, as in the lists.
    wanted = {h.pk: [(h.algorithm, h.value)] for h in item_hashes if h.algorithm != "pdq" or usable_quality(h.quality)}
    known = known_for_items(wanted, user=user)
    return [(h, known.get(h.pk, [])) for h in item_hashes]
