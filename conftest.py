"""pytest configuration shared by every app's tests."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing(django_test_environment):
    """Argon2 is deliberately slow; tests do not need that."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _audit_checkpoints_of_their_own(django_test_environment, tmp_path_factory):
    """Tests never read (nor append to) a developer's audit checkpoints in var/."""
    from django.conf import settings

    settings.AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("audit-checkpoints")
