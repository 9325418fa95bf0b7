"""Every state change of the hotline, one module per job: one transaction, explicit update_fields,
one audit entry each.

- ``intake``: accepting reports (the public's, in one statement; staff channels attached at once)
- ``attaching``: turning accepted reports into items, in batches
- ``importing``: a centre's earlier reports from a file
- ``workflow``: the analyst's steps on an item
- ``item_hashes``: the hashes recorded on an item
- ``rows`` and ``common``: what they share (batch rows and reference numbers; errors and keyed hashes)

Callers import from ``hotline.actions``; the modules are the hotline's own layout.
"""

from hotline.actions.attaching import ATTACH_BATCH, attach_pending, attach_reports, attach_waiting_at
from hotline.actions.common import HotlineError, NotCovered, idempotency_hash, status_token_for, url_hash
from hotline.actions.importing import import_reports
from hotline.actions.intake import accept_report, create_report
from hotline.actions.item_hashes import add_item_hashes, remove_item_hash
from hotline.actions.workflow import (
    ASSESSMENT_OF,
    CLASSIFICATION_OF,
    assess_item,
    assign_item,
    check_removal,
    claim_item,
    close_item,
    forward_item,
    record_partner_outcome,
    report_to_law_enforcement,
    send_notice,
    trace_item,
)

__all__ = [
    "ASSESSMENT_OF",
    "ATTACH_BATCH",
    "CLASSIFICATION_OF",
    "HotlineError",
    "NotCovered",
    "accept_report",
    "add_item_hashes",
    "assess_item",
    "assign_item",
    "attach_pending",
    "attach_reports",
    "attach_waiting_at",
    "check_removal",
    "claim_item",
    "close_item",
    "create_report",
    "forward_item",
    "idempotency_hash",
    "import_reports",
    "record_partner_outcome",
    "remove_item_hash",
    "report_to_law_enforcement",
    "send_notice",
    "status_token_for",
    "trace_item",
    "url_hash",
]
