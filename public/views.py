"""The public site: open to anyone, anonymous, in every network language."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import translation

from network.queries import public_help_by_country


def root(request):
    """/ sends the visitor to the public home in their language (cookie or browser preference)."""
    language = translation.get_language_from_request(request, check_path=False)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return redirect(f"/{language}/")


def home(request):
    return render(request, "public/home.html")


def get_help(request):
    return render(request, "public/help.html", {"countries": public_help_by_country()})
