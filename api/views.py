"""What the API answers outside its operations."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from core.api import error_response


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """A path under /api/ that names no operation: the API's 404, in its shape (not an HTML page)."""
    return error_response(404, _("Not found."))
