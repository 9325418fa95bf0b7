"""One API convention: every operation documents its refusals as the one ErrorOut, lists page the same way,
and the real answers of failing calls are what the document says."""

from __future__ import annotations

import functools
import inspect
import json
import uuid

from django.test import Client
from django.urls import get_resolver
from django.utils import translation

from core.api import ErrorOut
from hashes.tests.helpers import make_entry, make_list
from helpline.tests import fixtures as helpline_fixtures
from hotline.tests.helpers import make_report
from network.testing import SicnetTestCase

ERROR_REF = "#/components/schemas/ErrorOut"
UNSAFE = {"post", "put", "patch", "delete"}


@functools.cache
def document() -> dict:
    """The OpenAPI document as clients read it."""
    return Client().get("/api/v1/openapi.json").json()


def operations() -> list[tuple[str, str, dict]]:
    schema = document()
    return [(method, path, op) for path, item in schema["paths"].items() for method, op in item.items()]


def is_authenticated(op: dict) -> bool:
    return bool(op.get("security"))


def takes_input(op: dict) -> bool:
    return bool(op.get("parameters")) or "requestBody" in op


def path_parameters(op: dict) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]


class OpenApiDocumentTests(SicnetTestCase):
    """What every operation declares, derived from what it takes."""

    def test_every_operation_declares_its_refusals(self):
        missing = []
        for method, path, op in operations():
            codes = set(op["responses"])
            expected = set()
            if is_authenticated(op):
                expected.add("401")
                # 403: without the permission, or (any unsafe method with a session) a failed CSRF check.
                if method in UNSAFE or self.operation_codes(method, path):
                    expected.add("403")
            if takes_input(op):
                expected.add("422")
            if "requestBody" in op:
                expected.add("413")
            if path_parameters(op):  # it fetches the object the path names
                expected.add("404")
            if not expected <= codes:
                missing.append(f"{method.upper()} {path}: declares {sorted(codes)}, lacks {sorted(expected - codes)}")
        self.assertFalse(missing, "\n".join(missing))

    def test_every_refusal_is_the_one_error_shape(self):
        schema = document()
        others = []
        for method, path, op in operations():
            for code, answer in op["responses"].items():
                if int(code) < 400:
                    continue
                ref = answer["content"]["application/json"]["schema"].get("$ref")
                if ref != ERROR_REF:
                    others.append(f"{method.upper()} {path} {code}: {ref}")
        self.assertFalse(others, "\n".join(others))
        error_schemas = [name for name in schema["components"]["schemas"] if "error" in name.lower()]
        self.assertEqual(error_schemas, ["ErrorOut"])
        self.assertEqual(set(schema["components"]["schemas"]["ErrorOut"]["properties"]), {"detail", "errors"})

    def test_every_list_is_paged_with_bounds(self):
        schema = document()
        lists = 0
        for method, path, op in operations():
            ok = op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
            with self.subTest(operation=f"{method.upper()} {path}"):
                self.assertNotEqual(ok.get("type"), "array", "a list answers {items, count}, paged")
                ref = ok.get("$ref", "").rpartition("/")[2]
                if not ref.startswith("Paged"):
                    continue
                lists += 1
                self.assertEqual(set(schema["components"]["schemas"][ref]["properties"]), {"items", "count"})
                params = {p["name"]: p["schema"] for p in op["parameters"] if p["in"] == "query"}
                self.assertEqual(params["limit"]["minimum"], 1)
                self.assertLessEqual(params["limit"]["maximum"], 5000)
                self.assertEqual(params["offset"]["minimum"], 0)
        self.assertEqual(lists, 10)

    @staticmethod
    def operation_codes(method: str, path: str) -> tuple[str, ...]:
        """The permission codes the operation's authentication asks for (none: any signed-in caller)."""
        for pattern in get_resolver().url_patterns:
            if getattr(pattern, "pattern", None) and str(pattern.pattern) == "api/v1/":
                for entry in pattern.url_patterns:
                    if not inspect.isfunction(entry.callback):
                        continue  # the document itself
                    view = inspect.getclosurevars(entry.callback).nonlocals.get("self")
                    for operation in getattr(view, "operations", []):
                        if method.upper() in operation.methods and "/api/v1/" + operation.path.lstrip("/") == path:
                            return tuple(code for cb in operation.auth_callbacks for code in getattr(cb, "codes", ()))
        return ()


class FailingCallsTests(SicnetTestCase):
    """Real refusals, each one of the codes its operation documents, each in the ErrorOut shape."""

    def setUp(self):
        self.documented = {(m.upper(), p): set(map(int, op["responses"])) for m, p, op in operations()}

    def check(self, response, status: int, method: str, template: str) -> dict:
        self.assertEqual(response.status_code, status, response.content[:300])
        self.assertIn(status, self.documented[(method, template)], f"{method} {template} does not document {status}")
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        ErrorOut.model_validate(body)  # the shape, with its types
        self.assertEqual(set(body), {"detail", "errors"})
        self.assertTrue(body["detail"])
        return body

    def post(self, path: str, body, **extra):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.client.post(path, data, content_type="application/json", **extra)

    def test_401_403_404_409(self):
        items = "/api/v1/hotline/items"
        self.check(Client().get(items), 401, "GET", items)
        self.login_as(self.al_counsellor)
        self.check(self.client.get(items), 403, "GET", items)
        self.login_as(self.al_analyst)
        one = "/api/v1/hotline/items/{item_id}"
        self.check(self.client.get(f"{items}/{uuid.uuid4()}"), 404, "GET", one)
        report, _ = make_report(["https://bad.example.com/c"])
        item = report.items.get()
        self.login_as(self.mk_analyst)
        body = self.check(self.client.get(f"{items}/{item.pk}"), 404, "GET", one)
        self.assertEqual(body, {"detail": "Not found.", "errors": {}})  # not Django's "No Item matches…"
        self.login_as(self.al_counsellor)
        contact = helpline_fixtures.al_contact(self)
        case = "/api/v1/helpline/contacts/{contact_id}/case"
        self.assertEqual(self.post(f"/api/v1/helpline/contacts/{contact.pk}/case", {}).status_code, 201)
        self.check(self.post(f"/api/v1/helpline/contacts/{contact.pk}/case", {}), 409, "POST", case)

    def test_422_for_every_kind_of_bad_input(self):
        self.login_as(self.al_counsellor)
        contacts = "/api/v1/helpline/contacts"
        cases = {
            "malformed JSON": b'{"kind": ',
            "nested too deep": b"[" * 100_000 + b"]" * 100_000,
            "nested deep": b'{"categories": ' + b"[" * 900 + b"]" * 900 + b"}",
            "not UTF-8": b'{"summary": "\xff\xfe"}',
            "a NUL byte": {"summary": "a\x00b"},
            "a lone surrogate": '{"summary": "a\\ud800b"}',
            "an integer beyond 64 bits": {"age": 10**30},
            "a wrong type": {"categories": "not a list"},
            "a malformed UUID": {"categories": ["not-a-uuid"]},
            "a form error": {"channel": "pigeon"},
        }
        for name, body in cases.items():
            with self.subTest(name):
                self.check(self.post(contacts, body), 422, "POST", contacts)
        one = "/api/v1/helpline/contacts/{contact_id}"
        self.check(self.client.get(f"{contacts}/not-a-uuid"), 422, "GET", one)
        self.check(self.client.get(f"{contacts}/%00"), 422, "GET", one)
        self.check(self.client.get(contacts, {"limit": "\x00"}), 422, "GET", contacts)
        body = self.check(self.client.get(contacts, {"limit": "lots"}), 422, "GET", contacts)
        self.assertEqual(list(body["errors"]), ["query.limit"])

    def test_field_errors_are_named_and_translated(self):
        self.login_as(self.al_counsellor)
        contacts = "/api/v1/helpline/contacts"
        body = self.check(self.post(contacts, {"categories": "x"}), 422, "POST", contacts)
        self.assertEqual(body["errors"], {"body.categories": ["Enter a valid value."]})
        with translation.override("mk"):
            response = self.post(contacts, {"categories": "x"}, headers={"Accept-Language": "mk"})
        body = self.check(response, 422, "POST", contacts)
        self.assertNotEqual(body["detail"], "The request is not valid.")
        self.assertNotEqual(body["errors"]["body.categories"], ["Enter a valid value."])

    def test_offset_past_the_last_row_is_422_and_limits_are_bounded(self):
        self.login_as(self.al_counsellor)
        contacts = "/api/v1/helpline/contacts"
        helpline_fixtures.al_contact(self)
        self.assertEqual(self.client.get(contacts, {"offset": 0}).json()["count"], 1)
        body = self.check(self.client.get(contacts, {"offset": 1}), 422, "GET", contacts)
        self.assertEqual(list(body["errors"]), ["query.offset"])
        self.check(self.client.get(contacts, {"offset": 2**70}), 422, "GET", contacts)
        for limit in (0, -1, 201):
            self.check(self.client.get(contacts, {"limit": limit}), 422, "GET", contacts)
        self.assertEqual(len(self.client.get(contacts, {"limit": 200}).json()["items"]), 1)
        # Nothing to page through: offset 0 is an empty page, not a refusal.
        self.login_as(self.mk_counsellor)
        self.assertEqual(self.client.get(contacts).json(), {"items": [], "count": 0})

    def test_a_body_over_the_limit_is_413(self):
        self.login_as(self.al_counsellor)
        contacts = "/api/v1/helpline/contacts"
        self.check(self.post(contacts, b'{"summary": "' + b"x" * 300_000 + b'"}'), 413, "POST", contacts)


class ListQueryCountTests(SicnetTestCase):
    """A list's statements do not grow with its rows (the count and the page, whatever the size)."""

    def queries_for(self, path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return len(captured)

    def assert_bounded(self, path: str, add_rows) -> None:
        add_rows(1)
        few = self.queries_for(path)
        add_rows(12)
        self.assertEqual(self.queries_for(path), few, path)
        self.assertEqual(self.client.get(path).json()["count"], 13)

    def test_helpline_lists(self):
        self.login_as(self.al_counsellor)

        def contacts(n):
            for _ in range(n):
                helpline_fixtures.al_contact(self)

        def cases(n):
            for _ in range(n):
                helpline_fixtures.al_case(self)

        self.assert_bounded("/api/v1/helpline/contacts", contacts)
        self.assert_bounded("/api/v1/helpline/cases", cases)

    def test_hotline_queue(self):
        self.login_as(self.al_analyst)

        def items(n):
            for _ in range(n):
                make_report([f"https://bad.example.com/{uuid.uuid4()}"])

        self.assert_bounded("/api/v1/hotline/items", items)

    def test_hash_lists_and_entries(self):
        self.login_as(self.al_analyst)
        own = make_list(self.al_centre, "Entries")

        def entries(n):
            for _ in range(n):
                make_entry(own, "sha256", uuid.uuid4().hex * 2)

        def lists(n):
            for _ in range(n):
                make_list(self.al_centre, f"List {uuid.uuid4()}")

        self.assert_bounded(f"/api/v1/hashes/lists/{own.pk}/entries", entries)
        self.client.get("/api/v1/hashes/lists")
        existing = self.client.get("/api/v1/hashes/lists").json()["count"]
        few = self.queries_for("/api/v1/hashes/lists")
        lists(12)
        self.assertEqual(self.queries_for("/api/v1/hashes/lists"), few)
        self.assertEqual(self.client.get("/api/v1/hashes/lists").json()["count"], existing + 12)
