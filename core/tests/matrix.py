"""The permission matrix: what every route and every API operation answers to whom.

``core/tests/test_permission_matrix.py`` requests every URL pattern of the project and every
operation of the REST API as each canonical user (core.testing.CANONICAL_USERS) and as an
anonymous visitor, and compares the answer with the declaration below. A route or operation
without a declaration fails the test, which prints the entry to add.

An entry is an ``Expect`` (or a tuple of them: one per group of methods, or one per kind of record,
e.g. a contact and a draft; API entries too)::

    "network:members": Expect(
        signed_in=FORBIDDEN,             # every signed-in canonical user, unless named in users
        anonymous=LOGIN,                 # a visitor who is not signed in
        users=each(OK, "al_manager") | {"mk_manager": NOT_FOUND},
        methods=("GET", "POST"),         # methods tried with these expectations (default GET)
        object_kwargs=lambda t: {"centre_id": t.al_centre.pk},
    )

- ``kwargs`` builds URL parameters; ``object_kwargs`` does the same for a route that shows or
  changes *one record*: point it at a record of **Albania**. The test then insists that North
  Macedonia's users get 404 ("not yours" looks exactly like "does not exist"); a 403 is accepted
  only from a user who lacks the route's permission everywhere. Both receive the running test
  case (``t.al_centre``, ``t.al_analyst``, ``t.users[...]``...) and may create records: each
  route is tested in its own transaction, and every request is rolled back after it.
- Outcomes: ``OK``, ``UNAUTHORIZED``, ``FORBIDDEN``, ``NOT_FOUND``, ``NOT_ALLOWED`` (405), ``LOGIN``
  (a redirect to the sign-in page), ``redirect_to("app:name")``, ``REDIRECT`` (anywhere).
- POST requests are sent with CSRF checks off (the test client's default), so a refusal proves
  the permission check, not the CSRF check. A route that does not declare POST is still posted
  to by every user whose GET is refused: the POST must be refused too.

Keys: ``ROUTES`` by URL name (``"namespace:name"``; an unnamed pattern by its route string in angle
brackets, e.g. ``"<admin/logout/>"``, as the failure message prints it); ``NAMESPACES`` cover every
route of a namespace at once (the Django admin); ``API`` by ``"METHOD /api/v1/path"`` as the
OpenAPI document lists them. A pattern that an earlier one hides is declared
``Shadowed(by="key of the earlier one")``: the test checks that it stays hidden.

A later app may keep its own entries in ``<app>/tests/matrix.py`` with ``ROUTES``, ``NAMESPACES``
and ``API`` dicts of the same form; the test merges them (a key declared twice fails).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from core.testing import CANONICAL_USERS

# --- Outcomes -------------------------------------------------------------------------------------


class Outcome:
    """What a request answers; ``denies`` marks a refusal."""

    denies = False

    def matches(self, response) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Status(Outcome):
    code: int
    label: str

    @property
    def denies(self) -> bool:  # type: ignore[override]
        return self.code in (401, 403, 404, 405)

    def matches(self, response) -> bool:
        return response.status_code == self.code

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"


@dataclass(frozen=True)
class Redirect(Outcome):
    """A redirect; with ``to``, to one of these URL names."""

    to: tuple[str, ...] = ()
    label: str = ""

    @property
    def denies(self) -> bool:  # type: ignore[override]
        # Sent to sign in again: a refusal for whoever is not (or no longer) signed in.
        return bool(self.to) and set(self.to) <= {"accounts:login", "admin:login"}

    def matches(self, response) -> bool:
        if response.status_code not in (301, 302, 303, 307, 308):
            return False
        return not self.to or redirect_target(response) in self.to

    def __str__(self) -> str:
        if self.label:
            return self.label
        return f"redirect to {' or '.join(self.to)}" if self.to else "a redirect"


def redirect_target(response) -> str | None:
    """The URL name a redirect points to, or None when it leaves the project's routes."""
    try:
        return resolve(urlsplit(response["Location"]).path).view_name
    except (KeyError, Resolver404):
        return None


def redirect_to(*names: str) -> Redirect:
    return Redirect(to=names)


OK = Status(200, "OK")
UNAUTHORIZED = Status(401, "UNAUTHORIZED")
FORBIDDEN = Status(403, "FORBIDDEN")
NOT_FOUND = Status(404, "NOT_FOUND")
INVALID = Status(422, "INVALID")  # the API's answer to input it refuses
NOT_ALLOWED = Status(405, "NOT_ALLOWED")
# The admin sends people to its own login URL, which forwards to ours (tested on its own).
LOGIN = Redirect(to=("accounts:login", "admin:login"), label="LOGIN (redirect to sign-in)")
REDIRECT = Redirect()

ANONYMOUS = "anonymous"


# --- Declarations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """The answers of one route (or API operation) to each user, for the methods listed."""

    signed_in: Outcome | None = None
    anonymous: Outcome | None = None
    users: Mapping[str, Outcome] = field(default_factory=dict)
    methods: tuple[str, ...] = ("GET",)
    kwargs: Callable[[Any], dict] | None = None
    object_kwargs: Callable[[Any], dict] | None = None
    everyone: Outcome | None = None  # shorthand: the same for signed-in users and anonymous

    def __post_init__(self) -> None:
        if self.everyone is not None:
            object.__setattr__(self, "signed_in", self.signed_in or self.everyone)
            object.__setattr__(self, "anonymous", self.anonymous or self.everyone)
        if self.signed_in is None or self.anonymous is None:
            raise ValueError("Expect needs signed_in= and anonymous= (or everyone=).")
        unknown = set(self.users) - set(CANONICAL_USERS)
        if unknown:
            raise ValueError(f"Expect names unknown users {sorted(unknown)}; see core.testing.CANONICAL_USERS.")
        if self.kwargs and self.object_kwargs:
            raise ValueError("Give kwargs= or object_kwargs=, not both.")
        object.__setattr__(self, "methods", tuple(method.upper() for method in self.methods))

    def outcome_for(self, user: str) -> Outcome:
        if user == ANONYMOUS:
            return self.anonymous
        return self.users.get(user, self.signed_in)

    @property
    def build_kwargs(self) -> Callable[[Any], dict] | None:
        return self.object_kwargs or self.kwargs


@dataclass(frozen=True)
class Shadowed:
    """A pattern that can never be reached: an earlier one (``by``, itself declared) takes its path."""

    by: str
    kwargs: Callable[[Any], dict] | None = None

    @property
    def build_kwargs(self) -> Callable[[Any], dict] | None:
        return self.kwargs


def each(outcome: Outcome, *users: str) -> dict[str, Outcome]:
    """``each(OK, "al_manager", "mk_manager")`` → per-user overrides."""
    return dict.fromkeys(users, outcome)


# Users holding a role somewhere (everyone but the outsider).
MEMBERS = tuple(name for name, (centre, _role) in CANONICAL_USERS.items() if centre)
AUDIT_READERS = ("al_manager", "al_auditor", "mk_manager", "mk_auditor")
