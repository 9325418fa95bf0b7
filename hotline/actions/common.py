"""What every part of the hotline's actions shares: its errors and its keyed hashes."""

from __future__ import annotations

import hashlib

from core.crypto import keyed_hash
from hotline.models import Report


class HotlineError(Exception):
    """A refused action; ``message`` is translated and can be shown as it is."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class NotCovered(HotlineError):
    """No centre takes hotline reports for the chosen country."""


def url_hash(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()


def status_token_for(report: Report) -> str:
    """The reporter's secret: derived from the report's random id, so a retried submission gets it again."""
    return keyed_hash(str(report.pk), purpose="hotline-status-token")[:32]


def idempotency_hash(key: str) -> str:
    return keyed_hash(key, purpose="hotline-idempotency")
