"""GET /api/v1/me: who is calling and through which memberships."""

from ninja import Router, Schema

from core.access import memberships_of
from core.api import errors
from core.permissions import permissions_for_role

router = Router(tags=["me"])


class MembershipOut(Schema):
    id: str
    centre_id: str
    centre_code: str
    centre_name: str
    country: str
    role: str
    permissions: list[str]


class MeOut(Schema):
    id: str
    email: str
    full_name: str
    language: str
    memberships: list[MembershipOut]


@router.get("/me", response={200: MeOut, **errors(401)}, url_name="me")
def me(request):
    user = request.user
    return {
        "id": str(user.pk),
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "memberships": [
            {
                "id": str(m.pk),
                "centre_id": str(m.centre_id),
                "centre_code": m.centre.code,
                "centre_name": m.centre.name,
                "country": m.centre.country.code,
                "role": m.role,
                "permissions": sorted(permissions_for_role(m.role)),
            }
            for m in memberships_of(user)
        ],
    }
