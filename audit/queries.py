"""Reading the audit log, always scoped to the centres where the reader may audit."""

from datetime import datetime, time

from django.utils import timezone

from audit.models import AuditEntry
from audit.permissions import AuditPerm


def entries_visible_to(user):
    return AuditEntry.objects.visible_to(user, AuditPerm.VIEW)


def filtered(queryset, data: dict):
    if data.get("centre"):
        queryset = queryset.filter(centre_id=data["centre"])
    if data.get("action"):
        queryset = queryset.filter(action__startswith=data["action"])
    if data.get("actor"):
        queryset = queryset.filter(actor_label__icontains=data["actor"])
    if data.get("object_id"):
        queryset = queryset.filter(object_id=data["object_id"])
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        queryset = queryset.filter(at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
    if data.get("date_to"):
        queryset = queryset.filter(at__lte=datetime.combine(data["date_to"], time.max, tzinfo=tz))
    return queryset.order_by("-seq")
