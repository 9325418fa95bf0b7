"""The network's menu entries."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("network:directory", _("Directory"), order=40, section="network")
    register_navigation("network:centres", _("My centres"), order=45, section="network")
