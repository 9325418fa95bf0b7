from django import template

from core.access import has_perm
from core.permissions import Perm

register = template.Library()


@register.filter
def managed_by(centre, user) -> bool:
    return has_perm(user, Perm.MEMBERS_MANAGE, centre.pk)
