"""One scoping mechanism for every record that belongs to a centre.

- ``ScopedQuerySet.visible_to(user)`` filters any queryset to the centres where the user holds
  a role that grants the model's view permission.
- ``access_object(queryset, **lookup)`` fetches one object from such a queryset and answers
  404 when it is missing *or* not the user's: "not yours" looks exactly like "does not exist".
- ``permission_required(code)`` guards views; ``accounts.api_auth`` guards API operations.

Memberships are read once per request and cached on the user object. An API token narrows
them to the one membership it was issued for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest

from core.permissions import permissions_for_role

_CACHE_ATTR = "_sicnet_memberships"


def memberships_of(user) -> list:
    """The user's active memberships (with their centres), cached for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            user.memberships.filter(is_active=True, centre__is_active=True).select_related("centre", "centre__country")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def limit_to_memberships(user, memberships: Iterable) -> None:
    """Restrict what the user can reach for this request (used by API tokens)."""
    setattr(user, _CACHE_ATTR, list(memberships))


def forget_memberships(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def permissions_of(user, centre_id=None) -> set[str]:
    codes: set[str] = set()
    for membership in memberships_of(user):
        if centre_id is None or membership.centre_id == centre_id:
            codes |= permissions_for_role(membership.role)
    return codes


def has_perm(user, code: str, centre_id=None) -> bool:
    return code in permissions_of(user, centre_id)


def acting_centre_id(user, country_id=None):
    """The centre a user acts through on a country's records (NRM, legal): their centre in that
    country, else their first centre (the network coordination's, say); None without a centre.

    Audit entries of country-level changes carry it, so the centre's auditors see them."""
    memberships = memberships_of(user)
    in_country = [m for m in memberships if country_id is not None and m.centre.country_id == country_id]
    chosen = (in_country or memberships or [None])[0]
    return chosen.centre_id if chosen is not None else None


def centre_ids_with(user, code: str) -> set:
    return {m.centre_id for m in memberships_of(user) if code in permissions_for_role(m.role)}


def centres_with(user, code: str) -> list:
    """The centres (each once, in the memberships' order) where the user holds ``code``; no query."""
    return list({m.centre_id: m.centre for m in memberships_of(user) if code in permissions_for_role(m.role)}.values())


def users_with(centre_id, code: str) -> models.QuerySet:
    """Active users holding ``code`` at the centre through an active membership (each once)."""
    from django.contrib.auth import get_user_model

    from core.permissions import roles_with

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__centre_id=centre_id,
            memberships__is_active=True,
            memberships__role__in=roles_with(code),
        )
        .distinct()
    )


def country_ids_with(user, code: str) -> set:
    return {m.centre.country_id for m in memberships_of(user) if code in permissions_for_role(m.role)}


class ScopedQuerySet(models.QuerySet):
    """QuerySet of records owned by a centre. Models set ``VIEW_PERMISSION`` and ``CENTRE_FIELD``."""

    def visible_to(self, user, code: str | None = None) -> ScopedQuerySet:
        model = self.model
        code = code or model.VIEW_PERMISSION
        field = getattr(model, "CENTRE_FIELD", "centre")
        return self.filter(**{f"{field}_id__in": centre_ids_with(user, code)})


def access_object(queryset: models.QuerySet, **lookup: Any):
    """Fetch one object from an already scoped queryset, or 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError):
        # A malformed id (a UUID field raises ValidationError, others ValueError/TypeError) is also
        # "does not exist": never a server error.
        raise Http404 from None


def access_centre(user, centre_id, code: str):
    """The centre with this id if the user holds ``code`` there, else 404."""
    for membership in memberships_of(user):
        if str(membership.centre_id) == str(centre_id) and code in permissions_for_role(membership.role):
            return membership.centre
    raise Http404


def permission_required(*codes: str) -> Callable:
    """View decorator: sign-in required, and one of the permissions at one centre at least (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_perm(request.user, code) for code in codes):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permissions = codes  # read by the permission matrix test
        wrapped.required_permission = codes[0]
        return wrapped

    return decorator
