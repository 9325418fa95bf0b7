"""A body over the limit answers 413, whatever its size, however it is sent, in DEBUG and not.

The API answers ErrorOut; the public pages a translated page in the public shell with the leave
button, in the language of the URL. Bodies are built with bytes multiplication (several MiB in no time).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from helpline.models import Contact
from hotline.models import PendingReport, Report
from hotline.tests.helpers import report_body
from network.testing import SicnetTestCase

LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
MiB = 1024 * 1024
CONTACTS = "/api/v1/helpline/contacts"
REPORTS = "/api/v1/reports"


def json_of_size(size: int) -> bytes:
    """A JSON object of exactly ``size`` bytes."""
    head, tail = b'{"summary": "', b'"}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def multipart_of_size(size: int) -> bytes:
    """A multipart body with one file part, about ``size`` bytes."""
    return encode_multipart(BOUNDARY, {"document": _File(b"%PDF-" + b"x" * size)})


class _File:
    """What encode_multipart takes as a file."""

    name = "evidence.pdf"

    def __init__(self, content: bytes) -> None:
        self.content = content

    def read(self) -> bytes:
        return self.content


@override_settings(DEBUG=False)
class ApiBodyLimitTests(SicnetTestCase):
    def setUp(self):
        self.login_as(self.al_counsellor)

    def assert_413(self, response) -> None:
        self.assertEqual(response.status_code, 413, response.content[:200])
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        self.assertEqual(set(body), {"detail", "errors"})
        self.assertEqual(body["detail"], "The request is too large.")

    def post(self, path: str, data: bytes, content_type: str = "application/json", **extra):
        return self.client.generic("POST", path, data, content_type=content_type, **extra)

    def test_json_just_over_and_far_over_the_limit(self):
        for size in (LIMIT + 1, 8 * MiB):
            with self.subTest(size=size):
                self.assert_413(self.post(CONTACTS, json_of_size(size)))
        self.assertFalse(Contact.objects.exists())
        self.assertEqual(self.post(CONTACTS, json_of_size(LIMIT)).status_code, 201)  # at the limit: taken

    def test_in_debug_too(self):
        with self.settings(DEBUG=True):
            self.assert_413(self.post(CONTACTS, json_of_size(LIMIT + 1)))
            self.assert_413(self.post(CONTACTS, json_of_size(4 * MiB)))

    def test_a_content_length_that_lies(self):
        # Claims more than the limit: refused before a byte is read.
        self.assert_413(self.post(CONTACTS, b"{}", CONTENT_LENGTH=str(64 * MiB)))
        # Claims less than was sent: only what it claims is read, and that is not JSON.
        response = self.post(CONTACTS, json_of_size(2 * MiB), CONTENT_LENGTH="100")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(set(response.json()), {"detail", "errors"})
        # Not a number at all: no body (which this operation needs).
        for length in ("lots", "-5"):
            response = self.post(CONTACTS, b"{}", CONTENT_LENGTH=length)
            self.assertEqual(response.status_code, 422, length)
        self.assertFalse(Contact.objects.exists())

    def test_a_form_or_multipart_body_over_the_limit(self):
        self.assert_413(self.post(CONTACTS, b"a=" + b"x" * LIMIT, "application/x-www-form-urlencoded"))
        # Too many fields, though small: Django's TooManyFieldsSent, answered the same way.
        fields = b"&".join(b"f%d=1" % n for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
        self.assert_413(self.post(CONTACTS, fields, "application/x-www-form-urlencoded"))
        self.assert_413(self.post(CONTACTS, multipart_of_size(settings.API_UPLOAD_MAX_BYTES), MULTIPART_CONTENT))

    def test_the_public_report_api(self):
        body = json.dumps(report_body(description="x" * (LIMIT + 10))).encode()
        for debug in (False, True):
            with self.subTest(debug=debug), self.settings(DEBUG=debug):
                self.assert_413(self.client.generic("POST", REPORTS, body, content_type="application/json"))
                self.assert_413(self.client.generic("POST", REPORTS, body * 20, content_type="application/json"))
        self.assertFalse(PendingReport.objects.exists() or Report.objects.exists())


@override_settings(DEBUG=False)
class PublicPageBodyLimitTests(SicnetTestCase):
    def post(self, path: str, data: bytes, content_type: str = "application/x-www-form-urlencoded", **extra):
        return self.client.generic("POST", path, data, content_type=content_type, **extra)

    def assert_page(self, response, title: str, language: str) -> None:
        self.assertEqual(response.status_code, 413)
        self.assertTrue(response["Content-Type"].startswith("text/html"))
        page = response.content.decode()
        self.assertIn(f'<html lang="{language}">', page)
        self.assertIn(title, page)
        self.assertIn('id="leave-site"', page)  # the public shell, with its leave button

    def test_every_size_and_kind_of_body_in_the_language_of_the_url(self):
        big_form = b"description=" + b"x" * (LIMIT + 1)
        fields = b"&".join(b"f%d=1" % n for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
        cases = {
            "just over": (big_form, "application/x-www-form-urlencoded", {}),
            "several MiB": (b"description=" + b"x" * (6 * MiB), "application/x-www-form-urlencoded", {}),
            "too many fields": (fields, "application/x-www-form-urlencoded", {}),
            "multipart": (multipart_of_size(LIMIT + 1), MULTIPART_CONTENT, {}),
            "JSON": (json_of_size(2 * MiB), "application/json", {}),
            "a lying length": (b"a=b", "application/x-www-form-urlencoded", {"CONTENT_LENGTH": str(50 * MiB)}),
        }
        for language, title in (("en", "Too much was sent"), ("mk", "Испратено е премногу")):
            for name, (data, content_type, extra) in cases.items():
                for debug in (False, True):
                    with self.subTest(language=language, case=name, debug=debug), self.settings(DEBUG=debug):
                        response = self.post(f"/{language}/report/", data, content_type, **extra)
                        self.assert_page(response, title, language)
        self.assertFalse(PendingReport.objects.exists())

    def test_the_report_pages_own_smaller_limit_still_answers_its_page(self):
        response = self.post("/sq/report/", b"description=" + b"x" * 40_000)
        self.assertEqual(response.status_code, 413)
        self.assertIn('id="leave-site"', response.content.decode())
