"""manage.py rotate_field_keys: re-encrypt every encrypted field with the newest key.

Put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), run this command,
then remove the old keys once it has finished.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.crypto import EncryptedTextField


def encrypted_fields():
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model, names in encrypted_fields():
            count = 0
            for obj in model._base_manager.only("pk", *names).iterator(chunk_size=500):
                values = {name: getattr(obj, name) for name in names}
                # Saving the decrypted value encrypts it again with the newest key.
                with transaction.atomic():
                    model._base_manager.filter(pk=obj.pk).update(**values)
                count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted ({', '.join(names)})")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows."))
