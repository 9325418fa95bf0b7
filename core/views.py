"""Health probes and the staff dashboard (its widgets come from the apps, through core.registry)."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from core import readiness
from core.access import has_perm, memberships_of
from core.permissions import Perm
from core.registry import widgets_for


@never_cache
def healthz(request):
    """Liveness: the process answers. Never touches the database."""
    return JsonResponse({"status": "ok"})


# Once this process has seen its migrations applied they stay applied (its code cannot change
# without a restart), so the migration graph is loaded only until then.
_migrations_applied = False


def _migrations_pending() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return not _migrations_applied


@never_cache
def readyz(request):
    """Readiness: the database answers and migrations have been applied (else 503).

    The apps' registered checks (core.readiness) are reported under "checks"; one that lags
    leaves the answer 200 and the status "ok", with "lagging" naming it, for monitoring to alert on.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        pending = _migrations_pending()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    if pending:
        # A node started before `migrate` ran (a rolling deploy) must not receive traffic yet.
        return JsonResponse({"status": "unavailable", "database": "ok", "migrations": "pending"}, status=503)
    answer = {"status": "ok", "database": "ok"}
    checks = readiness.run_checks()
    if checks:
        answer["checks"] = checks
        answer["lagging"] = [name for name, check in checks.items() if check["status"] != readiness.OK]
    return JsonResponse(answer)


@login_required
def dashboard(request):
    """The landing page after sign-in: the person's work, from the widgets of the apps they use.

    Whoever holds no role lands on a page that says where to go instead of a 403: a platform
    administrator (staff, no membership) is sent to the admin site, anyone else to their manager.
    """
    user = request.user
    if not has_perm(user, Perm.DASHBOARD):
        template = "core/platform_admin.html" if user.is_staff or user.is_superuser else "core/no_role.html"
        return render(request, template)
    context = {"memberships": memberships_of(user), "widgets": widgets_for(request)}
    return render(request, "core/dashboard.html", context)
