"""The test network the canonical users work in (core.testing.SicnetTestCase builds it through the
SICNET_TEST_NETWORK setting, so no app below the network imports it).

Users: an analyst and a counsellor in Albania, the same roles in North Macedonia, a supervisor,
a manager and an auditor in Albania (and a manager and auditor in North Macedonia), a network
coordinator, a state viewer (Albania) and an outsider with no role anywhere.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core.testing import CANONICAL_USERS, TEST_PASSWORD
from network.models import Centre, CentreKind, CentreService, Country, Coverage, Membership, Service


def build_test_network() -> dict:
    """Albania and North Macedonia with their centres; Montenegro covered by Albania's hotline."""
    al = Country.objects.create(
        code="AL", name="Albania", names={"sq": "Shqipëria"}, default_language="sq", time_zone="Europe/Tirane"
    )
    mk = Country.objects.create(
        code="MK", name="North Macedonia", names={"mk": "Северна Македонија"}, default_language="mk"
    )
    me = Country.objects.create(code="ME", name="Montenegro", default_language="sr-latn")
    centres = {
        "al": Centre.objects.create(code="al-sic", name="Albania SIC", country=al),
        "mk": Centre.objects.create(code="mk-sic", name="North Macedonia SIC", country=mk),
        "al_state": Centre.objects.create(
            code="al-state", name="Albania State Agency", country=al, kind=CentreKind.STATE
        ),
        "coord": Centre.objects.create(
            code="coord", name="Network coordination", country=al, kind=CentreKind.INTERNATIONAL
        ),
    }
    for key in ("al", "mk"):
        for service in (Service.HOTLINE, Service.HELPLINE):
            CentreService.objects.create(
                centre=centres[key], service=service, public_name=f"{key} {service}", phone="116 111"
            )
    for country, key in ((al, "al"), (mk, "mk")):
        Coverage.objects.create(country=country, service=Service.HOTLINE, centre=centres[key])
        Coverage.objects.create(country=country, service=Service.HELPLINE, centre=centres[key])
    Coverage.objects.create(country=me, service=Service.HOTLINE, centre=centres["al"])
    users = {}
    User = get_user_model()
    for name, (centre_key, role) in CANONICAL_USERS.items():
        user = User.objects.create_user(email=f"{name}@test.example", password=TEST_PASSWORD, full_name=name)
        if centre_key:
            Membership.objects.create(user=user, centre=centres[centre_key], role=role)
        users[name] = user
    return {"countries": {"AL": al, "MK": mk, "ME": me}, "centres": centres, "users": users}


# Until every test imports it from core.testing.
from core.testing import SicnetTestCase  # noqa: E402, F401
