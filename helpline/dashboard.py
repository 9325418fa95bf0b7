"""The supervisor dashboard's figures: a fixed, small number of queries whatever the data size."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import format_html_join

from core.permissions import permissions_for_role
from helpline.models import OPEN_STATUSES, Case, Channel, Contact, ContactKind
from helpline.permissions import HelplinePerm
from helpline.queries import open_alerts
from network.models import Membership

DAYS = 14
LISTED = 50


def counsellors_of(centre_id) -> list:
    """Users of the centre who log contacts: those a case can be assigned to."""
    memberships = Membership.objects.filter(centre_id=centre_id, is_active=True, user__is_active=True).select_related(
        "user"
    )
    users = {m.user_id: m.user for m in memberships if HelplinePerm.LOG in permissions_for_role(m.role)}
    return sorted(users.values(), key=lambda user: user.email)


def _open_cases(user, centre_ids: set, now) -> dict:
    open_cases = Case.objects.visible_to(user).filter(centre_id__in=centre_ids, status__in=OPEN_STATUSES)
    is_overdue = Q(next_due_at__lt=now)
    # One grouped pass gives the workload, and its sums the totals.
    workload = list(
        open_cases.values("owner__email")
        .annotate(n=Count("id"), overdue=Count("id", filter=is_overdue))
        .order_by("-n", "owner__email")
    )
    overdue = list(open_cases.filter(is_overdue).select_related("owner").order_by("next_due_at")[:LISTED])
    recent = list(
        open_cases.exclude(is_overdue).select_related("owner").order_by("-created_at")[: LISTED - len(overdue)]
    )
    for case in overdue:
        case.overdue = True
    return {
        "cases": overdue + recent,
        "totals": {"open": sum(row["n"] for row in workload), "overdue": sum(row["overdue"] for row in workload)},
        "workload": workload,
    }


def _contacts(user, centre_ids: set, since) -> dict:
    contacts = Contact.objects.visible_to(user).filter(centre_id__in=centre_ids, is_draft=False, started_at__gte=since)
    # One grouped pass: per day and channel, and counselling apart from the rest.
    rows = (
        contacts.annotate(day=TruncDate("started_at"))
        .values("day", "channel")
        .annotate(n=Count("id"), counselling=Count("id", filter=Q(kind=ContactKind.COUNSELLING)))
        .order_by("-day", "channel")
    )
    grid: dict = {}
    kinds = {"counselling": 0, "other": 0}
    for row in rows:
        grid.setdefault(row["day"], {})[row["channel"]] = row["n"]
        kinds["counselling"] += row["counselling"]
        kinds["other"] += row["n"] - row["counselling"]
    # One row per day, one column per channel seen: 14 rows, however many contacts.
    channels = sorted({channel for counts in grid.values() for channel in counts})
    table = [{"day": day, "counts": [counts.get(c, 0) for c in channels]} for day, counts in grid.items()]
    return {"channels": [Channel(c).label for c in channels], "per_day": table, "kinds": kinds}


def dashboard_data(user, centre_ids: set) -> dict:
    now = timezone.now()
    counsellors = []
    for centre_id in sorted(centre_ids, key=str):
        counsellors.extend(counsellors_of(centre_id))
    return {
        "alerts": list(open_alerts(user)),
        **_open_cases(user, centre_ids, now),
        **_contacts(user, centre_ids, now - timedelta(days=DAYS)),
        # The same options on every row: rendered once, not once per case.
        "counsellor_options": format_html_join(
            "", '<option value="{}">{}</option>', ((u.pk, u.email) for u in counsellors)
        ),
        "days": DAYS,
    }
