"""Template helpers shared by every app."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from core.registry import can_open

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current public page in each interface language, labelled in that language."""
    request = context["request"]
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == getattr(request, "LANGUAGE_CODE", ""),
            }
        )
    return links


@register.simple_tag
def local_language_name(code: str) -> str:
    return get_language_info(code)["name_local"]


@register.filter
def openable_by(url_name: str, user) -> bool:
    """``{% if "app:name"|openable_by:user %}``: whether the view behind the URL name lets ``user``
    in, read from its own permission check, so a page never links where its reader gets a 403."""
    return can_open(user, url_name)
