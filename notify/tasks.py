"""Background work of notify (django-tasks, database backend)."""

from django_tasks import task


@task()
def deliver_webhook(*, delivery_id: str) -> str:
    """Deliver one webhook event (retries queue themselves with back-off)."""
    from notify import webhooks

    return webhooks.attempt(delivery_id)


@task()
def redeliver_stalled() -> int:
    """Queue again the webhook deliveries whose worker was lost; answers how many."""
    from notify import webhooks

    return webhooks.requeue_stalled()
