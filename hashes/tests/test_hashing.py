"""Hashing a file in memory: the right hashes, PDQ for images, and never a temporary file."""

import hashlib
import io
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse
from PIL import Image

from core.testing import SicnetTestCase
from hashes import hashing
from hashes.models import ListKind
from hashes.tests.helpers import make_entry, make_list


def png_bytes() -> bytes:
    image = Image.new("RGB", (64, 64))
    for x in range(64):
        for y in range(64):
            image.putpixel((x, y), (x * 4, y * 4, (x * y) % 256))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class HashBytesTests(SimpleTestCase):
    def test_exact_hashes(self):
        data = b"not an image"
        result = hashing.hash_bytes(data)
        self.assertEqual(result.md5, hashlib.md5(data).hexdigest())
        self.assertEqual(result.sha1, hashlib.sha1(data).hexdigest())
        self.assertEqual(result.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual((result.pdq, result.pdq_quality), ("", None))
        self.assertEqual([a for a, _v in result.values()], ["md5", "sha1", "sha256"])

    def test_image_gets_pdq_and_quality(self):
        if not hashing.pdq_available():  # pragma: no cover - pdqhash is in requirements.txt
            self.skipTest("pdqhash is not installed")
        result = hashing.hash_bytes(png_bytes())
        self.assertRegex(result.pdq, r"^[0-9a-f]{64}$")
        self.assertTrue(0 <= result.pdq_quality <= 100)

    def test_low_quality_pdq_is_not_used_for_matching(self):
        low = hashing.FileHashes(size=1, md5="a" * 32, sha1="b" * 40, sha256="c" * 64, pdq="d" * 64, pdq_quality=49)
        self.assertNotIn("pdq", [a for a, _v in low.values()])
        good = hashing.FileHashes(size=1, md5="a" * 32, sha1="b" * 40, sha256="c" * 64, pdq="d" * 64, pdq_quality=50)
        self.assertIn(("pdq", "d" * 64), good.values())


def _refuse(*args, **kwargs):
    raise AssertionError("a temporary file was about to be written")


class UploadTests(SicnetTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hash_list = make_list(cls.al_centre, "Own", kind=ListKind.OWN)

    def post_file(self, data: bytes, name: str = "file.bin"):
        upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
        return self.client.post(reverse("hashes:lookup"), {"hashes": "", "file": upload})

    # Django writes any upload over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file: make it tiny, so
    # the default handlers would surely have used one, and make every way to one fail.
    @override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10)
    def test_file_is_hashed_in_memory_and_never_written(self):
        data = b"\x00known material stand-in\xff" * 50_000  # ~1.2 MB
        entry = make_entry(self.hash_list, "sha256", hashlib.sha256(data).hexdigest(), "national")
        self.login_as(self.al_analyst)
        with (
            mock.patch("tempfile.NamedTemporaryFile", _refuse),
            mock.patch("tempfile.mkstemp", _refuse),
            mock.patch("tempfile.TemporaryFile", _refuse),
            mock.patch("django.core.files.temp.NamedTemporaryFile", _refuse),
            mock.patch("django.core.files.uploadedfile.TemporaryUploadedFile.__init__", _refuse),
        ):
            response = self.post_file(data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["file_hashes"].md5, hashlib.md5(data).hexdigest())
        self.assertEqual([m.entry for m in response.context["matches"]], [entry])
        self.assertContains(response, "The file was read in memory and discarded.")

    @override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10)
    def test_image_upload_is_matched_by_pdq_without_a_temporary_file(self):
        if not hashing.pdq_available():  # pragma: no cover
            self.skipTest("pdqhash is not installed")
        data = png_bytes()
        pdq = hashing.hash_bytes(data).pdq
        entry = make_entry(self.hash_list, "pdq", pdq, quality=100)
        self.login_as(self.al_analyst)
        with mock.patch("django.core.files.uploadedfile.TemporaryUploadedFile.__init__", _refuse):
            response = self.post_file(data, "image.png")
        self.assertEqual([(m.entry, m.distance) for m in response.context["matches"]], [(entry, 0)])

    def test_lookup_still_checks_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.al_analyst, backend="accounts.backends.EmailBackend")
        upload = SimpleUploadedFile("file.bin", b"data")
        self.assertEqual(client.post(reverse("hashes:lookup"), {"file": upload}).status_code, 403)

    def test_file_over_the_cap_is_refused(self):
        self.login_as(self.al_analyst)
        with mock.patch.object(hashing.CappedMemoryUploadHandler.__init__, "__defaults__", (None, 1000)):
            response = self.post_file(b"x" * 5000)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "The file is too large to be hashed here.", status_code=400)
        self.assertNotIn("file_hashes", response.context)
