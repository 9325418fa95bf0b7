"""The REST API root: /api/v1/. Each app's api.py adds a router here."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from accounts.api_auth import staff
from api.me import router as me_router
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
    urls_namespace="api",
    docs_url=None,  # the interactive docs load scripts from a CDN: not here
    openapi_url="/openapi.json",
    auth=staff(),
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Sign-in or a valid API token is required.")}, status=401)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return api.create_response(request, {"detail": _("The request is not valid."), "errors": exc.errors}, status=422)


@api.exception_handler(ReferralError)
def _referral_refused(request, exc):
    """A refused referral step, wherever the API took it: its status and translated message."""
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


api.add_router("/", me_router)
api.add_router("/", hotline_router)
api.add_router("/", helpline_router)
api.add_router("/", nrm_router)
api.add_router("/", legal_router)
api.add_router("/", referrals_router)
api.add_router("/", hashes_router)


@api.get("/", auth=None, url_name="root", tags=["meta"])
def root(request):
    """The API's front door: where its description is."""
    return {"name": "SICNet API", "version": "1", "openapi": request.build_absolute_uri("/api/v1/openapi.json")}
