"""The hotline's permission codes and the roles that grant them."""

from core.permissions import Role, grant


class HotlinePerm:
    VIEW = "hotline.view"
    ASSESS = "hotline.assess"
    SUPERVISE = "hotline.supervise"


def register() -> None:
    grant(HotlinePerm.VIEW, Role.HOTLINE_ANALYST, Role.SUPERVISOR, Role.CENTRE_MANAGER, sensitive=True)
    grant(HotlinePerm.ASSESS, Role.HOTLINE_ANALYST, Role.SUPERVISOR)
    grant(HotlinePerm.SUPERVISE, Role.SUPERVISOR, Role.CENTRE_MANAGER)
