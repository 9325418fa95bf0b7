"""Per-user time zone and interface language for staff pages; no session outlives its MFA rule."""

import zoneinfo

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone, translation

from accounts import actions, mfa
from core.access import memberships_of


def user_time_zone(user) -> str:
    if user.time_zone:
        return user.time_zone
    memberships = memberships_of(user)
    if memberships:
        return memberships[0].centre.effective_time_zone
    return settings.TIME_ZONE


class UserPreferencesMiddleware:
    """Times are stored in UTC and shown in the user's (or their centre's) time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if mfa.session_lacks_required_mfa(request):
            # Signed in without a second factor, and now given a role (or staff status) that
            # needs one: the session ends and the request goes on as anonymous, so the page
            # asks for a sign-in, which will ask for the second factor.
            actions.record_logout(request.user, reason="mfa_required")
            logout(request)
        user = request.user
        if user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user_time_zone(user)))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo(settings.TIME_ZONE))
            # Public pages carry their language in the URL; staff pages follow the profile.
            if user.language and not _has_language_prefix(request.path_info):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        else:
            timezone.deactivate()
        return self.get_response(request)


def _has_language_prefix(path: str) -> bool:
    first = path.lstrip("/").split("/", 1)[0]
    return first in dict(settings.LANGUAGES)
