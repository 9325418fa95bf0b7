"""The helpline's permission codes and the roles that grant them."""

from core.permissions import Role, grant


class HelplinePerm:
    VIEW = "helpline.view"
    LOG = "helpline.log"
    SUPERVISE = "helpline.supervise"


def register() -> None:
    grant(HelplinePerm.VIEW, Role.HELPLINE_COUNSELLOR, Role.SUPERVISOR, Role.CENTRE_MANAGER, sensitive=True)
    grant(HelplinePerm.LOG, Role.HELPLINE_COUNSELLOR, Role.SUPERVISOR)
    grant(HelplinePerm.SUPERVISE, Role.SUPERVISOR, Role.CENTRE_MANAGER)
