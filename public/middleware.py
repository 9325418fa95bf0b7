"""A body over the limit answers 413, in the caller's terms, whatever its size and however it is sent.

Django refuses such a body only when something reads it (RequestDataTooBig, TooManyFieldsSent), and
then with its bare English "Bad Request" page, or a 500 from the API in DEBUG. This middleware, before
the CSRF check (the first reader), answers instead: the API's ErrorOut as JSON; elsewhere the public
shell's translated page (with the leave button), in the language of the URL.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import get_language_from_path

from core.api import BODY_TOO_LARGE, NOT_VALID, TOO_LARGE, UNREADABLE, error_response

API_PREFIX = "/api/"
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _content_length(request: HttpRequest) -> int:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0:
        # Not a length: Django's stream reads nothing then, but request.body would raise (a 500). No body.
        request.META["CONTENT_LENGTH"] = "0"
        return 0
    return length


class BodyLimitMiddleware:
    """413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``API_UPLOAD_MAX_BYTES`` for files sent to
    the API); staff pages that take files (hash lists, files to hash) keep their own limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = _content_length(request)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        is_api = request.path_info.startswith(API_PREFIX)
        is_public = get_language_from_path(request.path_info) is not None
        multipart = request.content_type == "multipart/form-data"
        if multipart and is_api:
            limit = settings.API_UPLOAD_MAX_BYTES
        elif multipart and not is_public:
            limit = None  # a staff upload page: its view judges the size
        else:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return self.too_large(request, is_api)
        if (is_api or is_public) and request.content_type in _FORMS:
            try:
                request.POST  # noqa: B018 - read here, so that Django's refusal becomes ours
            except BODY_TOO_LARGE:
                return self.too_large(request, is_api)
            except (MultiPartParserError, BadRequest):
                if not is_api:
                    raise  # a page's 400, as Django answers it
                return error_response(422, NOT_VALID, {"body": [str(UNREADABLE)]})
        return self.get_response(request)

    @staticmethod
    def too_large(request: HttpRequest, is_api: bool) -> HttpResponse:
        if is_api:
            return error_response(413, TOO_LARGE)
        return render(request, "public/errors/413.html", status=413)
