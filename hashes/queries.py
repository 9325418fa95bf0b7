"""Reading the hashes app's data for a user."""

from __future__ import annotations

from core.access import centres_with
from core.permissions import Perm


def supervised_centres(user) -> list:
    """The centres whose hash lists the user may create and configure."""
    return centres_with(user, Perm.HOTLINE_SUPERVISE)
