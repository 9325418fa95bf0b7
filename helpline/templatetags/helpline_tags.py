"""Template helpers of the helpline pages."""

from django import template

from helpline.queries import supervised_centre_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def supervises(context) -> bool:
    """Whether the signed-in user supervises a helpline (shows the dashboard link)."""
    return bool(supervised_centre_ids(context["request"].user))
