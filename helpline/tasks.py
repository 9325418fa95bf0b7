"""Background work of the helpline: follow-up reminders and the daily retention run.

django-tasks has no scheduler of its own: cron (or a systemd timer) runs
``manage.py helpline_daily`` once a day and ``manage.py helpline_reminders`` every few minutes.
"""

from django.utils import timezone
from django_tasks import task

from helpline import actions, queries, retention
from helpline.models import RetentionRule


@task()
def send_task_reminders() -> int:
    """Remind assignees of follow-up tasks that fell due."""
    count = 0
    for item in queries.due_tasks():
        actions.mark_task_reminded(item)
        count += 1
    return count


@task()
def apply_retention() -> dict:
    """Apply every active centre's retention rule; each erasure and purge is its own audited action."""
    now = timezone.now()
    erased = purged = 0
    for rule in RetentionRule.objects.filter(is_active=True).select_related("centre"):
        for contact in retention.contacts_to_erase(rule, now).iterator():
            actions.erase_contact_narrative(contact)
            erased += 1
        for case in retention.cases_to_purge(rule, now).iterator():
            actions.purge_case(case)
            purged += 1
    return {"erased": erased, "purged": purged}
