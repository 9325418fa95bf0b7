"""The NRM's dashboard widgets: a coordinator's assessments waiting for validation, and the
overdue action items of the countries the user works on (scoped by ``visible_to``)."""

from __future__ import annotations

from core.registry import WidgetContent, register_widget
from nrm.models import Assessment, Status
from nrm.permissions import NrmPerm
from nrm.queries import overdue_items

LISTED = 10


def validations_waiting(request) -> WidgetContent:
    submitted = Assessment.objects.visible_to(request.user).filter(status=Status.SUBMITTED)
    rows = list(submitted.select_related("country").order_by("submitted_at")[:LISTED])
    return "nrm/widgets/validations_waiting.html", {"assessments": rows}


def overdue_actions(request) -> WidgetContent | None:
    rows = list(overdue_items(request.user).order_by("due_date")[:LISTED])
    return ("nrm/widgets/overdue_actions.html", {"items": rows}) if rows else None


def register() -> None:
    register_widget("nrm.validations_waiting", validations_waiting, permission=NrmPerm.VALIDATE, order=50)
    register_widget("nrm.overdue_actions", overdue_actions, permission=(NrmPerm.EDIT, NrmPerm.VALIDATE), order=55)
