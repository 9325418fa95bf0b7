from io import StringIO

from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings

from accounts.models import User
from audit.actions import rotate_field_keys
from audit.models import AuditEntry
from core.testing import SicnetTestCase
from hotline.models import Report
from hotline.tests.helpers import make_report

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
SECRET = "JBSWY3DPEHPK3PXP"


def raw_secret(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT totp_secret FROM accounts_user WHERE id = %s",
            [user.pk.hex if connection.vendor == "sqlite" else user.pk],
        )
        return cursor.fetchone()[0]


def make_users(count: int, secret: str = SECRET) -> list[User]:
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        return [
            User.objects.create_user(email=f"rotate{number}@test.example", password=None, totp_secret=secret)
            for number in range(count)
        ]


class RotateFieldKeysTests(TestCase):
    def test_rotation_re_encrypts_with_the_newest_key_so_old_keys_can_be_dropped(self):
        (user,) = make_users(1)
        before = raw_secret(user)
        self.assertEqual(Fernet(OLD_KEY.encode()).decrypt(before.encode()), SECRET.encode())

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            output = StringIO()
            call_command("rotate_field_keys", stdout=output)
            after = raw_secret(user)

        self.assertNotEqual(before, after)
        self.assertIn("accounts.User: 1 rows re-encrypted", output.getvalue())
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.assertEqual(User.objects.get(pk=user.pk).totp_secret, SECRET)
        with self.assertRaises(InvalidToken):
            Fernet(OLD_KEY.encode()).decrypt(after.encode())

    def test_every_row_is_rewritten_across_batches(self):
        users = make_users(5)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            rewritten = rotate_field_keys(batch_size=2)
        self.assertEqual(rewritten["accounts.User"], 5)
        for user in users:
            self.assertEqual(Fernet(NEW_KEY.encode()).decrypt(raw_secret(user).encode()), SECRET.encode())

    def test_empty_fields_are_left_alone(self):
        (empty,) = make_users(1, secret="")
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            rewritten = rotate_field_keys()
        self.assertEqual(rewritten["accounts.User"], 0)
        self.assertEqual(raw_secret(empty), "")

    def test_the_run_is_in_the_audit_log_without_any_value(self):
        make_users(2)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            rotate_field_keys()
        entry = AuditEntry.objects.get(action="core.field_keys_rotated")
        self.assertEqual(entry.actor_label, "manage.py rotate_field_keys")
        self.assertEqual(entry.changes["rows"]["accounts.User"], 2)
        self.assertNotIn(SECRET, str(entry.changes))


class RotateCaseRecordsTests(SicnetTestCase):
    def test_a_report_is_re_encrypted_and_keeps_its_timestamps(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            report, _token = make_report(description="seen in a group chat")
        updated_at = Report.objects.values_list("updated_at", flat=True).get(pk=report.pk)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            rewritten = rotate_field_keys()
        self.assertEqual(rewritten["hotline.Report"], 1)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            stored = Report.objects.get(pk=report.pk)
            self.assertEqual(stored.description, "seen in a group chat")
            self.assertEqual(stored.updated_at, updated_at)  # the record itself did not change
