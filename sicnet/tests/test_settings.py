"""Production configuration: with DEBUG off, weak or missing secrets stop start-up; check --deploy is clean.

Each case starts a fresh Python process with a minimal environment, as a server would.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile

from cryptography.fernet import Fernet
from django.conf import settings
from django.test import SimpleTestCase

SETUP = "import django; django.setup()"


def strong_secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        "IDENTIFIER_HASH_KEY": secrets.token_urlsafe(32),
        "AUDIT_ANCHOR_KEY": secrets.token_urlsafe(32),
    }


class ProductionProcessMixin:
    def setUp(self):
        super().setUp()
        self.var_dir = self.enterContext(tempfile.TemporaryDirectory())

    def environment(self, **values: str | None) -> dict[str, str]:
        """A server's environment: DEBUG off, nothing inherited from the developer's shell."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "LANG": "C.UTF-8",
            "DJANGO_SETTINGS_MODULE": "sicnet.settings",
            "SICNET_VAR_DIR": self.var_dir,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "sicnet.example,testserver",
            **strong_secrets(),
        }
        for name, value in values.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def run_python(self, *args: str, **values: str | None) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own interpreter and project, fixed arguments
            [sys.executable, *args],
            cwd=settings.BASE_DIR,
            env=self.environment(**values),
            capture_output=True,
            text=True,
            timeout=120,
        )


class StartUpRefusesWeakSecretsTests(ProductionProcessMixin, SimpleTestCase):
    def assert_refused(self, names: str, **values: str | None) -> str:
        completed = self.run_python("-c", SETUP, **values)
        self.assertNotEqual(completed.returncode, 0, f"start-up should fail with {values}")
        last_line = completed.stderr.strip().splitlines()[-1]
        # The last line of the traceback is the message an operator reads: it names the setting.
        self.assertIn("ImproperlyConfigured", last_line)
        self.assertIn(names, last_line)
        return last_line

    def test_strong_secrets_start(self):
        completed = self.run_python("-c", SETUP)
        self.assertEqual(completed.returncode, 0, completed.stderr)

    def test_a_missing_secret_key_stops_start_up(self):
        self.assert_refused("SECRET_KEY", SECRET_KEY=None)
        self.assert_refused("SECRET_KEY", SECRET_KEY="")

    def test_a_weak_secret_key_stops_start_up(self):
        for weak in ("short", "a" * 60, "django-insecure-" + secrets.token_urlsafe(50)):
            with self.subTest(weak=weak[:20]):
                self.assert_refused("SECRET_KEY", SECRET_KEY=weak)

    def test_the_development_secret_key_is_refused(self):
        from sicnet.settings import _DEV_SECRET_KEY

        self.assert_refused("SECRET_KEY", SECRET_KEY=_DEV_SECRET_KEY)

    def test_missing_or_bad_field_encryption_keys_stop_start_up(self):
        from sicnet.settings import _DEV_FIELD_KEY

        for bad in (None, "", "not-a-fernet-key", _DEV_FIELD_KEY):
            with self.subTest(value=bad):
                self.assert_refused("FIELD_ENCRYPTION_KEYS", FIELD_ENCRYPTION_KEYS=bad)

    def test_a_missing_or_weak_identifier_hash_key_stops_start_up(self):
        for bad in (None, "", "too-short"):
            with self.subTest(value=bad):
                self.assert_refused("IDENTIFIER_HASH_KEY", IDENTIFIER_HASH_KEY=bad)

    def test_a_missing_weak_or_development_audit_anchor_key_stops_start_up(self):
        from sicnet.settings import _DEV_ANCHOR_KEY

        for bad in (None, "", "too-short", _DEV_ANCHOR_KEY):
            with self.subTest(value=bad):
                self.assert_refused("AUDIT_ANCHOR_KEY", AUDIT_ANCHOR_KEY=bad)


PROBE = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

names = [
    "DEBUG", "DEMO_MODE", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF", "PASSWORD_HASHERS",
]
client = Client()
secure = client.get("/healthz", secure=True)
plain_probe = client.get("/healthz")
plain_page = client.get("/accounts/login/")
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "secure_headers": dict(secure.headers),
    "plain_probe_status": plain_probe.status_code,
    "plain_page": [plain_page.status_code, plain_page.headers.get("Location")],
}))
"""


class ProductionSettingsTests(ProductionProcessMixin, SimpleTestCase):
    def test_check_deploy_passes_without_warnings(self):
        completed = self.run_python("manage.py", "check", "--deploy")
        output = completed.stdout + completed.stderr
        self.assertEqual(completed.returncode, 0, output)
        self.assertIn("no issues", output)
        self.assertNotIn("WARNING", output.upper(), output)

    def test_cookies_and_transport_security_with_debug_off(self):
        completed = self.run_python("-c", PROBE)
        self.assertEqual(completed.returncode, 0, completed.stderr)
        probe = json.loads(completed.stdout.strip().splitlines()[-1])
        values = probe["settings"]

        self.assertFalse(values["DEBUG"])
        self.assertFalse(values["DEMO_MODE"])
        for cookie in ("SESSION", "CSRF", "LANGUAGE"):
            with self.subTest(cookie=cookie):
                self.assertTrue(values[f"{cookie}_COOKIE_SECURE"])
                self.assertTrue(values[f"{cookie}_COOKIE_HTTPONLY"])
                self.assertIn(values[f"{cookie}_COOKIE_SAMESITE"], ("Lax", "Strict"))
        self.assertGreaterEqual(values["SECURE_HSTS_SECONDS"], 365 * 24 * 3600)
        self.assertTrue(values["SECURE_HSTS_INCLUDE_SUBDOMAINS"])
        self.assertTrue(values["SECURE_SSL_REDIRECT"])
        self.assertEqual(values["X_FRAME_OPTIONS"], "DENY")
        self.assertEqual(values["SECURE_REFERRER_POLICY"], "no-referrer")
        self.assertEqual(values["PASSWORD_HASHERS"][0], "django.contrib.auth.hashers.Argon2PasswordHasher")

        headers = probe["secure_headers"]
        self.assertIn("max-age=31536000", headers["Strict-Transport-Security"])
        self.assertIn("includeSubDomains", headers["Strict-Transport-Security"])
        self.assertEqual(headers["X-Frame-Options"], "DENY")
        self.assertEqual(headers["Referrer-Policy"], "no-referrer")
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertIn("default-src 'self'", headers["Content-Security-Policy"])
        self.assertIn("Permissions-Policy", headers)

        # Plain HTTP is sent to HTTPS, except the load balancer's probes.
        self.assertEqual(probe["plain_probe_status"], 200)
        status, location = probe["plain_page"]
        self.assertEqual(status, 301)
        self.assertTrue(location.startswith("https://"), location)
