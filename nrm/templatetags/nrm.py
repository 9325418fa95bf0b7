"""Template filters of the nrm app: reading the heatmap's levels."""

from django import template

register = template.Library()


@register.filter
def get_level(levels: dict, number: int) -> int:
    return levels.get(number, 0)


@register.filter
def get_level_name(levels: dict, number: int) -> str:
    level = levels.get(number)
    return level.display_name if level else ""
