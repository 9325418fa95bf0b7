from django import template

from core.access import has_perm
from network.permissions import NetworkPerm

register = template.Library()


@register.filter
def managed_by(centre, user) -> bool:
    """The user manages the centre's members."""
    return has_perm(user, NetworkPerm.MEMBERS_MANAGE, centre.pk)


@register.filter
def settings_managed_by(centre, user) -> bool:
    """The user manages the centre's settings (helpline retention, referral deadlines)."""
    return has_perm(user, NetworkPerm.CENTRE_MANAGE, centre.pk)
