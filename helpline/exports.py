"""Counts in the shapes Child Helpline International (annual) and Insafe (quarterly) ask for.

Only counts leave: no narrative, no identifier, no record id. Every text cell is neutralised so a
spreadsheet never runs it as a formula (a category name is data an administrator can edit).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

from django.db.models import Count, QuerySet
from django.utils import timezone

from core.exports import safe_cell
from helpline.models import (
    AgeBand,
    CallerRole,
    Category,
    Channel,
    Contact,
    ContactKind,
    Gender,
    PlatformType,
    Scheme,
)


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


def contacts_in(centre, start: date, end: date) -> QuerySet[Contact]:
    """The centre's logged contacts started in [start, end)."""
    since, until = _period(start, end)
    return Contact.objects.unscoped("export of a checked centre").filter(
        centre=centre, is_draft=False, started_at__gte=since, started_at__lt=until
    )


def counts_by(contacts: QuerySet[Contact], field: str) -> dict:
    return {row[field]: row["n"] for row in contacts.values(field).annotate(n=Count("id")).order_by(field)}


def _dimension(rows: list, section: str, contacts, field: str, choices) -> None:
    counts = counts_by(contacts, field)
    for value, label in choices:
        rows.append([section, str(label), "", counts.get(value, 0)])
    unset = counts.get("", 0)
    if unset:
        rows.append([section, "not recorded", "", unset])


def _category_counts(contacts: QuerySet[Contact], scheme: str) -> dict:
    through = Contact.categories.through.objects.filter(contact__in=contacts, category__scheme=scheme)
    return {row["category_id"]: row["n"] for row in through.values("category_id").annotate(n=Count("contact_id"))}


def chi_rows(centre, year: int) -> list[list]:
    """CHI's annual data: contacts by kind, channel, caller, age (single years), gender, reason."""
    contacts = contacts_in(centre, date(year, 1, 1), date(year + 1, 1, 1))
    counselling = contacts.filter(kind=ContactKind.COUNSELLING)
    rows: list[list] = [["section", "category", "subcategory", "count"]]
    rows.append(["contacts", "all", "", contacts.count()])
    _dimension(rows, "contact kind", contacts, "kind", ContactKind.choices)
    _dimension(rows, "channel", counselling, "channel", Channel.choices)
    _dimension(rows, "who contacted", counselling, "caller_role", CallerRole.choices)
    ages = counts_by(counselling, "age")
    for age in range(0, 18):
        rows.append(["age", str(age), "", ages.get(age, 0)])
    rows.append(["age", "18+", "", sum(n for age, n in ages.items() if age is not None and age >= 18)])
    rows.append(["age", "unknown", "", ages.get(None, 0)])
    _dimension(rows, "gender", counselling, "gender", Gender.choices)
    counts = _category_counts(counselling, Scheme.CHI)
    for category in Category.objects.filter(scheme=Scheme.CHI, parent__isnull=False).select_related("parent"):
        rows.append(["reason for contact", category.parent.name, category.name, counts.get(category.pk, 0)])
    return rows


INSAFE_AGE_GROUPS = (("0-4", ("0-4",)), ("5-11", ("5-8", "9-11")), ("12-18", ("12-14", "15-17", "18+")))


def insafe_rows(centre, year: int, quarter: int) -> list[list]:
    """Insafe's quarterly helpline figures: contacts by channel, age group, gender, platform, topic."""
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    contacts = contacts_in(centre, start, end).filter(kind__in=(ContactKind.COUNSELLING, ContactKind.INFORMATION))
    rows: list[list] = [["section", "category", "subcategory", "count"]]
    rows.append(["contacts", "all", "", contacts.count()])
    _dimension(rows, "channel", contacts, "channel", Channel.choices)
    bands = counts_by(contacts, "age_band")
    for group, members in INSAFE_AGE_GROUPS:
        rows.append(["age group", group, "", sum(bands.get(band, 0) for band in members)])
    rows.append(["age group", "unknown", "", bands.get(AgeBand.UNKNOWN, 0) + bands.get("", 0)])
    _dimension(rows, "gender", contacts, "gender", Gender.choices)
    _dimension(rows, "platform type", contacts, "platform_type", PlatformType.choices)
    counts = _category_counts(contacts, Scheme.INSAFE)
    for topic in Category.objects.filter(scheme=Scheme.INSAFE):
        rows.append(["topic", topic.name, "", counts.get(topic.pk, 0)])
    return rows


def to_csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([cell if isinstance(cell, int) else safe_cell(cell) for cell in row])
    return buffer.getvalue()
