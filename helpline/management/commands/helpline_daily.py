"""Queue the helpline's daily work (retention); with --dry-run, list what it would erase."""

from django.core.management.base import BaseCommand

from helpline import retention
from helpline.models import RetentionRule
from helpline.tasks import apply_retention


class Command(BaseCommand):
    help = "Queue the daily retention run of every centre's helpline (or show it with --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be erased and purged.")

    def handle(self, *args, dry_run: bool = False, **options):
        if not dry_run:
            apply_retention.enqueue()
            self.stdout.write("Retention run queued.")
            return
        for rule in RetentionRule.objects.filter(is_active=True).select_related("centre"):
            plan = retention.dry_run(rule, sample=0)
            self.stdout.write(
                f"{rule.centre.code}: {plan['contact_count']} contact narratives to erase, "
                f"{plan['case_count']} closed cases to purge"
            )
