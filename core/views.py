"""Health probes and the staff dashboard."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from core.access import memberships_of, permission_required, permissions_of
from core.permissions import Perm


@never_cache
def healthz(request):
    """Liveness: the process answers. Never touches the database."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: the database answers (and migrations have been applied)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@permission_required(Perm.DASHBOARD)
def dashboard(request):
    memberships = memberships_of(request.user)
    context = {"memberships": memberships, "permissions": permissions_of(request.user)}
    return render(request, "core/dashboard.html", context)
