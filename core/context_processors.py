"""What every page needs: the navigation the user can open, the header alerts, the languages, the
demo flag. Entries and alerts come from the registries the apps fill (core.registry)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core.access import memberships_of
from core.registry import header_alerts_for, navigation_for


def shell(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "nav_items": navigation_for(user) if signed_in else [],
        "user_memberships": memberships_of(user) if signed_in else [],
        # Lazy: the counts are read only by pages that show the staff header.
        "header_alerts": SimpleLazyObject(lambda: header_alerts_for(user)) if signed_in else [],
        "demo_mode": settings.DEMO_MODE,
        "interface_languages": settings.LANGUAGES,
    }
