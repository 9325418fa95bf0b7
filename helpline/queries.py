"""Reads of the helpline: every one goes through visible_to, so lists, pages and API agree."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.access import centre_ids_with, centres_with
from helpline.models import (
    CASE_DATA_PERMISSION,
    OPEN_STATUSES,
    Case,
    Category,
    Contact,
    FollowUpTask,
    IdentifierFlag,
    Scheme,
    UrgentAlert,
)
from helpline.permissions import HelplinePerm
from network.permissions import NetworkPerm


def logging_centres(user) -> list:
    """The centres where the user logs helpline contacts (their memberships, already cached)."""
    return centres_with(user, HelplinePerm.LOG)


def managed_centres(user) -> list:
    """Centres the user manages: their country's services directory is theirs to edit."""
    return centres_with(user, NetworkPerm.CENTRE_MANAGE)


def supervised_centre_ids(user) -> set:
    """Centres whose helpline the user supervises and whose case data they see."""
    return centre_ids_with(user, HelplinePerm.SUPERVISE) & centre_ids_with(user, CASE_DATA_PERMISSION)


def contact_list(user) -> QuerySet[Contact]:
    """Logged contacts (no drafts), newest first; callers must not display summaries."""
    return (
        Contact.objects.visible_to(user)
        .filter(is_draft=False)
        .select_related("counsellor", "case")
        .defer("summary", "contact_details")
    )


def drafts_of(user) -> QuerySet[Contact]:
    """The user's own unfinished contacts."""
    return Contact.objects.visible_to(user).filter(is_draft=True, counsellor=user).defer("summary", "contact_details")


def case_list(user) -> QuerySet[Case]:
    # A correlated count, evaluated for the page's rows only (a join and GROUP BY would count all).
    contacts = Contact.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("id")).values("n")
    return (
        Case.objects.visible_to(user)
        .select_related("owner")
        .annotate(contact_count=Coalesce(Subquery(contacts), 0))
        .order_by("-created_at")
    )


def categories_by_scheme() -> dict[str, list[Category]]:
    """Active categories grouped for the form: CHI subcategories with their parents, Insafe topics."""
    items = Category.objects.filter(is_active=True).select_related("parent").order_by("scheme", "position")
    grouped: dict[str, list[Category]] = {Scheme.CHI: [], Scheme.INSAFE: []}
    for item in items:
        # CHI counts subcategories; the top level only groups them.
        if item.scheme == Scheme.CHI and item.parent_id is None:
            continue
        grouped[item.scheme].append(item)
    return grouped


def repeat_contacts(contact: Contact, user) -> dict:
    """Earlier contacts, open cases and active flags under the same identifier at the same centre."""
    if not contact.identifier_hash:
        return {"contacts": [], "cases": [], "flags": []}
    same = Q(centre_id=contact.centre_id, identifier_hash=contact.identifier_hash)
    earlier = contact_list(user).filter(same).exclude(pk=contact.pk)[:20]
    cases = (
        Case.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES, contacts__in=Contact.objects.visible_to(user).filter(same))
        .distinct()
        .select_related("owner")
    )
    flags = IdentifierFlag.objects.visible_to(user).filter(same).filter(expires_at__gt=timezone.now())
    return {"contacts": list(earlier), "cases": list(cases), "flags": list(flags)}


def open_alerts(user) -> QuerySet[UrgentAlert]:
    """Unacknowledged imminent-danger alerts of the centres the user supervises."""
    return (
        UrgentAlert.objects.visible_to(user)
        .filter(centre_id__in=supervised_centre_ids(user), acknowledged_at__isnull=True)
        .select_related("case", "contact", "raised_by")
        .defer("contact__summary", "contact__contact_details")
        .order_by("created_at")
    )


def due_tasks(now=None) -> QuerySet[FollowUpTask]:
    """Follow-up tasks that fell due and have not been reminded of yet (all centres: a system task)."""
    now = now or timezone.now()
    return (
        FollowUpTask.objects.unscoped("task reminders")
        .filter(due_at__lte=now, done_at__isnull=True, reminded_at__isnull=True)
        .select_related("case", "assignee")
    )


def timeline(case: Case) -> list[dict]:
    """Everything that happened on the case, oldest first."""
    events: list[dict] = [{"at": case.created_at, "kind": "opened", "item": case}]
    for contact in case.contacts.filter(is_draft=False).select_related("counsellor"):
        events.append({"at": contact.started_at, "kind": "contact", "item": contact})
    for note in case.notes.select_related("author"):
        events.append({"at": note.created_at, "kind": "note", "item": note})
    for task in case.tasks.select_related("assignee"):
        events.append({"at": task.created_at, "kind": "task", "item": task})
        if task.done_at:
            events.append({"at": task.done_at, "kind": "task_done", "item": task})
    for referral in case.referrals.select_related("service"):
        events.append({"at": referral.created_at, "kind": "referral", "item": referral})
    if case.closed_at:
        events.append({"at": case.closed_at, "kind": "closed", "item": case})
    return sorted(events, key=lambda event: event["at"])
