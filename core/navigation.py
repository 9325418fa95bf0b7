"""The platform's own menu entry (every app registers its own from its ready())."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("core:dashboard", _("Dashboard"), order=0)
