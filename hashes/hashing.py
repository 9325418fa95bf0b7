"""Hashing a file in memory: MD5, SHA-1, SHA-256 and, for images, PDQ. Nothing is written anywhere."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt

from core.csrf import CsrfViewMiddleware
from hashes.matching import usable_quality

try:  # PDQ needs pdqhash (and numpy); without it files still get their exact hashes.
    import numpy
    import pdqhash
    from PIL import Image
except ImportError:  # pragma: no cover - depends on the installation
    pdqhash = None

# An analyst's file is held in memory: cap it.
MAX_UPLOAD_BYTES = getattr(settings, "HASHES_MAX_UPLOAD_BYTES", 32 * 1024 * 1024)
# Refuse images that would decode to more than this many pixels (decompression bombs).
MAX_IMAGE_PIXELS = 40_000_000


@dataclass(frozen=True)
class FileHashes:
    """The hashes of one file; the only thing kept of it."""

    size: int
    md5: str
    sha1: str
    sha256: str
    pdq: str = ""
    pdq_quality: int | None = None

    @property
    def pdq_usable(self) -> bool:
        """A PDQ hash of quality under 50 (a flat or tiny image) is not used for matching."""
        return bool(self.pdq) and self.pdq_quality is not None and usable_quality(self.pdq_quality)

    def values(self) -> list[tuple[str, str]]:
        """The hashes to match: the exact ones, and PDQ when its quality is good enough."""
        found = [("md5", self.md5), ("sha1", self.sha1), ("sha256", self.sha256)]
        if self.pdq_usable:
            found.append(("pdq", self.pdq))
        return found

    def to_keep(self) -> list[tuple[str, str, int | None]]:
        """The hashes to store, (algorithm, value, PDQ quality): PDQ kept with its quality whatever
        it is (one under 50 is never used for matching)."""
        found = [("md5", self.md5, None), ("sha1", self.sha1, None), ("sha256", self.sha256, None)]
        if self.pdq:
            found.append(("pdq", self.pdq, self.pdq_quality))
        return found


_csrf_protect = decorator_from_middleware(CsrfViewMiddleware)


def memory_uploads(view: Callable) -> Callable:
    """For views that take a file to hash: the upload stays in memory only (capped), and the
    project's CSRF check runs once that handler is in place (the check reads request.POST, which
    would otherwise pick Django's default handlers, and those write large files to disk). The view
    gets the handler as ``upload_handler`` (``.too_large`` says the file was skipped)."""

    protected = _csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        handler = CappedMemoryUploadHandler(request)
        request.upload_handlers = [handler]
        return protected(request, *args, upload_handler=handler, **kwargs)

    return wrapped


def pdq_available() -> bool:
    return pdqhash is not None


def pdq_of_image(data: bytes) -> tuple[str, int] | None:
    """PDQ hash (64 hex digits, python-threatexchange's bit order) and quality, or None if not an image."""
    if pdqhash is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            pixels = numpy.asarray(image.convert("RGB"))
    except Exception:  # noqa: BLE001 - any undecodable file is simply "not an image"
        return None
    bits, quality = pdqhash.compute(pixels)
    value = int("".join(str(int(bit)) for bit in bits), 2)
    return f"{value:064x}", int(quality)


def hash_bytes(data: bytes) -> FileHashes:
    """Every hash of the file's bytes; the caller drops the bytes afterwards."""
    pdq = pdq_of_image(data)
    return FileHashes(
        size=len(data),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        sha1=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        pdq=pdq[0] if pdq else "",
        pdq_quality=pdq[1] if pdq else None,
    )


class CappedMemoryUploadHandler(FileUploadHandler):
    """Keeps an upload in memory only, whatever its size, and skips a file over the cap.

    Django's default handlers move a file over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file on
    disk; the view that hashes files uses this handler alone, so nothing ever reaches the disk.
    """

    def __init__(self, request=None, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False
        self.buffer: io.BytesIO | None = None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int):
        if self.buffer.tell() + len(raw_data) > self.max_bytes:
            self.too_large = True
            self.buffer = io.BytesIO()
            raise SkipFile
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
