"""The API's convention, one place for every app's api.py: the error shape, its status codes, pagination.

Every refusal answers ``ErrorOut``: a translated ``detail`` and, for invalid input, ``errors`` by
field. Operations declare the refusals they can answer with ``errors(...)``:

    401  not signed in, or no valid token (every operation with authentication)
    403  signed in without the operation's permission, or a failed CSRF check (unsafe methods)
    404  the object named in the path does not exist or is not the caller's
    409  the object's state refuses the action
    413  the body is over the limit
    422  the input is not valid (schema, form, malformed JSON, hostile strings, paging past the end)

Lists page with django-ninja's limit/offset pagination (``paginated()``), answering
``{"items": [...], "count": n}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, get_type_hints

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.params.models import BodyModel, FileModel, FormModel
from ninja.parser import Parser

# Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE or with too many fields with these.
BODY_TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
TOO_LARGE = gettext_lazy("The request is too large.")
NOT_VALID = gettext_lazy("The request is not valid.")
UNREADABLE = gettext_lazy("The body could not be read.")
# A JSON integer beyond what a database column holds is refused before it reaches one.
MAX_INTEGER = 2**63 - 1


class ErrorOut(Schema):
    """Every refusal of every operation."""

    detail: str = Field(..., description="What went wrong, in the caller's language.")
    errors: dict[str, list[str]] = Field(
        {}, description="For invalid input: the messages for each field (e.g. body.urls, query.limit)."
    )


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The refusals an operation can answer, for its ``response=`` (``{200: ItemOut, **errors(401, 404)}``)."""
    return dict.fromkeys(sorted(codes), ErrorOut)


def error_body(detail: str, field_errors: dict[str, list[str]] | None = None) -> dict:
    return {"detail": str(detail), "errors": field_errors or {}}


def error_response(status: int, detail: str, field_errors: dict[str, list[str]] | None = None) -> HttpResponse:
    """An ErrorOut answer outside an operation (the body-limit middleware)."""
    return JsonResponse(error_body(detail, field_errors), status=status, content_type="application/json; charset=utf-8")


# --- Invalid input ------------------------------------------------------------------------------

# pydantic's messages are English: each kind of error gets a translated one.
_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("This text is too long."),
    "string_too_short": gettext_lazy("This text is too short."),
    "too_long": gettext_lazy("There are too many values."),
    "too_short": gettext_lazy("There are too few values."),
    "greater_than": gettext_lazy("This number is too small."),
    "greater_than_equal": gettext_lazy("This number is too small."),
    "less_than": gettext_lazy("This number is too large."),
    "less_than_equal": gettext_lazy("This number is too large."),
    "uuid_parsing": gettext_lazy("Enter a valid identifier."),
    "uuid_type": gettext_lazy("Enter a valid identifier."),
    "literal_error": gettext_lazy("Choose one of the allowed values."),
    "enum": gettext_lazy("Choose one of the allowed values."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
}
_OURS = "sicnet"  # the type of errors this module raises: their message is already translated


def invalid(field: str, message: str) -> ValidationError:
    """A refusal of one field, answered 422 like the schema's own (``raise invalid("query.offset", ...)``)."""
    return ValidationError([{"loc": tuple(field.split(".")), "msg": str(message), "type": _OURS}])


def field_errors(raw: Iterable[dict]) -> dict[str, list[str]]:
    """ninja's validation errors as ``{"body.urls.0": ["Enter a valid value."]}``, translated."""
    out: dict[str, list[str]] = {}
    for error in raw:
        loc = [str(part) for part in error.get("loc", ())]
        if error.get("type") != _OURS and len(loc) > 2 and loc[0] in ("body", "form", "file"):
            del loc[1]  # ninja names the body parameter itself (body.payload.urls): the client never sees it
        kind = error.get("type", "")
        message = error.get("msg", "") if kind == _OURS else _MESSAGES.get(kind, gettext_lazy("Enter a valid value."))
        out.setdefault(".".join(loc) or "body", []).append(str(message))
    return out


# --- Hostile input: refused before it reaches a form or the database -----------------------------


def _hostile(value: Any) -> bool:
    """NUL (PostgreSQL refuses it in text), a lone surrogate (not encodable in UTF-8), an integer too big."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > MAX_INTEGER
    if isinstance(value, dict):
        return any(_hostile(k) or _hostile(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_hostile(v) for v in value)
    return False


def _too_deep_or_hostile(value: Any) -> bool:
    try:
        return _hostile(value)
    except RecursionError:  # no schema of ours nests this deep
        return True


class SafeJsonParser(Parser):
    """The body as the guard already parsed and checked it (once per request)."""

    def parse_body(self, request: HttpRequest) -> Any:
        if hasattr(request, "_sicnet_json"):
            return request._sicnet_json
        return json.loads(request.body)


def _takes(operation, *kinds) -> bool:
    return any(issubclass(model, kinds) for model in operation.models)


def guard_input(run: Callable) -> Callable:
    """Refuse what would otherwise reach Django or the database as a 500: a body over the limit,
    malformed JSON, NUL bytes and lone surrogates in strings, integers beyond 64 bits."""
    operation = run.__self__

    @wraps(run)
    def guarded(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        api = operation.api
        try:
            if any(_hostile(v) for v in kwargs.values()):
                raise invalid("path", _("The request contains characters that are not allowed."))
            if _hostile(dict(request.GET.lists())):
                raise invalid("query", _("The request contains characters that are not allowed."))
            if _takes(operation, FormModel, FileModel) and _hostile(dict(request.POST.lists())):
                raise invalid("form", _("The request contains characters that are not allowed."))
            if _takes(operation, BodyModel) and not _takes(operation, FormModel, FileModel) and request.body:
                try:
                    request._sicnet_json = json.loads(request.body)
                except (ValueError, RecursionError):  # also a body that is not UTF-8, or nested too deep
                    raise invalid("body", _MESSAGES["json_invalid"]) from None
                if _too_deep_or_hostile(request._sicnet_json):
                    raise invalid("body", _("The request contains characters or numbers that are not allowed."))
        except BODY_TOO_LARGE:
            return api.create_response(request, error_body(TOO_LARGE), status=413)
        except ValidationError as exc:
            return api.on_exception(request, exc)
        return run(request, **kwargs)

    return guarded


# --- The answers to exceptions --------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Every refusal of ``api`` in the one shape; and the input guard on every operation."""
    api.parser = SafeJsonParser()
    api.add_decorator(guard_input, mode="view")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, error_body(_("Sign-in or a valid API token is required.")), status=401)

    @api.exception_handler(ValidationError)
    def not_valid(request, exc):
        return api.create_response(request, error_body(NOT_VALID, field_errors(exc.errors)), status=422)

    @api.exception_handler(HttpError)
    def refused(request, exc):
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        # Never Django's message ("No Item matches the given query."): "not yours" looks like "not there".
        return api.create_response(request, error_body(_("Not found.")), status=404)

    for exception in BODY_TOO_LARGE:
        api.add_exception_handler(
            exception, lambda request, exc: api.create_response(request, error_body(TOO_LARGE), status=413)
        )


# --- Pagination -------------------------------------------------------------------------------------


class LimitOffset(LimitOffsetPagination):
    """ninja's limit/offset, with bounds: ``limit`` from 1 to ``max_limit``, ``offset`` from 0 to the last row
    (past it: 422, so a client walking pages learns it went too far instead of reading an empty page)."""

    def __init__(self, *, default_limit: int = 50, max_limit: int = 200, **kwargs: Any) -> None:
        super().__init__(max_limit=max_limit, **kwargs)

        class Input(Schema):
            limit: int = Field(default_limit, ge=1, le=max_limit, description="Rows per page.")
            offset: int = Field(0, ge=0, le=MAX_INTEGER, description="Rows to skip; past the last row answers 422.")

        self.Input = Input

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params: Any) -> dict:
        count = self._items_count(queryset)
        if pagination.offset and pagination.offset >= count:
            raise invalid(
                "query.offset",
                _("The offset is past the last row."),
            )
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        return {self.items_attribute: queryset[offset : offset + limit], "count": count}


def paginated(*, default_limit: int = 50, max_limit: int = 200) -> Callable:
    """Page a list operation (``response=list[Out]``): ``@paginated(max_limit=500)`` under the route."""
    wrap = paginate(LimitOffset, default_limit=default_limit, max_limit=max_limit)

    def decorator(func: Callable) -> Callable:
        # ninja reads the wrapper's annotations in the wrapper's module: resolve them in the view's own
        # (with ``from __future__ import annotations`` they are strings such as "UUID").
        func.__annotations__ = get_type_hints(func, include_extras=True)
        return wrap(func)

    return decorator


class Mapped:
    """A queryset whose rows are turned into answers only once a page of them is read."""

    def __init__(self, queryset: QuerySet, convert: Callable[[Any], Any]) -> None:
        self.queryset, self.convert = queryset, convert

    def all(self) -> Mapped:
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list:
        return [self.convert(row) for row in self.queryset[window]]
