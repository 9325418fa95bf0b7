"""Field encryption at rest (EncryptedTextField), key rotation, and keyed hashes of identifiers."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import SimpleTestCase, TestCase, override_settings

from accounts.models import User
from core.crypto import decrypt_text, encrypt_text, keyed_hash, validate_fernet_keys

SECRET = "JBSWY3DPEHPK3PXP"
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw_totp_secret(user) -> str:
    """The column as stored, read past the ORM."""
    table = User._meta.db_table
    column = User._meta.get_field("totp_secret").column
    user_id = User._meta.pk.get_db_prep_value(user.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [user_id])  # noqa: S608 - our own names
        return cursor.fetchone()[0]


class EncryptedTextFieldTests(TestCase):
    def make_user(self, secret: str = SECRET) -> User:
        return User.objects.create_user(email="crypto@test.example", password=None, totp_secret=secret)

    def test_the_database_holds_ciphertext_only(self):
        user = self.make_user()
        raw = raw_totp_secret(user)
        self.assertNotIn(SECRET, raw)
        self.assertTrue(raw.startswith("gAAAAA"), raw)  # a Fernet token
        self.assertEqual(decrypt_text(raw), SECRET)

    def test_values_are_decrypted_on_read(self):
        user = self.make_user()
        self.assertEqual(User.objects.get(pk=user.pk).totp_secret, SECRET)
        self.assertEqual(User.objects.values_list("totp_secret", flat=True).get(pk=user.pk), SECRET)

    def test_the_same_value_encrypts_differently_each_time(self):
        # No equality leak between rows holding the same secret.
        self.assertNotEqual(encrypt_text(SECRET), encrypt_text(SECRET))

    def test_empty_stays_empty(self):
        user = self.make_user(secret="")
        self.assertEqual(raw_totp_secret(user), "")
        self.assertEqual(User.objects.get(pk=user.pk).totp_secret, "")

    def test_unicode_round_trips(self):
        user = self.make_user(secret="Ёж — çelës 🔑")
        self.assertEqual(User.objects.get(pk=user.pk).totp_secret, "Ёж — çelës 🔑")

    def test_an_old_key_still_decrypts_when_a_new_key_comes_first(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            user = self.make_user()
            written_with_old = raw_totp_secret(user)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            self.assertEqual(User.objects.get(pk=user.pk).totp_secret, SECRET)
            # New writes use the first key...
            user.save(update_fields=["totp_secret"])
            written_with_new = raw_totp_secret(user)
        self.assertEqual(Fernet(OLD_KEY.encode()).decrypt(written_with_old.encode()).decode(), SECRET)
        self.assertEqual(Fernet(NEW_KEY.encode()).decrypt(written_with_new.encode()).decode(), SECRET)
        # ...so once every row is re-encrypted the old key can go.
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.assertEqual(User.objects.get(pk=user.pk).totp_secret, SECRET)

    def test_a_value_no_key_can_read_is_a_clear_error(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            user = self.make_user()
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            with self.assertRaisesMessage(ImproperlyConfigured, "could not be decrypted with any configured key"):
                User.objects.get(pk=user.pk)


class KeyValidationTests(SimpleTestCase):
    def test_keys_must_be_32_byte_urlsafe_base64(self):
        validate_fernet_keys([OLD_KEY, NEW_KEY])
        for bad in ("not base64!", "c2hvcnQ=", ""):
            with self.subTest(bad=bad), self.assertRaises(ImproperlyConfigured):
                validate_fernet_keys([OLD_KEY, bad])


class KeyedHashTests(SimpleTestCase):
    def test_stable_and_normalised(self):
        value = keyed_hash("+355 69 123 4567", purpose="caller")
        self.assertEqual(value, keyed_hash("+355 69 123 4567", purpose="caller"))
        self.assertEqual(
            keyed_hash("Parent@Example.org", purpose="caller"), keyed_hash(" parent@example.org ", purpose="caller")
        )
        self.assertEqual(len(value), 64)
        self.assertNotIn("123", value)

    def test_purposes_are_kept_apart(self):
        self.assertNotEqual(
            keyed_hash("x@example.org", purpose="caller"), keyed_hash("x@example.org", purpose="reporter")
        )
        # The separator keeps "a" + "bc" and "ab" + "c" apart.
        self.assertNotEqual(keyed_hash("bc", purpose="a"), keyed_hash("c", purpose="ab"))

    def test_depends_on_the_key(self):
        before = keyed_hash("x@example.org", purpose="caller")
        with override_settings(IDENTIFIER_HASH_KEY="another-key-of-at-least-thirty-two-characters"):
            self.assertNotEqual(keyed_hash("x@example.org", purpose="caller"), before)

    def test_different_values_differ(self):
        self.assertNotEqual(
            keyed_hash("a@example.org", purpose="caller"), keyed_hash("b@example.org", purpose="caller")
        )
