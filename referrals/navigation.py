"""The referrals' menu entries."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("referrals:incoming", _("Referrals"), order=30, section="referrals")
    register_navigation("referrals:network", _("Network referrals"), order=35, section="referrals")
