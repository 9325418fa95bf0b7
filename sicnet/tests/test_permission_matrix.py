"""Every route and API operation, requested by every canonical user and by an anonymous visitor.

The expectations are declared in core/tests/matrix.py (read its docstring). One test method per
route, one subTest per method and user. A route or operation without a declaration fails.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import string
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation

from api.root import api
from core.permissions import permissions_for_role
from core.testing import CANONICAL_USERS, SicnetTestCase
from core.tests import matrix
from core.tests.matrix import ANONYMOUS, LOGIN, NOT_ALLOWED, NOT_FOUND, Expect, Shadowed
from sicnet.tests import matrix as project_matrix

USERS = (ANONYMOUS, *CANONICAL_USERS)
BACKEND = "accounts.backends.EmailBackend"
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


# --- What the project serves ----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str
    namespace: str
    patterns: tuple  # the chain of patterns from the root URLconf down to this one
    callback: object
    params: tuple[str, ...]
    localized: bool  # under i18n_patterns: the path starts with the language

    @property
    def template(self) -> str:
        """The path with its parameters as {name}, e.g. /network/centres/{centre_id}/members/."""
        parts = []
        for pattern in self.patterns:
            if isinstance(pattern, LocalePrefixPattern):
                parts.append("{language}/")
            else:
                parts.append(_ROUTE_PARAMETER.sub(r"{\g<parameter>}", str(pattern)))
        return "/" + "".join(parts)

    @property
    def required_permission(self) -> str | None:
        return getattr(self.callback, "required_permission", None)

    @property
    def required_permissions(self) -> tuple[str, ...]:
        """Every code the view accepts (any one of them will do)."""
        return getattr(self.callback, "required_permissions", None) or tuple(filter(None, [self.required_permission]))


def discover_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(resolver: URLResolver, chain: tuple, namespace: str, localized: bool) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
                walk(entry, (*chain, entry.pattern), inner, localized or isinstance(entry.pattern, LocalePrefixPattern))
            elif isinstance(entry, URLPattern):
                patterns = (*chain, entry.pattern)
                if entry.name:
                    key = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    route_text = "".join(str(p) for p in patterns)
                    key = f"{namespace}:<{route_text}>" if namespace else f"<{route_text}>"
                routes.append(Route(key, namespace, patterns, entry.callback, _params(patterns), localized))

    walk(get_resolver(), (), "", False)
    return routes


def _params(patterns) -> tuple[str, ...]:
    names: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, RoutePattern):
            names += list(pattern.converters)
        elif isinstance(pattern, RegexPattern):
            names += list(pattern.regex.groupindex)
    return tuple(names)


def discover_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document."""
    schema = api.get_openapi_schema()
    return [(method.upper(), path) for path, item in schema["paths"].items() for method in item]


ROUTES = discover_routes()
OPERATIONS = discover_operations()
OPERATION_PATHS = {path for _method, path in OPERATIONS}


def page_routes() -> list[Route]:
    """Routes other than the API operations' own (those are declared by operation)."""
    return [route for route in ROUTES if route.template not in OPERATION_PATHS]


# --- The declarations (core/tests/matrix.py and any <app>/tests/matrix.py) ----------------------


def load_declarations() -> tuple[dict, dict, dict, list[str]]:
    tables: tuple[dict, dict, dict] = ({}, {}, {})
    duplicates: list[str] = []
    modules = [project_matrix]
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.matrix"
        if config.name == "core" or Path(config.path).parent != Path(settings.BASE_DIR):  # our apps only
            continue
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            found = None
        if found:
            modules.append(importlib.import_module(name))
    for module in modules:
        for table, attribute in zip(tables, ("ROUTES", "NAMESPACES", "API"), strict=True):
            for key, value in getattr(module, attribute, {}).items():
                if key in table:
                    duplicates.append(f"{attribute}[{key!r}] in {module.__name__}")
                table[key] = value
    return (*tables, duplicates)


DECLARED_ROUTES, DECLARED_NAMESPACES, DECLARED_API, DUPLICATES = load_declarations()


def expectations_for(route: Route) -> tuple[Expect, ...] | Shadowed | None:
    declared = DECLARED_ROUTES.get(route.key)
    if isinstance(declared, Shadowed):
        return declared
    if declared is None:
        namespace = route.namespace
        while namespace and declared is None:
            declared = DECLARED_NAMESPACES.get(namespace)
            namespace = namespace.rpartition(":")[0]
    if declared is None:
        return None
    return declared if isinstance(declared, tuple) else (declared,)


def holders_of(code: str) -> list[str]:
    return [name for name, (_centre, role) in CANONICAL_USERS.items() if role and code in permissions_for_role(role)]


def suggestion_for_route(route: Route) -> str:
    where = f"{getattr(route.callback, '__module__', '?')}.{getattr(route.callback, '__qualname__', route.callback)}"
    kwargs = ""
    if route.params:
        kwargs = f", object_kwargs=lambda t: {{{', '.join(repr(p) + ': ...' for p in route.params)}}}"
    if route.required_permission:
        holders = ", ".join(repr(name) for name in holders_of(route.required_permission))
        body = f"signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, {holders}){kwargs}"
    else:
        body = f"signed_in=..., anonymous=...{kwargs}"
    return (
        f"Route {route.key!r} ({route.template}, view {where}) has no permission-matrix declaration. "
        f"Add to ROUTES in core/tests/matrix.py (or your app's tests/matrix.py), e.g.\n"
        f"    {route.key!r}: Expect({body}),"
    )


def suggestion_for_operation(method: str, path: str) -> str:
    return (
        f"API operation {method} {path} has no permission-matrix declaration. Add to API in "
        f"core/tests/matrix.py (or your app's tests/matrix.py), e.g.\n"
        f"    {method + ' ' + path!r}: Expect(signed_in=..., anonymous=UNAUTHORIZED),"
    )


# --- Building URLs --------------------------------------------------------------------------------


def build_path(route: Route, kwargs: dict) -> str:
    parts = []
    for pattern in route.patterns:
        if isinstance(pattern, LocalePrefixPattern):
            parts.append(pattern.language_prefix)
        elif isinstance(pattern, RoutePattern):
            parts.append(
                _ROUTE_PARAMETER.sub(
                    lambda m, p=pattern: str(p.converters[m["parameter"]].to_url(kwargs[m["parameter"]])), str(pattern)
                )
            )
        elif isinstance(pattern, RegexPattern):
            parts.append(_fill_regex(str(pattern), kwargs))
        else:  # pragma: no cover - Django has no other kind
            raise TypeError(f"Cannot build a URL from {pattern!r}")
    return "/" + "".join(parts)


def _fill_regex(regex: str, kwargs: dict) -> str:
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name_end = regex.index(">", i)
            name = regex[i + 4 : name_end]
            depth, j = 1, name_end + 1
            while depth:
                if regex[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1
            out.append(str(kwargs[name]))
            i = j
        else:
            out.append(regex[i])
            i += 1
    text = "".join(out).removeprefix("^").removesuffix("$").removesuffix("\\Z")
    if re.search(r"[()\[\]*+?|\\]", text):
        raise ValueError(f"Cannot build a path from the regular expression {regex!r}")
    return text


def describe(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{response.status_code} → {response['Location']}"
    return str(response.status_code)


def is_refusal(response) -> bool:
    return response.status_code in (401, 403, 404, 405) or LOGIN.matches(response)


def operation_permissions(path: str, method: str) -> tuple[str, ...]:
    """The permission codes the operation's StaffAuth accepts, any one of them (none: any signed-in caller)."""
    for route in ROUTES:
        if route.template == path:
            view = inspect.getclosurevars(route.callback).nonlocals.get("self")
            for operation in getattr(view, "operations", []):
                if method in operation.methods:
                    return tuple(code for cb in operation.auth_callbacks for code in getattr(cb, "codes", ()))
    return ()


# --- The test -------------------------------------------------------------------------------------


class PermissionMatrixTests(SicnetTestCase):
    """The declared answer of every route and operation, for every canonical user and anonymous."""

    longMessage = False  # the messages below say everything; "False is not true" adds nothing

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # One session per user, made once: every request below is rolled back, so they stay valid.
        cls.session_keys = {}
        for name, user in cls.users.items():
            client = Client()
            client.force_login(user, backend=BACKEND)
            cls.session_keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def test_every_route_and_operation_is_declared(self):
        missing = [suggestion_for_route(r) for r in page_routes() if expectations_for(r) is None]
        missing += [suggestion_for_operation(m, p) for m, p in OPERATIONS if f"{m} {p}" not in DECLARED_API]
        self.assertFalse(missing, "\n\n" + "\n\n".join(missing))

    def test_declarations_name_existing_routes(self):
        route_keys = {route.key for route in ROUTES}
        namespaces = {route.namespace for route in ROUTES}
        stale = [f"ROUTES[{key!r}]" for key in DECLARED_ROUTES if key not in route_keys]
        stale += [f"NAMESPACES[{key!r}]" for key in DECLARED_NAMESPACES if key not in namespaces]
        operations = {f"{m} {p}" for m, p in OPERATIONS}
        stale += [f"API[{key!r}]" for key in DECLARED_API if key not in operations]
        self.assertFalse(stale, f"These declarations name nothing the project serves; remove or rename: {stale}")
        self.assertFalse(DUPLICATES, f"Declared twice: {DUPLICATES}")

    def test_routes_of_api_operations_are_declared_in_api(self):
        for route in ROUTES:
            if route.template in OPERATION_PATHS:
                self.assertNotIn(
                    route.key, DECLARED_ROUTES, f"{route.key} is an API operation: declare it in API, by method"
                )

    def test_the_admin_login_forwards_to_our_sign_in(self):
        response = self.client.get(reverse("admin:login") + "?next=/admin/")
        self.assertRedirects(response, reverse("accounts:login") + "?next=/admin/", fetch_redirect_response=False)

    def test_a_platform_administrator_reaches_the_admin(self):
        admin = get_user_model().objects.create_superuser(email="root@test.example", password=None)
        self.client.force_login(admin, backend=BACKEND)
        self.assertEqual(self.client.get(reverse("admin:index")).status_code, 200)
        self.assertEqual(self.client.get(reverse("admin:accounts_user_changelist")).status_code, 200)

    # --- helpers --------------------------------------------------------------------------------

    def request(self, user: str, method: str, path: str, *, api_body: bool = False):
        """One request as ``user`` (CSRF checks off), rolled back so it cannot affect the next."""
        client = Client()
        if user != ANONYMOUS:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session_keys[user]
        with transaction.atomic():
            if method == "GET":
                response = client.get(path)
            elif api_body:
                response = client.generic(method, path, data="{}", content_type="application/json")
            else:
                response = client.generic(method, path, data="", content_type="application/x-www-form-urlencoded")
            transaction.set_rollback(True)
        return response

    def expect(self, expected, user: str, method: str, path: str, **options) -> None:
        with self.subTest(method=method, user=user):
            try:
                response = self.request(user, method, path, **options)
            except Exception as exc:  # noqa: BLE001 - report as a mismatch, with the request
                self.fail(f"{method} {path} as {user}: expected {expected}, but the view raised {exc!r}")
            self.assertTrue(
                expected.matches(response),
                f"{method} {path} as {user}: expected {expected}, got {describe(response)}",
            )

    def refuse_undeclared_post(self, expects, path: str, **options) -> None:
        """Whoever is refused a GET must be refused a POST as well (when POST is not declared)."""
        if any("POST" in e.methods for e in expects):
            return
        get = next((e for e in expects if "GET" in e.methods), None)
        if get is None:
            return
        for user in USERS:
            if not get.outcome_for(user).denies:
                continue
            with self.subTest(method="POST (undeclared)", user=user):
                response = self.request(user, "POST", path, **options)
                self.assertTrue(
                    is_refusal(response),
                    f"POST {path} as {user} was not refused ({describe(response)}), though its GET is",
                )

    def check_foreign_object_rule(self, key: str, expect: Expect, method: str, codes: tuple[str, ...]) -> None:
        """On an Albanian record, North Macedonia's users get 404; 403 only without any of the codes."""
        for user, (centre, role) in CANONICAL_USERS.items():
            if centre != "mk":
                continue
            outcome = expect.outcome_for(user)
            lacks_permission = bool(codes) and not any(code in permissions_for_role(role) for code in codes)
            allowed = outcome in (NOT_FOUND, NOT_ALLOWED) or (outcome == matrix.FORBIDDEN and lacks_permission)
            self.assertTrue(
                allowed,
                f"{key} {method}: {user} is declared {outcome} on a record of Albania; a user of another "
                f"centre must get NOT_FOUND (FORBIDDEN only when lacking {' or '.join(codes) or 'the permission'} everywhere)",
            )

    def build_kwargs(self, expect: Expect, params) -> dict:
        if not params:
            return {}
        if expect.build_kwargs is None:
            self.fail(f"This route takes {list(params)}: give its Expect kwargs= (or object_kwargs=).")
        built = expect.build_kwargs(self)
        missing = [p for p in params if p not in built]
        self.assertFalse(missing, f"kwargs= must also give {missing}")
        return {p: built[p] for p in params}

    # --- one route, one operation --------------------------------------------------------------

    def check_route(self, route: Route) -> None:
        expects = expectations_for(route)
        if expects is None:
            self.fail(suggestion_for_route(route))
        if isinstance(expects, Shadowed):
            self.check_shadowed(route, expects)
            return
        for expect in expects:
            kwargs = self.build_kwargs(expect, route.params)
            path = build_path(route, kwargs)
            match = resolve(path)
            self.assertIs(match.func, route.callback, f"{path} (built for {route.key}) resolves to {match.view_name}")
            for method in expect.methods:
                if expect.object_kwargs:
                    self.check_foreign_object_rule(route.key, expect, method, route.required_permissions)
                for user in USERS:
                    self.expect(expect.outcome_for(user), user, method, path)
                # Public pages exist in every language, with the same answer.
                if route.localized and method == "GET":
                    for language, _name in settings.LANGUAGES:
                        with translation.override(language):
                            localized = build_path(route, kwargs)
                        self.expect(expect.anonymous, ANONYMOUS, method, localized)
            self.refuse_undeclared_post(expects, path)

    def check_shadowed(self, route: Route, shadowed: Shadowed) -> None:
        """The route can never be reached: an earlier pattern (itself declared) answers its path."""
        path = build_path(route, self.build_kwargs(shadowed, route.params))
        match = resolve(path)
        winner = next((r for r in ROUTES if r.callback is match.func), None)
        self.assertIsNot(match.func, route.callback, f"{route.key} is declared Shadowed but answers {path} itself")
        self.assertEqual(
            winner.key if winner else match.view_name,
            shadowed.by,
            f"{path} (built for {route.key}) is answered by {winner.key if winner else match.view_name}",
        )

    def check_operation(self, method: str, template: str) -> None:
        key = f"{method} {template}"
        declared = DECLARED_API.get(key)
        if declared is None:
            self.fail(suggestion_for_operation(method, template))
        # An operation may declare several expectations (one record each, e.g. a contact and a draft).
        for expect in declared if isinstance(declared, tuple) else (declared,):
            self.check_operation_expect(key, method, template, expect)

    def check_operation_expect(self, key: str, method: str, template: str, expect: Expect) -> None:
        self.assertEqual(expect.methods, ("GET",), f"API[{key!r}]: the method comes from the key; drop methods=")
        params = [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]
        kwargs = self.build_kwargs(expect, params)
        path = template.format(**kwargs)
        if expect.object_kwargs:
            self.check_foreign_object_rule(key, expect, method, operation_permissions(template, method))
        for user in USERS:
            self.expect(expect.outcome_for(user), user, method, path, api_body=True)
        if method == "GET" and f"POST {template}" not in DECLARED_API:
            self.refuse_undeclared_post((expect,), path, api_body=True)


def _slug(text: str) -> str:
    return re.sub(r"\W+", "_", text).strip("_").lower()


def _add_tests() -> None:
    seen: set[str] = set()

    def unique(name: str) -> str:
        candidate, n = name, 2
        while candidate in seen:
            candidate, n = f"{name}_{n}", n + 1
        seen.add(candidate)
        return candidate

    for route in page_routes():

        def test(self, route=route):
            self.check_route(route)

        test.__doc__ = f"Permission matrix: {route.key} ({route.template})"
        setattr(PermissionMatrixTests, unique(f"test_route_{_slug(route.key)}"), test)

    for method, path in OPERATIONS:

        def test(self, method=method, path=path):
            self.check_operation(method, path)

        test.__doc__ = f"Permission matrix: {method} {path}"
        setattr(PermissionMatrixTests, unique(f"test_api_{method.lower()}_{_slug(path)}"), test)


_add_tests()
