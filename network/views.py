"""The directory of the network, the user's centres and a manager's members page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actions import invite_user
from audit.actions import record
from core.access import access_centre, access_object, memberships_of, permission_required
from core.permissions import Role
from network import actions, queries
from network.forms import GrantRoleForm
from network.models import Coverage, Membership
from network.permissions import NetworkPerm

# A centre manager grants the roles of their centre; the coordinator role is given by the platform.
MANAGER_GRANTABLE_ROLES = {
    Role.HOTLINE_ANALYST,
    Role.HELPLINE_COUNSELLOR,
    Role.SUPERVISOR,
    Role.CENTRE_MANAGER,
    Role.AUDITOR,
}


@permission_required(NetworkPerm.DIRECTORY)
def directory(request):
    context = {
        "centres": queries.directory_centres(),
        "coverage": Coverage.objects.select_related("country", "centre", "centre__country"),
    }
    return render(request, "network/directory.html", context)


@login_required
def my_centres(request):
    by_centre: dict = {}
    for membership in memberships_of(request.user):
        by_centre.setdefault(membership.centre, []).append(membership)
    return render(request, "network/my_centres.html", {"by_centre": by_centre})


@permission_required(NetworkPerm.MEMBERS_MANAGE)
def members(request, centre_id):
    centre = access_centre(request.user, centre_id, NetworkPerm.MEMBERS_MANAGE)
    # Bound on every POST, even an empty one, so that it answers with "required" errors.
    data = request.POST if request.method == "POST" else None
    form = GrantRoleForm(data, allowed_roles=MANAGER_GRANTABLE_ROLES)
    if request.method == "POST" and form.is_valid():
        # One transaction: an invitation is never queued for an account whose role was not granted.
        with transaction.atomic():
            user = _user_for_grant(request, form, centre)
            actions.grant_role(user, centre=centre, role=form.cleaned_data["role"], by=request.user)
        messages.success(request, _("The role is granted."))
        return redirect("network:members", centre_id=centre.pk)
    record("membership.list_viewed", actor=request.user, centre_id=centre.pk, obj=centre)
    context = {"centre": centre, "members": queries.members_of(centre), "form": form}
    return render(request, "network/members.html", context)


def _user_for_grant(request, form, centre):
    email = form.cleaned_data["email"].lower()
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        user = invite_user(
            email, full_name=form.cleaned_data["full_name"], by=request.user, centre_id=centre.pk, request=request
        )
        messages.info(request, _("A new account was created and an invitation sent to %(email)s.") % {"email": email})
    return user


@require_POST
@permission_required(NetworkPerm.MEMBERS_MANAGE)
def revoke_membership(request, centre_id, membership_id):
    centre = access_centre(request.user, centre_id, NetworkPerm.MEMBERS_MANAGE)
    membership = access_object(Membership.objects.filter(centre=centre).select_related("user"), pk=membership_id)
    if membership.user_id == request.user.pk and membership.role == Role.CENTRE_MANAGER:
        messages.error(request, _("You cannot remove your own manager role; ask another manager."))
    else:
        actions.revoke_role(membership, by=request.user)
        messages.success(request, _("The role is revoked."))
    return redirect("network:members", centre_id=centre.pk)
