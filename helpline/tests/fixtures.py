"""Records of Albania's helpline that the tests and the permission matrix point at."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from helpline import actions
from helpline.models import Contact


def al_contact(t, **data) -> Contact:
    """A counselling contact of Albania, logged by its counsellor."""
    values = {"kind": "counselling", "channel": "phone", "summary": "A child was bullied in a chat group."}
    values.update(data)
    return actions.log_contact(None, centre=t.al_centre, by=t.al_counsellor, data=values)


def al_draft(t) -> Contact:
    return actions.save_draft(None, centre=t.al_centre, by=t.al_counsellor, data={"summary": "half typed"})


def al_case(t, **kwargs):
    return actions.open_case(al_contact(t), by=t.al_counsellor, **kwargs)


def al_task(t):
    case = al_case(t)
    return actions.add_task(case, by=t.al_counsellor, title="Call back", due_at=timezone.now() + timedelta(days=1))


def al_alert(t):
    return actions.raise_alert(centre=t.al_centre, by=t.al_counsellor, contact=al_contact(t))


def al_service(t):
    from helpline.models import SupportService

    return SupportService.objects.create(
        country=t.al_centre.country, kind="police", name="Tirana police, cybercrime unit"
    )


def al_referral(t):
    contact = al_contact(t, consent_share=True)
    return actions.refer(contact, by=t.al_counsellor, service=al_service(t), reason="Threats")
