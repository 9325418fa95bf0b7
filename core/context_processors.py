"""What every page needs: the navigation the user's roles allow, the languages, the demo flag."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import memberships_of, permissions_of
from core.permissions import Perm

# (url name, label, permission code — or a tuple of codes, any of which will do — or None for
# every signed-in user)
NAVIGATION = [
    ("core:dashboard", _("Dashboard"), Perm.DASHBOARD),
    ("hotline:queue", _("Hotline"), Perm.HOTLINE_VIEW),
    ("hashes:lists", _("Hash lists"), Perm.HOTLINE_VIEW),
    ("helpline:contacts", _("Helpline"), Perm.HELPLINE_LOG),
    ("helpline:services", _("Services directory"), Perm.HELPLINE_VIEW),
    ("referrals:incoming", _("Referrals"), (Perm.HOTLINE_VIEW, Perm.HELPLINE_LOG)),
    ("referrals:network", _("Network referrals"), Perm.NETWORK_COORDINATE),
    ("network:directory", _("Directory"), Perm.DIRECTORY),
    ("network:centres", _("My centres"), None),
    ("nrm:assessments", _("NRM assessments"), Perm.NRM_READ),
    ("legal:matrix", _("Legal matrix"), Perm.LEGAL_READ),
    ("audit:log", _("Audit log"), Perm.AUDIT_VIEW),
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
