"""The REST API root: /api/v1/. Each app's api.py adds a router here; core.api sets the convention."""

from ninja import NinjaAPI, Schema

from accounts.api_auth import staff
from api.me import router as me_router
from core import api as convention
from hashes.api import router as hashes_router
from helpline.api import router as helpline_router
from hotline.api import router as hotline_router
from legal.api import router as legal_router
from nrm.api import router as nrm_router
from referrals.actions import ReferralError
from referrals.api import router as referrals_router

api = NinjaAPI(
    title="SICNet API",
    version="1",
    description=(
        "Every refusal answers `ErrorOut` (`detail`, and `errors` by field for invalid input): 401 without "
        "sign-in or a valid token, 403 without the permission (or a failed CSRF check), 404 for an object that "
        "is not there or not the caller's, 409 for a state that refuses the action, 413 for a body over the "
        "limit, 422 for input that is not valid. Lists answer `{items, count}` and take `limit` and `offset`; "
        "an offset past the last row answers 422."
    ),
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN: not here
    openapi_url="/openapi.json",
    auth=staff(),
)
convention.install(api)


@api.exception_handler(ReferralError)
def _referral_refused(request, exc):
    """A refused referral step, wherever the API took it: its status and translated message."""
    status = 422 if exc.status_code == 400 else exc.status_code  # bad input is 422, as everywhere
    return api.create_response(request, convention.error_body(exc.message), status=status)


api.add_router("/", me_router)
api.add_router("/", hotline_router)
api.add_router("/", helpline_router)
api.add_router("/", nrm_router)
api.add_router("/", legal_router)
api.add_router("/", referrals_router)
api.add_router("/", hashes_router)


class RootOut(Schema):
    name: str
    version: str
    openapi: str


@api.get("/", auth=None, response=RootOut, url_name="root", tags=["meta"])
def root(request):
    """The API's front door: where its description is."""
    return {"name": "SICNet API", "version": "1", "openapi": request.build_absolute_uri("/api/v1/openapi.json")}
