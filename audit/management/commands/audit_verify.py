"""manage.py audit_verify: check the audit chain and name the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero and names the first broken entry."

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem:
            raise CommandError(
                f"Audit chain broken at entry #{problem.seq}: {problem.reason}. {checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries verified."))
