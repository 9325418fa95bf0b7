"""The network's dashboard widget: a manager's pending invitations (people given a role at one of
the manager's centres who have not signed in yet). Dead-letter webhooks are notify's widget."""

from __future__ import annotations

from core.access import centres_with
from core.registry import WidgetContent, register_widget
from network.models import Membership
from network.permissions import NetworkPerm

LISTED = 20


def pending_invitations(request) -> WidgetContent | None:
    centres = centres_with(request.user, NetworkPerm.MEMBERS_MANAGE)
    if not centres:
        return None
    pending = (
        Membership.objects.filter(
            centre__in=centres, is_active=True, user__is_active=True, user__last_login__isnull=True
        )
        .select_related("user", "centre")
        .order_by("created_at")
    )
    rows = list(pending[: LISTED + 1])
    return "network/widgets/pending_invitations.html", {"memberships": rows[:LISTED], "more": len(rows) > LISTED}


def register() -> None:
    register_widget("network.pending_invitations", pending_invitations, permission=NetworkPerm.MEMBERS_MANAGE, order=40)
