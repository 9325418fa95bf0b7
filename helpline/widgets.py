"""The helpline's dashboard widgets and header alert.

A supervisor's unacknowledged imminent-danger alerts come first on the dashboard and are counted in
every staff page's header; a counsellor sees their open cases and the tasks due; a supervisor the
cases whose follow-up is overdue. Every read is scoped (``visible_to`` or the supervised centres).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import ngettext

from core.registry import WidgetContent, register_header_alert, register_widget
from helpline.models import OPEN_STATUSES, Case, FollowUpTask
from helpline.permissions import HelplinePerm
from helpline.queries import open_alerts, supervised_centre_ids

LISTED = 10
TASKS_AHEAD = timedelta(days=7)


def urgent_alerts(request) -> WidgetContent | None:
    if not supervised_centre_ids(request.user):
        return None
    alerts = list(open_alerts(request.user)[: LISTED * 5])
    return "helpline/widgets/urgent_alerts.html", {"alerts": alerts}


def alert_count(user) -> int:
    # No query for whoever supervises no helpline (memberships are already cached).
    return open_alerts(user).count() if supervised_centre_ids(user) else 0


def alert_label(count: int) -> str:
    return ngettext(
        "%(count)d imminent-danger alert not acknowledged", "%(count)d imminent-danger alerts not acknowledged", count
    ) % {"count": count}


def my_cases(request) -> WidgetContent:
    user = request.user
    cases = Case.objects.visible_to(user).filter(owner=user, status__in=OPEN_STATUSES)
    tasks = FollowUpTask.objects.visible_to(user).filter(
        assignee=user,
        done_at__isnull=True,
        due_at__lte=timezone.now() + TASKS_AHEAD,
    )
    context = {
        "cases": list(cases.order_by("next_due_at", "-created_at")[:LISTED]),
        "case_count": cases.count(),
        "tasks": list(tasks.select_related("case").order_by("due_at")[:LISTED]),
        "now": timezone.now(),
        "days_ahead": TASKS_AHEAD.days,
    }
    return "helpline/widgets/my_cases.html", context


def overdue_cases(request) -> WidgetContent | None:
    centre_ids = supervised_centre_ids(request.user)
    if not centre_ids:
        return None
    overdue = Case.objects.visible_to(request.user).filter(
        centre_id__in=centre_ids, status__in=OPEN_STATUSES, next_due_at__lt=timezone.now()
    )
    context = {
        "cases": list(overdue.select_related("owner").order_by("next_due_at")[:LISTED]),
        "count": overdue.count(),
    }
    return "helpline/widgets/overdue_cases.html", context


def register() -> None:
    register_widget("helpline.urgent_alerts", urgent_alerts, permission=HelplinePerm.SUPERVISE, order=0)
    register_widget("helpline.overdue_cases", overdue_cases, permission=HelplinePerm.SUPERVISE, order=10)
    register_widget("helpline.my_cases", my_cases, permission=HelplinePerm.LOG, order=20)
    register_header_alert(
        "helpline.urgent_alerts",
        alert_count,
        label=alert_label,
        url_name="helpline:supervisor",
        permission=HelplinePerm.SUPERVISE,
        order=0,
    )
