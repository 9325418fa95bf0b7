"""The helpline's menu entries."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation
from helpline.queries import supervised_centre_ids


def _supervises(user) -> bool:
    # The supervisor dashboard also needs the case data of the centre (a manager supervises but
    # does not read cases): the view refuses whoever has no supervised centre.
    return bool(supervised_centre_ids(user))


def register() -> None:
    register_navigation("helpline:contacts", _("Helpline"), order=20, section="helpline")
    register_navigation("helpline:supervisor", _("Supervision"), order=22, section="helpline", visible=_supervises)
    register_navigation("helpline:services", _("Services directory"), order=25, section="helpline")
