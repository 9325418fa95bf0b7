from io import StringIO

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings

from accounts.models import User

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw_secret(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT totp_secret FROM accounts_user WHERE id = %s",
            [user.pk.hex if connection.vendor == "sqlite" else user.pk],
        )
        return cursor.fetchone()[0]


class RotateFieldKeysTests(TestCase):
    def test_rotation_re_encrypts_with_the_newest_key_so_old_keys_can_be_dropped(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            user = User.objects.create_user(email="rotate@test.example", password=None, totp_secret="JBSWY3DPEHPK3PXP")
            before = raw_secret(user)
        self.assertEqual(Fernet(OLD_KEY.encode()).decrypt(before.encode()), b"JBSWY3DPEHPK3PXP")

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            call_command("rotate_field_keys", stdout=StringIO())
            after = raw_secret(user)

        self.assertNotEqual(before, after)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.assertEqual(User.objects.get(pk=user.pk).totp_secret, "JBSWY3DPEHPK3PXP")
