"""Template helpers of the hotline: reported URLs as inert text, shares as percentages."""

from django import template

from hotline.urls_canonical import defang as defang_url

register = template.Library()


@register.filter
def defang(url: str) -> str:
    return defang_url(url or "")


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


@register.filter
def hours(value) -> str:
    return "—" if value is None else f"{value:g} h"
