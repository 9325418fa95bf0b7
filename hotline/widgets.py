"""The hotline's dashboard widgets: an analyst's claimed items and the items waiting, with ages.

Read through ``Item.objects.visible_to``: never another centre's items. Three queries at most.
"""

from __future__ import annotations

from django.db.models import Count, Q

from core.registry import WidgetContent, register_widget
from hotline.models import Item, ItemStatus
from hotline.permissions import HotlinePerm

LISTED = 10


def my_work(request) -> WidgetContent:
    user = request.user
    items = Item.objects.visible_to(user).exclude(status=ItemStatus.CLOSED).defer("notes")
    claimed = Q(assigned_to=user)
    waiting = Q(assigned_to__isnull=True, status=ItemStatus.NEW)
    counts = items.aggregate(claimed=Count("id", filter=claimed), waiting=Count("id", filter=waiting))
    # Oldest first: what has waited longest is what to open next.
    context = {
        "claimed": list(items.filter(claimed).select_related("centre").order_by("received_at")[:LISTED]),
        "waiting": list(
            items.filter(waiting).select_related("centre").order_by("-reported_by_child", "received_at")[:LISTED]
        ),
        "counts": counts,
    }
    return "hotline/widgets/my_work.html", context


def register() -> None:
    register_widget("hotline.my_work", my_work, permission=HotlinePerm.VIEW, order=30)
