"""The audit log's menu entry."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("audit:log", _("Audit log"), order=80, section="account")
