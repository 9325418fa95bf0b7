"""The national response model's menu entry."""

from django.utils.translation import gettext_lazy as _

from core.registry import register_navigation


def register() -> None:
    register_navigation("nrm:assessments", _("NRM assessments"), order=50, section="policy")
