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


@pytest.fixture(scope="session", autouse=True)
def _scoping_guard_for_tests(django_test_environment):
    """The scoping guard is on for the whole suite. A test's own assertions may read case data
    unscoped (querysets made in test code); app code the tests call is guarded as in production,
    and ``core.access.strict_scoping()`` takes the allowance away where a test needs that."""
    from core.access import allow_unscoped_reads_in_tests

    allow_unscoped_reads_in_tests()


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request through the test client leaves its language active in the thread (LocaleMiddleware
    never switches back): without this, a test's strings depend on which test ran before it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
