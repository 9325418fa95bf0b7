"""The 403, 404 and 500 pages, in the shell of the page that failed.

A public page (its path starts with a language, or the site's root) answers in the public shell,
with the "leave this site quickly" button; a staff page in the staff shell. The 500 page is
rendered without a request context and without the database (either may be what failed), and if
even that fails, a fixed page in plain HTML still answers.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language_from_path
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

FALLBACK_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Server error · SICNet</title></head>'
    "<body><h1>Something went wrong on our side</h1><p>Please try again in a few minutes.</p></body></html>"
)


def is_public(request: HttpRequest) -> bool:
    path = request.path_info
    return path == "/" or get_language_from_path(path) is not None


def _shell(request: HttpRequest) -> str:
    return "public/errors" if is_public(request) else "errors"


@requires_csrf_token
def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, f"{_shell(request)}/403.html", status=403)


@requires_csrf_token
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, f"{_shell(request)}/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        # No request: no context processor runs, so no query and no session.
        html = loader.get_template(f"{_shell(request)}/500.html").render({})
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        logger.exception("The 500 page could not be rendered")
        html = FALLBACK_500
    return HttpResponse(html, status=500)
