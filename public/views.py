"""The public site: open to anyone, anonymous, in every network language."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import language_code_re, parse_accept_lang_header

from network.queries import public_help_by_country


def root(request):
    """/ sends the visitor to the public home in their language (cookie or browser preference)."""
    response = redirect(f"/{preferred_language(request)}/")
    # The target depends on these headers: a shared cache must not give one visitor's language to the next.
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def preferred_language(request) -> str:
    """The interface language for a visitor: the language cookie, then Accept-Language, then English.

    Unlike Django's own negotiation, languages without an interface translation use
    ``settings.LANGUAGE_FALLBACKS``: Montenegrin (``cnr``, or Serbian as written in Montenegro)
    gets Serbian Latin rather than English or Cyrillic.
    """
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie:
        language = _supported(cookie)
        if language:
            return language
    for tag, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if tag == "*":
            break
        language = _supported(tag)
        if language:
            return language
    return settings.LANGUAGE_CODE


def _supported(tag: str) -> str | None:
    tag = tag.strip().lower()
    if not tag or not language_code_re.search(tag):
        return None
    fallback = _fallback(tag)
    if fallback:
        return fallback
    try:
        return translation.get_supported_language_variant(tag).lower()
    except LookupError:
        return None


def _fallback(tag: str) -> str | None:
    fallbacks = getattr(settings, "LANGUAGE_FALLBACKS", {})
    language, *rest = tag.split("-")
    if language in fallbacks:
        return fallbacks[language]
    # Serbian from Montenegro (sr-ME, sr-Latn-ME) is written in Latin unless Cyrillic is asked for.
    if language == "sr" and "cyrl" not in rest:
        for subtag in rest:
            if subtag in fallbacks:
                return fallbacks[subtag]
    return None


def home(request):
    return render(request, "public/home.html")


def get_help(request):
    return render(request, "public/help.html", {"countries": public_help_by_country()})
