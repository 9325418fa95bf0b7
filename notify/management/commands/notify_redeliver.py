"""Queue again the webhook deliveries whose worker was lost (run every few minutes by cron)."""

from django.core.management.base import BaseCommand

from notify.tasks import redeliver_stalled


class Command(BaseCommand):
    help = "Queue the task that queues again every webhook delivery whose worker was lost."

    def handle(self, *args, **options):
        redeliver_stalled.enqueue()
        self.stdout.write("Webhook redelivery queued.")
