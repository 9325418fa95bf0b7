"""Queue the check of overdue referrals (run every few minutes by cron)."""

from django.core.management.base import BaseCommand

from referrals.tasks import check_deadlines


class Command(BaseCommand):
    help = "Queue the task that reminds receivers of overdue referrals and alerts supervisors."

    def handle(self, *args, **options):
        check_deadlines.enqueue()
        self.stdout.write("Deadline check queued.")
