"""State changes of the network: roles granted and revoked (each one audited)."""

from django.db import transaction

from accounts.actions import revoke_api_token
from audit.actions import record
from core.access import forget_memberships
from network.models import Centre, Membership


@transaction.atomic
def grant_role(user, *, centre: Centre, role: str, by) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, centre=centre, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
    elif not created:
        return membership
    record(
        "membership.granted",
        actor=by,
        centre_id=centre.pk,
        obj=membership,
        changes={"user": user.email, "role": role},
    )
    forget_memberships(user)
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, by) -> None:
    if not membership.is_active:
        return
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    # A revoked role also ends the tokens that acted through it (accounts owns tokens).
    for token in membership.api_tokens.filter(revoked_at__isnull=True):
        revoke_api_token(token, by=by)
    record(
        "membership.revoked",
        actor=by,
        centre_id=membership.centre_id,
        obj=membership,
        changes={"user": membership.user.email, "role": membership.role},
    )
    forget_memberships(membership.user)
