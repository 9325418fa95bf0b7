"""Test data every app shares without importing one: the canonical users and their password.

The base test case that builds the network for them is ``network.testing.SicnetTestCase``.
"""

from __future__ import annotations

from core.permissions import Role

TEST_PASSWORD = "correct horse battery staple 42"

CANONICAL_USERS = {
    # name: (centre key, role)
    "al_analyst": ("al", Role.HOTLINE_ANALYST),
    "al_counsellor": ("al", Role.HELPLINE_COUNSELLOR),
    "al_supervisor": ("al", Role.SUPERVISOR),
    "al_manager": ("al", Role.CENTRE_MANAGER),
    "al_auditor": ("al", Role.AUDITOR),
    "mk_analyst": ("mk", Role.HOTLINE_ANALYST),
    "mk_counsellor": ("mk", Role.HELPLINE_COUNSELLOR),
    "mk_manager": ("mk", Role.CENTRE_MANAGER),
    "mk_auditor": ("mk", Role.AUDITOR),
    "coordinator": ("coord", Role.NETWORK_COORDINATOR),
    "state_viewer": ("al_state", Role.STATE_VIEWER),
    "outsider": (None, None),
}
