"""API authentication: a personal token (Bearer) or the signed-in session, then a permission code.

A token acts only through the one membership it was issued for; a session acts through all of
the user's memberships, exactly as the pages do.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from accounts.actions import touch_api_token
from accounts.mfa import hash_secret, parse_api_token
from accounts.models import ApiToken
from core.access import has_perm, limit_to_memberships


def _user_from_token(token: str):
    prefix = parse_api_token(token)
    if prefix is None:
        return None
    candidate = ApiToken.objects.select_related("user", "membership__centre__country").filter(prefix=prefix).first()
    if candidate is None or not secrets.compare_digest(candidate.token_hash, hash_secret(token)):
        return None
    if not candidate.is_usable():
        return None
    touch_api_token(candidate)
    user = candidate.user
    limit_to_memberships(user, [candidate.membership])
    return user


class StaffAuth(HttpBearer):
    """Token or session; with ``codes``, the caller must also hold one of those permissions (else 403)."""

    def __init__(self, *codes: str) -> None:
        self.codes = codes
        self.code = codes[0] if codes else None  # read by the permission matrix test
        super().__init__()

    def __call__(self, request: HttpRequest):
        user = None
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _sep, token = header.partition(" ")
            if scheme.lower() != "bearer":
                return None
            user = _user_from_token(token.strip())
            if user is None:
                return None
            request.user = user
        elif request.user.is_authenticated:
            if request.method not in ("GET", "HEAD", "OPTIONS") and check_csrf(request):
                raise HttpError(403, _("The CSRF check failed. Reload the page and try again."))
            user = request.user
        if user is None:
            return None
        if self.codes and not any(has_perm(user, code) for code in self.codes):
            raise HttpError(403, _("You do not have permission to do this."))
        return user

    def authenticate(self, request: HttpRequest, token: str):  # pragma: no cover - __call__ handles it
        return None


def staff(*codes: str) -> StaffAuth:
    return StaffAuth(*codes)
