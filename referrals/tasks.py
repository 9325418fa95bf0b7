"""Background work of the referrals app (django-tasks, database backend)."""

from django_tasks import task

from notify import webhooks
from referrals import actions


@task()
def check_deadlines() -> dict:
    """Remind receivers of overdue referrals, then alert both centres' supervisors; queue again
    the webhook deliveries whose worker was lost (notify's sweep, so the cron line that runs this
    check keeps doing it)."""
    reminded, escalated = actions.remind_overdue()
    return {"reminded": reminded, "escalated": escalated, "requeued": webhooks.requeue_stalled()}


@task()
def deliver_webhook(*, delivery_id: str) -> str:
    """Deliveries queued before webhooks moved to notify still name this task: run notify's."""
    return webhooks.attempt(delivery_id)
