"""pytest configuration shared by every app's tests."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing(django_test_environment):
    """Argon2 is deliberately slow; tests do not need that."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
