"""The analyst's steps on an item, shared by the pages and the API: each is a form and an action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hotline import actions, forms


@dataclass(frozen=True)
class Step:
    """One step: the form that validates its input, the action that records it, its title."""

    form: type
    action: Callable
    title: str


STEPS = {
    "claim": Step(forms.ClaimForm, actions.claim_item, _("Claim")),
    "assess": Step(forms.AssessForm, actions.assess_item, _("Assessment")),
    "trace": Step(forms.TraceForm, actions.trace_item, _("Tracing")),
    "forward": Step(forms.ForwardForm, actions.forward_item, _("Forward to the hotline of the hosting country")),
    "law-enforcement": Step(
        forms.LawEnforcementForm, actions.report_to_law_enforcement, _("Report to law enforcement")
    ),
    "notice": Step(forms.NoticeForm, actions.send_notice, _("Notice to the hosting provider")),
    "removal": Step(forms.RemovalForm, actions.check_removal, _("Removal check")),
    "close": Step(forms.CloseForm, actions.close_item, _("Close")),
}
