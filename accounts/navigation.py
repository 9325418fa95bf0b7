"""The account's menu entry."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("accounts:security", _("Security"), order=90, section="account")
