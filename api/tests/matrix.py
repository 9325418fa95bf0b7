"""The API's own routes outside its operations, in the permission matrix."""

from core.tests.matrix import NOT_FOUND, Expect

ROUTES = {
    # Any path under /api/ that names no operation: a JSON 404 for everyone.
    "api_not_found": Expect(everyone=NOT_FOUND, kwargs=lambda t: {"rest": "nothing-here"}),
}
