"""The referrals app's API operations, mounted under /api/v1/ by api/root.py."""

from ninja import Router

router = Router(tags=["referrals"])
