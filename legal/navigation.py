"""The legal matrix's menu entry."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("legal:matrix", _("Legal matrix"), order=55, section="policy")
