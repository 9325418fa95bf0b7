"""Which records a centre's retention rule lets go: the same queries for the dry run and the task."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from helpline.models import Case, CaseStatus, Contact, RetentionRule

DAYS_PER_MONTH = 30.44  # a calendar-average month; a day either way does not matter for retention


def narrative_cutoff(rule: RetentionRule, now: datetime) -> datetime:
    return now - timedelta(days=round(rule.narrative_months * DAYS_PER_MONTH))


def case_cutoff(rule: RetentionRule, now: datetime) -> datetime:
    return now - timedelta(days=round(rule.closed_case_years * 365.25))


def contacts_to_erase(rule: RetentionRule, now: datetime | None = None) -> QuerySet[Contact]:
    """Contacts whose narrative and identifiers are due for erasure (their dimensions stay)."""
    now = now or timezone.now()
    return (
        Contact.objects.unscoped("retention")
        .filter(centre_id=rule.centre_id, started_at__lt=narrative_cutoff(rule, now), narrative_erased_at__isnull=True)
        .order_by("started_at")
    )


def cases_to_purge(rule: RetentionRule, now: datetime | None = None) -> QuerySet[Case]:
    """Closed cases due for deletion (their contacts stay, anonymous)."""
    now = now or timezone.now()
    return (
        Case.objects.unscoped("retention")
        .filter(centre_id=rule.centre_id, status=CaseStatus.CLOSED, closed_at__lt=case_cutoff(rule, now))
        .order_by("closed_at")
    )


def dry_run(rule: RetentionRule, now: datetime | None = None, *, sample: int = 20) -> dict:
    """What the next run would erase and purge, without touching anything."""
    contacts = contacts_to_erase(rule, now)
    cases = cases_to_purge(rule, now)
    return {
        "contact_count": contacts.count(),
        "case_count": cases.count(),
        "contacts": list(contacts.only("id", "started_at", "kind", "channel")[:sample]),
        "cases": list(cases.only("id", "number", "closed_at")[:sample]),
    }
