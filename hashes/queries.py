"""Reading the hashes app's data for a user."""

from __future__ import annotations

from core.access import centre_ids_with, memberships_of
from core.permissions import Perm


def supervised_centres(user) -> list:
    """The centres whose hash lists the user may create and configure (once each)."""
    ids = centre_ids_with(user, Perm.HOTLINE_SUPERVISE)
    return list({m.centre_id: m.centre for m in memberships_of(user) if m.centre_id in ids}.values())
