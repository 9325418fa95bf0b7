"""Background work of the referrals app (django-tasks, database backend)."""

from django_tasks import task

from referrals import actions


@task()
def check_deadlines() -> dict:
    """Remind receivers of overdue referrals, then alert both centres' supervisors; queue again
    the webhook deliveries whose worker was lost."""
    from referrals import webhooks

    reminded, escalated = actions.remind_overdue()
    return {"reminded": reminded, "escalated": escalated, "requeued": webhooks.requeue_stalled()}


@task()
def deliver_webhook(*, delivery_id: str) -> str:
    """Deliver one webhook event (retries queue themselves with back-off)."""
    from referrals import webhooks

    return webhooks.attempt(delivery_id)
