"""manage.py rotate_field_keys: re-encrypt every encrypted field with the newest key.

Put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), run this command,
then remove the old keys once it has finished. A run that stops can be started again.
"""

from django.core.management.base import BaseCommand

from audit.actions import rotate_field_keys


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        rewritten = rotate_field_keys()
        for label, rows in rewritten.items():
            self.stdout.write(f"{label}: {rows} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {sum(rewritten.values())} rows."))
