"""The hotline's figures for a centre and a period, computed from the items' timestamps.

Two queries whatever the period: the reports are counted, the items read as plain tuples.
Medians and shares are computed here so SQLite and PostgreSQL give the same answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.registry import register_figures
from hotline.models import Item, Report
from hotline.taxonomy import ILLEGAL_ASSESSMENTS, Flag

REMOVAL_DAYS = (1, 3, 7)


@dataclass
class Figures:
    reports: int = 0
    items: int = 0
    assessed: int = 0
    illegal: int = 0
    new_content: int = 0
    hosting_countries: list[tuple[str, int]] = field(default_factory=list)
    # Medians, in hours (None without data)
    receipt_to_assessment: float | None = None
    assessment_to_notice: float | None = None
    assessment_to_law_enforcement: float | None = None
    notice_to_removal: float | None = None
    notices: int = 0
    removed_within: dict[int, float | None] = field(default_factory=dict)  # days → share of notices

    @property
    def share_illegal(self) -> float | None:
        return self.illegal / self.assessed if self.assessed else None

    @property
    def share_new(self) -> float | None:
        return self.new_content / self.illegal if self.illegal else None


def _hours(pairs: list[tuple[datetime | None, datetime | None]]) -> float | None:
    spans = [(end - start).total_seconds() / 3600 for start, end in pairs if start and end and end >= start]
    return round(median(spans), 1) if spans else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def centre_figures(centre_id, start: date, end: date) -> Figures:
    """Figures of the items (and reports) a centre received between two dates, both included."""
    since, until = _bounds(start, end)
    figures = Figures(
        reports=Report.objects.unscoped("figures of a checked centre")
        .filter(centre_id=centre_id, received_at__gte=since, received_at__lt=until)
        .count()
    )
    items = (
        Item.objects.unscoped("figures of a checked centre")
        .filter(centre_id=centre_id, received_at__gte=since, received_at__lt=until)
        .order_by()
    )
    rows = items.values_list(
        "received_at",
        "assessed_at",
        "assessment",
        "flags",
        "hosting_country",
        "notice_at",
        "law_enforcement_at",
        "removed_at",
    )
    received, notice, police, removal = [], [], [], []
    countries: Counter = Counter()
    for received_at, assessed_at, assessment, flags, country, notice_at, police_at, removed_at in rows.iterator():
        figures.items += 1
        if assessed_at:
            figures.assessed += 1
            received.append((received_at, assessed_at))
        if assessment in ILLEGAL_ASSESSMENTS:
            figures.illegal += 1
            figures.new_content += Flag.NEW in (flags or [])
            if country:
                countries[country] += 1
        notice.append((assessed_at, notice_at))
        police.append((assessed_at, police_at))
        if notice_at:
            removal.append((notice_at, removed_at))
    figures.hosting_countries = countries.most_common()
    figures.receipt_to_assessment = _hours(received)
    figures.assessment_to_notice = _hours(notice)
    figures.assessment_to_law_enforcement = _hours(police)
    figures.notice_to_removal = _hours(removal)
    figures.notices = len(removal)
    for days in REMOVAL_DAYS:
        within = sum(1 for sent, gone in removal if gone and gone - sent <= timedelta(days=days))
        figures.removed_within[days] = within / len(removal) if removal else None
    return figures


# --- The hotline's figures provider (core.registry), for the statistics app ---------------------

FIGURES = (
    ("reports", _("reports received")),
    ("items", _("reported URLs received")),
    ("assessed", _("URLs assessed")),
    ("illegal", _("URLs assessed as illegal")),
    ("new_content", _("illegal URLs showing new content")),
    ("hosting_countries", _("illegal URLs by hosting country")),
    ("receipt_to_assessment", _("median hours from receipt to assessment")),
    ("assessment_to_notice", _("median hours from assessment to notice")),
    ("assessment_to_law_enforcement", _("median hours from assessment to law enforcement")),
    ("notice_to_removal", _("median hours from notice to removal")),
    ("notices", _("notices sent")),
    ("removed_within", _("share of notices followed by removal within 1, 3 and 7 days")),
)


def provide(centre_id, start: date, end: date) -> dict:
    """``centre_figures`` as a plain dict (the provider contract: both dates included)."""
    return asdict(centre_figures(centre_id, start, end))


def register() -> None:
    register_figures(
        "hotline", provide, description=_("Reports and URLs received, assessed and removed"), figures=FIGURES
    )
