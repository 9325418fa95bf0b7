"""notify's dashboard widget: a manager's webhook deliveries that failed for good (the dead-letter
list), per centre they manage, so an integration that stopped working is seen."""

from __future__ import annotations

from django.db.models import Count

from core.access import centres_with
from core.registry import WidgetContent, register_widget
from network.permissions import NetworkPerm
from notify.models import DeliveryStatus, WebhookDelivery


def dead_letters(request) -> WidgetContent | None:
    centres = centres_with(request.user, NetworkPerm.CENTRE_MANAGE)
    if not centres:
        return None
    counts = dict(
        WebhookDelivery.objects.filter(endpoint__centre__in=centres, status=DeliveryStatus.DEAD)
        .values_list("endpoint__centre_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [{"centre": centre, "count": counts[centre.pk]} for centre in centres if counts.get(centre.pk)]
    return ("notify/widgets/dead_letters.html", {"rows": rows}) if rows else None


def register() -> None:
    register_widget("notify.dead_letters", dead_letters, permission=NetworkPerm.CENTRE_MANAGE, order=45)
