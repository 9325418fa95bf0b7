"""What every page needs: the navigation the user's roles allow, the languages, the demo flag."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.permissions import AuditPerm
from core.access import memberships_of, permissions_of
from core.permissions import Perm
from helpline.permissions import HelplinePerm
from hotline.permissions import HotlinePerm
from legal.permissions import LegalPerm
from network.permissions import NetworkPerm
from nrm.permissions import NrmPerm

# (url name, label, permission code — or a tuple of codes, any of which will do — or None for
# every signed-in user)
NAVIGATION = [
    ("core:dashboard", _("Dashboard"), Perm.DASHBOARD),
    ("hotline:queue", _("Hotline"), HotlinePerm.VIEW),
    ("hashes:lists", _("Hash lists"), HotlinePerm.VIEW),
    ("helpline:contacts", _("Helpline"), HelplinePerm.LOG),
    ("helpline:services", _("Services directory"), HelplinePerm.VIEW),
    ("referrals:incoming", _("Referrals"), (HotlinePerm.VIEW, HelplinePerm.LOG)),
    ("referrals:network", _("Network referrals"), NetworkPerm.COORDINATE),
    ("network:directory", _("Directory"), NetworkPerm.DIRECTORY),
    ("network:centres", _("My centres"), None),
    ("nrm:assessments", _("NRM assessments"), NrmPerm.READ),
    ("legal:matrix", _("Legal matrix"), LegalPerm.READ),
    ("audit:log", _("Audit log"), AuditPerm.VIEW),
    ("accounts:security", _("Security"), None),
]


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    codes = permissions_of(user)
    return [
        {"url": reverse(name), "label": label, "name": name}
        for name, label, code in NAVIGATION
        if code is None or (code in codes if isinstance(code, str) else bool(codes & set(code)))
    ]


def shell(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "nav_items": navigation_for(user) if signed_in else [],
        "user_memberships": memberships_of(user) if signed_in else [],
        "demo_mode": settings.DEMO_MODE,
        "interface_languages": settings.LANGUAGES,
    }
