"""What the helpline does when another app states a fact (core.events), registered from ready().

Each handler runs in its own transaction, once per event (core.events records it), and is
idempotent by itself all the same.
"""

from __future__ import annotations

from core import events
from core.models import Event
from helpline import actions


def link_hotline_report(event: Event) -> None:
    """On "hotline.escalation_filed": the hotline filed an escalation's report; the contact shows it."""
    payload = event.payload
    actions.link_escalation_report(payload["escalation"], report_id=payload["report"], reference=payload["reference"])


def register() -> None:
    events.subscribe("hotline.escalation_filed", link_hotline_report, name="helpline.link_hotline_report")
