"""Queue the follow-up reminders (run every few minutes by cron)."""

from django.core.management.base import BaseCommand

from helpline.tasks import send_task_reminders


class Command(BaseCommand):
    help = "Queue the task that e-mails reminders of follow-up tasks that fell due."

    def handle(self, *args, **options):
        send_task_reminders.enqueue()
        self.stdout.write("Reminders queued.")
