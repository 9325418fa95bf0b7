"""pytest configuration shared by every app's tests."""

import os

import pytest

# Tests run with the development fallbacks for secrets; the demo bypass of MFA stays off.
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SICNET_DEMO", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sicnet.settings")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing(django_test_environment):
    """Argon2 is deliberately slow; tests do not need that."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
