"""The hotline's menu entries; who sees them follows from the views' own permission checks."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("hotline:queue", _("Hotline"), order=10, section="hotline")
