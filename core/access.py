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

import os
import sys
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest

from core.permissions import Perm, permissions_for_role

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


AGGREGATES_ONLY = "aggregates only"


class UnscopedRead(RuntimeError):
    """A queryset of case data was evaluated without being narrowed or declared: a programming error."""


# Whether querysets made by test code may be read unscoped (turned on by the test configuration
# only, see conftest.py), and a block of test code that wants the guard exactly as production has it.
_test_reads_allowed = False
_strict: ContextVar[bool] = ContextVar("sicnet_scoping_strict", default=False)
# A Django internal that reads through the default manager on the model's behalf (unique validation).
_internal_reason: ContextVar[str | None] = ContextVar("sicnet_scoping_internal", default=None)

# Frames skipped when asking who made a queryset: Django itself and this module.
_GUARD_FILES = (os.path.dirname(models.__file__).rsplit(os.sep, 2)[0] + os.sep, __file__)


def allow_unscoped_reads_in_tests() -> None:
    """Let querysets *made in test code* (``tests/`` packages, ``testing.py``, ``conftest.py``) be
    read unscoped: a test's own assertions. App code called by a test is guarded as in production."""
    global _test_reads_allowed
    _test_reads_allowed = True


@contextmanager
def strict_scoping():
    """In a test: no test allowance, so a read made here fails as it would in app code."""
    token = _strict.set(True)
    try:
        yield
    finally:
        _strict.reset(token)


@contextmanager
def internal_read(reason: str):
    """For Django internals reading on a model's behalf (unique validation): named, short, narrow."""
    token = _internal_reason.set(reason)
    try:
        yield
    finally:
        _internal_reason.reset(token)


def _made_by_test_code() -> bool:
    """Whether the first frame outside Django and this module belongs to test code."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_GUARD_FILES):
        frame = frame.f_back
    if frame is None:
        return False
    path = frame.f_code.co_filename
    return f"{os.sep}tests{os.sep}" in path or path.endswith(("conftest.py", f"{os.sep}testing.py"))


def is_scoped_model(model) -> bool:
    """Whether the model's records are case data behind the guard."""
    queryset_class = getattr(getattr(model, "_default_manager", None), "_queryset_class", None)
    return isinstance(queryset_class, type) and issubclass(queryset_class, GuardedQuerySet)


class GuardedQuerySet(models.QuerySet):
    """A queryset of case data that refuses to be read (or bulk-changed) until it is either narrowed
    to a user by ``visible_to(user, code=None)`` or declared ``unscoped("reason")``.

    Allowed besides: a related manager of a case-data object (``item.reports.all()``, prefetches),
    since that object was itself read through the guard; Django internals named by ``internal_read``.
    Refused: ``Item.objects.count()``, ``Contact.objects.get(pk=...)``, ``centre.hotline_items.all()``,
    ``get_object_or_404(Case, ...)``. The error is ``UnscopedRead``: a programming error, loud in tests.

    Subclasses define ``visible_to(user, code=None)``; whatever it returns is marked narrowed.
    """

    def __init__(self, model=None, query=None, using=None, hints=None):
        super().__init__(model=model, query=query, using=using, hints=hints)
        self._scope: str | None = None
        # Only a fresh queryset (from a manager, no query yet) looks at who made it, only in tests.
        self._by_test = query is None and _test_reads_allowed and _made_by_test_code()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "visible_to" in cls.__dict__:
            cls.visible_to = _marking_narrowed(cls.__dict__["visible_to"])

    def visible_to(self, user, code: str | None = None) -> GuardedQuerySet:
        raise NotImplementedError

    def unscoped(self, reason: str) -> GuardedQuerySet:
        """Every row, on purpose: ``reason`` names who reads them ("retention", "attaching loop")."""
        if not isinstance(reason, str) or not reason.strip():
            raise UnscopedRead("unscoped() needs a short reason naming the reader.")
        clone = self._chain()
        clone._scope = f"unscoped: {reason}"
        return clone

    def same_as(self, obj) -> GuardedQuerySet:
        """The row of an object already read through the guard: to lock it or read it afresh."""
        if not isinstance(obj, self.model) or obj.pk is None:
            raise UnscopedRead(f"same_as() takes a saved {self.model._meta.label}.")
        clone = self.filter(pk=obj.pk)
        clone._scope = "same row"
        return clone

    def of(self, **parents: Any) -> GuardedQuerySet:
        """The records of case-data objects already read through the guard: ``of(case=case)``,
        ``of(assessment__in=assessments)`` (a foreign key to a guarded model, or ``<key>__in``)."""
        for lookup, value in parents.items():
            name = lookup.removesuffix("__in")
            related = getattr(self.model._meta.get_field(name), "related_model", None)
            objs = list(value) if lookup.endswith("__in") else [value]
            if not (related and is_scoped_model(related) and all(isinstance(o, related) and o.pk for o in objs)):
                raise UnscopedRead(f"of({lookup}=...) takes case-data objects already read through the guard.")
        clone = self.filter(**parents)
        clone._scope = "of objects read"
        return clone

    def bulk_update(self, objs, fields, batch_size=None):
        # It writes the rows of the objects it is given, read already: no read by accident.
        with internal_read("bulk_update of given rows"):
            return super().bulk_update(objs, fields, batch_size=batch_size)

    def __repr__(self) -> str:
        # A debugger or an error page shows the queryset without reading it, and without failing.
        try:
            if self._result_cache is None:
                self._check_rows("repr")
        except UnscopedRead:
            return f"<{type(self).__name__} of {self.model._meta.label}, not yet narrowed>"
        return super().__repr__()

    @property
    def scope(self) -> str | None:
        """ "visible_to", "unscoped: <reason>", or None (not yet readable)."""
        return self._scope

    # --- carrying the declaration through every derived queryset ---------------------------------

    def _clone(self):
        clone = super()._clone()
        clone._scope = self._scope
        clone._by_test = self._by_test
        return clone

    def _merged(self, result, others):
        # A combination is readable only if every part is.
        if any(isinstance(other, GuardedQuerySet) and other._scope is None for other in others):
            if not all(getattr(other, "_by_test", False) for other in others):
                result._by_test = False
            result._scope = None
        return result

    def __and__(self, other):
        return self._merged(super().__and__(other), [other])

    def __or__(self, other):
        return self._merged(super().__or__(other), [other])

    def __xor__(self, other):
        return self._merged(super().__xor__(other), [other])

    def _combinator_query(self, combinator, *other_qs, all=False):  # noqa: A002 (Django's name)
        return self._merged(super()._combinator_query(combinator, *other_qs, all=all), other_qs)

    # --- the guard ------------------------------------------------------------------------------

    def _check_scope(self, operation: str) -> None:
        if self._scope is not None or _internal_reason.get() is not None:
            return
        instance = self._hints.get("instance")
        if instance is not None and is_scoped_model(type(instance)):
            return
        if self._by_test and not _strict.get():
            return
        raise UnscopedRead(
            f"{self.model._meta.label}: {operation} of a queryset neither narrowed by "
            f'.visible_to(user, code=None) nor declared .unscoped("reason") (see core.access).'
        )

    def _check_rows(self, operation: str) -> None:
        self._check_scope(operation)
        if self._scope == AGGREGATES_ONLY and not (self._fields and self.query.group_by is not None):
            raise UnscopedRead(
                f"{self.model._meta.label}: {operation} of records from an aggregate scope; only counts, "
                f"aggregate() and grouped values(...).annotate(...) are read from it."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_rows("reading")
        super()._fetch_all()

    def iterator(self, chunk_size=None):
        self._check_rows("iterator()")
        return super().iterator(chunk_size=chunk_size)

    def aiterator(self, chunk_size=2000):
        self._check_rows("aiterator()")
        return super().aiterator(chunk_size=chunk_size)

    def count(self):
        if self._result_cache is None:
            self._check_scope("count()")
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scope("exists()")
        return super().exists()

    def contains(self, obj):
        if self._result_cache is None:
            self._check_scope("contains()")
        return super().contains(obj)

    def aggregate(self, *args, **kwargs):
        self._check_scope("aggregate()")
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check_rows("update()")
        return super().update(**kwargs)

    def delete(self):
        self._check_rows("delete()")
        return super().delete()

    def explain(self, *, format=None, **options):  # noqa: A002 (Django's name)
        self._check_scope("explain()")
        return super().explain(format=format, **options)


def narrowing(method: Callable) -> Callable:
    """Marks a queryset method (besides ``visible_to``) whose result is narrowed by its own rule,
    e.g. legal's "own countries' entries and everyone's validated ones"."""

    @wraps(method)
    def narrowed(self, *args: Any, **kwargs: Any):
        result = method(self, *args, **kwargs)._chain()
        result._scope = method.__name__
        return result

    return narrowed


def _marking_narrowed(method: Callable) -> Callable:
    @wraps(method)
    def visible_to(self, user, code: str | None = None, *args: Any, **kwargs: Any):
        narrowed = method(self, user, code, *args, **kwargs)
        narrowed = narrowed._chain()
        narrowed._scope = "visible_to"
        return narrowed

    return visible_to


class ScopedQuerySet(GuardedQuerySet):
    """Records owned by a centre. Models set ``VIEW_PERMISSION`` and ``CENTRE_FIELD`` (default "centre")."""

    def visible_to(self, user, code: str | None = None) -> ScopedQuerySet:
        model = self.model
        code = code or model.VIEW_PERMISSION
        field = getattr(model, "CENTRE_FIELD", "centre")
        return self.filter(**{f"{field}_id__in": centre_ids_with(user, code)})

    def for_aggregates(self, scope: AggregateScope) -> ScopedQuerySet:
        """The records of the scope's centres, readable as aggregates only: ``count()``,
        ``aggregate()``, ``exists()`` and grouped ``values(...).annotate(...)``; never a row."""
        field = getattr(self.model, "CENTRE_FIELD", "centre")
        narrowed = self.filter(**{f"{field}_id__in": scope.centre_ids})
        narrowed._scope = AGGREGATES_ONLY
        return narrowed


class ChildQuerySet(GuardedQuerySet):
    """Records that follow their parent's visibility: the model names the foreign key ``PARENT_FIELD``
    (a case's notes, a referral's messages, an assessment's ratings)."""

    def visible_to(self, user, code: str | None = None) -> ChildQuerySet:
        field = self.model.PARENT_FIELD
        parent = self.model._meta.get_field(field).related_model
        return self.filter(**{f"{field}__in": parent._default_manager.visible_to(user, code)})


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


# --- Aggregate scope (statistics) -------------------------------------------------------------------


class Level:
    CENTRE = "centre"
    COUNTRY = "country"
    NETWORK = "network"


# From the narrowest to the widest: the code that grants each level.
_LEVELS = ((Perm.STATS_CENTRE, Level.CENTRE), (Perm.STATS_COUNTRY, Level.COUNTRY), (Perm.STATS_NETWORK, Level.NETWORK))


@dataclass(frozen=True)
class AggregateScope:
    """The centres and countries whose *aggregates* a user may see, and at which level.

    ``level`` is None when the user holds no statistics code: nothing at all. A scope never opens
    a record: use ``Model.objects.for_aggregates(scope)``, which answers counts and grouped values only.
    """

    level: str | None
    centre_ids: frozenset = frozenset()
    country_ids: frozenset = frozenset()

    def __bool__(self) -> bool:
        return self.level is not None


def aggregate_scope(user, code: str | None = None) -> AggregateScope:
    """Whose aggregates the user may see for ``code`` (``Perm.STATS_CENTRE``, ``STATS_COUNTRY`` or
    ``STATS_NETWORK``); without a code, the widest level the user holds.

    - centre: the centres where the user holds ``STATS_CENTRE`` (centre staff, their centres);
    - country: every active centre of the countries where the user holds ``STATS_COUNTRY`` (a state viewer);
    - network: every active centre (the coordinator), as aggregates, never records.
    """
    levels = dict(_LEVELS)
    if code is not None and code not in levels:
        raise ValueError(f"{code!r} is not a statistics code (Perm.STATS_CENTRE, STATS_COUNTRY, STATS_NETWORK).")
    held = [(c, level) for c, level in _LEVELS if (code is None or c == code) and centre_ids_with(user, c)]
    if not held:
        return AggregateScope(level=None)
    chosen, level = held[-1]
    memberships = [m for m in memberships_of(user) if chosen in permissions_for_role(m.role)]
    if level == Level.CENTRE:
        centres = [m.centre for m in memberships]
        return AggregateScope(level, frozenset(c.pk for c in centres), frozenset(c.country_id for c in centres))
    # The centre model, reached through the membership (core names no app).
    centre_model = type(memberships[0].centre)
    centres = centre_model._default_manager.filter(is_active=True)
    if level == Level.COUNTRY:
        centres = centres.filter(country_id__in={m.centre.country_id for m in memberships})
    rows = list(centres.values_list("pk", "country_id"))
    return AggregateScope(level, frozenset(pk for pk, _c in rows), frozenset(c for _pk, c in rows))
