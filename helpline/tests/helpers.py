"""Shared helpers of the helpline tests."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from audit.models import AuditEntry
from core.permissions import Role
from core.testing import clock, raw_column, run_worker  # noqa: F401  (the tests import them from here)
from network.models import Membership


def audit_text() -> str:
    """Every audit entry's changes, as one string: to prove no plaintext went there."""
    return " ".join(str(entry.changes) for entry in AuditEntry.objects.all())


def second_al_counsellor():
    user = get_user_model().objects.create_user(email="al_counsellor2@test.example", password="x" * 20)
    centre = Membership.objects.filter(user__email="al_counsellor@test.example").get().centre
    Membership.objects.create(user=user, centre=centre, role=Role.HELPLINE_COUNSELLOR)
    return user
