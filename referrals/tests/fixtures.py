"""Records the referrals tests and the permission matrix point at.

A third centre (Serbia) runs both services, so a referral from Albania to Serbia is one that North
Macedonia's users must not see at all.
"""

from __future__ import annotations

from core.permissions import Role
from helpline.tests import fixtures as helpline_fixtures
from hotline import actions as hotline_actions
from hotline.models import Item
from network.models import Centre, CentreService, Country, Membership, Service
from notify.models import WebhookEndpoint
from referrals import actions


def rs_centre(t) -> Centre:
    centre = Centre.objects.filter(code="rs-sic").first()
    if centre:
        return centre
    rs = Country.objects.create(code="RS", name="Serbia", default_language="sr")
    centre = Centre.objects.create(code="rs-sic", name="Serbia SIC", country=rs)
    for service in (Service.HOTLINE, Service.HELPLINE):
        CentreService.objects.create(centre=centre, service=service, public_name=f"rs {service}")
    return centre


def al_item(t, url: str = "https://bad.example.com/a") -> Item:
    """An item of Albania's hotline, assessed and traced."""
    report, _created = hotline_actions.create_report(country="AL", harm_type="csam", urls=[url], source="web_form")
    item = report.items.get()
    hotline_actions.assess_item(item, by=t.al_analyst, assessment="baseline", notes="analyst's private notes")
    hotline_actions.trace_item(item, by=t.al_analyst, hosting_provider="Host Ltd", hosting_country="RS")
    item.refresh_from_db()
    return item


def al_hotline_referral(t, receiver=None):
    """A hotline referral from Albania to Serbia (or ``receiver``)."""
    return actions.send_hotline_item(al_item(t), by=t.al_analyst, receiver=receiver or rs_centre(t), note="please")


def al_helpline_referral(t, receiver=None):
    case = helpline_fixtures.al_case(t)
    return actions.send_helpline_case(
        case, by=t.al_counsellor, receiver=receiver or rs_centre(t), summary="Bullied in a chat group."
    )


def rs_analyst(t):
    """Serbia's hotline analyst (not a canonical user: the permission matrix never signs in as them)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email="rs_analyst@test.example").first()
    if user is None:
        user = get_user_model().objects.create_user(email="rs_analyst@test.example", password="x" * 20)
        Membership.objects.create(user=user, centre=rs_centre(t), role=Role.HOTLINE_ANALYST)
    return user


def rs_to_al_request(t):
    """A hotline request for information from Serbia to Albania: Albania is the receiver."""
    return actions.send_information_request(
        sender=rs_centre(t), receiver=t.al_centre, service=Service.HOTLINE, by=rs_analyst(t), question="Which host?"
    )


def al_endpoint(t, url: str = "https://hooks.al.example/referrals"):
    """A webhook endpoint of Albania's centre (saved directly: no address check)."""
    return WebhookEndpoint.objects.create(centre=t.al_centre, url=url, secret="old-secret")
