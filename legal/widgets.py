"""The legal matrix's dashboard widget: a coordinator's countries with entries changed since their
last validation (scoped by ``Entry.objects.visible_to``)."""

from __future__ import annotations

from django.db.models import Count, Min

from core.registry import WidgetContent, register_widget
from legal.models import Entry
from legal.permissions import LegalPerm
from network.models import Country


def validations_waiting(request) -> WidgetContent:
    rows = list(
        Entry.objects.visible_to(request.user)
        .filter(validated_at__isnull=True, reviewed_at__isnull=False)
        .values("country_id")
        .annotate(n=Count("id"), since=Min("reviewed_at"))
        .order_by("since")
    )
    countries = Country.objects.in_bulk([row["country_id"] for row in rows]) if rows else {}
    waiting = [{"country": countries[row["country_id"]], "count": row["n"], "since": row["since"]} for row in rows]
    return "legal/widgets/validations_waiting.html", {"waiting": waiting}


def register() -> None:
    register_widget("legal.validations_waiting", validations_waiting, permission=LegalPerm.VALIDATE, order=52)
