"""Background work of the referrals app (django-tasks, database backend)."""

from django_tasks import task

from referrals import actions


@task()
def check_deadlines() -> dict:
    """Remind receivers of overdue referrals, then alert both centres' supervisors."""
    reminded, escalated = actions.remind_overdue()
    return {"reminded": reminded, "escalated": escalated}


@task()
def deliver_webhook(*, delivery_id: str) -> str:
    """Deliver one webhook event (retries queue themselves with back-off)."""
    from referrals import webhooks

    return webhooks.attempt(delivery_id)
