"""API fuzzing (DESIGN: hostile input answers 4xx, never 500): property-based requests over every operation
of the OpenAPI document, as callers who may reach the deepest code, with ids of real records, hostile
strings (NUL, lone surrogates, very long), numbers beyond 64 bits, wrong types and broken bodies.

Bounded and derandomised: the same few hundred requests on every run, well under a minute.
"""

from __future__ import annotations

import functools
import json
from urllib.parse import quote, urlencode

from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from core.api import ErrorOut
from hashes.tests.helpers import make_entry, make_list
from helpline.tests import fixtures as helpline_fixtures
from legal.models import Provision
from network.testing import SicnetTestCase
from nrm.models import Assessment, Framework
from referrals.tests import fixtures as referral_fixtures

CALLERS = ("al_supervisor", "al_manager", "al_analyst", "al_counsellor", "coordinator")

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "%00", "../../etc", "<script>", "null"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=300, max_size=2000),
)
numbers = st.one_of(st.integers(-(2**80), 2**80), st.integers(-3, 5), st.floats(allow_nan=False))
json_values = st.recursive(
    st.none() | st.booleans() | numbers | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=6,
)


@functools.cache
def document() -> dict:
    return Client().get("/api/v1/openapi.json").json()


def operations() -> list[tuple[str, str, dict]]:
    return sorted(
        (method, path, op)
        for path, item in document()["paths"].items()
        for method, op in item.items()
        if path != "/api/v1/"
    )


def body_properties(op: dict) -> list[str]:
    content = op.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    ref = schema.get("$ref", "").rpartition("/")[2]
    resolved = document()["components"]["schemas"].get(ref, schema)
    return list(resolved.get("properties", {}))


class ApiFuzzTests(SicnetTestCase, HypothesisTestCase):  # each example in its own transaction
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.session_keys = {}
        for name in CALLERS:
            client = Client()
            client.force_login(cls.users[name], backend="accounts.backends.EmailBackend")
            cls.session_keys[name] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        referral = referral_fixtures.al_hotline_referral(cls)
        case = helpline_fixtures.al_case(cls)
        hash_list = make_list(cls.al_centre, "Fuzzed")
        framework = Framework.objects.first()
        assessment = (
            Assessment.objects.create(country=cls.al_centre.country, framework=framework, period="2026")
            if framework
            else None
        )
        provision = Provision.objects.first()
        # Real ids, so that generated requests also get past the lookups into the forms and actions.
        cls.ids = {
            "item_id": str(referral_fixtures.al_item(cls).pk),
            "referral_id": str(referral.pk),
            "case_id": str(case.pk),
            "contact_id": str(case.contacts.first().pk),
            "list_id": str(hash_list.pk),
            "entry_id": str(make_entry(hash_list, "md5", "a" * 32).pk),
            "assessment_id": str(assessment.pk) if assessment else "",
            "country_id": str(cls.al_centre.country_id),
            "code": provision.code if provision else "L01",
            "number": "1",
            "reference": "AL-2026-000001",
        }

    def path_value(self, name: str):
        real = self.ids.get(name)
        return st.one_of(st.just(real), hostile_text, st.uuids().map(str)) if real else hostile_text

    @st.composite
    def requests(draw, self):  # noqa: N805 - a composite strategy bound to the test case
        method, path, op = draw(st.sampled_from(operations()))
        for param in op.get("parameters", []):
            if param["in"] == "path":
                value = draw(self.path_value(param["name"]))
                path = path.replace("{" + param["name"] + "}", quote(value, safe="", errors="surrogatepass") or "x")
        query = {}
        for param in op.get("parameters", []):
            if param["in"] == "query" and draw(st.booleans()):
                query[param["name"]] = str(draw(st.one_of(numbers, hostile_text, st.booleans())))
        body: bytes | None = None
        content_type = "application/json"
        if "requestBody" in op:
            kind = draw(st.sampled_from(["fields", "fields", "any", "broken"]))
            if kind == "fields":
                fields = body_properties(op)
                data = draw(st.fixed_dictionaries({}, optional={name: json_values for name in fields}))
                body = json.dumps(data).encode()
            elif kind == "any":
                body = json.dumps(draw(json_values)).encode()
            else:
                body = draw(st.binary(max_size=200))
            if "multipart/form-data" in op["requestBody"].get("content", {}):
                content_type = draw(st.sampled_from(["application/json", "multipart/form-data; boundary=x"]))
        caller = draw(st.sampled_from(CALLERS))
        return method.upper(), path, query, body, content_type, caller, op

    @settings(
        max_examples=400,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def test_no_generated_request_is_a_server_error(self, data):
        method, path, query, body, content_type, caller, op = data.draw(self.requests())
        client = Client(raise_request_exception=False)
        client.cookies[django_settings.SESSION_COOKIE_NAME] = self.session_keys[caller]
        with transaction.atomic():
            if body is None:
                response = client.generic(method, path, QUERY_STRING=_query(query))
            else:
                response = client.generic(method, path, body, content_type=content_type, QUERY_STRING=_query(query))
            transaction.set_rollback(True)
        described = f"{method} {path} ?{query} as {caller}: {body[:200] if body else b''!r}"
        event(f"status {response.status_code}")
        self.assertLess(response.status_code, 500, f"{described} -> {response.content[:500]!r}")
        if response.status_code >= 400:
            self.assertIn(str(response.status_code), op["responses"], f"{described} -> undocumented")
            ErrorOut.model_validate(response.json())


def _query(params: dict) -> str:
    return urlencode(params, errors="surrogatepass")
