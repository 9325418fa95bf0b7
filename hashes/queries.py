"""Reading the hashes app's data for a user."""

from __future__ import annotations

from core.access import centres_with
from hashes.permissions import HashesPerm


def supervised_centres(user) -> list:
    """The centres whose hash lists the user may create and configure."""
    return centres_with(user, HashesPerm.MANAGE)
