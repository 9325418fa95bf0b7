"""The hash lists' menu entry."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("hashes:lists", _("Hash lists"), order=15, section="hotline")
