"""The referrals' dashboard widget: referrals sent to the user's centres that wait for an answer,
with their deadlines (read through ``queries.incoming``, scoped to the receiving side)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from core.registry import WidgetContent, register_widget
from referrals.models import SERVICE_PERMISSION, Status
from referrals.queries import incoming

LISTED = 10
WAITING = (Status.SENT, Status.ACKNOWLEDGED)


def waiting_answer(request) -> WidgetContent:
    waiting = incoming(request.user).filter(status__in=WAITING)
    rows = list(
        waiting.order_by(F("acknowledge_due").asc(nulls_last=True), F("act_due").asc(nulls_last=True), "sent_at")[
            :LISTED
        ]
    )
    for referral in rows:
        # Not yet acknowledged: the acknowledgement is due; acknowledged: the decision is.
        referral.deadline = referral.acknowledge_due if referral.status == Status.SENT else referral.act_due
    context = {"referrals": rows, "count": waiting.count(), "now": timezone.now()}
    return "referrals/widgets/waiting_answer.html", context


def register() -> None:
    codes = tuple(dict.fromkeys(SERVICE_PERMISSION.values()))
    register_widget("referrals.waiting_answer", waiting_answer, permission=codes, order=15)
