"""Who hears about what, and the words they get. No case plaintext ever leaves in an e-mail."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import permissions_for_role
from helpline.permissions import HelplinePerm
from network.models import Membership


def supervisor_ids(centre) -> set:
    """Users who supervise the centre's helpline (they both supervise and see case data)."""
    memberships = Membership.objects.filter(centre=centre, is_active=True, user__is_active=True)
    return {
        m.user_id
        for m in memberships.only("user_id", "role")
        if {HelplinePerm.SUPERVISE, HelplinePerm.LOG} <= permissions_for_role(m.role)
    }


def supervisor_emails(centre) -> list[str]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=supervisor_ids(centre)).exclude(email="")
    return sorted(users.values_list("email", flat=True))


def _link(path: str) -> str:
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"


def alert_message(alert) -> tuple[str, str]:
    """An imminent-danger alert: where to look, never what was said."""
    subject = _("SICNet helpline: imminent danger reported")
    body = _(
        "A counsellor has marked a contact or case as imminent danger. Open the supervisor dashboard "
        "and acknowledge the alert:\n\n%(link)s"
    ) % {"link": _link(reverse("helpline:supervisor"))}
    return subject, body


def reminder_message(task) -> tuple[str, str]:
    """A follow-up task fell due: the case reference and a link, never the task's text."""
    subject = _("SICNet helpline: a follow-up task is due")
    body = _("A follow-up task on case %(case)s is due. Open the case:\n\n%(link)s") % {
        "case": task.case.reference,
        "link": _link(reverse("helpline:case", kwargs={"case_id": task.case_id})),
    }
    return subject, body
