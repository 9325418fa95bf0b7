"""The helpline's menu entries."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("helpline:contacts", _("Helpline"), order=20, section="helpline")
    register_navigation("helpline:supervisor", _("Supervision"), order=22, section="helpline")
    register_navigation("helpline:services", _("Services directory"), order=25, section="helpline")
