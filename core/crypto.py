"""Field encryption at rest and keyed hashes of identifiers.

Keys come from the environment (settings.FIELD_ENCRYPTION_KEYS, newest first). The first key
encrypts; every key decrypts, so keys can be rotated with ``manage.py rotate_field_keys``.
"""

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_fernet_keys(keys: list[str]) -> None:
    for position, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key {position} is not base64.") from exc
        if len(raw) != 32:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key {position} must decode to 32 bytes.")


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    validate_fernet_keys(list(keys))
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured("A field could not be decrypted with any configured key.") from exc


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of a normalised identifier; the purpose keeps hashes of different uses apart."""
    key = settings.IDENTIFIER_HASH_KEY.encode("utf-8")
    message = f"{purpose}\x00{value.strip().lower()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text encrypted with Fernet before it reaches the database; empty stays empty."""

    description = _("Encrypted text")

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt_text(value)
