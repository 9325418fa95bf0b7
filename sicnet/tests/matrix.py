"""The project's own routes in the permission matrix: probes, the public shell, sign-in and the
user's security pages, the dashboard, the network's and the audit log's pages, the admin and the
API root. The vocabulary (``Expect``, outcomes) is core/tests/matrix.py; every app declares its own
routes in ``<app>/tests/matrix.py``.
"""

from __future__ import annotations

from accounts.actions import create_api_token
from core.tests.matrix import (
    AUDIT_READERS,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    UNAUTHORIZED,
    Expect,
    Shadowed,
    each,
    redirect_to,
)

# --- Objects the object routes point at (always Albania's) ----------------------------------------


def _al_analyst_token(t) -> dict:
    token, _plain = create_api_token(t.al_analyst, membership=t.al_analyst.memberships.get(), name="matrix", days=30)
    return {"token_id": token.pk}


def _al_centre(t) -> dict:
    return {"centre_id": t.al_centre.pk}


def _al_analyst_membership(t) -> dict:
    return {"centre_id": t.al_centre.pk, "membership_id": t.al_analyst.memberships.get().pk}


def _admin_params(t) -> dict:
    """Parameters of the admin's routes (each route takes the ones it names)."""
    from django.contrib.contenttypes.models import ContentType

    return {
        "object_id": t.al_analyst.pk,
        "id": t.al_analyst.pk,
        "content_type_id": ContentType.objects.get_for_model(type(t.al_analyst)).pk,
        "app_label": "accounts",
        "url": "no-such-page/",
    }


# --- The table ------------------------------------------------------------------------------------

PUBLIC = Expect(everyone=OK)

ROUTES: dict[str, Expect | tuple[Expect, ...] | Shadowed] = {
    # Probes and the public site
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    "root": Expect(everyone=redirect_to("public:home")),
    "public:home": PUBLIC,
    "public:help": PUBLIC,
    # The API's own documents (its operations are in API below)
    "api:openapi-json": PUBLIC,
    # Staff pages
    "core:dashboard": Expect(signed_in=OK, anonymous=LOGIN),  # the outsider: a page saying whom to ask
    "network:directory": Expect(signed_in=OK, anonymous=LOGIN, users={"outsider": FORBIDDEN}),
    "network:centres": Expect(signed_in=OK, anonymous=LOGIN),
    "network:members": Expect(
        signed_in=FORBIDDEN,
        anonymous=LOGIN,
        users={"al_manager": OK, "mk_manager": NOT_FOUND},
        methods=("GET", "POST"),
        object_kwargs=_al_centre,
    ),
    "network:revoke_membership": (
        Expect(everyone=NOT_ALLOWED, object_kwargs=_al_analyst_membership),
        Expect(
            signed_in=FORBIDDEN,
            anonymous=LOGIN,
            users={"al_manager": redirect_to("network:members"), "mk_manager": NOT_FOUND},
            methods=("POST",),
            object_kwargs=_al_analyst_membership,
        ),
    ),
    "audit:log": Expect(signed_in=FORBIDDEN, anonymous=LOGIN, users=each(OK, *AUDIT_READERS)),
    # Sign-in and the user's own security settings
    "accounts:login": Expect(signed_in=redirect_to("core:dashboard"), anonymous=OK, methods=("GET", "POST")),
    # Without a password step in progress both second-step pages send everyone back to sign-in.
    "accounts:mfa_verify": Expect(everyone=LOGIN, methods=("GET", "POST")),
    "accounts:mfa_enrol": Expect(everyone=LOGIN, methods=("GET", "POST")),
    "accounts:logout": (
        Expect(everyone=NOT_ALLOWED),
        Expect(everyone=redirect_to("accounts:login"), methods=("POST",)),
    ),
    "accounts:security": Expect(signed_in=OK, anonymous=LOGIN, methods=("GET", "POST")),
    "accounts:recovery_codes": Expect(signed_in=redirect_to("accounts:security"), anonymous=LOGIN),
    "accounts:regenerate_codes": (
        Expect(signed_in=NOT_ALLOWED, anonymous=LOGIN),
        Expect(signed_in=redirect_to("accounts:security"), anonymous=LOGIN, methods=("POST",)),
    ),
    "accounts:revoke_token": (
        Expect(signed_in=NOT_ALLOWED, anonymous=LOGIN, object_kwargs=_al_analyst_token),
        # A token is its owner's alone: colleagues of the same centre get 404 as well.
        Expect(
            signed_in=NOT_FOUND,
            anonymous=LOGIN,
            users={"al_analyst": redirect_to("accounts:security")},
            methods=("POST",),
            object_kwargs=_al_analyst_token,
        ),
    ),
    "accounts:password_change": Expect(signed_in=OK, anonymous=LOGIN, methods=("GET", "POST")),
    "accounts:set_language": (
        Expect(everyone=NOT_ALLOWED),
        Expect(everyone=redirect_to("root"), methods=("POST",)),
    ),
    "accounts:password_reset": Expect(everyone=OK, methods=("GET", "POST")),
    "accounts:password_reset_done": PUBLIC,
    # A made-up uid and token: the view answers its own "invalid link" page.
    "accounts:password_reset_confirm": Expect(
        everyone=OK, kwargs=lambda t: {"uidb64": "bm9ib2R5", "token": "not-a-valid-token"}
    ),
    "accounts:password_reset_complete": PUBLIC,
    # The admin's sign-out is ours (audited like every sign-out); Django's own is never reached.
    "<admin/logout/>": (
        Expect(everyone=NOT_ALLOWED),
        Expect(everyone=redirect_to("accounts:login"), methods=("POST",)),
    ),
    "admin:logout": Shadowed(by="<admin/logout/>"),
}

NAMESPACES: dict[str, Expect] = {
    # Platform administrators only (is_staff); none of the canonical users is one.
    "admin": Expect(everyone=LOGIN, kwargs=_admin_params),
}

API: dict[str, Expect] = {
    "GET /api/v1/": Expect(everyone=OK),
    "GET /api/v1/me": Expect(signed_in=OK, anonymous=UNAUTHORIZED),
}
